#!/bin/busybox sh
# shellcheck shell=dash
# /init of the test initramfs (busybox sh, runs INSIDE the QEMU guest as PID 1).
#
# Kernel command line:
#   vd.scenario=1,2,4   scenarios to run, in this order (scenarios/NN-*.sh)
#   vd.prep=coldplug    boot preparation: coldplug (load drivers as udev would) or bare
#   vd.out=ttyS0        the record port (default ttyS1; arm64's virt has one UART, the
#                       console, so its records go to a PCI 16550 at ttyS0)
# Results go to /dev/ttyS1 (see guest-lib.sh); progress lines also to the console.
# Ends with poweroff -f whatever happens.

/bin/busybox --install -s
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run

VD_OUT=/dev/ttyS1
VD_SCENARIO=boot
. /guest-lib.sh

scenarios=""
prep=coldplug
for arg in $(cat /proc/cmdline); do
	case $arg in
	vd.scenario=*) scenarios=$(echo "${arg#vd.scenario=}" | tr ',' ' ') ;;
	vd.prep=*) prep=${arg#vd.prep=} ;;
	vd.out=*) VD_OUT=/dev/${arg#vd.out=} ;;
	esac
done
[ -c "$VD_OUT" ] || VD_OUT=/dev/console

emit "=VD= boot kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime) prep=$prep binary=$([ -x "$VD_BIN" ] && echo yes || echo no)"
case $prep in
coldplug) coldplug ;;
bare) ;;
*) echo "init: unknown vd.prep=$prep" ;;
esac
emit "=VD= ready uptime=$(cut -d' ' -f1 /proc/uptime)"

for n in $scenarios; do
	f=$(ls /scenarios/"$(printf '%02d' "$n")"-*.sh 2>/dev/null | head -n 1)
	if [ -z "$f" ]; then
		emit "=VD= missing $n"
		continue
	fi
	VD_SCENARIO=$(basename "$f" .sh)
	echo "=== scenario $VD_SCENARIO" >/dev/console
	emit "=VD= begin $VD_SCENARIO uptime=$(cut -d' ' -f1 /proc/uptime)"
	# shellcheck disable=SC1090
	(. "$f")
	emit "=VD= done $VD_SCENARIO rc=$? uptime=$(cut -d' ' -f1 /proc/uptime)"
done

VD_SCENARIO=boot
rec dmesg dmesg
emit "=VD= all-done uptime=$(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
