# make-arm64.sh - the arm64 trees: crosvm's virtio PCI devices behind a pci-host-cam-generic
# bridge (AVF: GKI-based and microdroid layouts) and QEMU's arm64 virt machine with its 32
# virtio-mmio transports.
#
# Sourced by make-derived.sh (clone, put, fixture_note, kmsg_insert, kconfig_edit, module_unload,
# trim_modules, index_drop_module, cmdline_add, $FIX, ...). The crosvm trees start from
# qemu-arm64-6.1, a real arm64 capture: the `virtio-doctor snapshot` of tests/qemu scenario 41
# (Debian's arm64 6.1.0-57 kernel under QEMU virt; tests/fixtures-gen/capture-arm64 takes it),
# and change only what crosvm presents differently (platform-facts.md). The qemu-virt-* trees
# still start from the x86 capture qemu-6.1-vsock (see VIRT_COMMON).

ARM64="crosvm-gki crosvm-gki-unbound crosvm-gki-override-none crosvm-gki-bar-zeroed
crosvm-gki-bar-zeroed-nolog crosvm-gki-bar-probe-only crosvm-gki-no-common-cap
crosvm-gki-no-transport crosvm-microdroid crosvm-microdroid-nodriver
qemu-virt-arm64 qemu-virt-mmio-blacklisted qemu-virt-mmio-not-loaded qemu-virt-mmio-missing
qemu-virt-mmio-not-built qemu-virt-mmio-initcall-blacklisted qemu-virt-mmio-rejected"

ARM64_PY="$HERE/arm64.py"
HB=10000.pci                              # crosvm's pci-host-cam-generic node, CAM at 0x10000
QB=4010000000.pcie                        # QEMU virt's pci-host-ecam-generic node (the capture)
CP=sys/devices/platform/$HB/pci0000:00    # its root bus
VS=0000:00:08.0                           # the vsock function (virtio3) of the capture

# ---------------------------------------------------------------- crosvm

# The capture's kernel log has no timestamps (the bundle's kmsg.txt): insert lines as they are.
akmsg_insert() { # after|before ERE message...
    local where=$1 re=$2
    shift 2
    printf '%s\n' "$@" > kmsg.new
    awk -v where="$where" -v re="$re" '
        NR == FNR { m[++n] = $0; next }
        function emit(   i) { for (i = 1; i <= n; i++) print m[i]; done = 1 }
        !done && where == "before" && $0 ~ re { emit() }
        { print }
        !done && where == "after" && $0 ~ re { emit() }
        END { if (!done) exit 3 }' kmsg.new kmsg.txt > kmsg.tmp || die "kmsg anchor not found: $re"
    cat kmsg.tmp > kmsg.txt; rm -f kmsg.tmp kmsg.new
}

# One function as crosvm presents it: modern ID, revision 1, subsystem = device ID, per-type
# class, one 32-bit BAR0 of 0x8000 (common@0, ISR@0x1000, device@0x2000, notify@0x3000, MSI-X
# table@0x6000, PBA@0x7000). Its boot log lines say the same; crosvm turns memory decoding on
# at reset, so the kernel prints no 'enabling device' line.
crosvm_function() { # bdf virtio-type bar0
    local d="$CP/$1" id cls i b=${1//./\\.}
    id=$(printf '%04x' $(( 0x1040 + $2 )))
    python3 "$ARM64_PY" crosvm-config "$d/config" "$2" "$3" || die "crosvm-config $1"
    cls=$(od -An -tx1 -j 9 -N 3 "$d/config" | awk '{print $3 $2 $1}')
    put "$d/device" "0x$id\n"
    put "$d/subsystem_device" "0x$id\n"
    put "$d/revision" "0x01\n"
    put "$d/class" "0x$cls\n"
    put "$d/modalias" "pci:v00001AF4d0000${id^^}sv00001AF4sd0000${id^^}bc${cls:0:2}sc${cls:2:2}i00\n"
    put "$d/uevent" "DRIVER=virtio-pci\nPCI_CLASS=$(printf '%X' $((16#$cls)))\nPCI_ID=1AF4:${id^^}\nPCI_SUBSYS_ID=1AF4:${id^^}\nPCI_SLOT_NAME=$1\nMODALIAS=pci:v00001AF4d0000${id^^}sv00001AF4sd0000${id^^}bc${cls:0:2}sc${cls:2:2}i00\n"
    : > "$d/resource"
    printf '0x%016x 0x%016x 0x%016x\n' "$3" $(( $3 + 0x7fff )) 0x40200 >> "$d/resource"
    for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
        printf '0x%016x 0x%016x 0x%016x\n' 0 0 0 >> "$d/resource"
    done
    kmsg_drop "^(pci|virtio-pci) $b: (BAR [0-9]|enabling device)"
    sed -i "s/^pci $b: \[1af4:[0-9a-f]*\] type 00 class 0x[0-9a-f]*\$/pci $1: [1af4:$id] type 00 class 0x$cls/" kmsg.txt
    akmsg_insert after "^pci $b: \\[1af4:$id\\]" "pci $1: BAR 0 [mem $(printf '0x%08x-0x%08x' "$3" $(( $3 + 0x7fff )))]"
    akmsg_insert before '^Serial: 8250/16550 driver' \
        "pci $1: BAR 0 [mem $(printf '0x%08x-0x%08x' "$3" $(( $3 + 0x7fff )))]: assigned"
}

# A function without driver, as after unbind (virtio-pci's remove unregisters the child).
crosvm_unbind() { # bdf
    local d="$CP/$1" v n
    rm -f "$d/driver" sys/bus/pci/drivers/*/"$1"
    for v in "$d"/virtio[0-9]*; do
        [ -d "$v" ] || continue
        n=${v##*/}; rm -rf "$v" "sys/bus/virtio/devices/$n"; rm -f sys/bus/virtio/drivers/*/"$n"
    done
    printf '0\n' > "$d/enable"; rm -rf "$d/msi_irqs"
    drop_uevent_driver "$d/uevent"
}

CROSVM_COMMON="Built from qemu-arm64-6.1, a real arm64 capture (the virtio-doctor snapshot of tests/qemu scenario 41: Debian's arm64 6.1.0-57 kernel under QEMU virt, virtio_pci, virtio_mmio and the virtio drivers as modules), changed only where crosvm on arm64 differs (platform-facts.md). The PCI root bus sits under the platform device $HB (crosvm's pci-host-cam-generic node at 0x10000) instead of QEMU's $QB (pci-host-ecam-generic): sys/devices/platform/$QB moved there, every link rewritten, the bridge named so in the log (its ranges lines stay QEMU's). 00:00.0 is crosvm's host bridge 8086:1237 (devices/src/pci/pci_root.rs) instead of QEMU's 1b36:0008; QEMU's PCI 16550 at 00:07.0 (the test record port) and the 32 virtio-mmio transports with their rng and balloon are gone (crosvm has no virtio-mmio since 2024; virtio_mmio and virtio_balloon unloaded). The four virtio functions 00:03.0 rng, 00:04.0 net, 00:06.0 console, $VS vsock keep their addresses, drivers and virtio devices (virtio0-virtio3) and are as crosvm presents them: device 0x1040+type, revision 0x01, subsystem 1af4 and the device ID, class per type (net, vsock 0x028000; console 0x078000; rng 0x088000), one 32-bit non-prefetchable BAR0 of 0x8000 (resource flags 0x40200) instead of QEMU's BAR1 (MSI-X) and 64-bit BAR4, config space rewritten by arm64.py crosvm-config (common@0x0, ISR@0x1000, device@0x2000, notify@0x3000 multiplier 4, pci_cfg, MSI-X table@0x6000 PBA@0x7000, power management); their log lines say the same, without 'enabling device' (crosvm turns decoding on). GKI-based layout: virtio_pci and vmw_vsock_virtio_transport are modules (CONFIG_VIRTIO_PCI=m, CONFIG_VIRTIO_VSOCKETS=m), as in the capture."

# 00:00.0 as crosvm's PciRoot presents it: Intel 82441 (8086:1237), host bridge, revision 0,
# no subsystem
crosvm_host_bridge() {
    local d="$CP/0000:00:00.0"
    cfg_le32 "$d/config" 0 $(( 0x12378086 ))
    cfg_byte "$d/config" 8 0
    cfg_le32 "$d/config" $(( 0x2c )) 0
    put "$d/vendor" '0x8086\n'; put "$d/device" '0x1237\n'; put "$d/revision" '0x00\n'
    put "$d/subsystem_vendor" '0x0000\n'; put "$d/subsystem_device" '0x0000\n'
    [ -f "$d/modalias" ] && put "$d/modalias" 'pci:v00008086d00001237sv00000000sd00000000bc06sc00i00\n'
    sed -i 's/^pci 0000:00:00\.0: \[1b36:0008\]/pci 0000:00:00.0: [8086:1237]/' kmsg.txt
}

build_crosvm_gki() {
    local d n v t=0 b addr
    clone qemu-arm64-6.1 crosvm-gki
    rm -rf virtio-doctor                  # the bundle's own MANIFEST and META: not crosvm's
    # no virtio-mmio: the transports, their virtio devices and the driver's links
    for d in sys/devices/platform/*.virtio_mmio; do
        n=${d##*/}
        for v in "$d"/virtio[0-9]*; do
            [ -d "$v" ] || continue
            rm -f "sys/bus/virtio/devices/${v##*/}" sys/bus/virtio/drivers/*/"${v##*/}"
        done
        rm -rf "$d" "sys/bus/platform/devices/$n" "sys/bus/platform/drivers/virtio-mmio/$n"
    done
    module_unload virtio_mmio virtio_balloon
    # QEMU's PCI 16550 (the record port)
    rm -rf "sys/devices/platform/$QB/pci0000:00/0000:00:07.0" sys/bus/pci/devices/0000:00:07.0 \
        sys/bus/pci/drivers/serial/0000:00:07.0
    kmsg_drop '(^| )0000:00:07\.0[: ]'
    python3 "$ARM64_PY" relocate . "sys/devices/platform/$QB" "sys/devices/platform/$HB" || die relocate
    sed -i "s/^pci-host-generic $QB: /pci-host-generic $HB: /" kmsg.txt
    put "sys/devices/platform/$HB/uevent" 'DRIVER=pci-host-generic\nOF_NAME=pci\nOF_COMPATIBLE_0=pci-host-cam-generic\nMODALIAS=of:NpciT(null)Cpci-host-cam-generic\n'
    mkdir -p sys/bus/platform/devices sys/bus/platform/drivers/pci-host-generic
    ln -s "../../../devices/platform/$HB" "sys/bus/platform/devices/$HB"
    ln -s "../../../../devices/platform/$HB" "sys/bus/platform/drivers/pci-host-generic/$HB"
    ln -s ../../../bus/platform/drivers/pci-host-generic "sys/devices/platform/$HB/driver"
    crosvm_host_bridge
    for b in 03:4 04:1 06:3 08:19; do
        addr=$(( 0x10000000 + t * 0x8000 )); t=$((t + 1))
        crosvm_function "0000:00:${b%%:*}.0" "${b##*:}" "$addr"
    done
    fixture_note "$CROSVM_COMMON State: healthy, every device bound at both levels. Expected: scan types them right (rng, net, console, vsock); explain vsock: ok."
}

build_crosvm_gki_unbound() {
    clone crosvm-gki crosvm-gki-unbound
    crosvm_unbind $VS
    fixture_note "$CROSVM_COMMON State: the vsock function $VS has no driver (no driver link, no virtio3 child, enable 0, no msi_irqs/), driver_override (null), nothing in the log. Expected verdict: probe-rejected."
}

build_crosvm_gki_override_none() {
    clone crosvm-gki-unbound crosvm-gki-override-none
    printf 'none\n' > "$CP/$VS/driver_override"
    fixture_note "$CROSVM_COMMON State: the vsock function $VS is unbound and its driver_override is 'none'. Expected verdict: override-none."
}

# arm64 assigning mode: reset_resource() zeroed the BAR that found no room (platform-facts.md).
build_crosvm_gki_bar_zeroed() {
    clone crosvm-gki-unbound crosvm-gki-bar-zeroed
    local d="$CP/$VS"
    sed -i '1s/.*/0x0000000000000000 0x0000000000000000 0x0000000000000000/' "$d/resource"
    cfg_le32 "$d/config" 16 0
    kmsg_drop '^pci 0000:00:08\.0: BAR 0 \[mem 0x[0-9a-f-]*\]: assigned'
    akmsg_insert before '^Serial: 8250/16550 driver' \
        'pci 0000:00:08.0: BAR 0 [mem size 0x00008000]: can'"'"'t assign; no space' \
        'pci 0000:00:08.0: BAR 0 [mem size 0x00008000]: failed to assign'
    akmsg_insert before '^NET: Registered PF_VSOCK' \
        'virtio-pci 0000:00:08.0: virtio_pci: leaving for legacy driver'
    fixture_note "$CROSVM_COMMON State: BAR0 of the vsock function $VS found no room in the host bridge window (arm64, assigning mode, the default): the boot log says 'BAR 0 [mem size 0x00008000]: can't assign; no space' and ': failed to assign' (instead of ': assigned'); reset_resource() zeroed the resource (line 0 of resource reads 0 0 0; config space BAR0 reads 0) while every virtio capability still points at BAR0. At the probe pci_enable_device() had nothing to enable, vp_modern_probe() skipped the common capability (pci_resource_len 0), logged 'virtio_pci: leaving for legacy driver' and returned -ENODEV, which the driver core logs only at debug level. Expected verdict: probe-bar-unassigned naming the zeroed-resource mechanism, not probe-no-common-cap; no pci=realloc in the fix."
}

build_crosvm_gki_bar_zeroed_nolog() {
    clone crosvm-gki-bar-zeroed crosvm-gki-bar-zeroed-nolog
    rm -f kmsg.txt
    fixture_note "$CROSVM_COMMON State: as crosvm-gki-bar-zeroed (BAR0 of $VS zeroed by reset_resource(), capabilities intact) but without any kernel log (kmsg.txt removed: a guest where dmesg is not readable). Expected verdict: probe-bar-unassigned from the resource and the capabilities alone."
}

# probe-only (linux,pci-probe-only): the kernel claims, assigns nothing; the claim failed.
build_crosvm_gki_bar_probe_only() {
    clone crosvm-gki-unbound crosvm-gki-bar-probe-only
    local d="$CP/$VS"
    sed -i '1s/.*/0x0000000000000000 0x0000000000007fff 0x0000000020040200/' "$d/resource"
    cfg_le32 "$d/config" 16 0
    # probe-only assigns nothing: no ': assigned' line for any BAR
    kmsg_drop '^pci 0000:00:0[0-9a-f]\.0: BAR 0 \[mem 0x[0-9a-f-]*\]: assigned'
    sed -i 's/^pci 0000:00:08\.0: BAR 0 \[mem 0x[0-9a-f]*-0x[0-9a-f]*\]$/pci 0000:00:08.0: BAR 0 [mem 0x00000000-0x00007fff]/' kmsg.txt
    akmsg_insert before "^pci-host-generic $HB: host bridge " 'PCI: OF: PROBE_ONLY enabled'
    akmsg_insert after '^pci 0000:00:08\.0: BAR 0 \[mem 0x00000000-0x00007fff\]$' \
        'pci 0000:00:08.0: BAR 0 [mem 0x00000000-0x00007fff]: can'"'"'t claim; no compatible bridge window'
    akmsg_insert before '^NET: Registered PF_VSOCK' \
        'virtio-pci 0000:00:08.0: BAR 0 [mem size 0x00008000]: not assigned; can'"'"'t enable device' \
        'virtio-pci: probe of 0000:00:08.0 failed with error -22'
    fixture_note "$CROSVM_COMMON State: the device tree has linux,pci-probe-only ('PCI: OF: PROBE_ONLY enabled' in the log, no ': assigned' lines) and the VMM left BAR0 of $VS at 0: the kernel could not claim it ('BAR 0 [mem 0x00000000-0x00007fff]: can't claim; no compatible bridge window'), the resource keeps its size with IORESOURCE_UNSET (flags 0x20040200), and at the probe pci_enable_device() failed ('not assigned; can't enable device', 'probe of $VS failed with error -22'). Expected verdict: probe-bar-unassigned naming probe-only mode; the fix is the VMM's BAR programming or a boot without probe-only, never pci=realloc."
}

build_crosvm_gki_no_common_cap() {
    clone crosvm-gki-unbound crosvm-gki-no-common-cap
    cfg_byte "$CP/$VS/config" $(( 0x43 )) 9
    akmsg_insert before '^NET: Registered PF_VSOCK' \
        'virtio-pci 0000:00:08.0: virtio_pci: leaving for legacy driver'
    fixture_note "$CROSVM_COMMON State: in the config space of the vsock function $VS the common capability (at 0x40) has cfg_type 9 (vendor) instead of 1, so virtio-pci finds no common capability: 'leaving for legacy driver', -ENODEV, and the legacy path cannot take 0x1053. BAR0 is intact. Expected verdict: probe-no-common-cap."
}

build_crosvm_gki_no_transport() {
    clone crosvm-gki crosvm-gki-no-transport
    local v="$CP/$VS/virtio3"
    module_unload vmw_vsock_virtio_transport
    rm -f "$v/driver"
    printf '0x00000001\n' > "$v/status"
    zero_features "$v/features"
    drop_uevent_driver "$v/uevent"
    kmsg_drop '^NET: Registered PF_VSOCK'
    fixture_note "$CROSVM_COMMON State: a GKI-based guest where nothing loaded the vsock transport module: virtio-pci holds $VS and registered virtio3 (status 0x00000001, no driver link, features all 0), vmw_vsock_virtio_transport is on disk but not loaded (no sys/module entry, no virtio driver dir; vsock, which it would have pulled in, logged nothing). Expected verdict: virtio-driver-not-loaded."
}

# microdroid_defconfig: VIRTIO_PCI and VIRTIO_VSOCKETS built in, VIRTIO_MMIO off, no modules.
crosvm_microdroid_base() { # dst
    clone crosvm-gki "$1"
    local m
    rm -rf lib/modules
    kconfig_edit 's/^CONFIG_VIRTIO_PCI=m/CONFIG_VIRTIO_PCI=y/; s/^CONFIG_VIRTIO_VSOCKETS=m/CONFIG_VIRTIO_VSOCKETS=y/; s/^CONFIG_VIRTIO_MMIO=m/# CONFIG_VIRTIO_MMIO is not set/'
    for m in virtio_pci vmw_vsock_virtio_transport; do
        rm -rf "sys/module/$m/holders" "sys/module/$m/initstate" "sys/module/$m/refcnt" \
            "sys/module/$m/coresize" "sys/module/$m/initsize" "sys/module/$m/taint" \
            "sys/module/$m/sections" "sys/module/$m/notes" "sys/module/$m/srcversion"
        [ -f proc/modules ] || continue
        grep -v "^$m " proc/modules > proc/modules.tmp; cat proc/modules.tmp > proc/modules; rm -f proc/modules.tmp
    done
    rm -f sys/bus/pci/drivers/virtio-pci/module sys/bus/virtio/drivers/vmw_vsock_virtio_transport/module
}
MICRODROID="The microdroid layout (arch/arm64/configs/microdroid_defconfig): the kernel config says CONFIG_VIRTIO_PCI=y and CONFIG_VIRTIO_VSOCKETS=y (built in), CONFIG_VIRTIO_MMIO unset; there is no lib/modules; sys/module/virtio_pci and sys/module/vmw_vsock_virtio_transport lost initstate, refcnt, holders and sections (built-in code keeps only its parameters), and the drivers' module links are gone."

build_crosvm_microdroid() {
    crosvm_microdroid_base crosvm-microdroid
    fixture_note "$CROSVM_COMMON $MICRODROID State: healthy. Expected verdict for vsock: ok."
}

build_crosvm_microdroid_nodriver() {
    crosvm_microdroid_base crosvm-microdroid-nodriver
    local v="$CP/$VS/virtio3"
    rm -rf sys/bus/virtio/drivers/vmw_vsock_virtio_transport "$v/driver" \
        sys/module/vmw_vsock_virtio_transport/drivers
    printf '0x00000001\n' > "$v/status"
    zero_features "$v/features"
    drop_uevent_driver "$v/uevent"
    fixture_note "$CROSVM_COMMON $MICRODROID State: the built-in vsock transport did not register (no sys/bus/virtio/drivers/vmw_vsock_virtio_transport), virtio3 under $VS has no driver (status 0x00000001). Expected verdict: cannot-tell, and the fix must not say modprobe (the driver is built in)."
}

# ---------------------------------------------------------------- QEMU arm64 virt, virtio-mmio

VIRT_COMMON="Built from qemu-6.1-vsock (Debian 6.1.0-56, virtio drivers and virtio_mmio as modules, CONFIG_VIRTIO_MMIO=m): no arm64 capture exists. Modelled: QEMU's arm64 virt machine, whose device tree declares 32 virtio-mmio transports a000000.virtio_mmio ... a003e00.virtio_mmio (sys/devices/platform/ADDR.virtio_mmio, each with modalias 'of:Nvirtio_mmioT(null)Cvirtio,mmio', driver_override (null), uevent, a subsystem link, and a link in sys/bus/platform/devices). Devices fill them from the last one down: a003e00.virtio_mmio holds the only device, an rng (virtio0, bound to virtio_rng, status 0x0f, vendor 0x554d4551 'QEMU'); the other 31 are placeholders with device ID 0, which virtio_mmio_probe() answers with a silent -ENODEV (no driver link, no log line). The PCI functions of the capture are gone (sys/bus/pci, sys/devices/pci0000:00 removed) to keep the tree about the transports; virtio_mmio is loaded (sys/module/virtio_mmio, proc/modules, sys/bus/platform/drivers/virtio-mmio with bind, unbind, uevent and the a003e00.virtio_mmio link). kmsg.txt is the x86 capture's log."

build_qemu_virt_arm64() {
    clone qemu-6.1-vsock qemu-virt-arm64
    local i a d v n
    trim_modules
    for v in sys/bus/virtio/devices/virtio*; do n=${v##*/}; rm -f "$v" sys/bus/virtio/drivers/*/"$n"; done
    rm -rf sys/bus/pci sys/devices/pci0000:00
    rm -f sys/module/*/drivers/pci:*     # no PCI bus: no PCI driver is registered
    module_unload virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev
    mkdir -p sys/bus/platform/devices sys/bus/platform/drivers/virtio-mmio sys/module/virtio_mmio
    put sys/bus/platform/drivers_autoprobe '1\n'
    for f in bind unbind uevent; do put sys/bus/platform/drivers/virtio-mmio/$f ''; done
    ln -s ../../../../module/virtio_mmio sys/bus/platform/drivers/virtio-mmio/module
    put sys/module/virtio_mmio/initstate 'live\n'
    put sys/module/virtio_mmio/refcnt '0\n'
    printf 'virtio_mmio 20480 0 - Live 0xffff800001100000\n' >> proc/modules
    for i in $(seq 0 31); do
        a=$(printf '%x' $(( 0xa000000 + i * 0x200 )))
        d=sys/devices/platform/$a.virtio_mmio
        put "$d/modalias" 'of:Nvirtio_mmioT(null)Cvirtio,mmio\n'
        put "$d/driver_override" '(null)\n'
        put "$d/uevent" "OF_NAME=virtio_mmio\nOF_FULLNAME=/virtio_mmio@$a\nOF_COMPATIBLE_0=virtio,mmio\nOF_COMPATIBLE_N=1\nMODALIAS=of:Nvirtio_mmioT(null)Cvirtio,mmio\n"
        ln -s ../../../bus/platform "$d/subsystem"
        ln -s "../../../devices/platform/$a.virtio_mmio" "sys/bus/platform/devices/$a.virtio_mmio"
    done
    d=sys/devices/platform/a003e00.virtio_mmio
    ln -s ../../../bus/platform/drivers/virtio-mmio "$d/driver"
    put "$d/uevent" "DRIVER=virtio-mmio\n$(cat "$d/uevent")\n"
    ln -s ../../../../devices/platform/a003e00.virtio_mmio sys/bus/platform/drivers/virtio-mmio/a003e00.virtio_mmio
    v=$d/virtio0
    put "$v/device" '0x0004\n'; put "$v/vendor" '0x554d4551\n'; put "$v/status" '0x0000000f\n'
    put "$v/features" "$(printf '%032d' 0)10000000000000000000000000000000\n"
    put "$v/modalias" 'virtio:d00000004v554D4551\n'
    put "$v/uevent" 'DRIVER=virtio_rng\nMODALIAS=virtio:d00000004v554D4551\n'
    ln -s ../../../../bus/virtio/drivers/virtio_rng "$v/driver"
    ln -s ../../../../bus/virtio "$v/subsystem"
    ln -s ../../../devices/platform/a003e00.virtio_mmio/virtio0 sys/bus/virtio/devices/virtio0
    ln -s ../../../../devices/platform/a003e00.virtio_mmio/virtio0 sys/bus/virtio/drivers/virtio_rng/virtio0
    kmsg_drop '\] (virtio-pci|virtio_net|virtio_blk) '
    fixture_note "$VIRT_COMMON State: healthy. Expected: scan lists one device (the rng), scan -a lists the 31 empty slots as 'empty', check exits 0, explain a000000.virtio_mmio says mmio-empty."
}

# virtio_mmio not loaded: the 32 transports wait as one group
virt_no_mmio() { # dst
    clone qemu-virt-arm64 "$1"
    local v=sys/devices/platform/a003e00.virtio_mmio/virtio0
    rm -rf "$v" sys/bus/virtio/devices/virtio0 sys/bus/virtio/drivers/virtio_rng/virtio0
    rm -f sys/devices/platform/a003e00.virtio_mmio/driver
    drop_uevent_driver sys/devices/platform/a003e00.virtio_mmio/uevent
    module_unload virtio_mmio
    rm -rf sys/bus/platform/drivers/virtio-mmio
}
VIRT_NOMMIO="virtio-mmio is not registered: sys/bus/platform/drivers/virtio-mmio, sys/module/virtio_mmio and its proc/modules line are gone, none of the 32 transports has a driver, and the rng's virtio0 (and its bus and driver links) does not exist."

build_qemu_virt_mmio_blacklisted() {
    virt_no_mmio qemu-virt-mmio-blacklisted
    put etc/modprobe.d/blacklist-virtio-mmio.conf 'blacklist virtio_mmio\n'
    fixture_note "$VIRT_COMMON State: $VIRT_NOMMIO etc/modprobe.d/blacklist-virtio-mmio.conf says 'blacklist virtio_mmio', so loading by modalias (of:N...Cvirtio,mmio) skips it. Expected: one group row 'virtio-mmio', verdict mmio-driver-blacklisted saying 32 transports wait."
}

build_qemu_virt_mmio_not_loaded() {
    virt_no_mmio qemu-virt-mmio-not-loaded
    fixture_note "$VIRT_COMMON State: $VIRT_NOMMIO virtio_mmio.ko is installed (modules.dep.bin) and not blacklisted; nothing loaded it. Expected verdict for virtio-mmio: mmio-driver-not-loaded."
}

build_qemu_virt_mmio_missing() {
    virt_no_mmio qemu-virt-mmio-missing
    rm -rf lib/modules
    fixture_note "$VIRT_COMMON State: $VIRT_NOMMIO CONFIG_VIRTIO_MMIO=m but there is no lib/modules for the running kernel. Expected verdict for virtio-mmio: mmio-driver-missing."
}

build_qemu_virt_mmio_not_built() {
    virt_no_mmio qemu-virt-mmio-not-built
    kconfig_unset VIRTIO_MMIO
    kconfig_edit '/^# CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES is not set/d'
    index_drop_module virtio_mmio
    fixture_note "$VIRT_COMMON State: $VIRT_NOMMIO The kernel was built without virtio-mmio: '# CONFIG_VIRTIO_MMIO is not set' (the CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES line, which depends on it, is gone) and virtio_mmio was dropped from the module indexes by kmod-index.py. Expected verdict for virtio-mmio: mmio-driver-not-built."
}

build_qemu_virt_mmio_initcall_blacklisted() {
    virt_no_mmio qemu-virt-mmio-initcall-blacklisted
    cmdline_add initcall_blacklist=virtio_mmio_init
    fixture_note "$VIRT_COMMON State: $VIRT_NOMMIO proc/cmdline ends with initcall_blacklist=virtio_mmio_init (module_init(virtio_mmio_init) in drivers/virtio/virtio_mmio.c), so loading the module fails with EPERM. Expected verdict for virtio-mmio: mmio-driver-initcall-blacklisted."
}

build_qemu_virt_mmio_rejected() {
    clone qemu-virt-arm64 qemu-virt-mmio-rejected
    kmsg_insert after '\] Linux version ' 'virtio-mmio a000000.virtio_mmio: Wrong magic value 0x00000000!'
    fixture_note "$VIRT_COMMON State: healthy except that the log says virtio-mmio rejected a000000.virtio_mmio ('Wrong magic value 0x00000000!': nothing virtio answers at that address, a wrong device tree). That transport is therefore not an empty slot. Expected verdict for a000000.virtio_mmio: mmio-unbound; the other 30 stay empty."
}

build_arm64() {
    local n
    [ -d "$FIX/qemu-arm64-6.1/sys" ] || die "no arm64 capture $FIX/qemu-arm64-6.1: run tests/fixtures-gen/capture-arm64"
    for n in $ARM64; do
        "build_${n//-/_}"
        cd "$FIX"
    done
}
