"""Scenario 41: healthy arm64 virt guest: modern PCI behind the generic host bridge and
virtio-mmio; the 30 empty mmio transports are no problem (issue 14)."""
from expect import CID, cid, scan_rows, mentions, unchanged
from expect_arm64 import (PCI, MMIO, NTRANSPORTS, healthy_pci, healthy_mmio, check_pci_row,
                          check_mmio_row, mmio_devices)


def check(t):
    with t.part("sysfs (busybox)"):
        for pid in PCI:
            healthy_pci(t, t.state("state." + pid), "1af4:" + pid)
        t.eq("the record port (1b36:0002) is on serial", t.state("serial")["pcidrv"], "serial")
        t.eq("generic host bridge as a platform device", t.rec("bridge").rc, 0)
        for vid, st in mmio_devices(t).items():
            healthy_mmio(t, st, "mmio " + vid)
        t.eq("virtio-mmio transports in the device tree",
             len(t.rec("transports").out.split()), NTRANSPORTS)
        snap = t.snapshot("snapshot")
        empty = [k for k, v in snap.items() if k.endswith(".virtio_mmio") and not v["virtio"]]
        t.eq("empty transports (no device, no driver)", len(empty), NTRANSPORTS - len(MMIO))
        t.ok(all(snap[k]["drv"] == "" for k in empty), "empty transports have no driver")
        t.eq("vsock CID through /dev/vsock", cid(t, "cid"), CID)

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan -J exit status", r.rc, 0)
        rows = scan_rows(t, r)
        for pid in PCI:
            check_pci_row(t, rows, t.state("state." + pid), "ok")
        for vid, st in mmio_devices(t).items():
            check_mmio_row(t, rows, st, "ok")
        t.ok("0000:00:00.0" not in rows, "the host bridge is not a row")
        t.ok(t.state("serial")["bdf"] not in rows, "the PCI 16550 is not a row")
        t.eq("number of rows (empty transports not listed)", len(rows), len(PCI) + len(MMIO))

    with t.part("scan -J -a (empty transports)"):
        r = t.tool("scan_all")
        t.eq("scan -J -a exit status", r.rc, 0)
        rows = scan_rows(t, r, "scan -J -a")
        empty = [d for d, row in rows.items() if d and d.endswith(".virtio_mmio")
                 and row.get("state") == "empty"]
        t.eq("scan -a lists the empty transports as state empty", len(empty),
             NTRANSPORTS - len(MMIO))

    with t.part("scan (table)"):
        r = t.tool("scan_text")
        t.eq("scan exit status", r.rc, 0)
        t.ok(all(PCI[p]["bdf"] in r.out for p in PCI), "table lists every PCI device",
             r.out[:500])
        t.ok(all(st["name"] in r.out for st in mmio_devices(t).values()),
             "table lists the mmio devices", r.out[:500])
        t.ok("unbound" not in r.out, "no transport is unbound", r.out[:800])

    with t.part("check"):
        r = t.tool("check")
        t.eq("check exit status on a healthy arm64 virt guest", r.rc, 0)
    with t.part("explain (nothing wrong)"):
        r = t.tool("explain")
        t.eq("explain exit status on a healthy guest", r.rc, 0)
        t.ok("mmio-unbound" not in r.out + r.err, "no mmio-unbound verdict", r.out[:800])
    with t.part("explain --all"):
        r = t.tool("explain_all")
        t.eq("explain --all exit status", r.rc, 0)
        mentions(t, r, "explain --all (vsock CID through the ioctl)", str(CID))
    with t.part("bind --vsock --dry-run (already bound)"):
        r = t.tool("dryrun")
        t.eq("dry-run exit status", r.rc, 0)
        mentions(t, r, "dry-run", "already")
    with t.part("bind --vsock (already bound)"):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 0)
        mentions(t, r, "bind", "already")
        unchanged(t, t.snapshot("snapshot"), t.snapshot("snap_after"), "already bound")

    with t.part("snapshot: the bundle scans as the guest"):
        t.eq("snapshot exit status", t.tool("bundle").rc, 0)
        live = scan_rows(t, t.tool("scan"))
        r = t.tool("scan_bundle")
        t.eq("scan -J --sysroot BUNDLE exit status", r.rc, 0)
        rows = scan_rows(t, r, "scan -J --sysroot BUNDLE")
        key = ("state", "type", "driver")
        t.eq("devices, states, types and drivers in the bundle",
             {d: tuple(row.get(k) for k in key) for d, row in rows.items()},
             {d: tuple(row.get(k) for k in key) for d, row in live.items()})
