"""Scenario 9: initcall_blacklist=virtio_pci_driver_init on the command line."""
from expect import VSOCK, scan_rows, mentions, unchanged


def check(t):
    with t.part("broken state (busybox)"):
        t.ok("initcall_blacklist=virtio_pci_driver_init" in t.rec("cmdline").out,
             "kernel command line carries the initcall blacklist")
        r = t.rec("modprobe")
        t.ok(r.rc != 0, "modprobe virtio_pci fails (EPERM from the blacklisted initcall)",
             repr(r))
        t.ok(t.rec("driver_dir").rc != 0, "no /sys/bus/pci/drivers/virtio-pci")

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 1)
        row = scan_rows(t, r).get(VSOCK)
        if t.ok(row is not None, "scan lists " + VSOCK):
            t.eq("vsock state", row.get("state"), "unbound")

    with t.part("explain vsock"):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", "initcall_blacklist")
        mentions(t, r, "explain", "virtio_pci_driver_init")

    with t.part("bind --vsock"):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 1)
        mentions(t, r, "bind", "initcall_blacklist", "EPERM", "not permitted")
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"), "failed bind")
