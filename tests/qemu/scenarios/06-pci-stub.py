"""Scenario 6: rng held by pci-stub (foreign); bind needs --force."""
from expect import RNG, healthy, scan_rows, mentions, unchanged


def check(t):
    with t.part("broken state (busybox)"):
        for k in ("modprobe", "unbind", "override", "probe"):
            t.eq("setup step %s" % k, t.rec(k).rc, 0)
        st = t.state("before")
        t.eq("rng held by pci-stub", st["pcidrv"], "pci-stub")
        t.eq("no virtio child under pci-stub", st["virtio"], "")

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 1)
        row = scan_rows(t, r).get(RNG)
        if t.ok(row is not None, "scan lists " + RNG):
            t.eq("state", row.get("state"), "foreign")
            t.eq("pcidrv", row.get("pcidrv"), "pci-stub")
            t.eq("type", row.get("type"), "rng")

    with t.part("explain " + RNG):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", "pci-stub")
        mentions(t, r, "explain", "foreign", "another driver", "other driver")

    with t.part("bind without --force"):
        r = t.tool("bind_noforce")
        t.eq("bind without --force exit status", r.rc, 1)
        mentions(t, r, "refusal", "--force")
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after_noforce"),
                  "refused bind")

    with t.part("bind --force"):
        r = t.tool("bind_force")
        t.eq("bind --force exit status", r.rc, 0)
        healthy(t, t.state("after"), "rng after bind --force")
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"), "other devices",
                  ignore=(RNG, "modules"))
