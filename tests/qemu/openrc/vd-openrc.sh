#!/bin/sh
# shellcheck shell=dash
# The OpenRC guest's test steps, run by busybox init from /etc/inittab, INSIDE the QEMU
# guest (see tests/qemu/README.md, "OpenRC boots"):
#   vd-openrc.sh pre            mounts as an Alpine initramfs leaves them, the services put
#                               into runlevels with rc-update, each scenario's "pre" part
#   vd-openrc.sh openrc LEVEL   /sbin/openrc LEVEL, its output also in /vd-log/openrc.log
#   vd-openrc.sh post           each scenario's "post" part (the records), then poweroff -f
# Kernel command line: vd.scenario=20,21 (as for /init).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
VD_OUT=/dev/ttyS1
VD_SCENARIO=boot
. /guest-lib.sh

# each_scenario PHASE: source every scenario of this boot (vd.scenario=) with VD_PHASE=PHASE
each_scenario() {
	local n f arg rc scenarios=""
	for arg in $(cat /proc/cmdline); do
		case $arg in
		vd.scenario=*) scenarios=$(echo "${arg#vd.scenario=}" | tr ',' ' ') ;;
		esac
	done
	for n in $scenarios; do
		f=$(ls /scenarios/"$(printf '%02d' "$n")"-*.sh 2>/dev/null | head -n 1)
		if [ -z "$f" ]; then
			[ "$1" = post ] && emit "=VD= missing $n"
			continue
		fi
		VD_SCENARIO=$(basename "$f" .sh)
		VD_PHASE=$1
		[ "$1" = post ] && emit "=VD= begin $VD_SCENARIO uptime=$(cut -d' ' -f1 /proc/uptime)"
		# shellcheck disable=SC1090
		(. "$f")
		rc=$?
		[ "$1" = post ] && emit "=VD= done $VD_SCENARIO rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
	done
	VD_SCENARIO=boot
}

# orc_services: every service of every runlevel, and those pulled in by dependencies, with
# its state (" NAME [ started ]" lines), from one rc-status
orc_services() { rc-status -a; }

case $1 in
pre)
	# Alpine's initramfs hands over with /proc, /sys and /dev mounted; OpenRC mounts /run
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /vd-log
	[ -c "$VD_OUT" ] || VD_OUT=/dev/console
	emit "=VD= boot kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime) prep=openrc binary=$([ -x "$VD_BIN" ] && echo yes || echo no)"
	# the distribution's services (stand-ins, see init.d/), then the admin's step of the README
	{
		rc-update add mdev sysinit
		rc-update add hwdrivers sysinit
		rc-update add virtio-doctor boot
		rc-update add vd-vsock-user boot
		rc-update add vd-sentinel default
	} >/vd-log/rc-update.log 2>&1
	each_scenario pre
	emit "=VD= ready uptime=$(cut -d' ' -f1 /proc/uptime)"
	;;
openrc)
	echo "=== openrc $2 uptime=$(cut -d' ' -f1 /proc/uptime)" >>/vd-log/openrc.log
	set -o pipefail
	/sbin/openrc "$2" 2>&1 | tee -a /vd-log/openrc.log
	echo "=== openrc $2 rc=$? uptime=$(cut -d' ' -f1 /proc/uptime)" | tee -a /vd-log/openrc.log
	;;
post)
	[ -c "$VD_OUT" ] || VD_OUT=/dev/console
	each_scenario post
	rec dmesg dmesg
	emit "=VD= all-done uptime=$(cut -d' ' -f1 /proc/uptime)"
	sync
	poweroff -f
	;;
esac
