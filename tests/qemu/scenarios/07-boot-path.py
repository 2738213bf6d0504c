"""Scenario 7: boot path `virtio-doctor bind --vsock --wait 5` from init."""
from expect import VSOCK, CID, healthy, cid, mentions, unchanged


def check(t):
    with t.part("boot state (busybox)"):
        t.eq("modprobe virtio_pci", t.rec("modprobe").rc, 0)
        st = t.state("before")
        t.eq("vsock unbound at boot", st["pcidrv"], "")
        t.ok("vmw_vsock_virtio_transport" not in t.snapshot("snap_before")["modules"],
             "vsock transport not loaded at boot")

    with t.part("bind --vsock --wait 5"):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 0)
        healthy(t, t.state("after"), "vsock after boot-time bind")
        t.eq("CID after boot-time bind", cid(t, "cid_after"), CID)
        # only the vsock function is a target
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"), "other devices",
                  ignore=(VSOCK, "modules"))

    with t.part("second run (already bound)"):
        r = t.tool("bind2")
        t.eq("second run exit status", r.rc, 0)
        mentions(t, r, "second run", "already")
        t.eq("second run wrote no driver_override change",
             t.state("after2")["override"], t.state("after")["override"])
        # 0 writes: every function and the module list as before, and the plan for the
        # same state has no write in it (timing is bench/'s, never asserted here)
        unchanged(t, t.snapshot("snap_after"), t.snapshot("snap_after2"), "second run")
        p = t.tool("plan2")
        t.eq("dry run on the bound state exit status", p.rc, 0)
        t.eq("dry run on the bound state plans no write",
             [l for l in p.out.splitlines() if not l.startswith("#")], [])
