"""Scenario 12: a second vsock device is refused by the kernel (-EBUSY)."""
from expect import CID, scan_rows, mentions, unchanged

FIRST, SECOND = "0000:00:08.0", "0000:00:09.0"


def check(t):
    with t.part("kernel state (busybox)"):
        t.eq("vsock functions", t.rec("bdfs").out.split(), [FIRST, SECOND])
        st1, st2 = t.state("first"), t.state("second")
        t.eq("first vsock: virtio driver", st1["vdriver"], "vmw_vsock_virtio_transport")
        t.eq("second vsock: PCI level bound", st2["pcidrv"], "virtio-pci")
        t.eq("second vsock: virtio level has no driver", st2["vdriver"], "")
        t.ok(st2["status"] and int(st2["status"], 16) & 0x80,
             "second vsock: FAILED bit set", st2["status"])
        t.ok("failed with error -16" in t.rec("klog").out,
             "kernel logged the -16 (EBUSY) probe failure")
        t.eq("CID is the first device's", int(t.rec("cid").out.strip() or 0), CID)

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 1)
        rows = scan_rows(t, r)
        t.eq("first vsock state", (rows.get(FIRST) or {}).get("state"), "ok")
        t.ok((rows.get(SECOND) or {}).get("state") in ("failed", "no-driver"),
             "second vsock is failed (or no-driver), not ok", repr(rows.get(SECOND)))

    with t.part("explain " + SECOND):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", "second vsock", "only one", "one vsock", "EBUSY")

    with t.part("bind --vsock"):
        r = t.tool("bind")
        t.eq("bind exit status (the second device cannot end bound)", r.rc, 1)
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"), "bind",
                  ignore=("modules",))
