"""Scenario 44: arm64, vmw_vsock_virtio_transport blacklisted and not loaded."""
from expect import scan_rows, mentions, unchanged
from expect_arm64 import healthy_pci, check_pci_row


def check(t):
    with t.part("broken state (busybox)"):
        t.eq("rmmod vmw_vsock_virtio_transport", t.rec("rmmod").rc, 0)
        st = t.state("before")
        t.eq("PCI level still bound", st["pcidrv"], "virtio-pci")
        t.eq("virtio level has no driver", st["vdriver"], "")
        healthy_pci(t, t.state("restored"), "vsock after the test restored it")

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 1)
        check_pci_row(t, scan_rows(t, r), t.state("before"), "no-driver")

    with t.part("explain vsock"):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", "blacklist")
        mentions(t, r, "explain", "vmw_vsock_virtio_transport")

    with t.part("bind --vsock"):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 1)
        mentions(t, r, "bind", "blacklist")
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"), "bind refused")
