# shellcheck shell=bash
# Host side of the OpenRC boots (scenarios whose PREP is "openrc"): Debian's OpenRC
# packages, unpacked, and the files of an Alpine-like OpenRC guest, as a second cpio
# archive appended to the initramfs (the kernel unpacks concatenated archives in order).
# Runs on the HOST; never installs OpenRC here, never writes to the host's /sys.

VD_OPENRC_PKGS=(openrc librc1 libeinfo1)

# vd_openrc_fetch CACHE: sets VD_ORC_DIR to Debian's OpenRC packages (apt-get download,
# dpkg -x), cached per version in CACHE/openrc-VERSION.
vd_openrc_fetch() {
	local cache=$1 ver p deb
	ver=$(apt-cache policy openrc 2>/dev/null | awk '/Candidate:/ { print $2 }')
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		vd_apt_update_once
		ver=$(apt-cache policy openrc 2>/dev/null | awk '/Candidate:/ { print $2 }')
	fi
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || vd_die "apt offers no openrc package"
	VD_ORC_DIR=$cache/openrc-$ver
	if [ ! -e "$VD_ORC_DIR/.complete" ]; then
		vd_log "downloading ${VD_OPENRC_PKGS[*]} $ver"
		rm -rf "$VD_ORC_DIR" "$cache/openrc-debs"
		mkdir -p "$cache/openrc-debs"
		for p in "${VD_OPENRC_PKGS[@]}"; do
			(cd "$cache/openrc-debs" && apt-get download -q -o APT::Sandbox::User=root \
				"$p=$ver" >/dev/null) || vd_die "apt-get download $p=$ver failed"
		done
		for deb in "$cache"/openrc-debs/*.deb; do
			dpkg -x "$deb" "$VD_ORC_DIR" || vd_die "dpkg -x $deb failed"
		done
		rm -rf "$cache/openrc-debs"
		touch "$VD_ORC_DIR/.complete"
	fi
	vd_log "openrc $ver ($VD_ORC_DIR)"
}

# vd_openrc_initramfs OUT.cpio.gz WORK HERE: the OpenRC guest's files: Debian's OpenRC
# with the libraries its programs link (ldd inside the unpacked tree), busybox init with
# an Alpine-like inittab, stand-ins for the Alpine services Debian's OpenRC lacks, the two
# test services, and virtio-doctor's service as `make install-openrc` installs it.
vd_openrc_initramfs() {
	local out=$1 work=$2 here=$3 root=$2/openrc-root f lib libdir
	rm -rf "$root"
	mkdir -p "$root"/{sbin,bin,etc,lib}
	cp -a "$VD_ORC_DIR"/sbin "$VD_ORC_DIR"/bin "$VD_ORC_DIR"/lib "$root/"
	cp -a "$VD_ORC_DIR"/etc/. "$root/etc/"
	libdir=$(echo "$VD_ORC_DIR"/lib/*-linux-gnu*)
	find "$VD_ORC_DIR"/sbin "$VD_ORC_DIR"/bin "$VD_ORC_DIR"/lib -type f | while read -r f; do
		head -c 4 "$f" | grep -q 'ELF' || continue
		LD_LIBRARY_PATH=$libdir ldd "$f" 2>/dev/null | grep -o '/[^ ]*'
	done | sort -u | while read -r lib; do
		case $lib in "$VD_ORC_DIR"/*) continue ;; esac
		[ -e "$lib" ] && install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
	make -s -C "$here/../.." install-openrc DESTDIR="$root" BINDIR=/usr/sbin SYSCONFDIR=/etc ||
		vd_die "make install-openrc failed"
	for f in "$here"/openrc/init.d/*; do
		install -m 0755 "$f" "$root/etc/init.d/$(basename "$f")"
	done
	install -m 0644 "$here/openrc/inittab" "$root/etc/inittab"
	cp -r "$here"/openrc/etc/. "$root/etc/"
	install -m 0755 "$here/openrc/vd-openrc.sh" "$root/vd-openrc.sh"
	# busybox init as PID 1 (rdinit=/sbin/init), /bin/sh for the service scripts
	ln -sf /bin/busybox "$root/sbin/init"
	ln -sf busybox "$root/bin/sh"
	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet | gzip -1) >"$out" || vd_die "cpio (openrc) failed"
	vd_log "openrc archive $(du -h "$out" | cut -f1)"
}
