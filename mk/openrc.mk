# Boot-time services and packaging (issue 16): the OpenRC script's logic on the host, the
# systemd unit verified, the Alpine package's files. The OpenRC scenarios booted under real
# OpenRC (tests/qemu/scenarios/2N-openrc-*) run with check-qemu.

# The OpenRC script installed as install-openrc installs it, run against the fixtures with
# openrc-run's helpers stubbed (tests/openrc/check-initd); busybox sh too when present,
# as on Alpine.
check-openrc-script: virtio-doctor
	tests/openrc/check-initd ./virtio-doctor
	@if command -v busybox >/dev/null; then \
		echo "busybox sh tests/openrc/check-initd"; \
		busybox sh tests/openrc/check-initd ./virtio-doctor; fi

# systemd-analyze verify on the unit as install-systemd installs it, and its ExecCondition
# against the fixtures (tests/check-systemd). Installs systemd (systemd-analyze) and man-db
# (verify looks up Documentation=man:) when they are missing.
deps-systemd:
	@missing=; command -v systemd-analyze >/dev/null || missing="$$missing systemd"; \
	command -v man >/dev/null || missing="$$missing man-db"; \
	[ -z "$$missing" ] && exit 0; \
	[ "$$(id -u)" = 0 ] || { echo "deps-systemd: missing:$$missing (run as root)" >&2; exit 2; }; \
	echo "apt-get install$$missing"; \
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		--no-install-recommends $$missing >/dev/null || \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o \
		DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $$missing >/dev/null; }

check-systemd: virtio-doctor deps-systemd
	tests/check-systemd ./virtio-doctor

# contrib/alpine/APKBUILD cannot be built here (no abuild, no Alpine): it must parse, name
# this version, and every file it installs must exist.
check-apkbuild:
	sh -n contrib/alpine/APKBUILD
	@v=$$(sed -n 's/^pkgver=//p' contrib/alpine/APKBUILD); [ "$$v" = "$(VERSION)" ] || \
		{ echo "APKBUILD: pkgver=$$v, Makefile VERSION=$(VERSION)" >&2; exit 1; }
	@for f in LICENSE man/virtio-doctor.8 contrib/openrc/virtio-doctor.initd \
		contrib/openrc/virtio-doctor.confd; do [ -f $$f ] || { echo "missing $$f" >&2; exit 1; }; done

CHECK_ALL_EXTRA += check-openrc-script check-systemd check-apkbuild
.PHONY: check-openrc-script deps-systemd check-systemd check-apkbuild
