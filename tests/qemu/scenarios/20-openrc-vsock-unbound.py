"""Scenario 20 (OpenRC): the service binds the vsock function unbound at boot."""
from expect import VSOCK, CID, healthy, cid
from openrc_expect import log, levels, services, grep, count, no_errors


def check(t):
    with t.part("set-up"):
        t.ok("service virtio-doctor added to runlevel boot" in t.rec("rc_update").out,
             "rc-update add virtio-doctor boot (as the README says)", t.rec("rc_update").out)
        st = t.state("before")
        t.eq("vsock unbound when OpenRC starts", st["pcidrv"], "")
        t.ok("vmw_vsock_virtio_transport" not in t.snapshot("snap_before")["modules"],
             "vsock transport not loaded when OpenRC starts")

    with t.part("boot under OpenRC"):
        lines = log(t)
        rcs = levels(t, lines)
        t.eq("openrc sysinit, boot, default exit 0", rcs, dict(sysinit=0, boot=0, default=0))
        no_errors(t, lines)
        count(t, lines, r"Binding virtio devices", 1, "service ran once")
        # the tool's line follows ebegin's "..." on the same line
        count(t, lines, r"0000:00:08\.0: bound \(virtio-pci, vmw_vsock_virtio_transport, "
              r"cid 42\)", 1, "tool bound vsock")
        bound = [i for i, l in enumerate(lines) if ": bound (" in l]
        user = [i for i, l in enumerate(lines) if "vsock user: local CID" in l]
        t.ok(bound and user and bound[0] < user[0],
             "vd-vsock-user (need virtio-doctor) started after the bind", repr(lines))
        st = services(t)
        for s in ("virtio-doctor", "vd-vsock-user", "vd-sentinel", "hwdrivers", "mdev"):
            t.eq("rc-status: %s" % s, st.get(s), "started")
        t.eq("rc-service virtio-doctor status", t.rec("status").rc, 0)

    with t.part("result"):
        t.eq("CID seen by vd-vsock-user", t.rec("user_cid").out.strip(), str(CID))
        healthy(t, t.state("after"), "vsock after boot")
        t.eq("CID after boot", cid(t, "cid_after"), CID)
        # hwdrivers loads the virtio drivers after the "before" snapshot: the PCI level of
        # the other functions is what the service must not touch
        before, after = t.snapshot("snap_before"), t.snapshot("snap_after")
        for bdf in sorted(set(before) | set(after)):
            if bdf in (VSOCK, "modules"):
                continue
            b, a = before.get(bdf, {}), after.get(bdf, {})
            t.eq("%s: PCI driver and override untouched" % bdf,
                 (a.get("pcidrv"), a.get("override")), (b.get("pcidrv"), b.get("override")))
