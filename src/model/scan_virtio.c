/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- model scan: the virtio bus, and which device sits under which transport */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

static int cmp_vparent(const void *a, const void *b)
{
	return strcmp(((const struct vparent *)a)->parent, ((const struct vparent *)b)->parent);
}

/*
 * Sort the virtio devices by their parent's name once: every PCI function then finds its
 * child by binary search, not by a walk over all of them (4096 devices: 16M compares).
 */
static int index_by_parent(struct scan *sc)
{
	sc->vbyparent = calloc(sc->vnames.n + 1, sizeof(*sc->vbyparent));
	if (!sc->vbyparent)
		return -ENOMEM;
	for (size_t i = 0; i < sc->vnames.n; i++) {
		struct vparent *v = &sc->vbyparent[sc->nbyparent];

		if (!sc->vpaths[i] ||
		    !vd_scan_parent_name(sc->vpaths[i], v->parent, sizeof(v->parent)))
			continue;
		v->idx = i;
		sc->nbyparent++;
	}
	qsort(sc->vbyparent, sc->nbyparent, sizeof(*sc->vbyparent), cmp_vparent);
	return 0;
}

/* The first unused virtio device under the transport device called name, or -1. */
long vd_scan_child_of(struct scan *sc, const char *name)
{
	size_t lo = 0, hi = sc->nbyparent;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(sc->vbyparent[mid].parent, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < sc->nbyparent && !strcmp(sc->vbyparent[lo].parent, name); lo++)
		if (!sc->vused[sc->vbyparent[lo].idx])
			return (long)sc->vbyparent[lo].idx;
	return -1;
}

/* Load the virtio bus: which virtio device sits under which transport device. */
int vd_scan_load_virtio_bus(struct scan *sc)
{
	int r = vd_sysfs_list_keep(sc->s, "sys/bus/virtio/devices", &sc->vnames);

	if (r < 0)
		return r;
	sc->vpaths = calloc(sc->vnames.n + 1, sizeof(*sc->vpaths));
	sc->vused = calloc(sc->vnames.n + 1, sizeof(*sc->vused));
	if (!sc->vpaths || !sc->vused)
		return -ENOMEM;
	for (size_t i = 0; i < sc->vnames.n; i++) {
		char link[320], path[320];
		unsigned int num;

		if (vd_parse_virtio_name(sc->vnames.v[i], &num) < 0) {
			char sh[1200];

			snprintf(link, sizeof(link), "sys/bus/virtio/devices/%s", sc->vnames.v[i]);
			vd_scan_warn(sc, "ignoring '%s': not a virtio device name",
				     vd_scan_shown(sc, link, sh, sizeof(sh)));
			sc->vused[i] = true;
			continue;
		}
		snprintf(link, sizeof(link), "sys/bus/virtio/devices/%s", sc->vnames.v[i]);
		r = vd_sysfs_listed_link_path(&sc->vnames, i, path, sizeof(path));
		if (r < 0) {
			vd_scan_warn_file(sc, link, r);
			sc->vused[i] = true;
			if (vd_sysfs_failed(r) && !sc->vbus_err) {
				sc->vbus_unread = vd_scan_keep(sc, link);
				sc->vbus_err = r;
			}
			continue;
		}
		sc->vpaths[i] = vd_scan_keep(sc, path);
		if (sc->nomem)
			return -ENOMEM;
	}
	return index_by_parent(sc);
}

/* Name of the directory that holds a virtio device: its transport device. */
const char *vd_scan_parent_name(const char *vpath, char *buf, size_t size)
{
	const char *end = strrchr(vpath, '/'), *start;

	if (!end)
		return NULL;
	for (start = end; start > vpath && start[-1] != '/'; start--)
		;
	if ((size_t)(end - start) >= size || end == start)
		return NULL;
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = '\0';
	return buf;
}

void vd_scan_read_features(struct scan *sc, struct vd_device *d)
{
	char path[400], buf[160];
	int r;

	snprintf(path, sizeof(path), "%s/features", d->vpath);
	r = vd_sysfs_read(sc->s, path, buf, sizeof(buf));
	if (r >= 0)
		r = vd_parse_features(buf, d->features, &d->nfeatures);
	if (r == 0)
		d->have_features = true;
	else
		vd_scan_warn_file(sc, path, r);
}

void vd_scan_read_virtio_child(struct scan *sc, struct vd_device *d, size_t vi)
{
	char path[400];
	int r;

	sc->vused[vi] = true;
	d->virtio = vd_scan_keep(sc, sc->vnames.v[vi]);
	d->vpath = sc->vpaths[vi];

	vd_sysfs_hold_dir(sc->s, d->vpath); /* status, driver, features, device */
	r = vd_scan_read_hex(sc, d->vpath, "status", UINT32_MAX, false, &d->status);
	if (r == 0)
		d->have_status = true;
	snprintf(path, sizeof(path), "%s/status", d->vpath);
	vd_scan_unread(sc, d, path, r);
	d->driver = vd_scan_read_driver(sc, d, d->vpath, VD_BUS_OTHER);

	/* features decide transitional vs legacy for free: VERSION_1 means modern caps */
	if ((vd_scan_want(sc, d) & VD_WANT_FEATURES) || d->transport == VD_TRANSPORT_UNKNOWN)
		vd_scan_read_features(sc, d);
	if (d->type_id < 0) {
		uint32_t t;

		r = vd_scan_read_hex(sc, d->vpath, "device", 0xffff, false, &t);
		if (r == 0)
			d->type_id = (int)t;
		snprintf(path, sizeof(path), "%s/device", d->vpath);
		vd_scan_unread(sc, d, path, r);
	}
}
