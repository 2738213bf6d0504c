"""Scenario 24 (OpenRC): the vsock transport is blacklisted: the service fails
with one line naming the cause, and the boot goes on."""
from openrc_expect import log, levels, services, count, grep


def check(t):
    with t.part("boot under OpenRC"):
        lines = log(t)
        rcs = levels(t, lines)
        t.eq("openrc default ran (exit 0)", rcs.get("default"), 0)
        count(t, lines, r"blacklist", 1, "the cause is said once")
        cause = grep(lines, r"blacklist")
        t.ok(cause and "cannot bind '0000:00:08.0'" in cause[0] and
             "vmw_vsock_virtio_transport" in cause[0],
             "that line names the device, the blacklist and the module", repr(cause))
        count(t, lines, r"ERROR: virtio-doctor failed to start", 1, "OpenRC's failure line")
        count(t, lines, r"^ \* virtio-doctor: ", 1, "one line from the tool")
        st = services(t)
        t.ok(st.get("virtio-doctor") not in (None, "started"), "rc-status: virtio-doctor "
             "not started", repr(st))
        t.eq("rc-status: vd-sentinel (default runlevel)", st.get("vd-sentinel"), "started")
        t.eq("the boot reached the default runlevel", t.rec("sentinel").out.strip(), "default")
        t.ok(t.rec("status").rc != 0, "rc-service virtio-doctor status is not 0",
             repr(t.rec("status")))

    with t.part("nothing changed"):
        st = t.state("after")
        t.eq("vsock still on virtio-pci", st["pcidrv"], "virtio-pci")
        t.eq("vsock virtio level still without driver", st["vdriver"], "")
        t.ok("vmw_vsock_virtio_transport" not in t.rec("modules").out,
             "transport not loaded", t.rec("modules").out[:300])
