"""Scenario 22 (OpenRC): no vsock device: every service starts, one warning."""
from openrc_expect import log, levels, services, count, no_errors

NOVSOCK = r"[Nn]o virtio vsock device"


def check(t):
    with t.part("set-up"):
        r = t.rec("vsock_fn")
        t.ok(r.rc != 0 and not r.out.strip(), "guest has no vsock PCI function", repr(r))

    with t.part("boot under OpenRC"):
        lines = log(t)
        t.eq("openrc sysinit, boot, default exit 0", levels(t, lines),
             dict(sysinit=0, boot=0, default=0))
        no_errors(t, lines)
        count(t, lines, NOVSOCK, 1, "the service says it once")
        count(t, lines, r"Binding virtio devices", 0, "nothing to bind")
        st = services(t)
        t.ok(st and all(v == "started" for v in st.values()), "every service started",
             repr(st))
        t.eq("rc-status: virtio-doctor", st.get("virtio-doctor"), "started")
        t.eq("rc-service virtio-doctor status", t.rec("status").rc, 0)

    with t.part("restart: the warning is an ewarn (stderr), once"):
        r = t.rec("restart")
        t.eq("restart exit status", r.rc, 0)
        count(t, r.err.splitlines(), NOVSOCK, 1, "restart's stderr")
        count(t, r.out.splitlines(), NOVSOCK, 0, "restart's stdout")

    with t.part("check"):
        t.eq("rc-service virtio-doctor check exit status", t.rec("check").rc, 0)
