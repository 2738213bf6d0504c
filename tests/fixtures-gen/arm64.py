#!/usr/bin/env python3
"""arm64.py - helpers for the arm64 fixture trees (make-arm64.sh).

  relocate ROOT OLD NEW      move ROOT/OLD to ROOT/NEW and rewrite every relative symlink of
                             the tree that points into it or lives in it, as sysfs would show
                             the same devices under another parent
  crosvm-config FILE TYPE BAR0
                             write the 256-byte config space crosvm gives a virtio PCI device
                             of virtio TYPE (devices/src/virtio/virtio_pci_device.rs), BAR0 at
                             BAR0 (32-bit, 0x8000 bytes)
Only files under the given ROOT are written. Facts: /work/shared/reference/platform-facts.md.
"""
import os
import struct
import sys

# crosvm's per-type class codes since bb426cc9f (base, sub); rng and balloon 0x088000
CLASS = {19: (0x02, 0x80), 1: (0x02, 0x80), 9: (0x02, 0x80), 2: (0x01, 0x80),
         3: (0x07, 0x80), 4: (0x08, 0x80), 5: (0x08, 0x80)}


def relocate(root, old, new):
    root = os.path.realpath(root)
    o, n = os.path.join(root, old), os.path.join(root, new)

    def moved(p):
        return n + p[len(o):] if p == o or p.startswith(o + "/") else p

    links = []
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(d, name)
            if os.path.islink(p):
                t = os.path.normpath(os.path.join(d, os.readlink(p)))
                links.append((p, t))
    os.makedirs(os.path.dirname(n), exist_ok=True)
    os.rename(o, n)
    for p, t in links:
        np, nt = moved(p), moved(t)
        os.unlink(np)
        os.symlink(os.path.relpath(nt, os.path.dirname(np)), np)


def vcap(cfg_type, bar, off, length, nxt, extra=b""):
    body = struct.pack("<BBBBBBxxII", 0x09, nxt, 16 + len(extra), cfg_type, bar, 0, off, length)
    return body + extra


def crosvm_config(path, vtype, bar0):
    dev = 0x1040 + vtype
    base, sub = CLASS.get(vtype, (0x00, 0xff))
    c = bytearray(256)
    struct.pack_into("<HHHH", c, 0, 0x1af4, dev, 0x0002, 0x0010)  # memory decoding on, caps
    c[8], c[9], c[10], c[11] = 0x01, 0x00, sub, base                # revision 1, class
    struct.pack_into("<I", c, 0x10, bar0)                          # 32-bit, non-prefetchable
    struct.pack_into("<HH", c, 0x2c, 0x1af4, dev)                  # subsystem = device ID
    c[0x34] = 0x40
    c[0x3d] = 0x01
    caps = [
        (0x40, vcap(1, 0, 0x0000, 56, 0x50)),                      # common
        (0x50, vcap(3, 0, 0x1000, 1, 0x60)),                       # ISR
        (0x60, vcap(4, 0, 0x2000, 0x1000, 0x70)),                  # device
        (0x70, vcap(2, 0, 0x3000, 0x1000, 0x84, struct.pack("<I", 4))),  # notify, mult 4
        (0x84, vcap(5, 0, 0, 0, 0x98, b"\0\0\0\0")),               # pci_cfg
        # MSI-X: table at BAR0+0x6000, PBA at BAR0+0x7000, 3 vectors
        (0x98, struct.pack("<BBHII", 0x11, 0xa4, 2, 0x6000, 0x7000)),
        (0xa4, struct.pack("<BBHH", 0x01, 0x00, 0x0003, 0x0000)),  # power management
    ]
    for pos, blob in caps:
        c[pos:pos + len(blob)] = blob
    with open(path, "wb") as f:
        f.write(bytes(c))


def main(argv):
    if len(argv) == 5 and argv[1] == "relocate":
        relocate(argv[2], argv[3], argv[4])
        return 0
    if len(argv) == 5 and argv[1] == "crosvm-config":
        crosvm_config(argv[2], int(argv[3], 0), int(argv[4], 0))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
