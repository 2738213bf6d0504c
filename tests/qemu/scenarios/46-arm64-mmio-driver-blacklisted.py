"""Scenario 46: arm64, the mmio balloon's virtio driver blacklisted; then bind of the
mmio device (issue 14)."""
from expect import scan_rows, mentions, unchanged
from expect_arm64 import healthy_mmio, check_mmio_row, mstate

BALLOON = "0x0005"


def check(t):
    st = mstate(t.rec("before").out.strip())
    name = st["name"]

    with t.part("broken state (busybox)"):
        t.eq("rmmod virtio_balloon", t.rec("rmmod").rc, 0)
        t.eq("transport still on virtio-mmio", st["drv"], "virtio-mmio")
        t.eq("virtio device there", st["vdevice"], BALLOON)
        t.eq("virtio level has no driver", st["vdriver"], "")
        t.eq("unbind of the transport", t.rec("unbind").rc, 0)
        u = mstate(t.rec("unbound").out.strip())
        t.eq("unbound transport: no driver", u["drv"], "")
        t.eq("unbound transport: no virtio device", u["virtio"], "")

    with t.part("scan -J (blacklisted)"):
        r = t.tool("scan")
        t.eq("scan exit status", r.rc, 1)
        check_mmio_row(t, scan_rows(t, r), st, "no-driver")

    with t.part("explain (blacklisted)"):
        r = t.tool("explain")
        t.eq("explain exit status", r.rc, 1)
        mentions(t, r, "explain", name)
        mentions(t, r, "explain", "blacklist")
        mentions(t, r, "explain", "virtio_balloon")
        t.ok("/sys/bus/pci/devices/" + name not in r.out,
             "evidence names the platform bus, not a PCI path", r.out[:600])

    with t.part("bind (blacklisted)"):
        r = t.tool("bind_bl")
        t.eq("bind exit status", r.rc, 1)
        mentions(t, r, "bind", "blacklist")
        t.ok("invalid pci address" not in (r.out + r.err).lower(),
             "bind accepts a virtio-mmio name", (r.out + r.err)[:300])
        unchanged(t, t.snapshot("snap_before"), t.snapshot("snap_after_bl"), "bind refused")

    with t.part("scan -J -a (transport unbound)"):
        # sysfs shows no device ID under an unbound transport: empty or unbound
        row = scan_rows(t, t.tool("scan2"), "scan -J -a").get(name)
        t.ok(row is not None and row.get("state") in ("empty", "unbound"),
             "scan -a lists %s as empty or unbound" % name, repr(row))

    with t.part("bind --dry-run"):
        r = t.tool("dryrun")
        t.eq("dry-run exit status", r.rc, 0)
        mentions(t, r, "dry-run", "/sys/bus/platform/drivers/virtio-mmio/bind")
        t.eq("dry-run changed nothing", t.rec("after_dryrun").out, t.rec("unbound").out)

    with t.part("bind"):
        r = t.tool("bind")
        t.eq("bind exit status", r.rc, 0)
        healthy_mmio(t, mstate(t.rec("after").out.strip()), "mmio balloon after bind",
                     vid=BALLOON)
        unchanged(t, t.snapshot("snap_unbound"), t.snapshot("snap_after"),
                  "other devices", ignore=(name, "modules"))
    with t.part("second bind"):
        r = t.tool("bind_again")
        t.eq("second bind exit status", r.rc, 0)
        mentions(t, r, "second bind", "already")
        healthy_mmio(t, mstate(t.rec("after_again").out.strip()), "after second bind",
                     vid=BALLOON)
