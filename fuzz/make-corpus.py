#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seed the fuzz corpora from the fixture sysroots: fuzz/corpus/<target>/<sha1>.

Run from the top of the tree after the fixtures change; the output is checked in.
Attribute values are stored as the sysfs layer hands them over (one trailing newline
stripped). Idempotent: the directories are rebuilt from scratch.
"""
import gzip
import hashlib
import os
import re
import shutil
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(TOP, "tests", "fixtures")
OUT = os.path.join(TOP, "fuzz", "corpus")

corpus = {}


def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    corpus.setdefault(target, {})[hashlib.sha1(data).hexdigest()] = data


def attr(path):
    with open(path, "rb") as f:
        d = f.read()
    return d[:-1] if d.endswith(b"\n") else d


def files(name):
    for root, _dirs, fnames in os.walk(FIX):
        if name in fnames:
            p = os.path.join(root, name)
            if os.path.isfile(p) and not os.path.islink(p):
                yield p


for name in ("vendor", "device", "class", "revision", "subsystem_vendor",
             "subsystem_device", "status"):
    for p in files(name):
        add("hex", attr(p))
for p in files("features"):
    add("features", attr(p))
for p in files("modalias"):
    add("modalias", attr(p))
for p in files("resource"):
    add("resource", attr(p))
for p in files("config"):
    if "/sys/" in p:
        with open(p, "rb") as f:
            add("pcicfg", f.read())
for p in files("cmdline"):
    add("cmdline", attr(p))

# kernel log: every line that names a device or a virtio word, plus a sample of the rest
seen = 0
for p in files("kmsg.txt"):
    with open(p, "rb") as f:
        for line in f.read().split(b"\n"):
            m = re.match(rb"^[0-9]+,[0-9]+,[0-9]+,[^;]*;(.*)$", line)
            msg = m.group(1) if m else line
            if re.search(rb"virtio|probe|BAR|0000:|enabling|capabilit|features", msg):
                add("klog", msg)
            elif seen % 40 == 0:
                add("klog", msg)
            seen += 1

# kernel configs: the virtio/vsock part of each (a whole config is 300 KiB)
for root, _dirs, fnames in os.walk(FIX):
    for fn in fnames:
        p = os.path.join(root, fn)
        if fn == "config.gz" and root.endswith("/proc"):
            try:
                text = gzip.open(p).read()
            except (OSError, EOFError):
                continue
        elif fn.startswith("config-") and root.endswith("/boot"):
            text = open(p, "rb").read()
        else:
            continue
        lines = [l for l in text.split(b"\n")
                 if re.search(rb"VIRTIO|VSOCK|VHOST|PCI_MSI|MODULES|^# Linux", l)]
        add("kconfig", b"\n".join(lines) + b"\n")
        add("kconfig", text[:4096])

for a in ("0000:00:04.0", "00:04.0", "0000:ff:1f.7", "ffff:00:00.0", "virtio0", "virtio3",
          "virtio4294967295", "1af4:1053", "1AF4:1041", "vsock", "net", "block", "balloon",
          "rng", "console", "virtio-mmio.0", "LNRO0005:00", "d0000000.virtio_mmio",
          "0000:00:04.0/../..", "../../etc", "00:20.0", "0000:00:04.8", "virtio03"):
    add("args", a)

# the whole-tree target: <selector byte><file content>, for each of its files
SYS = [
    (0, "firecracker-6.18", "sys/devices/pci0000:00/0000:00:03.0/" + f) for f in
    ("vendor", "device", "class", "revision", "subsystem_vendor", "subsystem_device",
     "config", "resource", "modalias", "driver_override", "enable", "irq",
     "virtio2/status", "virtio2/features", "virtio2/device", "virtio2/vendor",
     "virtio2/modalias")
] + [
    (0, "firecracker-6.18", "proc/cmdline"), (0, "firecracker-6.18", "kmsg.txt"),
    (0, "firecracker-6.18", "proc/sys/kernel/osrelease"),
    (0, "firecracker-6.18", "sys/bus/pci/drivers_autoprobe"),
] + [
    (1, "fc-vsock-unbound", "sys/devices/pci0000:00/0000:00:04.0/" + f) for f in
    ("driver_override", "driver_override", "config", "vendor", "device", "enable",
     "resource")
] + [(1, "fc-vsock-unbound", "kmsg.txt"), (1, "fc-vsock-unbound", "proc/cmdline")]
for i, (_tree, fixture, rel) in enumerate(SYS):
    p = os.path.join(FIX, fixture, rel)
    with open(p, "rb") as f:
        d = f.read()
    if rel == "kmsg.txt":
        d = b"\n".join(d.split(b"\n")[:60]) + b"\n"
    add("sysattr", bytes([i]) + d)
    if rel.endswith("driver_override"):
        for v in (b"none\n", b"vfio-pci\n", b"virtio-pci\n", b"(null)\n", b"\n", b""):
            add("sysattr", bytes([i]) + v)

if os.path.isdir(OUT):
    shutil.rmtree(OUT)
for target, entries in sorted(corpus.items()):
    d = os.path.join(OUT, target)
    os.makedirs(d)
    for h, data in entries.items():
        with open(os.path.join(d, h), "wb") as f:
            f.write(data)
    print(f"{target}: {len(entries)} seeds", file=sys.stderr)
