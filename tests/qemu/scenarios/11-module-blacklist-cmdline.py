"""Scenario 11: module_blacklist=vmw_vsock_virtio_transport on the kernel command line."""
from expect import CID, scan_rows, check_row, cid, mentions, unchanged


def check(t):
    with t.part("broken state (busybox)"):
        t.ok("module_blacklist=vmw_vsock_virtio_transport" in t.rec("cmdline").out,
             "kernel command line carries module_blacklist=")
        r = t.rec("modprobe")
        t.ok(r.rc != 0, "loading the module by name fails (EPERM)", repr(r))
        st = t.state("before")
        t.eq("PCI level bound", st["pcidrv"], "virtio-pci")
        t.ok(st["virtio"].startswith("virtio"), "virtio device present", repr(st))
        t.eq("virtio level has no driver", st["vdriver"], "")
        t.ok(cid(t, "cid_before") != CID, "no CID 42")

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 1)
        check_row(t, scan_rows(t, r), t.state("before"), "no-driver")

    with t.part("explain vsock"):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", "module_blacklist")
        mentions(t, r, "explain", "vmw_vsock_virtio_transport")

    with t.part("bind --vsock"):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 1)
        mentions(t, r, "bind", "module_blacklist", "blacklist")
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"), "refused bind")
