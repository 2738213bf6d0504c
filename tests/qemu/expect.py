"""What the test guest is, and checks shared by the scenarios (host side).

The guest's PCI functions (run's QEMU command line, fixed addresses):
  00:03.0 virtio-rng-pci,disable-legacy=on       1af4:1044 modern
  00:04.0 virtio-net-pci                          1af4:1000 transitional
  00:05.0 virtio-balloon-pci,disable-modern=on    1af4:1002 legacy (status 0x07 when ok)
  00:06.0 virtio-serial-pci                       1af4:1003 transitional
  00:07.0 ivshmem-plain                           1af4:1110 not virtio
  00:08.0 vhost-user-vsock-pci (our stub, CID 42) 1af4:1053 modern
"""

CID = 42
CID_ANY = 4294967295  # VMADDR_CID_ANY: vsock core without a probed device

VIRTIO = {  # PCI device ID -> what scan must say about it
    "1044": dict(bdf="0000:00:03.0", transport="modern", type="rng", driver="virtio_rng"),
    "1000": dict(bdf="0000:00:04.0", transport="transitional", type="net", driver="virtio_net"),
    "1002": dict(bdf="0000:00:05.0", transport="legacy", type="balloon", driver="virtio_balloon"),
    "1003": dict(bdf="0000:00:06.0", transport="transitional", type="console",
                 driver="virtio_console"),
    "1053": dict(bdf="0000:00:08.0", transport="modern", type="vsock",
                 driver="vmw_vsock_virtio_transport"),
}
IVSHMEM = "0000:00:07.0"
VSOCK = VIRTIO["1053"]["bdf"]
RNG = VIRTIO["1044"]["bdf"]


def null(v):
    """sysfs 'empty' -> JSON null"""
    return v if v else None


def scan_rows(t, r, what="scan -J"):
    """{device: row} from a `scan -J` record; fails the check on bad shape."""
    doc = t.json(r, what)
    if doc is None:
        return {}
    if not t.ok(isinstance(doc, dict) and isinstance(doc.get("devices"), list),
                what + ": top level is {\"devices\": [...]}", repr(doc)[:300]):
        return {}
    return {row.get("device"): row for row in doc["devices"] if isinstance(row, dict)}


def check_row(t, rows, st, want_state, what="scan", devices=None):
    """The scan row for the PCI function in state dict `st` (guest-lib.sh state)
    says what sysfs says, and its STATE is want_state. devices: the guest's
    {device ID: expectation} (default: this x86 guest's VIRTIO)."""
    bdf, pid = st["bdf"], st["id"].split(":")[1]
    row = rows.get(bdf)
    if not t.ok(row is not None, "%s lists %s" % (what, bdf), "rows: %s" % sorted(rows)):
        return
    exp = (devices or VIRTIO)[pid]
    t.eq("%s %s id" % (what, bdf), row.get("id"), st["id"])
    t.eq("%s %s transport" % (what, bdf), row.get("transport"), exp["transport"])
    t.eq("%s %s type" % (what, bdf), row.get("type"), exp["type"])
    t.eq("%s %s pcidrv (sysfs: %r)" % (what, bdf, st["pcidrv"]), row.get("pcidrv"),
         null(st["pcidrv"]))
    t.eq("%s %s virtio (sysfs: %r)" % (what, bdf, st["virtio"]), row.get("virtio"),
         null(st["virtio"]))
    t.eq("%s %s driver (sysfs: %r)" % (what, bdf, st["vdriver"]), row.get("driver"),
         null(st["vdriver"]))
    t.eq("%s %s state" % (what, bdf), row.get("state"), want_state)


def healthy(t, st, what, devices=None):
    """busybox-level: st is bound at both levels with the expected driver and status"""
    exp = (devices or VIRTIO)[st["id"].split(":")[1]]
    t.eq(what + ": PCI driver", st["pcidrv"], "virtio-pci")
    t.ok(st["virtio"].startswith("virtio"), what + ": has a virtioN child", repr(st))
    t.eq(what + ": virtio driver", st["vdriver"], exp["driver"])
    t.eq(what + ": status", st["status"],
         "0x00000007" if exp["transport"] == "legacy" else "0x0000000f")


def cid(t, key):
    """the CID vsock-cid printed, or None"""
    out = t.rec(key).out.strip()
    return int(out) if out.isdigit() else None


def mentions(t, r, what, *alternatives):
    """the tool's output (stdout+stderr) contains one of the alternatives (case-insensitive)"""
    text = (r.out + "\n" + r.err).lower()
    return t.ok(any(a.lower() in text for a in alternatives),
                "%s mentions %s" % (what, " or ".join(repr(a) for a in alternatives)),
                "output: %r" % (r.out + r.err)[:600])


def unchanged(t, before, after, what, ignore=()):
    """snapshot() records equal (every PCI function and the module list)"""
    for k in sorted(set(before) | set(after)):
        if k in ignore:
            continue
        t.eq("%s: %s unchanged" % (what, k), after.get(k), before.get(k))
