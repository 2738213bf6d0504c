#!/usr/bin/env bash
# make-derived.sh - build the derived (broken-state) sysroot fixtures for virtio-doctor.
#
# Usage:  tests/fixtures-gen/make-derived.sh            # rebuild every derived fixture + verify
#         tests/fixtures-gen/make-derived.sh --unpack   # also re-unpack the three plain captures
#         tests/fixtures-gen/make-derived.sh --verify   # only run the checks / summary
#         tests/fixtures-gen/make-derived.sh --verdicts # rebuild only the v-* trees (make-verdicts.sh) + verify
#         tests/fixtures-gen/make-derived.sh --arm64    # rebuild only the arm64 trees (make-arm64.sh) + verify
#
# Idempotent: every output directory is deleted and recreated.  Only files under
# tests/fixtures/ are written.  NEVER point any of this at the real /sys.
#
# Plain trees (sources, unpacked from $CAPTURES/*.tar.gz):
#   firecracker-6.18  qemu-6.1-mixed  qemu-6.1-vsock
# Every derived tree changes only what the kernel itself would change for the state it models;
# see the FIXTURE file in each one.  The v-* trees (one per `explain` verdict) are built by
# make-verdicts.sh, sourced below; their expected verdicts are in tests/explain-cases.txt.
set -eu
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
FIX=$(cd "$HERE/../fixtures" 2>/dev/null && pwd || { mkdir -p "$HERE/../fixtures"; cd "$HERE/../fixtures" && pwd; })
CAPTURES=${CAPTURES:-/work/shared/fixtures}

case "$FIX" in /sys|/sys/*) echo "refusing to work under /sys" >&2; exit 1;; esac

DERIVED="fc-vsock-unbound fc-vsock-override-none fc-vsock-foreign fc-vsock-nodriver fc-vsock-failed
fc-no-virtio-pci-driver mmio-6.18 broken-attrs symlink-loop no-pci-bus qemu-6.1-mixed-nonroot"

P=sys/devices/pci0000:00          # PCI root in every capture

die() { echo "make-derived: $*" >&2; exit 1; }

# ---------------------------------------------------------------- plain trees
unpack_one() { # archive-name fixture-name
    local t="$FIX/$2"
    rm -rf "$t"; mkdir -p "$t"
    tar -xzf "$CAPTURES/$1.tar.gz" -C "$t" --no-same-owner
    # git cannot store empty directories.  The captures contain some (kernel dirs whose
    # contents were not captured, e.g. sys/module/<builtin>/, virtio1/block/vda, net/eth0,
    # and one genuinely empty msi_irqs/).  Keep them with a placeholder: sysfs never has
    # names starting with '.', so readers must skip dot entries anyway.
    find "$t" -type d -empty -exec touch {}/.keep \;
}
if [ "${1:-}" = "--unpack" ]; then
    unpack_one firecracker-6.18-guest firecracker-6.18
    unpack_one qemu-6.1-mixed qemu-6.1-mixed
    unpack_one qemu-6.1-vsock qemu-6.1-vsock
fi
for s in firecracker-6.18 qemu-6.1-mixed qemu-6.1-vsock; do
    [ -d "$FIX/$s/sys" ] || die "plain tree $FIX/$s missing: run with --unpack"
done

# ---------------------------------------------------------------- helpers
clone() { # src dst
    rm -rf "${FIX:?}/$2"
    cp -a "$FIX/$1" "$FIX/$2"
    cd "$FIX/$2"
}
fixture_note() { # text (one paragraph); called last in every build_*
    printf '%s\n' "$1" | fold -s -w 100 | sed 's/ *$//' > FIXTURE
    # a directory the kernel leaves empty (e.g. sys/bus/virtio/devices with no device) would be
    # dropped by git: keep it with the same '.keep' placeholder as the plain trees
    find . -type d -empty -exec touch {}/.keep \;
}
put() { # file content-with-escapes (printf %b semantics, no trailing newline added)
    mkdir -p "$(dirname "$1")"; rm -f "$1"; printf '%b' "$2" > "$1"
}
drop_uevent_driver() { # uevent file: the kernel only emits DRIVER= while bound
    [ -f "$1" ] || return 0
    grep -v '^DRIVER=' "$1" > "$1.tmp" || true
    cat "$1.tmp" > "$1"; rm -f "$1.tmp"
}
# Remove the virtio children of a PCI function, with their bus and driver links.
drop_virtio_children() { # pci-dev-dir
    local v n
    for v in "$1"/virtio*; do
        [ -d "$v" ] || continue
        n=${v##*/}
        rm -rf "$v"
        rm -f "sys/bus/virtio/devices/$n"
        rm -f sys/bus/virtio/drivers/*/"$n"
    done
}
# What device_release_driver() leaves behind for a PCI function: no driver link, no link in
# the driver dir, virtio-pci's remove() unregistered the virtio child, pci_disable_device()
# dropped enable to 0, MSI-X vectors freed (msi_irqs/ gone), uevent lost its DRIVER= line.
pci_unbind() { # bdf
    local d="$P/$1"
    rm -f "$d/driver" sys/bus/pci/drivers/*/"$1"
    drop_virtio_children "$d"
    printf '0\n' > "$d/enable"
    rm -rf "$d/msi_irqs"
    drop_uevent_driver "$d/uevent"
}

# the v-* trees: VERDICTS, build_verdicts, check_verdicts
. "$HERE/make-verdicts.sh"
# the arm64 trees (crosvm, QEMU virt with virtio-mmio): ARM64, build_arm64
. "$HERE/make-arm64.sh"

# ---------------------------------------------------------------- derived fixtures
build_fc_vsock_unbound() {
    clone firecracker-6.18 fc-vsock-unbound
    pci_unbind 0000:00:04.0
    fixture_note "Derived from firecracker-6.18. The vsock function 0000:00:04.0 (1af4:1053) has no driver, as after 'echo 0000:00:04.0 > /sys/bus/pci/drivers/virtio-pci/unbind' (or a probe that never ran): the device's driver link and the 0000:00:04.0 link in sys/bus/pci/drivers/virtio-pci are gone; the virtio3 child (and sys/bus/virtio/devices/virtio3 and sys/bus/virtio/drivers/vmw_vsock_virtio_transport/virtio3) is gone because virtio-pci's remove unregisters it; enable is 0; msi_irqs/ is gone (vectors freed); uevent lost its DRIVER= line. driver_override stays (null). The vmw_vsock_virtio_transport driver dir stays (built in). kmsg.txt is the unchanged healthy boot log. Expected diagnosis: virtio vsock PCI function present but not bound to virtio-pci although virtio-pci exists and nothing overrides it."
}

build_fc_vsock_override_none() {
    clone firecracker-6.18 fc-vsock-override-none
    pci_unbind 0000:00:04.0
    printf 'none\n' > "$P/0000:00:04.0/driver_override"
    fixture_note "Derived from firecracker-6.18, same as fc-vsock-unbound (0000:00:04.0 vsock 1af4:1053 without driver: no driver link, no virtio3 child or virtio bus links, no link in virtio-pci's dir, enable 0, no msi_irqs/, no DRIVER= in uevent) plus driver_override = 'none', i.e. someone opted the device out of driver binding (writing the address to virtio-pci/bind answers ENODEV until the override is cleared with a newline). kmsg.txt unchanged. Expected diagnosis: unbound because driver_override=none; fix is to clear the override, then bind."
}

build_fc_vsock_foreign() {
    clone firecracker-6.18 fc-vsock-foreign
    pci_unbind 0000:00:04.0
    local dd=sys/bus/pci/drivers/vfio-pci f
    mkdir -p "$dd"
    for f in bind unbind new_id remove_id uevent; do : > "$dd/$f"; chmod 0200 "$dd/$f"; done
    ln -s ../../../../devices/pci0000:00/0000:00:04.0 "$dd/0000:00:04.0"
    ln -s ../../../bus/pci/drivers/vfio-pci "$P/0000:00:04.0/driver"
    printf 'vfio-pci\n' > "$P/0000:00:04.0/driver_override"
    # uevent of a bound PCI device starts with DRIVER=<name>
    { printf 'DRIVER=vfio-pci\n'; cat "$P/0000:00:04.0/uevent"; } > uevent.tmp
    cat uevent.tmp > "$P/0000:00:04.0/uevent"; rm -f uevent.tmp
    fixture_note "Derived from firecracker-6.18. The vsock function 0000:00:04.0 (1af4:1053) is held by a foreign driver, vfio-pci (as after unbind from virtio-pci, driver_override=vfio-pci, bind to vfio-pci): the device's driver link points to ../../../bus/pci/drivers/vfio-pci, sys/bus/pci/drivers/vfio-pci/ exists with bind unbind new_id remove_id uevent and a 0000:00:04.0 link; the virtio3 child and its sys/bus/virtio links are gone; virtio-pci's 0000:00:04.0 link is gone; uevent says DRIVER=vfio-pci; enable is 0 (vfio-pci enables the device only when userspace opens it) and msi_irqs/ is gone. driver_override = vfio-pci. Note: the captured 6.18 kernel has CONFIG_VFIO unset (proc/config.gz not edited); this models the same guest with vfio-pci available. kmsg.txt unchanged. Expected diagnosis: bound to another driver (vfio-pci), not virtio-pci."
}

build_fc_vsock_nodriver() {
    clone firecracker-6.18 fc-vsock-nodriver
    local v="$P/0000:00:04.0/virtio3" len
    rm -f "$v/driver"
    rm -rf sys/bus/virtio/drivers/vmw_vsock_virtio_transport
    printf '0x00000001\n' > "$v/status"
    len=$(tr -d '\n' < "$v/features" | wc -c)
    { head -c "$len" /dev/zero | tr '\0' 0; printf '\n'; } > "$v/features"
    drop_uevent_driver "$v/uevent"
    fixture_note "Derived from firecracker-6.18. 0000:00:04.0 (vsock 1af4:1053) is bound to virtio-pci and its virtio3 child exists, but no virtio-level driver for device type 0x0013 is registered (module not loaded / not built): the whole sys/bus/virtio/drivers/vmw_vsock_virtio_transport directory is gone, virtio3 has no driver link, its uevent has no DRIVER= line, status is 0x00000001 (ACKNOWLEDGE only, set by register_virtio_device) and features is all zeros (nothing negotiated; length kept at 128 characters as on 6.18). sys/module/vmw_vsock_virtio_transport and sys/module/vsock are left as captured, and kmsg.txt is unchanged. Expected diagnosis: transport fine, virtio driver vmw_vsock_virtio_transport missing (load the module)."
}

build_fc_vsock_failed() {
    clone firecracker-6.18 fc-vsock-failed
    local v="$P/0000:00:04.0/virtio3"
    rm -f "$v/driver" sys/bus/virtio/drivers/vmw_vsock_virtio_transport/virtio3
    printf '0x0000008b\n' > "$v/status"
    drop_uevent_driver "$v/uevent"
    fixture_note "Derived from firecracker-6.18. 0000:00:04.0 (vsock 1af4:1053) is bound to virtio-pci and virtio3 exists, but the vmw_vsock_virtio_transport probe failed: virtio3 has no driver link, the virtio3 link under sys/bus/virtio/drivers/vmw_vsock_virtio_transport is gone (the driver dir itself stays, the driver is registered), uevent lost DRIVER=, and status is 0x0000008b = ACKNOWLEDGE|DRIVER|FEATURES_OK|FAILED, what virtio_dev_probe() leaves after the driver's probe returned an error. features keeps the negotiated bits (they were finalized before the probe). kmsg.txt is unchanged (a real kernel would also log 'probe with driver vmw_vsock_virtio_transport failed with error N'). Expected diagnosis: virtio driver probe failed (status has FAILED)."
}

build_fc_no_virtio_pci_driver() {
    clone firecracker-6.18 fc-no-virtio-pci-driver
    local b
    for b in 0000:00:01.0 0000:00:02.0 0000:00:03.0 0000:00:04.0 0000:00:05.0; do pci_unbind "$b"; done
    rm -rf sys/bus/pci/drivers/virtio-pci
    fixture_note "Derived from firecracker-6.18. The virtio-pci driver is not registered (e.g. initcall_blacklist=virtio_pci_driver_init, or virtio_pci.ko not loaded): sys/bus/pci/drivers/virtio-pci does not exist, and all five virtio functions 00:01.0-00:05.0 are unbound (no driver links, no virtioN children, no sys/bus/virtio/devices/* links, no device links in the virtio driver dirs, enable 0, no msi_irqs/, no DRIVER= in uevent). The host bridge 00:00.0 is unchanged (it never had a driver). The virtio-level driver dirs and sys/module/virtio_pci (version attribute of a built-in module) stay, as they would with the initcall blacklisted; kmsg.txt unchanged. Expected diagnosis: virtio-pci driver absent; every virtio function unbound."
}

build_mmio() {
    clone firecracker-6.18 mmio-6.18
    local src=$FIX/firecracker-6.18 C=sys/devices/virtio-mmio-cmdline
    local i=0 bdf old new drv type typ8 addr irq pd
    rm -rf sys/bus/pci "$P"
    rm -f sys/bus/virtio/devices/*
    rm -f sys/bus/virtio/drivers/*/virtio[0-9]*
    rm -rf sys/module/virtio_pci sys/module/virtio_pci_modern_dev sys/module/pcie_aspm
    # sysfs skeleton of the platform bus
    put sys/devices/platform/uevent ''
    put $C/uevent ''
    put sys/bus/platform/uevent ''
    put sys/bus/platform/drivers_autoprobe '1\n'
    put sys/bus/platform/drivers_probe ''
    mkdir -p sys/bus/platform/devices sys/bus/platform/drivers/virtio-mmio
    for f in bind unbind uevent; do put sys/bus/platform/drivers/virtio-mmio/$f ''; done
    chmod 0200 sys/bus/platform/drivers_probe sys/bus/platform/drivers/virtio-mmio/*
    # block, net, vsock, rng (PCI virtio1..4) become virtio-mmio.0..3 / virtio0..3.
    # Firecracker's MMIO transport reports VENDOR_ID 0 (src/vmm/src/devices/virtio/transport/mmio.rs),
    # so vendor/modalias carry v00000000, not 1af4 as on virtio-pci.
    for bdf in 0000:00:02.0 0000:00:03.0 0000:00:04.0 0000:00:05.0; do
        old=$(basename "$(ls -d "$src/$P/$bdf"/virtio[0-9]*)")
        new=virtio$i
        drv=$(basename "$(readlink "$src/$P/$bdf/$old/driver")")
        pd=$C/virtio-mmio.$i
        mkdir -p "$pd"
        put "$pd/driver_override" '(null)\n'
        put "$pd/modalias" 'platform:virtio-mmio\n'
        put "$pd/uevent" 'DRIVER=virtio-mmio\nMODALIAS=platform:virtio-mmio\n'
        ln -s ../../../bus/platform/drivers/virtio-mmio "$pd/driver"
        ln -s ../../../bus/platform "$pd/subsystem"
        cp -a "$src/$P/$bdf/$old" "$pd/$new"
        rm -f "$pd/$new/driver" "$pd/$new/subsystem"
        ln -s "../../../../bus/virtio/drivers/$drv" "$pd/$new/driver"
        ln -s ../../../../bus/virtio "$pd/$new/subsystem"
        type=$(cat "$pd/$new/device")                     # 0x0002 ...
        typ8=$(printf '%08X' "$((type))")
        put "$pd/$new/vendor" '0x0000\n'
        put "$pd/$new/modalias" "virtio:d${typ8}v00000000\n"
        put "$pd/$new/uevent" "DRIVER=$drv\nMODALIAS=virtio:d${typ8}v00000000\n"
        ln -s "../../../devices/virtio-mmio-cmdline/virtio-mmio.$i" "sys/bus/platform/devices/virtio-mmio.$i"
        ln -s "../../../../devices/virtio-mmio-cmdline/virtio-mmio.$i" "sys/bus/platform/drivers/virtio-mmio/virtio-mmio.$i"
        ln -s "../../../devices/virtio-mmio-cmdline/virtio-mmio.$i/$new" "sys/bus/virtio/devices/$new"
        ln -s "../../../../devices/virtio-mmio-cmdline/virtio-mmio.$i/$new" "sys/bus/virtio/drivers/$drv/$new"
        addr=$(printf '0x%x' $((0xd0000000 + i * 0x1000))); irq=$((5 + i))
        MMIO_CMDLINE="${MMIO_CMDLINE:-} virtio_mmio.device=4K@$addr:$irq"
        i=$((i + 1))
    done
    # an unbound DT-style transport: no driver link, no virtio child
    pd=sys/devices/platform/a000000.virtio_mmio
    put "$pd/driver_override" '(null)\n'
    put "$pd/modalias" 'of:Nvirtio_mmioT(null)Cvirtio,mmio\n'
    put "$pd/uevent" 'OF_NAME=virtio_mmio\nOF_FULLNAME=/virtio_mmio@a000000\nOF_COMPATIBLE_0=virtio,mmio\nOF_COMPATIBLE_N=1\nMODALIAS=of:Nvirtio_mmioT(null)Cvirtio,mmio\n'
    ln -s ../../../bus/platform "$pd/subsystem"
    ln -s ../../../devices/platform/a000000.virtio_mmio sys/bus/platform/devices/a000000.virtio_mmio
    # what the kernel of such a guest reports elsewhere
    printf '%s%s\n' "$(tr -d '\n' < proc/cmdline)" "$MMIO_CMDLINE" > proc/cmdline
    zcat "$src/proc/config.gz" | sed \
        -e 's/^CONFIG_PCI=y$/# CONFIG_PCI is not set/' \
        -e 's/^CONFIG_VIRTIO_PCI=y$/# CONFIG_VIRTIO_PCI is not set/' \
        -e 's/^# CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES is not set$/CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y/' \
        | gzip -9n > proc/config.gz
    grep -iv 'pci' "$src/kmsg.txt" | sed 's/virtio_blk virtio1:/virtio_blk virtio0:/' > kmsg.txt
    unset MMIO_CMDLINE
    fixture_note "Derived from firecracker-6.18: the same guest on Firecracker's default virtio-mmio transport, kernel without PCI. There is no sys/bus/pci and no sys/devices/pci0000:00; sys/module/virtio_pci, virtio_pci_modern_dev and pcie_aspm are gone. The block, net, vsock and rng devices (virtio1..4 on PCI) are virtio_mmio.device= command-line devices: the kernel names them virtio-mmio.0..3 and registers them under the parent device 'virtio-mmio-cmdline' (drivers/virtio/virtio_mmio.c vm_cmdline_parent), so they live in sys/devices/virtio-mmio-cmdline/virtio-mmio.N (not in sys/devices/platform; find them through sys/bus/platform/devices). Each has driver -> ../../../bus/platform/drivers/virtio-mmio, subsystem -> ../../../bus/platform, driver_override (null), modalias platform:virtio-mmio, uevent, and a child virtioN (N = 0 block, 1 net, 2 vsock, 3 rng) with the captured device/status/features files, driver/subsystem links re-pointed at depth 4, and vendor 0x0000 / modalias virtio:d000000XXv00000000 because Firecracker's MMIO transport reports VENDOR_ID 0. The balloon is dropped. sys/bus/platform has devices/ and drivers/virtio-mmio/ (bind unbind uevent + device links); sys/bus/virtio/devices/virtioN point into the mmio devices. Also one DT-style transport sys/devices/platform/a000000.virtio_mmio with no driver link and no virtio child (unbound), linked from sys/bus/platform/devices. proc/cmdline gets the four virtio_mmio.device=4K@0xd000N000:IRQ entries, proc/config.gz has CONFIG_PCI, CONFIG_VIRTIO_PCI unset and CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y, and kmsg.txt drops the PCI lines (virtio_blk now logs as virtio0). Expected diagnosis: four healthy virtio-mmio devices (status 0x0000000f) and one unbound virtio-mmio transport without a virtio device."
}

build_broken_attrs() {
    clone firecracker-6.18 broken-attrs
    rm -f "$P/0000:00:01.0/vendor"
    # 40 fixed "random-looking" bytes (reproducible)
    printf '\217\003\377\000\036\246\351\142\013\300\177\021\334\000\245\270\037\316\004\223\376\012\000\331\141\210\067\375\002\264\000\253\314\016\360\225\047\000\212\373' > "$P/0000:00:02.0/device"
    head -c 8192 /dev/zero | tr '\0' A > "$P/0000:00:03.0/subsystem_device"
    : > "$P/0000:00:05.0/virtio4/status"
    rm -f "$P/0000:00:05.0/driver"
    ln -s ../../../bus/pci/drivers/nonexistent "$P/0000:00:05.0/driver"
    fixture_note "Derived from firecracker-6.18 to exercise defensive parsing; these states do not come from a real kernel. 00:01.0 (balloon): vendor file deleted. 00:02.0 (block): device file holds 40 fixed binary bytes (with NULs and newlines). 00:03.0 (net): subsystem_device is 8192 bytes of 'A' with no newline (larger than a sysfs page). 00:05.0 (rng): virtio4/status is empty (0 bytes) and the driver link dangles (../../../bus/pci/drivers/nonexistent). 00:04.0 (vsock) is untouched and must still be reported as healthy; the tool must not crash, hang or print garbage for the others."
}

build_symlink_loop() {
    clone firecracker-6.18 symlink-loop
    rm -f "$P/0000:00:03.0/driver"
    ln -s driver "$P/0000:00:03.0/driver"
    ln -s 0000:00:09.0 sys/bus/pci/devices/0000:00:09.0
    fixture_note "Derived from firecracker-6.18 to exercise symlink-loop handling (not a real kernel state). 00:03.0 (net) has driver -> driver (a link to itself: readlink works, stat/realpath fail with ELOOP), and sys/bus/pci/devices/0000:00:09.0 -> 0000:00:09.0 is a looping device link with no device behind it. Everything else, including 00:04.0 vsock, is untouched and healthy. The tool must report 00:03.0's driver as unreadable or unknown and skip or flag 00:09.0 without hanging."
}

build_no_pci_bus() {
    clone firecracker-6.18 no-pci-bus
    rm -rf sys/bus sys/devices
    rm -rf sys/module/virtio* sys/module/vmw_vsock_virtio_transport sys/module/pcie_aspm
    rm -f proc/config.gz
    grep -Eiv 'pci|virtio' "$FIX/firecracker-6.18/kmsg.txt" > kmsg.txt
    fixture_note "Derived from firecracker-6.18 by removing everything about PCI and virtio: proc/ and sys/ exist (proc/cmdline, proc/sys/kernel/osrelease, sys/module/<non-virtio modules>) but there is no sys/bus at all (so no sys/bus/pci, sys/bus/virtio or sys/bus/platform), no sys/devices, no virtio or virtio_pci module dirs, no proc/config.gz, and kmsg.txt has every line mentioning pci or virtio removed. Models a sysroot with nothing readable about virtio (e.g. a restricted container view or a non-virtio machine). Expected diagnosis: no PCI bus and no virtio devices found, reported cleanly with a non-crash exit."
}

build_qemu_nonroot() {
    clone qemu-6.1-mixed qemu-6.1-mixed-nonroot
    local f
    find sys -name config -type f | sort | while read -r f; do
        head -c 64 "$f" > "$f.tmp"; cat "$f.tmp" > "$f"; rm -f "$f.tmp"
    done
    fixture_note "Derived from qemu-6.1-mixed. Every PCI config file is truncated to its first 64 bytes, which is what a non-root reader of real sysfs gets (pci_read_config() limits unprivileged reads to the standard header). IDs, class, revision, subsystem and the capability pointer are still there, but the capability list (at 0x40 and up) is not, so virtio vendor capabilities cannot be parsed. Nothing else changed. Expected: same device and driver report as qemu-6.1-mixed, with capability checks reported as unavailable (need root) rather than as missing capabilities; in particular 00:03.0 (modern-only rng) must not be called legacy-only."
}

# ---------------------------------------------------------------- verification + summary
fail=0
bad() { echo "  FAIL [$1] $2"; fail=1; }

# expected unresolvable links, per fixture (relative paths)
allowed_dangling() {
    case $1 in
        qemu-6.1-mixed*|qemu-6.1-vsock|qemu-virt-*) echo "sys/module/cxl_core/drivers/cxl:cxl_region" ;;
        # the arm64 bundle holds no sys/module/shpchp (built in; the tool does not read it)
        qemu-arm64-6.1|crosvm-*) echo "sys/bus/pci/drivers/shpchp/module" ;;
        v-*) [ -L "$FIX/$1/sys/module/cxl_core/drivers/cxl:cxl_region" ] && echo "sys/module/cxl_core/drivers/cxl:cxl_region" ;;
        broken-attrs) echo "$P/0000:00:05.0/driver" ;;
        symlink-loop) printf '%s\n' "$P/0000:00:03.0/driver" "sys/bus/pci/devices/0000:00:09.0" ;;
    esac
}

pci_line() { # fixture-dir bdf
    local d="$1/$P/$2" v dev drv vc st
    v=$(head -c 6 "$d/vendor" 2>/dev/null | tr -cd '0-9a-fx' ); [ -n "$v" ] || v='?'
    dev=$(head -c 6 "$d/device" 2>/dev/null | tr -cd '0-9a-fx'); [ -n "$dev" ] || dev='?'
    drv=$(readlink "$d/driver" 2>/dev/null || echo '-'); drv=${drv##*/}
    vc='-'; st='-'
    for x in "$d"/virtio[0-9]*; do [ -d "$x" ] && { vc=${x##*/}; st=$(cat "$x/status" 2>/dev/null); [ -n "$st" ] || st='(empty)'; }; done
    echo "$2 ${v#0x}:${dev#0x} drv=$drv $vc status=$st ovr=$(cat "$d/driver_override" 2>/dev/null || echo -)"
}

verify_one() { # name
    local name=$1 t="$FIX/$1" l tgt rel a
    [ -d "$t" ] || { bad "$name" "missing"; return; }
    a=$(find "$t" -type l -lname '/*' | head -n 3)
    [ -z "$a" ] || bad "$name" "absolute symlinks: $a"
    a=$(find "$t" -type d -empty | head -n 3)
    [ -z "$a" ] || bad "$name" "empty dirs (git would drop them): $a"
    # every symlink must resolve inside the tree, except the intended broken ones
    while IFS= read -r l; do
        rel=${l#"$t"/}
        if allowed_dangling "$name" | grep -qxF "$rel"; then
            [ -e "$l" ] && bad "$name" "$rel should be broken but resolves"
            continue
        fi
        tgt=$(realpath -m "$l" 2>/dev/null || echo "$t/../LOOP")
        case $(realpath -m --relative-to="$t" "$tgt") in ../*|..) bad "$name" "$rel escapes tree";; esac
        [ -e "$l" ] || bad "$name" "$rel -> $(readlink "$l") does not resolve"
    done < <(find "$t" -type l)
    # driver links that exist must point into a driver directory of the right bus
    while IFS= read -r l; do
        rel=${l#"$t"/}
        allowed_dangling "$name" | grep -qxF "$rel" && continue
        case $(realpath -m --relative-to="$t" "$l") in
            sys/bus/pci/drivers/*|sys/bus/virtio/drivers/*|sys/bus/platform/drivers/*) ;;
            *) bad "$name" "$rel -> $(readlink "$l") is not a driver dir";;
        esac
    done < <(find "$t" -type l -name driver)
    case $name in
        firecracker-6.18|qemu-6.1-mixed|qemu-6.1-vsock|qemu-arm64-6.1) ;;
        *) [ -s "$t/FIXTURE" ] || bad "$name" "no FIXTURE" ;;
    esac
}

check_specific() {
    local t b
    t="$FIX/fc-vsock-unbound/$P/0000:00:04.0"
    [ ! -e "$t/driver" ] && [ ! -e "$t/virtio3" ] && [ "$(cat "$t/enable")" = 0 ] && [ "$(cat "$t/driver_override")" = "(null)" ] \
        && [ ! -e "$FIX/fc-vsock-unbound/sys/bus/virtio/devices/virtio3" ] || bad fc-vsock-unbound "state"
    [ "$(cat "$FIX/fc-vsock-override-none/$P/0000:00:04.0/driver_override")" = none ] || bad fc-vsock-override-none "override"
    [ "$(readlink "$FIX/fc-vsock-foreign/$P/0000:00:04.0/driver")" = ../../../bus/pci/drivers/vfio-pci ] \
        && [ -e "$FIX/fc-vsock-foreign/$P/0000:00:04.0/driver/0000:00:04.0/vendor" ] || bad fc-vsock-foreign "driver"
    t="$FIX/fc-vsock-nodriver/$P/0000:00:04.0/virtio3"
    [ "$(cat "$t/status")" = 0x00000001 ] && [ "$(tr -d '01\n' < "$t/features" | wc -c)" = 0 ] \
        && [ "$(tr -d '\n' < "$t/features" | wc -c)" = 128 ] && ! grep -q 1 "$t/features" || bad fc-vsock-nodriver "virtio3"
    [ -e "$FIX/fc-vsock-failed/sys/bus/virtio/drivers/vmw_vsock_virtio_transport/bind" ] \
        && [ "$(cat "$FIX/fc-vsock-failed/$P/0000:00:04.0/virtio3/status")" = 0x0000008b ] || bad fc-vsock-failed "state"
    [ ! -e "$FIX/fc-no-virtio-pci-driver/sys/bus/pci/drivers/virtio-pci" ] \
        && [ -z "$(ls "$FIX/fc-no-virtio-pci-driver/sys/bus/virtio/devices")" ] || bad fc-no-virtio-pci-driver "state"
    [ ! -e "$FIX/mmio-6.18/sys/bus/pci" ] && [ "$(ls "$FIX/mmio-6.18/sys/bus/virtio/devices" | wc -l)" = 4 ] \
        && [ ! -e "$FIX/mmio-6.18/sys/devices/platform/a000000.virtio_mmio/driver" ] || bad mmio-6.18 "state"
    [ "$(wc -c < "$FIX/broken-attrs/$P/0000:00:02.0/device")" = 40 ] && [ "$(wc -c < "$FIX/broken-attrs/$P/0000:00:03.0/subsystem_device")" = 8192 ] \
        && [ ! -s "$FIX/broken-attrs/$P/0000:00:05.0/virtio4/status" ] || bad broken-attrs "state"
    [ ! -e "$FIX/no-pci-bus/sys/bus" ] && [ -d "$FIX/no-pci-bus/proc" ] \
        && ! grep -rqil virtio "$FIX/no-pci-bus" --exclude=FIXTURE --exclude=META || bad no-pci-bus "virtio still mentioned"
    for b in $(find "$FIX/qemu-6.1-mixed-nonroot/sys" -name config -type f); do
        [ "$(wc -c < "$b")" = 64 ] || bad qemu-6.1-mixed-nonroot "$b not 64 bytes"
    done
}

summary() {
    local name=$1 t="$FIX/$1" b nf nl x
    nf=$(find "$t" -type f | wc -l); nl=$(find "$t" -type l | wc -l)
    echo "== $name  ($nf files, $nl links, $(du -sk "$t" | cut -f1) KiB)"
    if [ -d "$t/$P" ]; then
        for b in $(ls "$t/$P" | grep '^0000:'); do echo "   $(pci_line "$t" "$b")"; done
    fi
    [ -d "$t/sys/bus/pci/devices" ] && for x in "$t"/sys/bus/pci/devices/*; do
        [ -e "$x" ] || echo "   $(basename "$x") (link $(readlink "$x"), unresolvable)"; done
    if [ -d "$t/sys/bus/platform/devices" ]; then
        for x in "$t"/sys/bus/platform/devices/*; do
            b=$(readlink "$x/driver" 2>/dev/null || echo -)
            local vc=- st=- vd=-
            for y in "$x"/virtio[0-9]*; do [ -d "$y" ] && { vc=${y##*/}; st=$(cat "$y/status"); vd=$(cat "$y/device"):$(cat "$y/vendor"); }; done
            echo "   platform $(basename "$x") drv=${b##*/} $vc type:vendor=$vd status=$st"
        done
    fi
    [ -d "$t/sys/bus/pci" ] || echo "   (no sys/bus/pci)"
}

if [ "${1:-}" = "--verdicts" ]; then
    build_verdicts
    cd "$FIX"
elif [ "${1:-}" = "--arm64" ]; then
    build_arm64
    cd "$FIX"
elif [ "${1:-}" != "--verify" ]; then
    build_fc_vsock_unbound
    build_fc_vsock_override_none
    build_fc_vsock_foreign
    build_fc_vsock_nodriver
    build_fc_vsock_failed
    build_fc_no_virtio_pci_driver
    build_mmio
    build_broken_attrs
    build_symlink_loop
    build_no_pci_bus
    build_qemu_nonroot
    build_verdicts     # after the fc-vsock-* trees: several v-* trees start from them
    cd "$FIX"
    build_arm64
    cd "$FIX"
fi

for n in firecracker-6.18 qemu-6.1-mixed qemu-6.1-vsock qemu-arm64-6.1 $DERIVED $VERDICTS $ARM64; do
    verify_one "$n"
    summary "$n"
done
check_specific
check_verdicts
echo "total: $(du -sh "$FIX" | cut -f1)"
if [ "$fail" != 0 ]; then echo "VERIFY: FAILED" >&2; exit 1; fi
echo "VERIFY: all fixtures OK"
