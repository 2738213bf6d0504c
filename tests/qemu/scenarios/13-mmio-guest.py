"""Scenario 13: virtio-mmio only guest (QEMU microvm, like Firecracker)."""
from expect import CID, cid, scan_rows, mentions, unchanged

TYPES = {"0x0004": ("rng", "virtio_rng"), "0x0001": ("net", "virtio_net"),
         "0x0013": ("vsock", "vmw_vsock_virtio_transport")}


def vdevs(t):
    """[state dict] of every virtio device the guest recorded"""
    out = []
    for key in sorted(k for k in t.recs if k.startswith("virtio.")):
        parts = t.rec(key).out.split()
        d = dict(p.split("=", 1) for p in parts[1:])
        d["name"] = parts[0]
        out.append(d)
    return out


def check(t):
    with t.part("guest state (busybox)"):
        t.eq("no PCI function", t.rec("pci").out.split(), [])
        devs = vdevs(t)
        t.eq("virtio devices (by type)", sorted(d["device"] for d in devs),
             sorted(TYPES))
        for d in devs:
            t.eq("%s parent bus" % d["name"], d["bus"], "platform")
            t.eq("%s transport driver" % d["name"], d["pdriver"], "virtio-mmio")
            t.eq("%s driver" % d["name"], d["vdriver"], TYPES.get(d["device"], ("", ""))[1])
            t.eq("%s status (modern mmio)" % d["name"], d["status"], "0x0000000f")
        t.eq("vsock CID over mmio", cid(t, "cid"), CID)

    with t.part("scan -J"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 0)
        rows = scan_rows(t, r)
        t.eq("one row per virtio device", len(rows), len(vdevs(t)))
        byv = {row.get("virtio"): row for row in rows.values()}
        for d in vdevs(t):
            row = byv.get(d["name"])
            if not t.ok(row is not None, "scan lists " + d["name"], repr(sorted(byv))):
                continue
            typ, drv = TYPES[d["device"]]
            t.eq("%s device (platform device name)" % d["name"], row.get("device"), d["parent"])
            t.eq("%s transport" % d["name"], row.get("transport"), "mmio")
            t.eq("%s type" % d["name"], row.get("type"), typ)
            # the contract defines PCIDRV for PCI functions only: accept empty, or
            # the transport driver actually bound to the platform device
            t.ok(row.get("pcidrv") in (None, d["pdriver"]),
                 "%s pcidrv empty or the platform driver %r" % (d["name"], d["pdriver"]),
                 repr(row.get("pcidrv")))
            t.eq("%s driver" % d["name"], row.get("driver"), drv)
            t.eq("%s state" % d["name"], row.get("state"), "ok")
    with t.part("scan (table)"):
        r = t.tool("scan_text")
        t.eq("scan exit status", r.rc, 0)
        t.ok("no devices" not in (r.out + r.err).lower(), "no 'no devices found'")

    with t.part("explain --all"):
        r = t.tool("explain_all")
        t.eq("explain --all exit status", r.rc, 0)
        mentions(t, r, "explain --all (vsock CID)", str(CID))

    with t.part("bind --vsock"):
        r = t.tool("bind")
        # issue 14: virtio-mmio is a transport like PCI; a vsock on it that works is
        # "already bound", and nothing is written
        t.eq("bind --vsock on a working mmio vsock", r.rc, 0)
        mentions(t, r, "bind", "already bound")
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after"), "bind")
        t.eq("CID still there", cid(t, "cid_after"), CID)
