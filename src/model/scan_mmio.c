/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- model scan: virtio-mmio transports and other non-PCI transports */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"
#include "vd/facts/klog.h"

bool vd_is_mmio_name(const char *n)
{
	size_t l = strlen(n);

	return !strncmp(n, "virtio-mmio.", 12) || (l > 12 && !strcmp(n + l - 12, ".virtio_mmio")) ||
	       !strncmp(n, "LNRO0005:", 9);
}

int vd_scan_add_nonpci(struct scan *sc, size_t vi)
{
	struct vd_device *d;
	char pn[64];
	const char *vpath = sc->vpaths[vi];
	size_t plen;
	int r;

	if (!vd_scan_parent_name(vpath, pn, sizeof(pn)))
		return 0;
	/*
	 * The bus link was resolved as text: its device may be gone (hot-unplug, or the PCI
	 * function above was skipped because it vanished). Checked here only: a virtio
	 * device under a PCI function that was read is there.
	 */
	r = vd_sysfs_is_dir(sc->s, vpath);
	if (r != 1) {
		char link[320];

		snprintf(link, sizeof(link), "sys/bus/virtio/devices/%s", sc->vnames.v[vi]);
		vd_scan_warn_file(sc, link, r == 0 ? -ENOTDIR : r == -ENOENT ? -ENOLINK : r);
		return 0;
	}
	d = vd_scan_new_device(sc);
	if (!d)
		return -ENOMEM;
	plen = (size_t)(strrchr(vpath, '/') - vpath);
	d->name = vd_scan_keep(sc, pn);
	d->path = vd_scan_keep_n(sc, vpath, plen);
	d->bus = (strstr(vpath, "/platform/") || vd_is_mmio_name(pn)) ? VD_BUS_PLATFORM
								      : VD_BUS_OTHER;
	d->transport = d->bus == VD_BUS_PLATFORM ? VD_TRANSPORT_MMIO : VD_TRANSPORT_NONE;
	d->cls.virtio = true;
	d->pcidrv = vd_scan_read_driver(sc, d, d->path, VD_BUS_PLATFORM);
	vd_scan_read_virtio_child(sc, d, vi);
	return vd_device_evaluate(d);
}

/* Whether the kernel log says virtio-mmio's probe of this transport failed. */
static bool probe_logged(struct scan *sc, const char *name)
{
	if (!sc->klog_read) {
		sc->klog_read = true;
		sc->have_klog = vd_klog_load(sc->s, sc->o->kmsg_file, &sc->klog) == 0;
	}
	for (size_t i = 0; sc->have_klog && i < sc->klog.n; i++) {
		struct vd_klog_event ev;

		if (!strstr(sc->klog.lines[i], name) || vd_klog_match(sc->klog.lines[i], &ev) <= 0)
			continue;
		if (!strcmp(ev.device, name) &&
		    (ev.kind == VD_KLOG_PROBE_FAILED || ev.kind == VD_KLOG_MMIO_REJECTED))
			return true;
	}
	return false;
}

/*
 * A transport without driver is an empty slot when virtio-mmio was free to probe it and
 * nothing says the probe failed: QEMU's virt machine declares 32, fills them from the
 * top, and virtio_mmio_probe() answers the rest (device ID 0) with a silent -ENODEV.
 */
static bool is_empty_slot(struct scan *sc, const struct vd_device *d)
{
	char path[400], buf[80];

	if (sc->platform_autoprobe < 0) {
		/* "1" or "0"; unreadable counts as on, the kernel's default */
		sc->platform_autoprobe = vd_sysfs_read(sc->s, "sys/bus/platform/drivers_autoprobe",
						       buf, sizeof(buf)) > 0 &&
							 buf[0] == '0'
						 ? 0
						 : 1;
	}
	if (sc->platform_autoprobe == 0)
		return false;
	snprintf(path, sizeof(path), "%s/driver_override", d->path);
	if (vd_sysfs_read(sc->s, path, buf, sizeof(buf)) >= 0 && strcmp(buf, "(null)") &&
	    strcmp(buf, VD_MMIO_DRIVER))
		return false;
	return !probe_logged(sc, d->name);
}

/* The row that speaks for the transports waiting for an unregistered virtio-mmio. */
static int add_group(struct scan *sc, size_t first, size_t last, unsigned int n)
{
	struct vd_device *d = vd_scan_new_device(sc);

	if (!d)
		return -ENOMEM;
	d->bus = VD_BUS_PLATFORM;
	d->transport = VD_TRANSPORT_MMIO;
	d->cls.virtio = true;
	d->name = VD_MMIO_DRIVER;
	d->path = "sys/bus/platform/drivers/" VD_MMIO_DRIVER;
	d->group = n;
	/* names live in the pool: the array may have moved, the strings did not */
	d->group_first = sc->m->dev[first].name;
	d->group_last = sc->m->dev[last].name;
	return vd_device_evaluate(d);
}

/* virtio-mmio transports with no virtio device under them (their driver never probed). */
int vd_scan_unbound_mmio(struct scan *sc)
{
	struct vd_names names = { 0 };
	const struct vd_names *drv = vd_scan_bus_drivers(sc, VD_BUS_PLATFORM);
	bool registered = drv->n && bsearch(VD_MMIO_DRIVER, drv->v, drv->n, sizeof(*drv->v),
					    vd_scan_cmp_name);
	size_t first = 0, last = 0;
	unsigned int waiting = 0;
	int r = vd_sysfs_list(sc->s, "sys/bus/platform/devices", &names);

	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (size_t i = 0; i < names.n && r >= 0; i++) {
		struct vd_device *d;
		char link[320], path[320];
		bool seen = false;

		if (!vd_is_mmio_name(names.v[i]))
			continue;
		for (size_t k = 0; k < sc->m->n; k++)
			if (sc->m->dev[k].bus == VD_BUS_PLATFORM &&
			    !strcmp(sc->m->dev[k].name, names.v[i]))
				seen = true;
		if (seen)
			continue;
		snprintf(link, sizeof(link), "sys/bus/platform/devices/%s", names.v[i]);
		if (vd_sysfs_link_path(sc->s, link, path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "%s", link);
		d = vd_scan_new_device(sc);
		if (!d) {
			r = -ENOMEM;
			break;
		}
		d->bus = VD_BUS_PLATFORM;
		d->transport = VD_TRANSPORT_MMIO;
		d->cls.virtio = true;
		d->name = vd_scan_keep(sc, names.v[i]);
		d->path = vd_scan_keep(sc, path);
		d->pcidrv = vd_scan_read_driver(sc, d, d->path, VD_BUS_PLATFORM);
		if (!d->pcidrv[0] && !d->unread_err && !registered) {
			if (!waiting)
				first = sc->m->n - 1;
			last = sc->m->n - 1;
			d->in_group = true;
			waiting++;
		} else if (!d->pcidrv[0] && !d->unread_err) {
			d->empty_slot = is_empty_slot(sc, d);
		}
		r = vd_device_evaluate(d);
	}
	if (r >= 0 && waiting)
		r = add_group(sc, first, last, waiting);
	vd_names_done(&names);
	return r;
}
