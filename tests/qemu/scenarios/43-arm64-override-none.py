"""Scenario 43: arm64, driver_override=none on the vsock function; bind needs --force."""
from expect import CID, cid, scan_rows, mentions, unchanged
from expect_arm64 import healthy_pci, check_pci_row


def check(t):
    with t.part("broken state (busybox)"):
        t.eq("unbind succeeded", t.rec("unbind").rc, 0)
        t.eq("driver_override write succeeded", t.rec("override").rc, 0)
        st = t.state("before")
        t.eq("driver_override reads back", st["override"], "none")
        r = t.rec("sysfs_bind")
        t.ok(r.rc != 0 and "no such device" in r.err.lower(),
             "kernel: bind with override=none fails with ENODEV", repr(r))

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 1)
        check_pci_row(t, scan_rows(t, r), t.state("before"), "unbound")

    with t.part("explain vsock"):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", "driver_override")
        mentions(t, r, "explain", "none")

    with t.part("bind --vsock without --force"):
        r = t.tool("bind_noforce")
        t.eq("bind without --force exit status", r.rc, 1)
        mentions(t, r, "refusal", "--force")
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after_noforce"),
                  "refused bind")

    with t.part("bind --vsock --force"):
        r = t.tool("bind_force")
        t.eq("bind --force exit status", r.rc, 0)
        st = t.state("after")
        healthy_pci(t, st, "vsock after bind --force")
        t.eq("driver_override now", st["override"], "virtio-pci")
        t.eq("CID after bind", cid(t, "cid_after"), CID)
