# Fleet and support tools (issue 12): metrics on a timer under OpenRC, the sos plugin.
# The systemd metrics units are verified by check-systemd (mk/openrc.mk).

# The OpenRC periodic metrics script as install-openrc-metrics installs it, run against
# the fixtures (tests/openrc/check-periodic).
check-openrc-periodic: virtio-doctor
	tests/openrc/check-periodic ./virtio-doctor

CHECK_ALL_EXTRA += check-openrc-periodic
.PHONY: check-openrc-periodic install-openrc-metrics

# The sos plugin goes into sos' own plugin package (sos has no other plugin path); the
# sos_extras file into /etc/sos/extras.d.
SOS_PLUGINDIR ?= $(shell /usr/bin/python3 -c 'import os, sos.report.plugins as p; \
	print(os.path.dirname(p.__file__))' 2>/dev/null)
install-sos:
	@[ -n "$(SOS_PLUGINDIR)" ] || { echo "install-sos: sos not found (SOS_PLUGINDIR=)" >&2; exit 2; }
	install -Dm644 contrib/sos/virtio_doctor.py "$(DESTDIR)$(SOS_PLUGINDIR)/virtio_doctor.py"

install-sos-extras:
	install -Dm644 contrib/sos/extras.d/virtio-doctor \
		"$(DESTDIR)$(SYSCONFDIR)/sos/extras.d/virtio-doctor"

# supportconfig (SUSE) runs every executable of this directory
SUPPORTCONFIG_PLUGINDIR ?= /usr/lib/supportconfig/plugins
install-supportconfig:
	install -Dm755 contrib/supportconfig/virtio_doctor \
		"$(DESTDIR)$(SUPPORTCONFIG_PLUGINDIR)/virtio_doctor"

# Debian's sosreport, installed when missing (root)
deps-sos:
	@command -v sos >/dev/null && exit 0; \
	[ "$$(id -u)" = 0 ] || { echo "deps-sos: missing: sosreport (run as root)" >&2; exit 2; }; \
	echo "apt-get install sosreport"; \
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		--no-install-recommends sosreport >/dev/null || \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o \
		DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends sosreport >/dev/null; }

# The plugin in a real "sos report" on this machine (tests/check-sos): root; it installs
# virtio-doctor under /usr/local and the plugin into sos for the run, then removes them.
check-sos: virtio-doctor deps-sos
	tests/check-sos

CHECK_ALL_EXTRA += check-sos
.PHONY: install-sos install-sos-extras install-supportconfig deps-sos check-sos
