# Fleet and support tools (issue 12): metrics on a timer under OpenRC, the sos plugin.
# The systemd metrics units are verified by check-systemd (mk/openrc.mk).

# The OpenRC periodic metrics script as install-openrc-metrics installs it, run against
# the fixtures (tests/openrc/check-periodic).
check-openrc-periodic: virtio-doctor
	tests/openrc/check-periodic ./virtio-doctor

CHECK_ALL_EXTRA += check-openrc-periodic
.PHONY: check-openrc-periodic install-openrc-metrics
