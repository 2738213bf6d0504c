/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- model scan: attributes, driver links, warnings, the pool */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"
#include "vd/base/strerror.h"

void vd_scan_warn(struct scan *sc, const char *fmt, ...)
{
	struct vd_names *w = &sc->m->warnings;
	char **nv, *line;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (!line)
		return;
	/* names and values come from the tree: a newline or escape must not reach stderr */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	nv = realloc(w->v, (w->n + 1) * sizeof(*nv));
	if (!nv) {
		free(line);
		return;
	}
	w->v = nv;
	w->v[w->n++] = line;
}

/* The path as the user knows it: "/sys/..." live, "DIR/sys/..." under --sysroot. */
const char *vd_scan_shown(struct scan *sc, const char *path, char *buf, size_t size)
{
	return vd_sysfs_shown_path(sc->s, path, buf, size);
}

static const char *reason(int r)
{
	switch (r) {
	case -EFBIG:
		return "file too large for a sysfs attribute";
	case -EINVAL:
		return "not a regular file";
	case -ENOLINK:
		return "dangling symlink";
	default:
		return vd_strerror(-r);
	}
}

void vd_scan_warn_file(struct scan *sc, const char *path, int r)
{
	char buf[1200];

	vd_scan_warn(sc, "cannot read '%s': %s", vd_scan_shown(sc, path, buf, sizeof(buf)),
		     reason(r));
}

/* Read a "0x..." attribute of dir; warns naming the file on any problem. */
int vd_scan_read_hex(struct scan *sc, const char *dir, const char *attr, uint32_t max,
		     bool quiet_missing, uint32_t *ret)
{
	char path[512], buf[64], sh[1200];
	int n, r;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	n = vd_sysfs_read(sc->s, path, buf, sizeof(buf));
	if (n < 0) {
		if (!(quiet_missing && n == -ENOENT))
			vd_scan_warn_file(sc, path, n);
		return n;
	}
	r = vd_parse_hex(buf, max, ret);
	if (r < 0) {
		/* show at most a short, printable prefix of what was there */
		char show[24];
		size_t i;

		/* r is the length read: NULs inside count, not just up to the first */
		for (i = 0; i < sizeof(show) - 1 && i < (size_t)n; i++)
			show[i] = (buf[i] >= 0x20 && buf[i] < 0x7f) ? buf[i] : '?';
		show[i] = '\0';
		if (n == 0)
			vd_scan_warn(sc, "ignoring '%s': empty file",
				     vd_scan_shown(sc, path, sh, sizeof(sh)));
		else
			vd_scan_warn(sc, "ignoring '%s': not a hex value ('%s')",
				     vd_scan_shown(sc, path, sh, sizeof(sh)), show);
	}
	return r;
}

/* A copy in the model's pool; "" (and the scan fails at its end) when memory runs out. */
const char *vd_scan_keep_n(struct scan *sc, const char *str, size_t len)
{
	const char *kept = vd_strpool_add(&sc->m->strings, str, len);

	if (!kept) {
		sc->nomem = true;
		return "";
	}
	return kept;
}

const char *vd_scan_keep(struct scan *sc, const char *str)
{
	return vd_scan_keep_n(sc, str, strlen(str));
}

/*
 * A read that decides d's state failed: the state is unknown, the first such file named.
 * Returns whether r was such a failure.
 */
bool vd_scan_unread(struct scan *sc, struct vd_device *d, const char *path, int r)
{
	char buf[1200];

	if (!vd_sysfs_failed(r))
		return false;
	if (!d->unread_err) {
		d->unread = vd_scan_keep(sc, vd_scan_shown(sc, path, buf, sizeof(buf)));
		d->unread_err = r;
	}
	return true;
}

int vd_scan_cmp_name(const void *a, const void *b)
{
	return strverscmp((const char *)a, *(char *const *)b);
}

/* The drivers registered on a bus, listed once per scan (sorted by vd_sysfs_list). */
const struct vd_names *vd_scan_bus_drivers(struct scan *sc, enum vd_bus bus)
{
	static const char *const dirs[] = { [VD_BUS_PCI] = "sys/bus/pci/drivers",
					    [VD_BUS_PLATFORM] = "sys/bus/platform/drivers",
					    [VD_BUS_OTHER] = "sys/bus/virtio/drivers" };

	if (!sc->drivers_read[bus]) {
		sc->drivers_read[bus] = true;
		if (vd_sysfs_list(sc->s, dirs[bus], &sc->drivers[bus]) < 0)
			memset(&sc->drivers[bus], 0, sizeof(sc->drivers[bus]));
	}
	return &sc->drivers[bus];
}

/* The pool's copy of a driver name: thousands of devices share a handful. */
static const char *driver_name(struct scan *sc, const char *name)
{
	const char *kept;

	for (size_t i = 0; i < sc->ndrvnames; i++)
		if (!strcmp(sc->drvnames[i], name))
			return sc->drvnames[i];
	kept = vd_scan_keep(sc, name);
	if (*kept && sc->ndrvnames < ARRAY_SIZE(sc->drvnames))
		sc->drvnames[sc->ndrvnames++] = kept;
	return kept;
}

/*
 * A driver link: "" when there is none; a dangling or looping one is warned about. The
 * link's name is trusted when the bus lists that driver: one directory listing per bus
 * instead of a path walk per device. Anything else gets the full check for its errno.
 */
const char *vd_scan_read_driver(struct scan *sc, struct vd_device *d, const char *dir,
				enum vd_bus bus)
{
	const struct vd_names *drv = vd_scan_bus_drivers(sc, bus);
	char path[512], target[512], buf[256];
	const char *base;
	int r;

	snprintf(path, sizeof(path), "%s/driver", dir);
	r = vd_sysfs_readlink(sc->s, path, target, sizeof(target));
	if (r == -ENOENT)
		return "";
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (r >= 0 && drv->n && bsearch(base, drv->v, drv->n, sizeof(*drv->v), vd_scan_cmp_name))
		return driver_name(sc, base);
	r = vd_sysfs_link_base(sc->s, path, buf, sizeof(buf));
	if (r < 0) {
		vd_scan_warn_file(sc, path, r);
		vd_scan_unread(sc, d, path, r);
		return "";
	}
	return driver_name(sc, buf);
}

/* Name of the directory that holds a virtio device: its transport device. */

struct vd_device *vd_scan_new_device(struct scan *sc)
{
	struct vd_model *m = sc->m;
	struct vd_device *nd;

	/*
	 * The array is sized once from the listings (vd_model_scan); doubling covers what
	 * they did not count. One realloc per device would be quadratic, and a doubling
	 * realloc at the end briefly holds both copies: the peak RSS of a large scan.
	 */
	if (m->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 16;

		nd = realloc(m->dev, cap * sizeof(*nd));
		if (!nd)
			return NULL;
		m->dev = nd;
		sc->cap = cap;
	}
	nd = &m->dev[m->n++];
	*nd = (struct vd_device)VD_DEVICE_INIT;
	return nd;
}
