"""Scenario 7: boot path `virtio-doctor bind --vsock --wait 5` from init."""
from expect import VSOCK, CID, healthy, cid, mentions, unchanged


def secs(t, key):
    return float(t.rec(key).out.strip())


def check(t):
    with t.part("boot state (busybox)"):
        t.eq("modprobe virtio_pci", t.rec("modprobe").rc, 0)
        st = t.state("before")
        t.eq("vsock unbound at boot", st["pcidrv"], "")
        t.ok("vmw_vsock_virtio_transport" not in t.snapshot("snap_before")["modules"],
             "vsock transport not loaded at boot")

    with t.part("bind --vsock --wait 5"):
        r = t.tool("bind")
        took = secs(t, "t1") - secs(t, "t0")
        t.eq("bind exit status", r.rc, 0)
        t.ok(took < 5.5, "bind --wait 5 returned within its bound (%.2fs)" % took)
        healthy(t, t.state("after"), "vsock after boot-time bind")
        t.eq("CID after boot-time bind", cid(t, "cid_after"), CID)
        # only the vsock function is a target
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"), "other devices",
                  ignore=(VSOCK, "modules"))

    with t.part("second run (already bound)"):
        r = t.tool("bind2")
        took = secs(t, "t2") - secs(t, "t1")
        t.eq("second run exit status", r.rc, 0)
        mentions(t, r, "second run", "already")
        t.ok(took < 2.0, "already-bound path is quick (%.2fs under TCG)" % took)
        t.eq("second run wrote no driver_override change",
             t.state("after2")["override"], t.state("after")["override"])
