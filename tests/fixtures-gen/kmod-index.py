#!/usr/bin/env python3
"""kmod-index.py - read and write libkmod's binary index files (modules.*.bin).

Used by make-verdicts.sh to model a kernel whose module tree lacks one module (e.g. a kernel
built without CONFIG_VIRTIO_PCI): the .bin indexes of a real capture are decoded, the entries of
that module are dropped, and the index is written back in the same format depmod writes
(kmod libkmod/libkmod-index.c, tools/depmod.c index_write()).

  kmod-index.py dump FILE                    # "key<TAB>priority<TAB>value" lines
  kmod-index.py drop-module FILE MODULE...   # rewrite FILE without the modules' entries (and, in
                                             # modules.dep.bin, without them in others' deps)

For modules.dep.bin the key is the module name and the value "path: deps"; for
modules.alias.bin and modules.symbols.bin the value is the module name.

Format (big-endian u32): magic 0xB007F457, version 0x00020001, root offset; a node is
[prefix\\0] [first last children[last-first+1]] [count {priority value\\0}*], with the
presence of each part in the top bits of the offset that points to it.
"""
import os
import struct
import sys

MAGIC = 0xB007F457
VERSION = 0x00020001
F_PREFIX, F_VALUES, F_CHILDS, MASK = 0x80000000, 0x40000000, 0x20000000, 0x0FFFFFFF


def read_index(path):
    data = open(path, "rb").read()
    magic, version, root = struct.unpack_from(">III", data, 0)
    if magic != MAGIC or version >> 16 != VERSION >> 16:
        raise SystemExit(f"{path}: not a libkmod index (magic {magic:#x} version {version:#x})")
    out = []

    def cstr(pos):
        end = data.index(b"\0", pos)
        return data[pos:end], end + 1

    def walk(off, key):
        pos = off & MASK
        prefix = b""
        if off & F_PREFIX:
            prefix, pos = cstr(pos)
        key = key + prefix
        children = []
        if off & F_CHILDS:
            first, last = data[pos], data[pos + 1]
            pos += 2
            for i in range(last - first + 1):
                (c,) = struct.unpack_from(">I", data, pos)
                pos += 4
                if c:
                    children.append((first + i, c))
        if off & F_VALUES:
            (n,) = struct.unpack_from(">I", data, pos)
            pos += 4
            for _ in range(n):
                (prio,) = struct.unpack_from(">I", data, pos)
                val, pos = cstr(pos + 4)
                out.append((key, prio, val))
        for ch, c in children:
            walk(c, key + bytes([ch]))

    walk(root, b"")
    return out


class Node:
    __slots__ = ("prefix", "children", "values")

    def __init__(self, prefix=b""):
        self.prefix = prefix
        self.children = {}
        self.values = []


def insert(root, key, prio, val):
    """depmod's index_insert(): a compressed trie."""
    node, i = root, 0
    while True:
        # walk the node's prefix
        j = 0
        while j < len(node.prefix):
            if i + j >= len(key) or key[i + j] != node.prefix[j]:
                # split the node at j
                rest = Node(node.prefix[j + 1:])
                rest.children, rest.values = node.children, node.values
                node.children = {node.prefix[j]: rest}
                node.values = []
                node.prefix = node.prefix[:j]
                break
            j += 1
        i += j
        if i == len(key):
            # depmod's index_add_value(): duplicates are kept, and a value goes in front of
            # the values of the same priority
            k = 0
            while k < len(node.values) and node.values[k][0] < prio:
                k += 1
            node.values.insert(k, (prio, val))
            return
        ch = key[i]
        if ch not in node.children:
            node.children[ch] = Node(key[i + 1:])
            node.children[ch].values.append((prio, val))
            return
        node = node.children[ch]
        i += 1


def write_index(path, entries):
    root = Node()
    for key, prio, val in entries:
        insert(root, key, prio, val)
    buf = bytearray(struct.pack(">III", MAGIC, VERSION, 0))

    def emit(node):
        offs = {ch: emit(c) for ch, c in sorted(node.children.items())}
        off = len(buf)
        flags = 0
        if node.prefix:
            buf.extend(node.prefix + b"\0")
            flags |= F_PREFIX
        if offs:
            first, last = min(offs), max(offs)
            buf.extend(bytes([first, last]))
            for ch in range(first, last + 1):
                buf.extend(struct.pack(">I", offs.get(ch, 0)))
            flags |= F_CHILDS
        if node.values:
            buf.extend(struct.pack(">I", len(node.values)))
            for prio, val in node.values:
                buf.extend(struct.pack(">I", prio) + val + b"\0")
            flags |= F_VALUES
        return off | flags

    struct.pack_into(">I", buf, 8, emit(root))
    with open(path, "wb") as f:
        f.write(buf)


def belongs(path, key, val, modules):
    if os.path.basename(path).startswith("modules.dep"):
        return key in modules
    return val in modules


def main(argv):
    if len(argv) == 3 and argv[1] == "dump":
        for key, prio, val in read_index(argv[2]):
            sys.stdout.buffer.write(key + b"\t" + str(prio).encode() + b"\t" + val + b"\n")
        return 0
    if len(argv) >= 4 and argv[1] == "drop-module":
        entries = read_index(argv[2])
        mods = {m.encode() for m in argv[3:]}
        gone = [e for e in entries if belongs(argv[2], e[0], e[2], mods)]
        kept = [e for e in entries if e not in gone]
        if argv[2].endswith("modules.dep.bin"):
            # depmod would not list the module as anybody's dependency either
            paths = {e[2].split(b":")[0] for e in gone}
            fixed = []
            for key, prio, val in kept:
                head, _, deps = val.partition(b":")
                toks = [t for t in deps.split() if t not in paths]
                fixed.append((key, prio, head + b":" + b"".join(b" " + t for t in toks)))
            kept = fixed
        write_index(argv[2], kept)
        return 0
    if len(argv) == 3 and argv[1] == "roundtrip":  # self-test: rewrite in place unchanged
        write_index(argv[2], read_index(argv[2]))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
