# make-verdicts.sh - the v-* sysroot fixtures: one per `explain` verdict.
#
# Sourced by make-derived.sh (which owns clone, put, fixture_note, pci_unbind, $P, $FIX, ...);
# not meant to run on its own.  make-derived.sh calls build_verdicts, then verifies every v-*
# tree like the other derived trees and runs check_verdicts.
#
# Each v-* tree changes only what the kernel (or an admin) would change for the state it
# models; its FIXTURE file says what and why.  tests/explain-cases.txt lists the expected
# verdict of each tree; tests/fixtures-gen/check-explain.sh runs the tool on all of them.
#
# Size: trees derived from the qemu captures keep only the module files libkmod reads
# (modules.{dep,alias,symbols,builtin,builtin.alias}.bin, modules.builtin, modules.softdep,
# modules.devname): explain then still resolves modaliases and names (evidence "on disk as
# lib/modules/.../kernel/...").  The text modules.dep/modules.alias, modules.order and
# modules.builtin.modinfo are not read by libkmod and are dropped.

VERDICTS="v-pci-not-built v-pci-initcall-blacklisted v-pci-blacklisted v-pci-not-loaded
v-pci-missing v-override-other v-autoprobe-off v-no-common-cap v-missing-isr v-bad-cap
v-notify-len-over-bar v-bar-unassigned v-legacy-no-support v-legacy-revision v-probe-failed
v-probe-failed-61 v-no-virtio-device v-virtio-not-built v-virtio-not-loaded v-virtio-blacklisted
v-virtio-cmdline-blacklisted v-virtio-missing v-virtio-none v-virtio-not-bound
v-features-refused v-needs-access-platform v-needs-version-1 v-needs-reset v-not-ready
v-vsock-no-cid v-vsock-competing v-vsock-second v-cannot-tell v-ok-vsock-cid"

KMOD_INDEX="$HERE/kmod-index.py"

# ---------------------------------------------------------------- helpers (cwd = fixture root)

# Keep only the module files libkmod reads (see the header).
trim_modules() {
    local d f
    for d in lib/modules/*/; do
        [ -d "$d" ] || continue
        for f in "$d"*; do
            case ${f##*/} in
                modules.dep.bin|modules.alias.bin|modules.symbols.bin|modules.builtin.bin) ;;
                modules.builtin.alias.bin|modules.builtin|modules.softdep|modules.devname) ;;
                *) rm -rf "$f" ;;
            esac
        done
    done
}

# A module that is not in the module tree at all (CONFIG_...=n): depmod would not have
# indexed it, nor listed it as a dependency.
index_drop_module() { # name...
    local f
    for f in lib/modules/*/modules.dep.bin lib/modules/*/modules.alias.bin \
             lib/modules/*/modules.symbols.bin; do
        [ -f "$f" ] || continue
        python3 "$KMOD_INDEX" drop-module "$f" "$@" || die "kmod-index: $f $*"
    done
}

# What delete_module() (or never loading) leaves: no sys/module/NAME, its drivers
# unregistered (the bus driver dirs whose module link names it), no holder links to it, the
# refcnt of each module it used one lower, and its line gone from proc/modules.
module_unload() { # name...
    local m h dep l
    for m in "$@"; do
        for l in sys/bus/*/drivers/*/module; do
            if [ -L "$l" ] && [ "$(basename "$(readlink "$l")")" = "$m" ]; then rm -rf "$(dirname "$l")"; fi
        done
        rm -rf "sys/module/$m"
        for h in sys/module/*/holders/"$m"; do
            [ -L "$h" ] || continue
            dep=${h#sys/module/}; dep=${dep%%/*}
            rm -f "$h"
            if [ -f "sys/module/$dep/refcnt" ]; then
                printf '%d\n' $(( $(cat "sys/module/$dep/refcnt") - 1 )) > "sys/module/$dep/refcnt"
            fi
        done
        [ -f proc/modules ] || continue
        awk -v m="$m" '$1 == m { next }
            $4 != "-" { n = split($4, a, ","); s = ""; c = $3
                        for (i = 1; i <= n; i++) if (a[i] != "") { if (a[i] == m) c--; else s = s a[i] "," }
                        $3 = c; $4 = (s == "" ? "-" : s) }
            { print }' proc/modules > proc/modules.tmp
        cat proc/modules.tmp > proc/modules; rm -f proc/modules.tmp
    done
}

# Edit the kernel config wherever the capture has it (proc/config.gz or boot/config-*).
kconfig_edit() { # sed-script
    local f
    if [ -f proc/config.gz ]; then        # read-only (0444) as captured: replace, keep the mode
        gzip -dc proc/config.gz | sed -e "$1" | gzip -9n > config.gz.tmp
        chmod --reference=proc/config.gz config.gz.tmp; mv -f config.gz.tmp proc/config.gz
    fi
    for f in boot/config-*; do
        [ -f "$f" ] || continue
        sed -e "$1" "$f" > config.tmp; cat config.tmp > "$f"; rm -f config.tmp
    done
}
# CONFIG_SYM becomes "is not set"; the symbols that only exist through it (depends on it,
# or are promptless and only selected by it) vanish from the file, as Kconfig writes it.
kconfig_unset() { # SYM [vanishing-SYM...]
    local s=$1 d
    shift
    kconfig_edit "s/^CONFIG_$s=.*/# CONFIG_$s is not set/"
    for d in "$@"; do kconfig_edit "/^CONFIG_$d=/d"; done
}

cmdline_add() { # word
    printf '%s %s\n' "$(tr -d '\n' < proc/cmdline)" "$1" > proc/cmdline
}

# kmsg.txt is a saved dmesg: "[%5lu.%06lu] message".  Insert messages after (or before) the
# first line matching an ERE, each a few microseconds after the anchor's timestamp (before:
# the previous line's).
kmsg_insert() { # after|before ERE message...
    local where=$1 re=$2
    shift 2
    printf '%s\n' "$@" > kmsg.new
    awk -v where="$where" -v re="$re" '
        function ts(l) { return substr(l, 2, index(l, "]") - 2) + 0 }
        function emit(base,   i) { for (i = 1; i <= n; i++) printf "[%12.6f] %s\n", base + i * 0.000021, m[i]; done = 1 }
        NR == FNR { m[++n] = $0; next }
        !done && where == "before" && $0 ~ re { emit(prev) }
        { print; prev = ts($0) }
        !done && where == "after" && $0 ~ re { emit(ts($0)) }
        END { if (!done) exit 3 }' kmsg.new kmsg.txt > kmsg.tmp || die "kmsg anchor not found: $re"
    cat kmsg.tmp > kmsg.txt; rm -f kmsg.tmp kmsg.new
}
kmsg_drop() { # ERE: lines the kernel would not have logged in the modelled state
    grep -Ev "$1" kmsg.txt > kmsg.tmp || true
    cat kmsg.tmp > kmsg.txt; rm -f kmsg.tmp
}

# PCI config space (the 256-byte config file): bytes and little-endian dwords.
cfg_byte() { # file offset value
    printf "\\$(printf '%03o' "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cfg_le32() { # file offset value
    local i
    for i in 0 1 2 3; do cfg_byte "$1" $(( $2 + i )) $(( ($3 >> (8 * i)) & 255 )); done
}
cfg_read_le32() { # file offset
    od -An -tu4 -j "$2" -N 4 --endian=little "$1" | tr -d ' '
}
# Offset of the virtio vendor capability with cfg_type T (walks the real capability list).
vcap_pos() { # config-file cfg_type
    local pos id t
    pos=$(od -An -tu1 -j 52 -N 1 "$1" | tr -d ' ')
    while [ "$pos" -ne 0 ]; do
        id=$(od -An -tu1 -j "$pos" -N 1 "$1" | tr -d ' ')
        t=$(od -An -tu1 -j $(( pos + 3 )) -N 1 "$1" | tr -d ' ')
        [ "$id" = 9 ] && [ "$t" = "$2" ] && { echo "$pos"; return; }
        pos=$(od -An -tu1 -j $(( pos + 1 )) -N 1 "$1" | tr -d ' ')
    done
    die "no virtio capability of type $2 in $1"
}

# one line of a PCI resource file
resource_line() { # file index start end flags
    awk -v i="$2" -v l="$(printf '0x%016x 0x%016x 0x%016x' "$3" "$4" "$5")" \
        'NR == i + 1 { print l; next } { print }' "$1" > "$1.tmp"
    cat "$1.tmp" > "$1"; rm -f "$1.tmp"
}
bar_field() { # file index field(1 start, 2 end, 3 flags) -> decimal
    printf '%d' "$(sed -n "$(( $2 + 1 ))p" "$1" | cut -d' ' -f"$3")"
}

zero_features() { # virtio features file: same length, all '0' (nothing negotiated)
    local len
    len=$(tr -d '\n' < "$1" | wc -c)
    { head -c "$len" /dev/zero | tr '\0' 0; printf '\n'; } > "$1"
}
clear_feature() { # features-file bit: character N is feature bit N
    local s
    s=$(tr -d '\n' < "$1")
    printf '%s0%s\n' "${s:0:$2}" "${s:$(( $2 + 1 ))}" > "$1"
}

# A virtio device whose virtio-level driver is not bound: no driver link, no DRIVER= in
# uevent, no link in the driver's dir, and no MSI-X vectors (virtio-pci allocates them only
# in find_vqs, i.e. during the driver's probe, and frees them when it fails or unbinds).
virtio_drop_driver() { # pci-bdf virtioN
    rm -f "$P/$1/$2/driver" sys/bus/virtio/drivers/*/"$2"
    drop_uevent_driver "$P/$1/$2/uevent"
    rm -rf "$P/$1/msi_irqs"
}

# qemu-6.1-vsock in which virtio_pci never bound anything: every virtio function unbound,
# sys/bus/pci/drivers/virtio-pci absent, the kernel lines of bound virtio devices gone.
qv_no_virtio_pci() { # dst
    local b
    clone qemu-6.1-vsock "$1"
    trim_modules
    for b in 0000:00:01.0 0000:00:02.0 0000:00:03.0 0000:00:04.0 0000:00:05.0; do pci_unbind "$b"; done
    rm -rf sys/bus/pci/drivers/virtio-pci
    kmsg_drop '^\[[ .0-9]+\] (virtio-pci [0-9a-f:.]+: |[a-z_]+ virtio[0-9]+: )'
}
QV_COMMON="Derived from qemu-6.1-vsock (QEMU 7.2, Debian 6.1.0-56-amd64, where virtio_pci is a module, CONFIG_VIRTIO_PCI=m). virtio-pci is not registered: sys/bus/pci/drivers/virtio-pci does not exist and the five virtio functions 00:01.0-00:05.0 are unbound (no driver links, no virtioN children, no sys/bus/virtio/devices/* links, no links in the virtio driver dirs, enable 0, no msi_irqs/, no DRIVER= in uevent); kmsg.txt lost the lines of bound virtio devices (virtio_blk virtio1: ...). The virtio-level drivers (virtio_net, virtio_blk, ... and the vsock transport) stay loaded, as when an initramfs loads them by name from a module list without virtio_pci. lib/modules keeps only the index files libkmod reads."

# Firecracker: a second PCI function on the root bus, bound to virtio-pci, with a virtio child.
# Copies 00:04.0's layout (same capabilities, BAR0 of 512 KiB placed after 00:05.0's).
fc_add_function() { # bdf pci-device-id virtioN virtio-type status
    local bdf=$1 id=$2 vn=$3 type=$4 st=$5 d="$P/$1" tid
    tid=$(printf '%08X' "$type")
    cp -a "$P/0000:00:04.0" "$d"
    rm -rf "$d/virtio3" "$d/msi_irqs"
    put "$d/device" "0x$id\n"
    put "$d/subsystem_device" "0x$id\n"
    put "$d/modalias" "pci:v00001AF4d0000${id^^}sv00001AF4sd0000${id^^}bcFFscFFi00\n"
    put "$d/uevent" "DRIVER=virtio-pci\nPCI_CLASS=FFFF00\nPCI_ID=1AF4:${id^^}\nPCI_SUBSYS_ID=1AF4:${id^^}\nPCI_SLOT_NAME=$bdf\nMODALIAS=pci:v00001AF4d0000${id^^}sv00001AF4sd0000${id^^}bcFFscFFi00\n"
    cfg_byte "$d/config" 2 $(( 0x$id & 255 )); cfg_byte "$d/config" 3 $(( 0x$id >> 8 ))
    cfg_byte "$d/config" 46 $(( 0x$id & 255 )); cfg_byte "$d/config" 47 $(( 0x$id >> 8 ))
    cfg_le32 "$d/config" 16 $(( 0x00280000 | 4 ))            # BAR0 low: 0x4000280000, 64-bit
    resource_line "$d/resource" 0 0x4000280000 0x40002fffff 0x140204
    mkdir -p "$d/$vn"
    cp -a "$P/0000:00:04.0/virtio3/." "$d/$vn/"
    rm -f "$d/$vn/driver"
    put "$d/$vn/device" "$(printf '0x%04x' "$type")\n"
    put "$d/$vn/status" "$st\n"
    put "$d/$vn/modalias" "virtio:d${tid}v00001AF4\n"
    put "$d/$vn/uevent" "MODALIAS=virtio:d${tid}v00001AF4\n"
    ln -s "../../../devices/pci0000:00/$bdf" "sys/bus/pci/devices/$bdf"
    ln -s "../../../../devices/pci0000:00/$bdf" "sys/bus/pci/drivers/virtio-pci/$bdf"
    ln -s "../../../devices/pci0000:00/$bdf/$vn" "sys/bus/virtio/devices/$vn"
    kmsg_insert after '\] pci 0000:00:05\.0: BAR 0 ' \
        "pci $bdf: [1af4:$id] type 00 class 0xffff00 conventional PCI endpoint" \
        "pci $bdf: BAR 0 [mem 0x4000280000-0x40002fffff 64bit]"
    kmsg_insert after '\] virtio-pci 0000:00:05\.0: enabling device ' \
        "virtio-pci $bdf: enabling device (0000 -> 0002)"
}

# ---------------------------------------------------------------- PCI level: virtio-pci absent

build_v_pci_not_built() {
    qv_no_virtio_pci v-pci-not-built
    module_unload virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev
    kconfig_unset VIRTIO_PCI VIRTIO_PCI_LEGACY VIRTIO_PCI_LIB VIRTIO_PCI_LIB_LEGACY
    index_drop_module virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev
    fixture_note "$QV_COMMON State: the kernel was built without virtio-pci. boot/config-6.1.0-56-amd64 says '# CONFIG_VIRTIO_PCI is not set', and the lines that only exist through it are gone as Kconfig would write them (CONFIG_VIRTIO_PCI_LEGACY depends on it; CONFIG_VIRTIO_PCI_LIB and _LIB_LEGACY are promptless and only selected by it, CONFIG_VDPA being off). The module tree matches: virtio_pci, virtio_pci_modern_dev and virtio_pci_legacy_dev were removed from modules.dep.bin, modules.alias.bin and modules.symbols.bin (rewritten by kmod-index.py in depmod's format), and from sys/module and proc/modules (holder links and refcnts of virtio, virtio_ring adjusted). Expected verdict for 0000:00:04.0: pci-driver-not-built."
}

build_v_pci_initcall_blacklisted() {
    qv_no_virtio_pci v-pci-initcall-blacklisted
    module_unload virtio_pci
    cmdline_add initcall_blacklist=virtio_pci_driver_init
    fixture_note "$QV_COMMON State: proc/cmdline ends with initcall_blacklist=virtio_pci_driver_init. For a module, the blacklisted initcall makes do_init_module() fail with -EPERM, so 'modprobe virtio_pci' loaded its dependencies virtio_pci_modern_dev and virtio_pci_legacy_dev (they stay, refcnt 0, no holders) and then failed: sys/module/virtio_pci and its proc/modules line are gone. The kernel logs the blacklisting only at debug level, so kmsg.txt has no line about it. Config unchanged (CONFIG_VIRTIO_PCI=m). Expected verdict for 0000:00:04.0: pci-driver-initcall-blacklisted."
}

build_v_pci_blacklisted() {
    qv_no_virtio_pci v-pci-blacklisted
    module_unload virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev
    put etc/modprobe.d/blacklist-virtio.conf 'blacklist virtio_pci\n'
    fixture_note "$QV_COMMON State: etc/modprobe.d/blacklist-virtio.conf says 'blacklist virtio_pci', so loading by modalias (pci:v00001AF4d00001053...) skips it and nothing loaded virtio_pci or its dependencies: sys/module/virtio_pci, virtio_pci_modern_dev, virtio_pci_legacy_dev and their proc/modules lines are gone (holder links and refcnts of virtio, virtio_ring adjusted). Config unchanged (=m); the module is on disk. Expected verdict for 0000:00:04.0: pci-driver-blacklisted."
}

build_v_pci_not_loaded() {
    qv_no_virtio_pci v-pci-not-loaded
    module_unload virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev
    fixture_note "$QV_COMMON State: virtio_pci is a module (CONFIG_VIRTIO_PCI=m), installed (modules.dep.bin lists kernel/drivers/virtio/virtio_pci.ko), not blacklisted, but nobody loaded it (no udev/mdev coldplug, e.g. Alpine booted with noautodetect or a minimal init): sys/module/virtio_pci, virtio_pci_modern_dev, virtio_pci_legacy_dev and their proc/modules lines are gone (holder links and refcnts of virtio, virtio_ring adjusted). Expected verdict for 0000:00:04.0: pci-driver-not-loaded."
}

build_v_pci_missing() {
    qv_no_virtio_pci v-pci-missing
    module_unload virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev
    rm -rf lib/modules
    fixture_note "$QV_COMMON State: as v-pci-not-loaded (virtio_pci and its dependencies not loaded), and the root file system has no lib/modules at all (e.g. Alpine without its modloop mounted; the loaded virtio drivers came from the initramfs). The config says CONFIG_VIRTIO_PCI=m, so the module exists for this kernel but is not installed. Expected verdict for 0000:00:04.0: pci-driver-missing."
}

# ---------------------------------------------------------------- PCI level: binding controls

build_v_override_other() {
    clone fc-vsock-unbound v-override-other
    printf 'vfio-pci\n' > "$P/0000:00:04.0/driver_override"
    fixture_note "Derived from fc-vsock-unbound (0000:00:04.0 vsock 1af4:1053 without driver: no driver link, no virtio3, enable 0, no msi_irqs/, no DRIVER= in uevent). driver_override = 'vfio-pci' (written by an admin or a passthrough script), so only vfio-pci may bind the function; vfio-pci is not registered in this kernel (CONFIG_VFIO unset), so the function stays unbound. kmsg.txt unchanged. Expected verdict: override-other."
}

build_v_autoprobe_off() {
    clone fc-vsock-unbound v-autoprobe-off
    printf '0\n' > sys/bus/pci/drivers_autoprobe
    fixture_note "Derived from fc-vsock-unbound (0000:00:04.0 vsock 1af4:1053 without driver). sys/bus/pci/drivers_autoprobe = 0: an admin (or a passthrough tool) turned off automatic probing on the PCI bus before the device appeared or was unbound, so the driver core never offered it to virtio-pci; the other four virtio functions were bound before that and stay bound. driver_override is (null). kmsg.txt unchanged. Expected verdict: autoprobe-disabled."
}

# ---------------------------------------------------------------- PCI level: probe rejected

build_v_no_common_cap() {
    clone fc-vsock-unbound v-no-common-cap
    local c="$P/0000:00:04.0/config" pos
    pos=$(vcap_pos "$c" 1)
    cfg_byte "$c" $(( pos + 3 )) 9
    kmsg_insert after '\] virtio-pci 0000:00:04\.0: enabling device ' \
        'virtio-pci 0000:00:04.0: virtio_pci: leaving for legacy driver'
    fixture_note "Derived from fc-vsock-unbound (0000:00:04.0 vsock 1af4:1053 without driver). In 00:04.0's config space the common-configuration capability (vendor cap 0x09 at 0x$(printf %02x "$pos")) has cfg_type 9 (VENDOR_CFG) instead of 1, so the device offers no common capability (a broken device model). vp_modern_probe() then logs 'virtio_pci: leaving for legacy driver' and returns -ENODEV; this 6.18 kernel has no legacy support (CONFIG_VIRTIO_PCI_LEGACY not set) and 0x1053 is out of the legacy range anyway, so the probe ends with -ENODEV, which the driver core logs only at debug level. virtio_pci_probe() had enabled the device first, so kmsg.txt keeps 'enabling device' and gains the 'leaving for legacy driver' line right after it; pci_disable_device() brought enable back to 0. Expected verdict: probe-no-common-cap."
}

build_v_missing_isr() {
    clone fc-vsock-unbound v-missing-isr
    local c="$P/0000:00:04.0/config" common isr notify
    common=$(vcap_pos "$c" 1); isr=$(vcap_pos "$c" 3); notify=$(vcap_pos "$c" 2)
    cfg_byte "$c" $(( isr + 3 )) 9
    kmsg_insert after '\] virtio-pci 0000:00:04\.0: enabling device ' \
        "virtio-pci 0000:00:04.0: virtio_pci: missing capabilities $common/0/$notify" \
        'virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error -22'
    fixture_note "Derived from fc-vsock-unbound (0000:00:04.0 vsock 1af4:1053 without driver). In 00:04.0's config space the ISR capability (vendor cap 0x09 at 0x$(printf %02x "$isr")) has cfg_type 9 (VENDOR_CFG) instead of 3, so the device offers common and notify but no ISR capability. vp_modern_probe() logs 'virtio_pci: missing capabilities $common/0/$notify' (the offsets of common, ISR, notify; 0 = missing) and returns -EINVAL, which the 6.18 driver core logs as 'virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error -22'. Both lines follow the 'enabling device' line in kmsg.txt; enable is back to 0. Expected verdict: probe-missing-caps."
}

build_v_bad_cap() {
    clone fc-vsock-unbound v-bad-cap
    local d="$P/0000:00:04.0" pos size off
    pos=$(vcap_pos "$d/config" 1)
    size=$(( $(bar_field "$d/resource" 0 2) - $(bar_field "$d/resource" 0 1) + 1 ))
    off=$(( size - 16 ))
    cfg_le32 "$d/config" $(( pos + 8 )) "$off"
    kmsg_insert after '\] virtio-pci 0000:00:04\.0: enabling device ' \
        "virtio-pci 0000:00:04.0: virtio_pci: map virtio 56@$off out of range on bar 0 length $size" \
        'virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error -22'
    fixture_note "Derived from fc-vsock-unbound (0000:00:04.0 vsock 1af4:1053 without driver). In 00:04.0's config space the common capability (at 0x$(printf %02x "$pos")) has offset 0x$(printf %x "$off") instead of 0: with its length 0x38 it reaches past the end of BAR0 (0x$(printf %x "$size") bytes, see resource). vp_modern_map_capability() checks minlen + offset against the BAR length (minlen = sizeof(struct virtio_pci_common_cfg) = 56), logs 'virtio_pci: map virtio 56@$off out of range on bar 0 length $size' and the probe returns -EINVAL: 'probe with driver virtio-pci failed with error -22'. Both lines follow 'enabling device' in kmsg.txt; enable is back to 0. Not the notify length: the kernel clamps a capability's length to what it maps (and maps notify per queue when it is longer than a page), so an over-long notify length is not an error (see v-notify-len-over-bar). Expected verdict: probe-bad-cap."
}

build_v_notify_len_over_bar() {
    clone fc-vsock-unbound v-notify-len-over-bar
    local d="$P/0000:00:04.0" pos size
    pos=$(vcap_pos "$d/config" 2)
    size=$(( $(bar_field "$d/resource" 0 2) - $(bar_field "$d/resource" 0 1) + 1 ))
    cfg_le32 "$d/config" $(( pos + 12 )) $(( size * 2 ))
    fixture_note "Derived from fc-vsock-unbound (0000:00:04.0 vsock 1af4:1053 without driver, as after an admin's unbind; kmsg.txt unchanged). In 00:04.0's config space the notify capability (at 0x$(printf %02x "$pos")) has length 0x$(printf %x $(( size * 2 ))), twice the size of BAR0 (0x$(printf %x "$size")). The kernel does not reject this: vp_modern_probe() maps the notify area at probe time only when it fits in a page, otherwise per queue with minlen 2, and vp_modern_map_capability() clamps the length to what it maps and only checks minlen + offset against the BAR length (offset 0x6000 + 2 fits). So this capability layout binds fine, and nothing in the evidence explains why the function is unbound. Expected verdict: probe-rejected (the generic 'nothing keeps virtio-pci from matching' verdict), not probe-bad-cap."
}

build_v_bar_unassigned() {
    clone fc-vsock-unbound v-bar-unassigned
    local d="$P/0000:00:04.0" size flags
    size=$(( $(bar_field "$d/resource" 0 2) - $(bar_field "$d/resource" 0 1) + 1 ))
    flags=$(bar_field "$d/resource" 0 3)
    resource_line "$d/resource" 0 0 $(( size - 1 )) $(( flags | 0x20000000 ))
    cfg_le32 "$d/config" 16 4; cfg_le32 "$d/config" 20 0
    local r; r=$(printf 'BAR 0 [mem size 0x%08x 64bit]' "$size")
    kmsg_drop '\] pci 0000:00:04\.0: BAR 0 \[mem 0x'
    kmsg_insert after '\] pci 0000:00:04\.0: \[1af4:1053\]' "pci 0000:00:04.0: BAR 0 [mem 0x00000000-0x$(printf %08x $(( size - 1 ))) 64bit]"
    kmsg_insert before '\] pci 0000:00:05\.0: \[1af4:1044\]' \
        "pci 0000:00:04.0: $r: can't assign; no space" \
        "pci 0000:00:04.0: $r: failed to assign"
    kmsg_drop '\] virtio-pci 0000:00:04\.0: enabling device '
    kmsg_insert before '\] virtio-pci 0000:00:05\.0: enabling device ' \
        "virtio-pci 0000:00:04.0: $r: not assigned; can't enable device" \
        'virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error -22'
    fixture_note "Derived from fc-vsock-unbound (0000:00:04.0 vsock 1af4:1053 without driver). BAR0 of 00:04.0 has no address: the VMM left it at 0 (config space BAR0 = 0x00000004, 64-bit memory, no address) and the kernel found no room in the host bridge window to assign it. resource line 0 is start 0, end 0x$(printf %x $(( size - 1 ))) (size kept), flags 0x$(printf %x $(( flags | 0x20000000 ))) = the original flags plus IORESOURCE_UNSET (0x20000000). kmsg.txt (6.18 wording): enumeration shows 'BAR 0 [mem 0x00000000-...]' for 00:04.0, then 'BAR 0 [mem size 0x$(printf %08x "$size") 64bit]: can't assign; no space' and ': failed to assign' (pci_info, bus prefix 'pci'); at probe time pci_enable_device() fails in pci_enable_resources() with '...: not assigned; can't enable device' and -EINVAL, logged with the 'virtio-pci' prefix because dev->driver is already set during probe, followed by 'probe with driver virtio-pci failed with error -22'. The 'enabling device' line of 00:04.0 is gone (the device was never enabled). Expected verdict: probe-bar-unassigned."
}

build_v_legacy_no_support() {
    clone qemu-6.1-mixed v-legacy-no-support
    trim_modules
    pci_unbind 0000:00:05.0
    kconfig_unset VIRTIO_PCI_LEGACY VIRTIO_PCI_LIB_LEGACY
    module_unload virtio_pci_legacy_dev
    index_drop_module virtio_pci_legacy_dev
    fixture_note "Derived from qemu-6.1-mixed. 0000:00:05.0 is QEMU's legacy-only balloon (1af4:1002, disable-modern=on: no virtio capabilities, revision 0). The kernel was built without legacy virtio-pci support: boot/config says '# CONFIG_VIRTIO_PCI_LEGACY is not set' and CONFIG_VIRTIO_PCI_LIB_LEGACY (promptless, only selected by it) is gone; virtio_pci_legacy_dev is not built (removed from sys/module, proc/modules, and the .bin indexes, where virtio_pci no longer depends on it). virtio_pci_probe() runs the modern probe, which logs 'virtio_pci: leaving for legacy driver' (kept in kmsg.txt) and returns -ENODEV; the legacy stub returns -ENODEV too, silently. So 00:05.0 is unbound: no driver link, no virtio2 child or bus links, no link in virtio-pci's dir, enable 0, no msi_irqs/, no DRIVER= in uevent. The transitional devices 00:04.0 (net 1000) and 00:06.0 (console 1003) have modern capabilities and stay bound; virtio_balloon stays loaded (as if loaded by name). Expected verdict for 0000:00:05.0: legacy-unsupported."
}

build_v_legacy_revision() {
    clone qemu-6.1-mixed v-legacy-revision
    trim_modules
    pci_unbind 0000:00:05.0
    printf '0x01\n' > "$P/0000:00:05.0/revision"
    cfg_byte "$P/0000:00:05.0/config" 8 1
    fixture_note "Derived from qemu-6.1-mixed. 0000:00:05.0 is a legacy-only balloon (1af4:1002, no virtio capabilities) whose PCI revision is 0x01 (revision file and config byte 8), e.g. a device model that bumped the revision without adding modern capabilities. The modern probe logs 'virtio_pci: leaving for legacy driver' (kept in kmsg.txt); the legacy probe (CONFIG_VIRTIO_PCI_LEGACY=y here) returns -ENODEV silently because revision != VIRTIO_PCI_ABI_VERSION (0). So 00:05.0 is unbound: no driver link, no virtio2 child or bus links, no link in virtio-pci's dir, enable 0, no msi_irqs/, no DRIVER= in uevent. Expected verdict for 0000:00:05.0: legacy-revision."
}

build_v_probe_failed() {
    clone fc-vsock-unbound v-probe-failed
    kmsg_insert after '\] virtio-pci 0000:00:04\.0: enabling device ' \
        'virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error -12'
    fixture_note "Derived from fc-vsock-unbound (0000:00:04.0 vsock 1af4:1053 without driver). virtio-pci's probe of 00:04.0 failed with -ENOMEM (e.g. an allocation during probe under memory pressure): kmsg.txt has the 6.18 driver-core line 'virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error -12' after its 'enabling device' line. Config space is intact. Expected verdict: probe-failed."
}

build_v_probe_failed_61() {
    clone qemu-6.1-mixed v-probe-failed-61
    trim_modules
    pci_unbind 0000:00:03.0
    kmsg_insert before '\] virtio-pci 0000:00:05\.0: virtio_pci: leaving for legacy driver' \
        'virtio-pci: probe of 0000:00:03.0 failed with error -16'
    fixture_note "Derived from qemu-6.1-mixed. 0000:00:03.0 (modern rng 1af4:1044) is unbound because virtio-pci's probe failed with -EBUSY (e.g. pci_request_selected_regions() found its BAR claimed by someone else). kmsg.txt has the 6.1 driver-core wording (pr_warn, no device prefix): 'virtio-pci: probe of 0000:00:03.0 failed with error -16', just before the 00:05.0 legacy line. 00:03.0: no driver link, no virtio0 child or bus links, no link in virtio-pci's dir, enable 0, no msi_irqs/, no DRIVER= in uevent. Expected verdict for 0000:00:03.0: probe-failed."
}

build_v_no_virtio_device() {
    clone firecracker-6.18 v-no-virtio-device
    drop_virtio_children "$P/0000:00:04.0"
    fixture_note "Derived from firecracker-6.18. 0000:00:04.0 (vsock 1af4:1053) is bound to virtio-pci (driver link, link in virtio-pci's dir, enable 1, msi_irqs/ and DRIVER=virtio-pci kept) but has no virtio child: virtio3 and its links in sys/bus/virtio/devices and sys/bus/virtio/drivers/vmw_vsock_virtio_transport are gone. A current kernel fails the whole PCI probe when register_virtio_device() fails, so this state is only seen transiently (a snapshot taken between device_add of the PCI function's driver binding and the virtio child, or during removal) or with an out-of-tree transport; it is the state the no-virtio-device verdict names. kmsg.txt unchanged. Expected verdict: no-virtio-device."
}

# ---------------------------------------------------------------- virtio level

build_v_virtio_not_built() {
    clone fc-vsock-nodriver v-virtio-not-built
    kconfig_unset VIRTIO_VSOCKETS VIRTIO_VSOCKETS_COMMON
    rm -rf sys/module/vmw_vsock_virtio_transport
    rm -rf "$P/0000:00:04.0/msi_irqs"
    fixture_note "Derived from fc-vsock-nodriver (0000:00:04.0 vsock bound to virtio-pci, virtio3 with status 0x00000001, all-zero features, no sys/bus/virtio/drivers/vmw_vsock_virtio_transport). The kernel was built without the virtio vsock transport: proc/config.gz says '# CONFIG_VIRTIO_VSOCKETS is not set' and CONFIG_VIRTIO_VSOCKETS_COMMON (only selected by it here: VSOCKETS_LOOPBACK and VHOST_VSOCK are off) is gone; sys/module/vmw_vsock_virtio_transport (the built-in module's parameters dir) is gone. 00:04.0's msi_irqs/ is gone too (virtio-pci allocates vectors only when a virtio driver finds its queues). The vsock core (CONFIG_VSOCKETS=y, sys/module/vsock) stays. kmsg.txt unchanged. Expected verdict: virtio-driver-not-built."
}

build_v_virtio_not_loaded() {
    clone qemu-6.1-vsock v-virtio-not-loaded
    trim_modules
    virtio_drop_driver 0000:00:04.0 virtio3
    printf '0x00000001\n' > "$P/0000:00:04.0/virtio3/status"
    zero_features "$P/0000:00:04.0/virtio3/features"
    module_unload vmw_vsock_virtio_transport vmw_vsock_virtio_transport_common vsock
    kmsg_drop '\] NET: Registered PF_VSOCK protocol family'
    fixture_note "Derived from qemu-6.1-vsock (Debian 6.1.0-56-amd64, CONFIG_VIRTIO_VSOCKETS=m). 0000:00:04.0 (vsock 1af4:1053) is bound to virtio-pci and virtio3 exists, but the module vmw_vsock_virtio_transport was never loaded (nothing loaded modules by modalias after virtio3 appeared: no udev/mdev): sys/bus/virtio/drivers/vmw_vsock_virtio_transport is gone; sys/module and proc/modules lost vmw_vsock_virtio_transport and the two modules only it pulled in (vmw_vsock_virtio_transport_common, vsock; holder links and refcnts of virtio and virtio_ring adjusted), and kmsg.txt lost 'NET: Registered PF_VSOCK protocol family'. virtio3: no driver link, no DRIVER= in uevent, status 0x00000001 (ACKNOWLEDGE only), features all zeros (64 characters on 6.1); 00:04.0 has no msi_irqs/ (vectors are allocated by the virtio driver's find_vqs). The module is on disk (modules.dep.bin). Expected verdict: virtio-driver-not-loaded."
}

build_v_virtio_blacklisted() {
    clone v-virtio-not-loaded v-virtio-blacklisted
    put etc/modprobe.d/blacklist-vsock.conf 'blacklist vmw_vsock_virtio_transport\n'
    fixture_note "Derived from v-virtio-not-loaded (virtio3 of 0000:00:04.0 without driver, vmw_vsock_virtio_transport not loaded, status 0x00000001). etc/modprobe.d/blacklist-vsock.conf says 'blacklist vmw_vsock_virtio_transport', which is why loading by modalias (virtio:d00000013v00001AF4) did not load it. Expected verdict: virtio-driver-blacklisted."
}

build_v_virtio_cmdline_blacklisted() {
    clone v-virtio-not-loaded v-virtio-cmdline-blacklisted
    cmdline_add module_blacklist=vmw_vsock_virtio_transport
    fixture_note "Derived from v-virtio-not-loaded (virtio3 of 0000:00:04.0 without driver, vmw_vsock_virtio_transport not loaded, status 0x00000001). proc/cmdline ends with module_blacklist=vmw_vsock_virtio_transport: the kernel refuses to load the module (load_module() fails with -EPERM), whoever asks. Expected verdict: virtio-driver-blacklisted."
}

build_v_virtio_missing() {
    clone v-virtio-not-loaded v-virtio-missing
    rm -rf lib/modules
    fixture_note "Derived from v-virtio-not-loaded (virtio3 of 0000:00:04.0 without driver, vmw_vsock_virtio_transport not loaded, status 0x00000001), and lib/modules is gone entirely: the modules of the running kernel are not installed on this root (the loaded ones came from the initramfs). The config says CONFIG_VIRTIO_VSOCKETS=m. Expected verdict: virtio-driver-missing."
}

build_v_virtio_none() {
    clone firecracker-6.18 v-virtio-none
    fc_add_function 0000:00:06.0 1063 virtio5 35 0x00000001
    zero_features "$P/0000:00:06.0/virtio5/features"
    fixture_note "Derived from firecracker-6.18, plus a sixth virtio function 0000:00:06.0 = 1af4:1063, virtio type 35 (watchdog), for which Linux has no driver (a VMM offering a newer device type). Built like 00:04.0 (same capability layout, class 0xffff00, subsystem 1af4:1063, BAR0 64-bit 512 KiB at 0x4000280000 in resource and config) and bound to virtio-pci (driver link, sys/bus/pci/devices and sys/bus/pci/drivers/virtio-pci links, enable 1, DRIVER=virtio-pci in uevent) with the child virtio5 (sys/bus/virtio/devices/virtio5 link): device 0x0023, modalias virtio:d00000023v00001AF4, status 0x00000001 (ACKNOWLEDGE only), features all zeros, no driver link. No msi_irqs/ (no virtio driver allocated vectors). kmsg.txt gains the enumeration lines and 'virtio-pci 0000:00:06.0: enabling device (0000 -> 0002)'. Expected verdict for 0000:00:06.0: virtio-driver-none."
}

build_v_virtio_not_bound() {
    clone firecracker-6.18 v-virtio-not-bound
    virtio_drop_driver 0000:00:04.0 virtio3
    printf '0x00000001\n' > "$P/0000:00:04.0/virtio3/status"
    fixture_note "Derived from firecracker-6.18 (like fc-vsock-nodriver, but the driver stays registered). 0000:00:04.0 (vsock) is bound to virtio-pci, and the built-in driver dir sys/bus/virtio/drivers/vmw_vsock_virtio_transport exists, but it holds no link to virtio3: an admin wrote virtio3 to the driver's unbind file. virtio_dev_remove() reset the device and set ACKNOWLEDGE again, so status is 0x00000001; virtio3 has no driver link and no DRIVER= in uevent; the driver's del_vqs freed the MSI-X vectors, so 00:04.0 has no msi_irqs/. features keeps the last negotiated bits (the kernel does not clear them on remove). kmsg.txt unchanged (unbind logs nothing). Expected verdict: virtio-driver-not-bound."
}

fc_failed_features() { # dst: fc-vsock-failed whose probe failed before FEATURES_OK
    clone fc-vsock-failed "$1"
    printf '0x00000083\n' > "$P/0000:00:04.0/virtio3/status"
    rm -rf "$P/0000:00:04.0/msi_irqs"
}

build_v_features_refused() {
    fc_failed_features v-features-refused
    kmsg_insert after '\] virtio-pci 0000:00:05\.0: enabling device ' \
        'vmw_vsock_virtio_transport virtio3: virtio: device refuses features: 3'
    fixture_note "Derived from fc-vsock-failed (0000:00:04.0 bound to virtio-pci, virtio3 without driver link, no link in the registered driver's dir). The device did not accept the driver's features: virtio_features_ok() set FEATURES_OK, read the status back without it, and logged (dev_err, with the bound driver's name as prefix) 'vmw_vsock_virtio_transport virtio3: virtio: device refuses features: 3' (3 = the status it read: ACKNOWLEDGE|DRIVER), then returned -ENODEV, which the driver core does not log. virtio_dev_probe() then set FAILED: status 0x00000083 (not 0x8b: FEATURES_OK was refused). features keeps what the driver asked for. No msi_irqs/ (no queues were set up). Expected verdict: virtio-features-refused."
}

build_v_needs_access_platform() {
    fc_failed_features v-needs-access-platform
    kmsg_insert after '\] virtio-pci 0000:00:05\.0: enabling device ' \
        'vmw_vsock_virtio_transport virtio3: device must provide VIRTIO_F_ACCESS_PLATFORM'
    clear_feature "$P/0000:00:04.0/virtio3/features" 33
    fixture_note "Derived from fc-vsock-failed (0000:00:04.0 bound to virtio-pci, virtio3 without driver link). Models a protected guest (pKVM/CoCo: virtio_check_mem_acc_cb() says the device may not access all memory) and a device that does not offer VIRTIO_F_ACCESS_PLATFORM: virtio_features_ok() logged 'vmw_vsock_virtio_transport virtio3: device must provide VIRTIO_F_ACCESS_PLATFORM' (dev_warn) and returned -ENODEV (not logged by the driver core); FEATURES_OK was never set, so status is 0x00000083 (ACKNOWLEDGE|DRIVER|FAILED). features has bit 33 (ACCESS_PLATFORM) clear, bit 32 (VERSION_1) set. No msi_irqs/. Expected verdict: virtio-needs-access-platform."
}

build_v_needs_version_1() {
    fc_failed_features v-needs-version-1
    kmsg_insert after '\] virtio-pci 0000:00:05\.0: enabling device ' \
        'vmw_vsock_virtio_transport virtio3: virtio: device uses modern interface but does not have VIRTIO_F_VERSION_1' \
        'vmw_vsock_virtio_transport virtio3: probe with driver vmw_vsock_virtio_transport failed with error -22'
    clear_feature "$P/0000:00:04.0/virtio3/features" 32
    fixture_note "Derived from fc-vsock-failed (0000:00:04.0 bound to virtio-pci, virtio3 without driver link). The device does not offer VIRTIO_F_VERSION_1 (bit 32 clear in features). On virtio-pci's modern transport the check that fires is vp_finalize_features(): 'vmw_vsock_virtio_transport virtio3: virtio: device uses modern interface but does not have VIRTIO_F_VERSION_1' and -EINVAL, which the 6.18 driver core logs as 'probe with driver vmw_vsock_virtio_transport failed with error -22'. (The other wording, 'device must provide VIRTIO_F_VERSION_1', comes from virtio_features_ok() on protected guests and is only reached after finalize_features succeeded, so it cannot appear for a modern virtio-pci device.) Status 0x00000083 (FEATURES_OK never set). No msi_irqs/. Expected verdict: virtio-needs-version-1."
}

build_v_needs_reset() {
    clone firecracker-6.18 v-needs-reset
    printf '0x0000004f\n' > "$P/0000:00:04.0/virtio3/status"
    fixture_note "Derived from firecracker-6.18. 0000:00:04.0 (vsock) is bound at both levels, but virtio3's status (read live from the device) is 0x0000004f = ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK|NEEDS_RESET: the device hit an internal error after initialisation and asks for a reset. Nothing else changed; kmsg.txt unchanged. Expected verdict: virtio-needs-reset."
}

build_v_not_ready() {
    clone firecracker-6.18 v-not-ready
    printf '0x0000000b\n' > "$P/0000:00:04.0/virtio3/status"
    fixture_note "Derived from firecracker-6.18. 0000:00:04.0 (vsock) is bound at both levels (driver links, DRIVER= in uevents, msi_irqs/), but virtio3's status reads 0x0000000b = ACKNOWLEDGE|DRIVER|FEATURES_OK without DRIVER_OK. The status file is read live from the device, so this means the device model no longer reports DRIVER_OK (a VMM that lost or never latched it); the driver's probe succeeded. kmsg.txt unchanged. Expected verdict: virtio-not-ready."
}

# ---------------------------------------------------------------- vsock

build_v_vsock_no_cid() {
    clone firecracker-6.18 v-vsock-no-cid
    put virtio-doctor/vsock-cid '4294967295\n'
    fixture_note "Derived from firecracker-6.18 (healthy: 0000:00:04.0 vsock bound to virtio-pci and vmw_vsock_virtio_transport, status 0x0000000f), plus the bundle file virtio-doctor/vsock-cid = 4294967295: IOCTL_VM_SOCKETS_GET_LOCAL_CID on /dev/vsock answered VMADDR_CID_ANY (0xFFFFFFFF), i.e. the vsock core sees no usable guest CID although the device is bound (e.g. the device's config space reports guest_cid -1). Expected verdict: vsock-no-device."
}

build_v_vsock_competing() {
    clone fc-vsock-nodriver v-vsock-competing
    put sys/module/vmw_vsock_vmci_transport/initstate 'live\n'
    put sys/module/vmw_vsock_vmci_transport/refcnt '0\n'
    mkdir -p sys/module/vmw_vsock_vmci_transport/holders
    rm -rf "$P/0000:00:04.0/msi_irqs"
    fixture_note "Derived from fc-vsock-nodriver (0000:00:04.0 vsock bound to virtio-pci, virtio3 status 0x00000001 without driver, no sys/bus/virtio/drivers/vmw_vsock_virtio_transport). The VMware VMCI vsock transport is loaded (sys/module/vmw_vsock_vmci_transport with initstate live, refcnt 0, empty holders/) and holds the guest-to-host transport slot, so virtio's transport init failed in vsock_core_register() with -EBUSY and its virtio driver was never registered. 00:04.0 has no msi_irqs/ (no virtio driver set up queues). Note: this is a model, like fc-vsock-foreign's vfio-pci: the captured 6.18 kernel has CONFIG_VMWARE_VMCI unset (proc/config.gz not edited), and on a real boot the VMCI transport takes the slot only if it registers first (with a VMCI guest device present) while virtio's transport is a module loaded later; here virtio's is built in. kmsg.txt unchanged. Expected verdict: vsock-competing-transport."
}

build_v_vsock_second() {
    clone firecracker-6.18 v-vsock-second
    fc_add_function 0000:00:06.0 1053 virtio5 19 0x0000008b
    # the built-in vsock driver registers after virtio_pci probed every function
    kmsg_insert after '\] virtio-pci 0000:00:06\.0: enabling device ' \
        'vmw_vsock_virtio_transport virtio5: probe with driver vmw_vsock_virtio_transport failed with error -16'
    fixture_note "Derived from firecracker-6.18, plus a second vsock function 0000:00:06.0 = 1af4:1053. Built like 00:04.0 (same capability layout, BAR0 64-bit 512 KiB at 0x4000280000 in resource and config) and bound to virtio-pci (driver link, sys/bus/pci/devices and sys/bus/pci/drivers/virtio-pci links, enable 1, DRIVER=virtio-pci) with the child virtio5 (sys/bus/virtio/devices/virtio5 link, device 0x0013). virtio_vsock_probe() returned -EBUSY because the_virtio_vsock was already set by 00:04.0's virtio3: status 0x0000008b (ACKNOWLEDGE|DRIVER|FEATURES_OK|FAILED), features as negotiated, no driver link, no link in the driver's dir, no msi_irqs/; kmsg.txt gains the enumeration and 'enabling device' lines of 00:06.0 and, in 6.18 wording, 'vmw_vsock_virtio_transport virtio5: probe with driver vmw_vsock_virtio_transport failed with error -16'. 00:04.0 stays healthy. Expected verdicts: 0000:00:06.0 vsock-second-device; 0000:00:04.0 ok."
}

build_v_cannot_tell() {
    clone fc-vsock-nodriver v-cannot-tell
    rm -f proc/config.gz
    rm -rf sys/module/vmw_vsock_virtio_transport
    rm -rf "$P/0000:00:04.0/msi_irqs"
    fixture_note "Derived from fc-vsock-nodriver (0000:00:04.0 vsock bound to virtio-pci, virtio3 status 0x00000001 without driver, no sys/bus/virtio/drivers/vmw_vsock_virtio_transport). Also gone: proc/config.gz (a kernel without CONFIG_IKCONFIG_PROC) and sys/module/vmw_vsock_virtio_transport; there is no lib/modules (as captured). 00:04.0 has no msi_irqs/. So nothing says whether the driver was built, built as a module, or blacklisted. kmsg.txt unchanged. Expected verdict: cannot-tell (with what would tell: the kernel config, the module tree)."
}

build_v_ok_vsock_cid() {
    clone firecracker-6.18 v-ok-vsock-cid
    put virtio-doctor/vsock-cid '42\n'
    fixture_note "Derived from firecracker-6.18 (healthy), plus the bundle file virtio-doctor/vsock-cid = 42: the CID that IOCTL_VM_SOCKETS_GET_LOCAL_CID answered when the bundle was taken (a guest CID >= 3: vsock works). Expected verdict for vsock: ok."
}

build_verdicts() {
    local n
    for n in $VERDICTS; do
        "build_${n//-/_}"
        cd "$FIX"
    done
}

# ---------------------------------------------------------------- checks

check_verdicts() {
    local t
    t="$FIX/v-pci-not-built"
    grep -qx '# CONFIG_VIRTIO_PCI is not set' "$t"/boot/config-* && ! grep -q '^CONFIG_VIRTIO_PCI_LEGACY' "$t"/boot/config-* \
        && ! python3 "$KMOD_INDEX" dump "$t"/lib/modules/*/modules.alias.bin | grep -q $'\tvirtio_pci$' \
        && [ ! -e "$t/sys/module/virtio_pci" ] || bad v-pci-not-built "config/index"
    grep -q 'initcall_blacklist=virtio_pci_driver_init' "$FIX/v-pci-initcall-blacklisted/proc/cmdline" \
        && [ -d "$FIX/v-pci-initcall-blacklisted/sys/module/virtio_pci_modern_dev" ] || bad v-pci-initcall-blacklisted "state"
    [ ! -e "$FIX/v-pci-missing/lib/modules" ] && [ ! -e "$FIX/v-virtio-missing/lib/modules" ] || bad v-pci-missing "lib/modules"
    for t in v-pci-not-built v-pci-initcall-blacklisted v-pci-blacklisted v-pci-not-loaded v-pci-missing; do
        [ ! -e "$FIX/$t/sys/bus/pci/drivers/virtio-pci" ] && [ -z "$(ls "$FIX/$t/sys/bus/virtio/devices")" ] \
            && ! grep -q 'virtio_pci ' "$FIX/$t/proc/modules" || bad "$t" "virtio-pci still there"
    done
    for t in $VERDICTS; do
        case $(ls "$FIX/$t/lib/modules" 2>/dev/null) in
            '') ;;
            *) [ -z "$(ls "$FIX/$t"/lib/modules/*/ | grep -v '\.bin$' | grep -vx 'modules\.builtin\|modules\.softdep\|modules\.devname')" ] \
                   || bad "$t" "lib/modules not trimmed";;
        esac
    done
    [ "$(cat "$FIX/v-autoprobe-off/sys/bus/pci/drivers_autoprobe")" = 0 ] || bad v-autoprobe-off "autoprobe"
    [ "$(cat "$FIX/v-override-other/$P/0000:00:04.0/driver_override")" = vfio-pci ] || bad v-override-other "override"
    [ "$(sed -n 1p "$FIX/v-bar-unassigned/$P/0000:00:04.0/resource")" = "0x0000000000000000 0x000000000007ffff 0x0000000020140204" ] \
        || bad v-bar-unassigned "resource"
    [ "$(cat "$FIX/v-legacy-revision/$P/0000:00:05.0/revision")" = 0x01 ] || bad v-legacy-revision "revision"
    for t in v-virtio-none v-vsock-second; do
        [ -e "$FIX/$t/sys/bus/virtio/devices/virtio5/status" ] && [ -e "$FIX/$t/sys/bus/pci/drivers/virtio-pci/0000:00:06.0/vendor" ] \
            && [ "$(od -An -tx2 -j 2 -N 2 "$FIX/$t/$P/0000:00:06.0/config" | tr -d ' ')" = "$(sed 's/^0x//' "$FIX/$t/$P/0000:00:06.0/device")" ] \
            || bad "$t" "00:06.0"
    done
    grep -qx 'blacklist vmw_vsock_virtio_transport' "$FIX/v-virtio-blacklisted/etc/modprobe.d/blacklist-vsock.conf" || bad v-virtio-blacklisted conf
    [ "$(cat "$FIX/v-vsock-no-cid/virtio-doctor/vsock-cid")" = 4294967295 ] && [ "$(cat "$FIX/v-ok-vsock-cid/virtio-doctor/vsock-cid")" = 42 ] \
        || bad v-vsock-no-cid "cid"
    [ ! -e "$FIX/v-cannot-tell/proc/config.gz" ] || bad v-cannot-tell "config"
}
