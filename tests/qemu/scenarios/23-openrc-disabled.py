"""Scenario 23 (OpenRC): novirtiodoctor: the service does nothing and says so."""
from openrc_expect import log, levels, services, count, no_errors


def check(t):
    with t.part("set-up"):
        t.ok("novirtiodoctor" in t.rec("cmdline").out.split(), "novirtiodoctor on the "
             "kernel command line", t.rec("cmdline").out)
        t.eq("vsock unbound when OpenRC starts", t.state("before")["pcidrv"], "")

    with t.part("boot under OpenRC"):
        lines = log(t)
        t.eq("openrc sysinit, boot, default exit 0", levels(t, lines),
             dict(sysinit=0, boot=0, default=0))
        no_errors(t, lines)
        count(t, lines, r"Skipping virtio-doctor: novirtiodoctor", 1, "the service says so")
        count(t, lines, r"Binding virtio devices|bound \(", 0, "nothing bound")
        st = services(t)
        t.eq("rc-status: virtio-doctor", st.get("virtio-doctor"), "started")
        t.eq("rc-status: vd-sentinel", st.get("vd-sentinel"), "started")
        t.eq("rc-service virtio-doctor status", t.rec("status").rc, 0)

    with t.part("nothing written"):
        t.eq("vsock as before the boot", t.state("after"), t.state("before"))
