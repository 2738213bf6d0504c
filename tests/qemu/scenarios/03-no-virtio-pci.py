"""Scenario 3: virtio_pci not loaded; explain names it; bind loads it and binds."""
from expect import CID, healthy, cid, scan_rows, check_row, mentions


def loaded(t, key):
    return {line.split()[0] for line in t.rec(key).out.splitlines() if line.strip()}


def check(t):
    with t.part("broken state (busybox)"):
        t.ok("virtio_pci" not in loaded(t, "modules_before"), "virtio_pci not loaded at start")
        t.ok(t.rec("driver_dir_before").rc != 0, "no /sys/bus/pci/drivers/virtio-pci")
        st = t.state("before")
        t.eq("vsock has no PCI driver", st["pcidrv"], "")

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 1)
        rows = scan_rows(t, r)
        for bdf, s in t.snapshot("snap_before").items():
            if bdf != "modules" and s["id"].startswith("1af4:") and s["id"] != "1af4:1110":
                check_row(t, rows, s, "unbound")

    with t.part("explain vsock"):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", "virtio_pci", "virtio-pci")
        mentions(t, r, "explain", "not loaded", "not registered")
        # module evidence: where libkmod found the module
        mentions(t, r, "explain", "virtio_pci.ko", "/lib/modules/")
    with t.part("explain vsock -J"):
        t.json(t.tool("explain_json"), "explain vsock -J")

    with t.part("bind --vsock --dry-run"):
        r = t.tool("dryrun")
        t.ok("virtio_pci" not in loaded(t, "modules_after_dryrun"),
             "dry-run loaded no module")
        mentions(t, r, "dry-run", "virtio_pci")

    with t.part("bind --vsock"):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 0)
        t.ok("virtio_pci" in loaded(t, "modules_after"), "bind loaded virtio_pci")
        t.eq("virtio-pci driver registered", t.rec("driver_dir_after").rc, 0)
        healthy(t, t.state("after"), "vsock after bind")
        t.eq("CID after bind", cid(t, "cid_after"), CID)
