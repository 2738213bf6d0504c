# shellcheck shell=dash
# Guest-side helpers (busybox sh), sourced by /init. Everything here runs INSIDE
# the QEMU guest: the sysfs writes below touch the guest's kernel only.
#
# Scenarios only RECORD; the host decides PASS/FAIL from the records
# (scenarios/NN-name.py). A record goes to $VD_OUT (the second serial port,
# /dev/ttyS1, kept free of kernel messages) as:
#   =VD= rec SCENARIO KEY rc=N
#   ...stdout...
#   =VD= stderr
#   ...stderr...
#   =VD= end

VD_BIN=/usr/sbin/virtio-doctor
SYS=/sys/bus/pci

emit() { printf '%s\n' "$*" >>"$VD_OUT"; }

# _dump FILE: copy a file to the record channel, ending with a newline
_dump() {
	[ -s "$1" ] || return 0
	cat "$1" >>"$VD_OUT"
	[ -z "$(tail -c 1 "$1")" ] || printf '\n' >>"$VD_OUT"
}

# rec KEY CMD...: run CMD, record its stdout, stderr and exit status under KEY
rec() {
	local key=$1 rc
	shift
	"$@" >/tmp/rec.out 2>/tmp/rec.err
	rc=$?
	emit "=VD= rec $VD_SCENARIO $key rc=$rc"
	_dump /tmp/rec.out
	emit "=VD= stderr"
	_dump /tmp/rec.err
	emit "=VD= end"
	return $rc
}

# note KEY TEXT...: record a plain value
note() {
	local key=$1
	shift
	rec "$key" echo "$*"
}

# vd ARGS...: the tool under test, bounded in time; 127 when it is not in the initramfs
vd() {
	if [ ! -x "$VD_BIN" ]; then
		echo "virtio-doctor: not in the initramfs" >&2
		return 127
	fi
	timeout -s KILL 30 "$VD_BIN" "$@"
}

# w VALUE PATH: one write() of "VALUE\n"; on failure the errno's text on stderr
# (dd says it: busybox's printf/echo builtins fail silently)
w() {
	local rc
	printf '%s\n' "$1" | dd of="$2" bs=4096 2>/tmp/w.err
	rc=$?
	grep -v 'records\|bytes' /tmp/w.err >&2
	return $rc
}

# pci_of VENDOR DEVICE: address of the first PCI function with these IDs (0x-less hex)
pci_of() {
	local d
	for d in "$SYS"/devices/*; do
		if [ "$(cat "$d/vendor")" = "0x$1" ] && [ "$(cat "$d/device")" = "0x$2" ]; then
			basename "$d"
			return 0
		fi
	done
	return 1
}

# x FILE: a sysfs hex attribute without its 0x
x() { sed 's/^0x//' "$1"; }

# state BDF: one line "BDF id=V:D subsys=V:D pcidrv=X override=Y virtio=vN vdriver=Z status=S"
state() {
	local d=$SYS/devices/$1 drv="" vdev="" vdrv="" st="" v
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	for v in "$d"/virtio*; do
		[ -e "$v" ] || continue
		vdev=$(basename "$v")
		[ -e "$v/driver" ] && vdrv=$(basename "$(readlink "$v/driver")")
		st=$(cat "$v/status" 2>/dev/null)
	done
	echo "$1 id=$(x "$d/vendor"):$(x "$d/device")" \
		"subsys=$(x "$d/subsystem_vendor"):$(x "$d/subsystem_device")" \
		"pcidrv=$drv override=$(cat "$d/driver_override")" \
		"virtio=$vdev vdriver=$vdrv status=$st"
}

# mstate NAME: a virtio-mmio transport (platform device, e.g. a003e00.virtio_mmio) as one
# line "NAME drv=X override=Y virtio=vN vdevice=0xNNNN vdriver=Z status=S"
mstate() {
	local d=/sys/bus/platform/devices/$1 drv="" vdev="" vid="" vdrv="" st="" v
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	for v in "$d"/virtio*; do
		[ -e "$v" ] || continue
		vdev=$(basename "$v")
		vid=$(cat "$v/device")
		[ -e "$v/driver" ] && vdrv=$(basename "$(readlink "$v/driver")")
		st=$(cat "$v/status" 2>/dev/null)
	done
	echo "$1 drv=$drv override=$(cat "$d/driver_override")" \
		"virtio=$vdev vdevice=$vid vdriver=$vdrv status=$st"
}

# mmio_of TYPE: the virtio-mmio transport holding a device of this virtio type (0xNNNN)
mmio_of() {
	local v
	for v in /sys/bus/platform/devices/*.virtio_mmio/virtio*; do
		[ -e "$v" ] && [ "$(cat "$v/device")" = "$1" ] || continue
		basename "$(dirname "$v")"
		return 0
	done
	return 1
}

# snapshot: state of every PCI function and virtio-mmio transport, for "nothing else
# was touched" checks
snapshot() {
	local d
	for d in "$SYS"/devices/*; do state "$(basename "$d")"; done
	for d in /sys/bus/platform/devices/*.virtio_mmio; do
		[ -e "$d" ] && mstate "$(basename "$d")"
	done
	echo "modules: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
}

# make_healthy BDF [VIRTIO-MODULE]: back to the coldplugged state: no override,
# on virtio-pci, the virtio-level module loaded, no test blacklists
make_healthy() {
	local bdf=$1 mod=$2 d=$SYS/devices/$1 drv
	rm -f /etc/modprobe.d/vd-test-*.conf
	modprobe virtio_pci
	w "" "$d/driver_override"
	if [ -e "$d/driver" ]; then
		drv=$(basename "$(readlink "$d/driver")")
		[ "$drv" = virtio-pci ] || w "$bdf" "$d/driver/unbind"
	fi
	[ -e "$d/driver" ] || w "$bdf" "$SYS/drivers/virtio-pci/bind"
	[ -z "$mod" ] || modprobe "$mod"
}

# vstate VIRTIO: one line
# "virtioN parent=NAME bus=B pdriver=P device=0xNNNN vdriver=X status=S"
vstate() {
	local v=/sys/bus/virtio/devices/$1 p drv="" pdrv=""
	p=$(readlink -f "$v/..")
	[ -e "$v/driver" ] && drv=$(basename "$(readlink "$v/driver")")
	[ -e "$p/driver" ] && pdrv=$(basename "$(readlink "$p/driver")")
	echo "$1 parent=$(basename "$p") bus=$(basename "$(readlink "$p/subsystem")")" \
		"pdriver=$pdrv device=$(cat "$v/device") vdriver=$drv status=$(cat "$v/status")"
}

# coldplug: what udev/mdev would do at boot: load the module for every PCI
# function's and platform device's modalias (virtio-mmio), then for every virtio
# device's, until nothing changes
coldplug() {
	local f
	for f in "$SYS"/devices/*/modalias /sys/bus/platform/devices/*/modalias; do
		[ -e "$f" ] && modprobe -q "$(cat "$f")" 2>/dev/null
	done
	for _ in 1 2; do
		for f in /sys/bus/virtio/devices/*/modalias; do
			[ -e "$f" ] && modprobe -q "$(cat "$f")" 2>/dev/null
		done
	done
	return 0
}

# make_healthy_mmio NAME [VIRTIO-MODULE]: a virtio-mmio transport back to the coldplugged
# state: virtio_mmio loaded, no override, on virtio-mmio, the virtio-level module loaded
make_healthy_mmio() {
	local name=$1 mod=$2 d=/sys/bus/platform/devices/$1 p=/sys/bus/platform/drivers drv
	rm -f /etc/modprobe.d/vd-test-*.conf
	modprobe virtio_mmio
	w "" "$d/driver_override"
	if [ -e "$d/driver" ]; then
		drv=$(basename "$(readlink "$d/driver")")
		[ "$drv" = virtio-mmio ] || w "$name" "$d/driver/unbind"
	fi
	[ -e "$d/driver" ] || w "$name" "$p/virtio-mmio/bind"
	[ -z "$mod" ] || modprobe "$mod"
}
