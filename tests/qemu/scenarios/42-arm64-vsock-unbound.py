"""Scenario 42: arm64, vsock PCI function unbound, then bind --vsock."""
from expect import CID, CID_ANY, cid, scan_rows, mentions, unchanged
from expect_arm64 import VSOCK, healthy_pci, check_pci_row


def check(t):
    with t.part("broken state (busybox)"):
        t.eq("unbind from virtio-pci succeeded", t.rec("unbind").rc, 0)
        st = t.state("before")
        t.eq("vsock has no PCI driver", st["pcidrv"], "")
        t.eq("vsock has no virtio child", st["virtio"], "")
        t.eq("CID ioctl answers VMADDR_CID_ANY (transport loaded, no device)",
             cid(t, "cid_before"), CID_ANY)

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status (a device is not ok)", r.rc, 1)
        rows = scan_rows(t, r)
        check_pci_row(t, rows, t.state("before"), "unbound")
        for bdf, s in t.snapshot("snap_before").items():
            if bdf.startswith("0000:") and bdf != VSOCK and s["pcidrv"] == "virtio-pci":
                check_pci_row(t, rows, s, "ok")

    with t.part("explain vsock"):
        r = t.tool("explain")
        t.eq("explain exit status (problem found)", r.rc, 1)
        mentions(t, r, "explain", VSOCK, "00:08.0")
        mentions(t, r, "explain", "unbound", "no driver", "not bound")
        mentions(t, r, "explain", "virtio-doctor bind")

    with t.part("bind --vsock --dry-run"):
        r = t.tool("dryrun")
        mentions(t, r, "dry-run", "/sys/bus/pci/drivers/virtio-pci/bind")
        t.eq("dry-run changed nothing", t.state("after_dryrun"), t.state("before"))

    with t.part("bind --vsock"):
        r = t.tool("bind1")
        t.eq("bind exit status", r.rc, 0)
        healthy_pci(t, t.state("after1"), "vsock after bind")
        t.eq("CID after bind", cid(t, "cid_after"), CID)
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"),
                  "other devices", ignore=(VSOCK, "modules"))

    with t.part("second bind --vsock"):
        r = t.tool("bind2")
        t.eq("second bind exit status", r.rc, 0)
        mentions(t, r, "second bind", "already")
        st = t.state("after2")
        t.eq("second bind wrote no driver_override", st["override"], "(null)")
        healthy_pci(t, st, "vsock after second bind")
