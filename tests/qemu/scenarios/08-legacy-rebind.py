"""Scenario 8: legacy-only balloon unbound, bound back by address."""
from expect import VIRTIO, healthy, scan_rows, check_row, mentions

BALLOON = VIRTIO["1002"]["bdf"]


def check(t):
    with t.part("broken state (busybox)"):
        t.eq("unbind succeeded", t.rec("unbind").rc, 0)
        t.eq("balloon has no PCI driver", t.state("before")["pcidrv"], "")

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 1)
        check_row(t, scan_rows(t, r), t.state("before"), "unbound")

    with t.part("explain " + BALLOON):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", "unbound", "no driver", "not bound")

    with t.part("bind " + BALLOON):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 0)
        healthy(t, t.state("after"), "balloon after bind (legacy status 0x07)")
        line = "%s: virtio_pci: leaving for legacy driver" % BALLOON
        t.ok(t.rec("klog").out.count(line) >= 2,
             "kernel logged 'leaving for legacy driver' again at the rebind (and bound it)")
        r = t.tool("scan_after")
        t.eq("scan exit status after bind", r.rc, 0)
        check_row(t, scan_rows(t, r), t.state("after"), "ok", what="scan after bind")
    with t.part("explain after bind"):
        r = t.tool("explain_after")
        t.eq("explain exit status (legacy line is not a failure)", r.rc, 0)
