"""Scenario 10: drivers_autoprobe=0 with the vsock function unbound."""
from expect import VSOCK, CID, healthy, cid, scan_rows, check_row, mentions, unchanged


def check(t):
    with t.part("broken state (busybox)"):
        t.eq("unbind succeeded", t.rec("unbind").rc, 0)
        t.eq("drivers_autoprobe reads 0", t.rec("autoprobe_before").out.strip(), "0")
        t.eq("vsock has no PCI driver", t.state("before")["pcidrv"], "")

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 1)
        check_row(t, scan_rows(t, r), t.state("before"), "unbound")

    with t.part("explain vsock"):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", "drivers_autoprobe", "autoprobe")

    with t.part("bind --vsock"):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 0)
        healthy(t, t.state("after"), "vsock after bind")
        t.eq("CID after bind", cid(t, "cid_after"), CID)
        t.eq("drivers_autoprobe left as it was", t.rec("autoprobe_after").out.strip(), "0")
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"), "other devices",
                  ignore=(VSOCK, "modules"))
