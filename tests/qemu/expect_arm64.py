"""What the arm64 test guest is (QEMU virt, run --arch arm64), and its checks (host side).

PCI functions behind the generic host bridge (platform device 4010000000.pcie):
  00:03.0 virtio-rng-pci,disable-legacy=on        1af4:1044 modern
  00:04.0 virtio-net-pci,disable-legacy=on        1af4:1041 modern
  00:06.0 virtio-serial-pci,disable-legacy=on     1af4:1043 modern
  00:07.0 pci-serial (the record port, ttyS0)     1b36:0002 not virtio
  00:08.0 vhost-user-vsock-pci (our stub, CID 42) 1af4:1053 modern
virtio-mmio (device tree, 32 transports a000000 ... a003e00; QEMU fills them from the
last one down, force-legacy=false so version 2): virtio-rng-device (type 4),
virtio-balloon-device (type 5); the other 30 transports are empty placeholders.
"""
import re

from expect import check_row, healthy, null

PCI = {  # PCI device ID -> what scan must say about it
    "1044": dict(bdf="0000:00:03.0", transport="modern", type="rng", driver="virtio_rng"),
    "1041": dict(bdf="0000:00:04.0", transport="modern", type="net", driver="virtio_net"),
    "1043": dict(bdf="0000:00:06.0", transport="modern", type="console",
                 driver="virtio_console"),
    "1053": dict(bdf="0000:00:08.0", transport="modern", type="vsock",
                 driver="vmw_vsock_virtio_transport"),
}
MMIO = {  # virtio device type (sysfs "device") -> what scan must say about it
    "0x0004": dict(type="rng", driver="virtio_rng"),
    "0x0005": dict(type="balloon", driver="virtio_balloon"),
}
NTRANSPORTS = 32
VSOCK = PCI["1053"]["bdf"]


def healthy_pci(t, st, what):
    healthy(t, st, what, PCI)


def check_pci_row(t, rows, st, want_state, what="scan"):
    check_row(t, rows, st, want_state, what, PCI)


def mstate(line):
    """'NAME drv=.. override=.. virtio=.. vdevice=.. vdriver=.. status=..' -> dict"""
    parts = line.split()
    d = {"name": parts[0]}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        d[k] = v
    return d


def mmio_devices(t, prefix="mmio."):
    """{virtio type: mstate dict} from the records KEY = prefix + type"""
    return {k[len(prefix):]: mstate(t.rec(k).out.strip())
            for k in sorted(t.recs) if k.startswith(prefix)}


def healthy_mmio(t, st, what, vid=None):
    """busybox-level: a virtio-mmio transport bound to virtio-mmio, its device to its
    driver, status 0xf (modern mmio)"""
    exp = MMIO[vid or st["vdevice"]]
    t.eq(what + ": transport driver", st["drv"], "virtio-mmio")
    t.ok(st["virtio"].startswith("virtio"), what + ": has a virtioN child", repr(st))
    t.eq(what + ": virtio driver", st["vdriver"], exp["driver"])
    t.eq(what + ": status", st["status"], "0x0000000f")


def check_mmio_row(t, rows, st, want_state, what="scan", vid=None):
    """The scan row for the virtio-mmio transport in mstate dict `st` says what sysfs
    says (DEVICE is the platform device), and its STATE is want_state."""
    name = st["name"]
    row = rows.get(name)
    if not t.ok(row is not None, "%s lists %s" % (what, name), "rows: %s" % sorted(rows)):
        return
    exp = MMIO[vid or st["vdevice"]]
    t.eq("%s %s transport" % (what, name), row.get("transport"), "mmio")
    t.eq("%s %s type" % (what, name), row.get("type"), exp["type"])
    t.ok(row.get("pcidrv") in (None, st["drv"] or None),
         "%s %s pcidrv empty or the platform driver %r" % (what, name, st["drv"]),
         repr(row.get("pcidrv")))
    t.eq("%s %s virtio (sysfs: %r)" % (what, name, st["virtio"]), row.get("virtio"),
         null(st["virtio"]))
    t.eq("%s %s driver (sysfs: %r)" % (what, name, st["vdriver"]), row.get("driver"),
         null(st["vdriver"]))
    t.eq("%s %s state" % (what, name), row.get("state"), want_state)


def mentions_word(t, r, what, word):
    """the tool's output names `word` on its own: not inside a transport name such as
    a003200.virtio_mmio (so "32" or "virtio_mmio" are not found in every device name)"""
    text = r.out + "\n" + r.err
    found = re.search(r"(?<![0-9A-Za-z._])%s(?![0-9A-Za-z_])" % re.escape(word), text)
    return t.ok(found, "%s names %r" % (what, word), "output: %r" % text[:600])
