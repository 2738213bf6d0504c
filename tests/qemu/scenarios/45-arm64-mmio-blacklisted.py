"""Scenario 45: arm64, virtio_mmio blacklisted and not loaded (issue 14)."""
from expect import mentions, unchanged
from expect_arm64 import NTRANSPORTS, healthy_mmio, mmio_devices, check_pci_row, mentions_word


def check(t):
    with t.part("broken state (busybox)"):
        t.eq("rmmod virtio_mmio", t.rec("rmmod").rc, 0)
        st = t.state("before")
        t.eq("mmio rng transport has no driver", st["drv"], "")
        t.eq("mmio rng has no virtio device", st["virtio"], "")
        t.ok(t.rec("driver_dir").rc != 0, "no drivers/virtio-mmio")
        t.ok("virtio_mmio" not in t.snapshot("snap_before")["modules"], "module not loaded")
        for vid, s in mmio_devices(t, "restored.").items():
            healthy_mmio(t, s, "mmio %s after the test restored it" % vid)

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status (two devices cannot be reached)", r.rc, 1)
        doc = t.json(r, "scan -J") or {}
        rows = {row.get("device"): row for row in doc.get("devices", [])}
        snap = t.snapshot("snap_before")
        for bdf, s in snap.items():
            if bdf.startswith("0000:") and s["pcidrv"] == "virtio-pci":
                check_pci_row(t, rows, s, "ok")

    with t.part("check"):
        t.eq("check exit status", t.tool("check").rc, 1)

    with t.part("explain"):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", "blacklist")
        mentions_word(t, r, "explain", "virtio_mmio")
        mentions_word(t, r, "explain (how many transports wait)", str(NTRANSPORTS))
        t.ok(r.out.count("mmio-unbound") == 0, "no per-transport mmio-unbound verdicts",
             "%d of them" % r.out.count("mmio-unbound"))

    with t.part("explain -J: one verdict for the transport driver"):
        doc = t.json(t.tool("explain_json"), "explain -J") or {}
        mmio = [d for d in doc.get("devices", [])
                if str(d.get("verdict", "")).startswith("mmio-")]
        t.eq("verdicts about virtio-mmio", [d.get("verdict") for d in mmio],
             ["mmio-driver-blacklisted"])
        t.ok(not any(str(d.get("device", "")).startswith("0000:")
                     for d in doc.get("devices", [])), "no PCI device has a problem")

    with t.part("bind of an mmio device"):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 1)
        mentions(t, r, "bind", "blacklist")
        mentions_word(t, r, "bind", "virtio_mmio")
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"), "bind refused")
