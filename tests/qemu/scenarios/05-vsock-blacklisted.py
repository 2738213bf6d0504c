"""Scenario 5: vmw_vsock_virtio_transport blacklisted and not loaded."""
from expect import CID, healthy, cid, scan_rows, check_row, mentions, unchanged


def check(t):
    with t.part("broken state (busybox)"):
        t.eq("rmmod vmw_vsock_virtio_transport", t.rec("rmmod").rc, 0)
        st = t.state("before")
        t.eq("PCI level still bound", st["pcidrv"], "virtio-pci")
        t.ok(st["virtio"].startswith("virtio"), "virtio device present", repr(st))
        t.eq("virtio level has no driver", st["vdriver"], "")
        t.ok("vmw_vsock_virtio_transport" not in t.snapshot("snap_before")["modules"],
             "module not loaded")
        t.ok(cid(t, "cid_before") != CID, "no CID 42 without the transport")
        healthy(t, t.state("restored"), "vsock after the test restored it")

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 1)
        check_row(t, scan_rows(t, r), t.state("before"), "no-driver")

    with t.part("explain vsock"):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", "no-driver", "no driver")
        mentions(t, r, "explain", "blacklist")
        mentions(t, r, "explain", "vmw_vsock_virtio_transport")
    with t.part("explain vsock -J"):
        t.json(t.tool("explain_json"), "explain vsock -J")

    with t.part("bind --vsock"):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 1)
        mentions(t, r, "bind", "blacklist")
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"), "bind refused")
        t.ok(cid(t, "cid_after") != CID, "still no CID")
