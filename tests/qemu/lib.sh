# shellcheck shell=bash
# Host-side helpers for tests/qemu/run: packages, kernel, initramfs, boot.
# Everything here runs on the HOST and never writes to the host's /sys.

vd_log() { printf '[qemu-tests] %s\n' "$*" >&2; }
vd_die() { printf '[qemu-tests] error: %s\n' "$*" >&2; exit 2; }

# Kernel modules the guest needs (dependencies are added from modules.dep).
VD_MODULES=(
	virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev virtio virtio_ring
	virtio_net net_failover failover virtio_rng rng-core virtio_balloon virtio_console
	vsock vmw_vsock_virtio_transport vmw_vsock_virtio_transport_common pci-stub virtio_mmio
)

# --- packages ---------------------------------------------------------------

VD_APT_UPDATED=
vd_apt_update_once() {
	[ "$VD_APT_UPDATED" = "x$VD_APT_STATE" ] && return 0
	vd_log "apt-get update${VD_APT_STATE:+ (arm64, private state $VD_APT_STATE)}"
	vd_apt_get update -q >/dev/null || vd_die "apt-get update failed"
	VD_APT_UPDATED=x$VD_APT_STATE
}

# The guest's architecture (run --arch): x86_64 (default) or arm64.
VD_ARCH=${VD_ARCH:-x86_64}
vd_debarch() { case $VD_ARCH in arm64) echo arm64 ;; *) echo amd64 ;; esac; }

# vd_ensure_packages: install what is missing (qemu, busybox-static, cpio, kmod, cc, python3);
# arm64 guests: qemu-system-arm and the cross toolchain (contrib/debian-deps-arm64), their
# busybox comes from vd_fetch_arm64_pkg
vd_ensure_packages() {
	local missing=() cmd pkg qemu="qemu-system-x86_64 qemu-system-x86"
	if [ "$VD_ARCH" = arm64 ]; then
		qemu="qemu-system-aarch64 qemu-system-arm"
		"$(dirname "${BASH_SOURCE[0]}")/../../contrib/debian-deps-arm64" --qemu ||
			vd_die "contrib/debian-deps-arm64 --qemu failed"
	fi
	while read -r cmd pkg; do
		command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
	done <<-EOF
		$qemu
		cpio cpio
		depmod kmod
		cc gcc
		python3 python3
		timeout coreutils
		gzip gzip
		ldd libc-bin
	EOF
	if [ "$VD_ARCH" = x86_64 ]; then
		# the guest needs the static busybox (Debian's "busybox" package is dynamic)
		{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || missing+=(busybox-static)
		# static libc for the guest helper (vsock-cid)
		[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || missing+=(libc6-dev)
	fi
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || vd_die "missing packages (${missing[*]}) and not root to install them"
	vd_apt_update_once
	vd_log "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >/dev/null || vd_die "apt-get install ${missing[*]} failed"
}

# --- kernel -----------------------------------------------------------------

# apt for the guest's packages. x86_64: the host's apt. arm64: a private state under
# the cache dir (its own lists, archives and an empty dpkg status; the host's sources and
# keys) with APT::Architecture=arm64, so arm64 packages are found and downloaded whatever
# architectures the host's dpkg knows, and nothing is installed.
VD_APT_STATE=""
vd_apt_opts() {
	[ -n "$VD_APT_STATE" ] || return 0
	printf '%s\n' -o "Dir::State::Lists=$VD_APT_STATE/lists" \
		-o "Dir::State::status=$VD_APT_STATE/status" -o "Dir::Cache=$VD_APT_STATE/cache" \
		-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Debug::NoLocking=1
}
vd_apt_get() { local o; mapfile -t o < <(vd_apt_opts); apt-get "${o[@]}" "$@"; }
vd_apt_cache() { local o; mapfile -t o < <(vd_apt_opts); apt-cache "${o[@]}" "$@"; }

# vd_apt_private CACHE: use the private arm64 apt state in CACHE/apt-arm64
vd_apt_private() {
	VD_APT_STATE=$1/apt-arm64
	mkdir -p "$VD_APT_STATE/lists/partial" "$VD_APT_STATE/cache/archives/partial" ||
		vd_die "cannot create $VD_APT_STATE"
	[ -e "$VD_APT_STATE/status" ] || : >"$VD_APT_STATE/status"
}

vd_newest_kernel_pkg() {
	local re='^linux-image-6\.1\.0-[0-9]+-amd64(-unsigned)?$'
	[ "$VD_ARCH" = arm64 ] && re='^linux-image-6\.1\.0-[0-9]+-arm64-unsigned$'
	vd_apt_cache search --names-only "$re" 2>/dev/null | awk '{print $1}' | sort -V | tail -n 1
}

# vd_fetch_kernel CACHE: sets VD_KVER and VD_KDIR (the extracted package with a
# full depmod'ed module tree). Takes the newest linux-image-6.1.*-amd64 that apt
# offers (unsigned or signed: same image), or for arm64 the newest
# linux-image-6.1.*-arm64-unsigned (private apt state, see vd_apt_opts), with
# apt-get download + dpkg -x; the host never installs it. A cached tree of that
# version is reused; with no apt lists at all (offline, never updated) the cached
# tree is used as it is. Both architectures share CACHE: kernel-VERSION (the version
# names the architecture), and the last one used in current (x86_64) or current-arm64.
vd_fetch_kernel() {
	local cache=$1 pkg deb ver current=$1/current
	mkdir -p "$cache" || vd_die "cannot create cache dir $cache"
	if [ "$VD_ARCH" = arm64 ]; then
		current=$cache/current-arm64
		vd_apt_private "$cache"
	fi
	pkg=$(vd_newest_kernel_pkg)
	if [ -z "$pkg" ] && [ -e "$current" ] && [ -e "$cache/kernel-$(cat "$current")/.complete" ]; then
		VD_KVER=$(cat "$current")
		VD_KDIR=$cache/kernel-$VD_KVER
		vd_log "kernel $VD_KVER (cached; apt lists name no 6.1 kernel)"
		return 0
	fi
	if [ -z "$pkg" ]; then
		vd_apt_update_once
		pkg=$(vd_newest_kernel_pkg)
	fi
	[ -n "$pkg" ] || vd_die "apt offers no linux-image-6.1.*-$(vd_debarch) package"
	ver=${pkg#linux-image-}
	ver=${ver%-unsigned}
	VD_KVER=$ver
	VD_KDIR=$cache/kernel-$ver
	if [ ! -e "$VD_KDIR/.complete" ]; then
		deb=$(vd_download "$cache" "$pkg")
		rm -rf "$VD_KDIR"
		dpkg -x "$deb" "$VD_KDIR" || vd_die "dpkg -x $deb failed"
		[ -e "$VD_KDIR/boot/vmlinuz-$ver" ] || vd_die "no vmlinuz-$ver in $deb"
		depmod -b "$VD_KDIR" "$ver" || vd_die "depmod -b $VD_KDIR failed"
		rm -f "$deb"
		touch "$VD_KDIR/.complete"
	fi
	echo "$ver" >"$current"
	vd_log "kernel $VD_KVER ($VD_KDIR)"
}

# vd_download CACHE PKG: apt-get download PKG into CACHE/debs; prints the .deb's path
vd_download() {
	local cache=$1 pkg=$2
	vd_log "downloading $pkg ($(vd_debarch))"
	mkdir -p "$cache/debs"
	rm -f "$cache/debs/${pkg}"_*.deb
	if ! (cd "$cache/debs" && vd_apt_get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null); then
		vd_apt_update_once # stale lists: the file may have moved on
		(cd "$cache/debs" && vd_apt_get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null) ||
			vd_die "apt-get download $pkg failed"
	fi
	find "$cache/debs" -name "${pkg}_*_$(vd_debarch).deb" | head -n 1
}

# vd_fetch_busybox CACHE: sets VD_BUSYBOX, a static busybox for the guest: the host's
# /bin/busybox (busybox-static) for x86_64; for arm64 busybox-static:arm64 downloaded
# and unpacked once into CACHE/busybox-arm64-VERSION (private apt state, never installed).
vd_fetch_busybox() {
	local cache=$1 ver dir deb
	if [ "$VD_ARCH" != arm64 ]; then
		VD_BUSYBOX=/bin/busybox
		return 0
	fi
	ver=$(vd_apt_cache policy busybox-static 2>/dev/null | awk '/Candidate:/ {print $2}')
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		vd_apt_update_once
		ver=$(vd_apt_cache policy busybox-static 2>/dev/null | awk '/Candidate:/ {print $2}')
	fi
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		vd_die "apt offers no busybox-static for arm64"
	fi
	dir=$cache/busybox-arm64-${ver//[:~]/_}
	if [ ! -e "$dir/.complete" ]; then
		deb=$(vd_download "$cache" busybox-static)
		rm -rf "$dir"
		dpkg -x "$deb" "$dir" || vd_die "dpkg -x $deb failed"
		rm -f "$deb"
		touch "$dir/.complete"
	fi
	VD_BUSYBOX=$dir/bin/busybox
	[ -x "$VD_BUSYBOX" ] || vd_die "no bin/busybox in busybox-static $ver (arm64)"
}

# --- helpers built from C ------------------------------------------------------

# vd_build_helpers HERE OUT: the vhost-user back end runs on the host (it serves arm64
# guests too: vhost-user is the host's protocol); vsock-cid runs in the guest.
vd_build_helpers() {
	local here=$1 out=$2 gcc=cc
	[ "$VD_ARCH" = arm64 ] && gcc=aarch64-linux-gnu-gcc
	cc -std=gnu11 -O2 -Wall -Wextra -o "$out/vhost-user-vsock-stub" \
		"$here/vhost-user-vsock-stub.c" || vd_die "building vhost-user-vsock-stub failed"
	$gcc -std=gnu11 -O2 -Wall -Wextra -static -o "$out/vsock-cid" \
		"$here/vsock-cid.c" || vd_die "building vsock-cid failed"
}

# --- initramfs ----------------------------------------------------------------

# vd_module_closure KDIR KVER NAME...: print the module files (relative to the
# module dir) for NAME and everything it depends on, builtins skipped.
vd_module_closure() {
	local kdir=$1 kver=$2
	shift 2
	python3 - "$kdir/lib/modules/$kver" "$@" <<-'EOF'
		import os, sys
		mdir, names = sys.argv[1], sys.argv[2:]
		dep = {}
		byname = {}
		for line in open(os.path.join(mdir, "modules.dep")):
		    path, _, rest = line.partition(":")
		    dep[path] = rest.split()
		    base = os.path.basename(path).split(".ko")[0].replace("-", "_")
		    byname[base] = path
		builtin = set()
		for line in open(os.path.join(mdir, "modules.builtin")):
		    builtin.add(os.path.basename(line.strip()).split(".ko")[0].replace("-", "_"))
		out, todo = set(), []
		for n in names:
		    k = n.replace("-", "_")
		    if k in byname:
		        todo.append(byname[k])
		    elif k in builtin:
		        print("builtin:" + n, file=sys.stderr)
		    else:
		        sys.exit("module %s is neither a module nor builtin" % n)
		while todo:
		    p = todo.pop()
		    if p not in out:
		        out.add(p)
		        todo.extend(dep.get(p, []))
		print("\n".join(sorted(out)))
	EOF
}

# vd_ldd FILE: ldd for the guest's architecture. arm64: the multiarch loader run
# through qemu-user (tests/arm64-exec) lists what it would load.
vd_ldd() {
	if [ "$VD_ARCH" = arm64 ]; then
		"$(dirname "${BASH_SOURCE[0]}")/../arm64-exec" /lib/ld-linux-aarch64.so.1 --list "$1"
	else
		ldd "$1"
	fi
}

# vd_find_lib SONAME: the library's path for the guest's architecture (x86_64: the
# host's ld.so.cache; arm64: the multiarch directories, which that cache may leave out)
vd_find_lib() {
	if [ "$VD_ARCH" = arm64 ]; then
		local d
		for d in /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu; do
			[ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
		done
	else
		/sbin/ldconfig -p | awk -v s="$1" '$1 == s { print $NF; exit }'
	fi
}

# vd_copy_elf FILE ROOT [DEST]: copy an ELF file and the libraries ldd names
# (and the ELF interpreter) into ROOT at the same paths.
vd_copy_elf() {
	local file=$1 root=$2 dest=${3:-$1} lib
	install -D -m 0755 "$file" "$root$dest"
	vd_ldd "$file" 2>/dev/null | grep -o '/[^ ]*' | sort -u | while read -r lib; do
		[ -e "$lib" ] || continue
		install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
}

# vd_build_initramfs OUT.cpio.gz WORK BINARY-or-empty HERE: busybox, /init, the
# scenarios, the module subset (+ depmod -b), the binary with its libraries
vd_build_initramfs() {
	local out=$1 work=$2 binary=$3 here=$4 root=$2/root mods m lib
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc/modprobe.d,scenarios}
	mkdir -p "$root/lib/modules/$VD_KVER" "$root/boot"
	install -m 0755 "${VD_BUSYBOX:-/bin/busybox}" "$root/bin/busybox"
	install -m 0755 "$here/init.sh" "$root/init"
	install -m 0644 "$here/guest-lib.sh" "$root/guest-lib.sh"
	install -m 0644 "$here"/scenarios/*.sh "$root/scenarios/"
	install -m 0755 "$work/vsock-cid" "$root/bin/vsock-cid"
	install -m 0644 "$VD_KDIR/boot/config-$VD_KVER" "$root/boot/"

	mods=$(vd_module_closure "$VD_KDIR" "$VD_KVER" "${VD_MODULES[@]}" 2>/dev/null) ||
		vd_die "resolving guest modules failed"
	for m in $mods; do
		install -D -m 0644 "$VD_KDIR/lib/modules/$VD_KVER/$m" "$root/lib/modules/$VD_KVER/$m"
	done
	cp "$VD_KDIR/lib/modules/$VD_KVER"/modules.{builtin,builtin.modinfo,order} \
		"$root/lib/modules/$VD_KVER/"
	depmod -b "$root" "$VD_KVER" || vd_die "depmod -b $root failed"

	if [ -n "$binary" ]; then
		vd_copy_elf "$binary" "$root" /usr/sbin/virtio-doctor
		# a dynamic build dlopen()s zlib, libkmod and libarchive, which ldd does not name;
		# the static one (make static) has no program interpreter and needs nothing else
		if readelf -l "$binary" 2>/dev/null | grep -q 'Requesting program interpreter'; then
			for lib in libz.so.1 libkmod.so.2 libarchive.so.13; do
				lib=$(vd_find_lib "$lib")
				[ -n "$lib" ] && vd_copy_elf "$lib" "$root"
			done
		fi
		[ -e /usr/share/misc/pci.ids ] && install -D -m 0644 /usr/share/misc/pci.ids \
			"$root/usr/share/misc/pci.ids"
	fi
	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet | gzip -1) >"$out" || vd_die "cpio failed"
	vd_log "initramfs $(du -h "$out" | cut -f1) with $(echo "$mods" | wc -w) modules${binary:+ and $binary}"
}

# --- boot ---------------------------------------------------------------------

# vd_boot NAME CMDLINE-EXTRA TIMEOUT [NVSOCK [MACHINE]]: boot the guest once;
# console in $VD_WORK/NAME.console, result records in $VD_WORK/NAME.results.
# MACHINE pc (default): the PCI guest (see expect.py), with NVSOCK (default 1)
#   vhost-user-vsock-pci functions at 00:08.0, 00:09.0 ..., CIDs 42, 43 ...
# MACHINE microvm: a Firecracker-like guest without PCI: modern virtio-mmio rng,
#   net and vhost-user vsock (CID 42).
# MACHINE virt (arm64): QEMU's arm64 virt (device tree, generic PCIe host bridge,
#   32 virtio-mmio transports) with modern PCI rng, net, console and vsock functions,
#   modern virtio-mmio rng and balloon, and a PCI 16550 (1b36:0002) for the records.
# Returns 0 if QEMU exited by itself, 124/137 on timeout, else QEMU's status.
vd_boot() {
	local name=$1 extra=$2 tmo=$3 nvsock=${4:-1} machine=${5:-pc} i sock rc t0 t1
	local console=$VD_WORK/$name.console results=$VD_WORK/$name.results
	local stub_pids=() vsock_args=() dev=vhost-user-vsock-pci addr
	VD_BOOT_SECONDS=0
	: >"$results"
	for ((i = 0; i < nvsock; i++)); do
		sock=$VD_WORK/$name.vsock$i.sock
		"$VD_WORK/vhost-user-vsock-stub" "$sock" $((42 + i)) 2>"$VD_WORK/$name.stub$i.log" &
		stub_pids+=($!)
		for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
		if [ ! -S "$sock" ]; then
			kill "${stub_pids[@]}" 2>/dev/null
			vd_log "vhost-user-vsock-stub did not listen on $sock"
			return 1
		fi
		# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
		addr=,addr=$(printf '%02x' $((8 + i))).0
		[ "$machine" = microvm ] && dev=vhost-user-vsock-device addr=
		vsock_args+=(-chardev "socket,id=vsock$i,path=$sock"
			-device "$dev,chardev=vsock$i$addr")
	done

	# microvm has no HPET or ACPI PM timer: when the PIT calibration of the TSC
	# fails under TCG (it does on a busy host), the kernel hangs. TCG's guest TSC
	# runs at the host's rate, so give the kernel that rate.
	if [ "$machine" = microvm ]; then
		extra="$extra tsc_early_khz=$(awk -F': *' '/^cpu MHz/ {printf "%d", $2 * 1000; exit}' /proc/cpuinfo)"
	fi
	local qemu=qemu-system-x86_64 kconsole=ttyS0
	# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
	[ "$machine" = virt ] && qemu="qemu-system-aarch64 -M virt,memory-backend=mem -cpu cortex-a57" \
		kconsole="ttyAMA0 vd.out=ttyS0"
	# shellcheck disable=SC2054,SC2206 # commas: QEMU's syntax; $qemu: words on purpose
	VD_QEMU_CMD=($qemu -accel tcg -m 512 -smp 1 -nographic -no-reboot
		-nodefaults -no-user-config -serial mon:stdio
		-kernel "$VD_KDIR/boot/vmlinuz-$VD_KVER" -initrd "$VD_WORK/initramfs.cpio.gz"
		-append "console=$kconsole rdinit=/init panic=-1 $extra"
		-object memory-backend-memfd,id=mem,size=512M,share=on)
	# shellcheck disable=SC2054
	case $machine in
	pc) VD_QEMU_CMD+=(-numa node,memdev=mem
		-device virtio-rng-pci,disable-legacy=on,addr=03.0
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=,addr=04.0
		-device virtio-balloon-pci,disable-modern=on,addr=05.0
		-device virtio-serial-pci,addr=06.0
		-object memory-backend-ram,id=ivmem,size=1M -device ivshmem-plain,memdev=ivmem,addr=07.0) ;;
	microvm) VD_QEMU_CMD+=(-M microvm,memory-backend=mem
		-global virtio-mmio.force-legacy=false
		-device virtio-rng-device
		-netdev user,id=n0 -device virtio-net-device,netdev=n0) ;;
	virt) VD_QEMU_CMD+=(-global virtio-mmio.force-legacy=false
		-device virtio-rng-pci,disable-legacy=on,addr=03.0
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0,disable-legacy=on,romfile=,addr=04.0
		-device virtio-serial-pci,disable-legacy=on,addr=06.0
		-device virtio-rng-device -device virtio-balloon-device) ;;
	*) vd_die "unknown machine '$machine'" ;;
	esac
	# shellcheck disable=SC2054
	VD_QEMU_CMD+=("${vsock_args[@]}" -chardev file,id=vdres,path="$results")
	# shellcheck disable=SC2054
	case $machine in
	virt) VD_QEMU_CMD+=(-device pci-serial,chardev=vdres,addr=07.0) ;;
	*) VD_QEMU_CMD+=(-device isa-serial,chardev=vdres) ;;
	esac
	t0=$(date +%s.%N)
	timeout --kill-after=5 "$tmo" "${VD_QEMU_CMD[@]}" </dev/null >"$console" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	kill "${stub_pids[@]}" 2>/dev/null
	wait "${stub_pids[@]}" 2>/dev/null
	# shellcheck disable=SC2034 # read by run
	VD_BOOT_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
	return $rc
}
