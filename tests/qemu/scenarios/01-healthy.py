"""Scenario 1: healthy mixed guest. scan -J must match the guest's sysfs row by row,
ivshmem is not a virtio row, the legacy balloon at status 0x07 is ok, exit 0."""
from expect import VIRTIO, IVSHMEM, CID, healthy, cid, scan_rows, check_row, mentions, unchanged


def check(t):
    with t.part("sysfs (busybox)"):
        for pid in VIRTIO:
            healthy(t, t.state("state." + pid), "1af4:" + pid)
        iv = t.state("state.1110")
        t.eq("ivshmem has no PCI driver", iv["pcidrv"], "")
        t.eq("vsock CID through /dev/vsock", cid(t, "cid"), CID)

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan -J exit status", r.rc, 0)
        rows = scan_rows(t, r)
        for pid in VIRTIO:
            check_row(t, rows, t.state("state." + pid), "ok")
        t.ok(IVSHMEM not in rows, "ivshmem 1af4:1110 is not a virtio row")
        t.ok("0000:00:00.0" not in rows, "the 8086 host bridge is not a row")
        t.eq("number of rows", len(rows), len(VIRTIO))

    with t.part("scan (table)"):
        r = t.tool("scan_text")
        t.eq("scan exit status", r.rc, 0)
        t.ok(all(VIRTIO[p]["bdf"] in r.out for p in VIRTIO), "table lists every device",
             r.out[:500])

    with t.part("explain (nothing wrong)"):
        r = t.tool("explain")
        t.eq("explain exit status on a healthy guest", r.rc, 0)
    with t.part("explain --all"):
        r = t.tool("explain_all")
        t.eq("explain --all exit status", r.rc, 0)
        mentions(t, r, "explain --all (vsock CID through the ioctl)", str(CID))
    with t.part("bind --vsock --dry-run (already bound)"):
        r = t.tool("dryrun")
        t.eq("dry-run exit status", r.rc, 0)
        mentions(t, r, "dry-run", "already")
        t.ok(" > /sys/" not in r.out, "dry-run lists no write", r.out[:300])
    with t.part("bind --vsock (already bound)"):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 0)
        mentions(t, r, "bind", "already")
        unchanged(t, t.snapshot("snapshot"), t.snapshot("snap_after"), "already bound")
