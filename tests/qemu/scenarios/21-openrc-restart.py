"""Scenario 21 (OpenRC): restart, status and check on a bound guest write nothing."""
from expect import CID, healthy, cid, mentions
from openrc_expect import grep


def check(t):
    with t.part("rc-service virtio-doctor restart"):
        r = t.rec("restart")
        t.eq("restart exit status", r.rc, 0)
        mentions(t, r, "restart", "already bound")
        t.ok(not grep((r.out + r.err).splitlines(), r"ERROR|failed"), "restart: no error",
             r.out + r.err)
        t.eq("restart wrote no driver_override (cleared before)",
             t.state("after")["override"], "(null)")
        t.eq("restart changed no device and no module", t.snapshot("snap_after"),
             t.snapshot("snap_before"))
        healthy(t, t.state("after"), "vsock after restart")
        t.eq("CID after restart", cid(t, "cid_after"), CID)
        t.eq("vd-vsock-user (restarted with it) status", t.rec("user_status").rc, 0)

    with t.part("status and check"):
        r = t.rec("status")
        t.eq("status exit status", r.rc, 0)
        mentions(t, r, "status", "started")
        r = t.rec("check")
        t.eq("check exit status", r.rc, 0)
        mentions(t, r, "check", "Checking virtio devices (vsock)")
        t.ok("dry-run" not in r.out + r.err, "check runs no bind --dry-run", r.out + r.err)
        r = t.tool("dryrun")
        mentions(t, r, "bind --vsock --dry-run afterwards", "already bound")
