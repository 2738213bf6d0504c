/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the device model: every virtio device, both binding levels */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/base/strerror.h"
#include "vd/model/attach.h"
#include "vd/model/model.h"
#include "vd/facts/klog.h"
#include "vd/facts/pci.h"

const char *vd_state_name(enum vd_state s)
{
	static const char *const names[_VD_STATE_MAX] = {
		[VD_STATE_OK] = "ok",		[VD_STATE_UNBOUND] = "unbound",
		[VD_STATE_FOREIGN] = "foreign", [VD_STATE_NO_DRIVER] = "no-driver",
		[VD_STATE_FAILED] = "failed",	[VD_STATE_NOT_VIRTIO] = "not-virtio",
		[VD_STATE_UNKNOWN] = "unknown", [VD_STATE_EMPTY] = "empty",
	};
	return (unsigned)s < _VD_STATE_MAX ? names[s] : "";
}

void vd_device_id(const struct vd_device *d, char *buf, size_t size)
{
	if (d->have_id)
		snprintf(buf, size, "%04x:%04x", d->vendor, d->device);
	else if (size)
		buf[0] = '\0';
}

struct vparent {
	char parent[64]; /* the transport device's directory name */
	size_t idx;	 /* into vnames/vpaths */
};

/* Scan state: the root, the options, the result being built. */
struct scan {
	struct vd_sysfs *s;
	const struct vd_scan_opts *o;
	struct vd_model *m;
	bool nomem; /* a string could not be kept: the scan fails with -ENOMEM */
	/* driver names seen so far: thousands of devices share a handful */
	const char *drvnames[16];
	size_t ndrvnames;
	size_t cap; /* devices m->dev has room for */
	/* virtio bus devices: name and root-relative path, from sys/bus/virtio/devices */
	struct vd_names vnames;
	const char **vpaths; /* in the model's pool: devices keep them */
	bool *vused;
	/* virtio devices ordered by the name of their parent, for a lookup per PCI function */
	struct vparent *vbyparent;
	size_t nbyparent;
	/*
	 * A virtio bus entry (or the listing) whose read failed: which transport device it
	 * sits under is unknown, so a virtio transport without a child cannot be called failed.
	 */
	const char *vbus_unread;
	int vbus_err;
	/* driver directories per bus, listed on first need (VD_BUS_OTHER: the virtio bus) */
	struct vd_names drivers[3];
	bool drivers_read[3];
	/* for unbound virtio-mmio transports only: is the slot empty? */
	int platform_autoprobe; /* -1 not read yet */
	bool klog_read, have_klog;
	struct vd_klog klog;
};

static void VD_PRINTF(2, 3) warn(struct scan *sc, const char *fmt, ...)
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
static const char *shown(struct scan *sc, const char *path, char *buf, size_t size)
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

static void warn_file(struct scan *sc, const char *path, int r)
{
	char buf[1200];

	warn(sc, "cannot read '%s': %s", shown(sc, path, buf, sizeof(buf)), reason(r));
}

/* Read a "0x..." attribute of dir; warns naming the file on any problem. */
static int read_hex(struct scan *sc, const char *dir, const char *attr, uint32_t max,
		    bool quiet_missing, uint32_t *ret)
{
	char path[512], buf[64], sh[1200];
	int n, r;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	n = vd_sysfs_read(sc->s, path, buf, sizeof(buf));
	if (n < 0) {
		if (!(quiet_missing && n == -ENOENT))
			warn_file(sc, path, n);
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
			warn(sc, "ignoring '%s': empty file", shown(sc, path, sh, sizeof(sh)));
		else
			warn(sc, "ignoring '%s': not a hex value ('%s')",
			     shown(sc, path, sh, sizeof(sh)), show);
	}
	return r;
}

/* A copy in the model's pool; "" (and the scan fails at its end) when memory runs out. */
static const char *keep_n(struct scan *sc, const char *str, size_t len)
{
	const char *kept = vd_strpool_add(&sc->m->strings, str, len);

	if (!kept) {
		sc->nomem = true;
		return "";
	}
	return kept;
}

static const char *keep(struct scan *sc, const char *str)
{
	return keep_n(sc, str, strlen(str));
}

/*
 * A read that decides d's state failed: the state is unknown, the first such file named.
 * Returns whether r was such a failure.
 */
static bool unread(struct scan *sc, struct vd_device *d, const char *path, int r)
{
	char buf[1200];

	if (!vd_sysfs_failed(r))
		return false;
	if (!d->unread_err) {
		d->unread = keep(sc, shown(sc, path, buf, sizeof(buf)));
		d->unread_err = r;
	}
	return true;
}

static int cmp_name(const void *a, const void *b)
{
	return strverscmp((const char *)a, *(char *const *)b);
}

/* The drivers registered on a bus, listed once per scan (sorted by vd_sysfs_list). */
static const struct vd_names *bus_drivers(struct scan *sc, enum vd_bus bus)
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
	kept = keep(sc, name);
	if (*kept && sc->ndrvnames < ARRAY_SIZE(sc->drvnames))
		sc->drvnames[sc->ndrvnames++] = kept;
	return kept;
}

/*
 * A driver link: "" when there is none; a dangling or looping one is warned about. The
 * link's name is trusted when the bus lists that driver: one directory listing per bus
 * instead of a path walk per device. Anything else gets the full check for its errno.
 */
static const char *read_driver(struct scan *sc, struct vd_device *d, const char *dir,
			       enum vd_bus bus)
{
	const struct vd_names *drv = bus_drivers(sc, bus);
	char path[512], target[512], buf[256];
	const char *base;
	int r;

	snprintf(path, sizeof(path), "%s/driver", dir);
	r = vd_sysfs_readlink(sc->s, path, target, sizeof(target));
	if (r == -ENOENT)
		return "";
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (r >= 0 && drv->n && bsearch(base, drv->v, drv->n, sizeof(*drv->v), cmp_name))
		return driver_name(sc, base);
	r = vd_sysfs_link_base(sc->s, path, buf, sizeof(buf));
	if (r < 0) {
		warn_file(sc, path, r);
		unread(sc, d, path, r);
		return "";
	}
	return driver_name(sc, buf);
}

/* Name of the directory that holds a virtio device: its transport device. */
static const char *parent_name(const char *vpath, char *buf, size_t size);

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

		if (!sc->vpaths[i] || !parent_name(sc->vpaths[i], v->parent, sizeof(v->parent)))
			continue;
		v->idx = i;
		sc->nbyparent++;
	}
	qsort(sc->vbyparent, sc->nbyparent, sizeof(*sc->vbyparent), cmp_vparent);
	return 0;
}

/* The first unused virtio device under the transport device called name, or -1. */
static long child_of(struct scan *sc, const char *name)
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
static int load_virtio_bus(struct scan *sc)
{
	int r = vd_sysfs_list(sc->s, "sys/bus/virtio/devices", &sc->vnames);

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
			warn(sc, "ignoring '%s': not a virtio device name",
			     shown(sc, link, sh, sizeof(sh)));
			sc->vused[i] = true;
			continue;
		}
		snprintf(link, sizeof(link), "sys/bus/virtio/devices/%s", sc->vnames.v[i]);
		r = vd_sysfs_link_path(sc->s, link, path, sizeof(path));
		if (r < 0) {
			warn_file(sc, link, r);
			sc->vused[i] = true;
			if (vd_sysfs_failed(r) && !sc->vbus_err) {
				sc->vbus_unread = keep(sc, link);
				sc->vbus_err = r;
			}
			continue;
		}
		sc->vpaths[i] = keep(sc, path);
		if (sc->nomem)
			return -ENOMEM;
	}
	return index_by_parent(sc);
}

/* Name of the directory that holds a virtio device: its transport device. */
static const char *parent_name(const char *vpath, char *buf, size_t size)
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

static void read_virtio_child(struct scan *sc, struct vd_device *d, size_t vi)
{
	char path[400], buf[160];
	int r;

	sc->vused[vi] = true;
	d->virtio = keep(sc, sc->vnames.v[vi]);
	d->vpath = sc->vpaths[vi];

	r = read_hex(sc, d->vpath, "status", UINT32_MAX, false, &d->status);
	if (r == 0)
		d->have_status = true;
	snprintf(path, sizeof(path), "%s/status", d->vpath);
	unread(sc, d, path, r);
	d->driver = read_driver(sc, d, d->vpath, VD_BUS_OTHER);

	/* features decide transitional vs legacy for free: VERSION_1 means modern caps */
	if ((sc->o->want & VD_WANT_FEATURES) || d->transport == VD_TRANSPORT_UNKNOWN) {
		snprintf(path, sizeof(path), "%s/features", d->vpath);
		r = vd_sysfs_read(sc->s, path, buf, sizeof(buf));
		if (r >= 0)
			r = vd_parse_features(buf, d->features, &d->nfeatures);
		if (r == 0)
			d->have_features = true;
		else
			warn_file(sc, path, r);
	}
	if (d->type_id < 0) {
		uint32_t t;

		r = read_hex(sc, d->vpath, "device", 0xffff, false, &t);
		if (r == 0)
			d->type_id = (int)t;
		snprintf(path, sizeof(path), "%s/device", d->vpath);
		unread(sc, d, path, r);
	}
}

static struct vd_device *new_device(struct scan *sc)
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

/* Legacy or transitional: does config space carry virtio capabilities? */
static void read_config(struct scan *sc, struct vd_device *d)
{
	uint8_t cfg[256];
	int r;

	r = vd_pci_read_config(sc->s, &d->bdf, cfg, sizeof(cfg));
	d->cfg_len = r;
	if (r < 0) {
		char path[400];

		snprintf(path, sizeof(path), "%s/config", d->path);
		warn_file(sc, path, r);
		return;
	}
	/* on the heap: most devices never need their config space decoded */
	d->cfg = malloc(sizeof(*d->cfg));
	if (!d->cfg) {
		d->cfg_len = -ENOMEM;
	} else if (vd_pcicfg_parse(cfg, (size_t)r, d->cfg) < 0) {
		free(d->cfg);
		d->cfg = NULL;
		d->cfg_len = -ENODATA;
	}
}

static void decide_transport(struct scan *sc, struct vd_device *d)
{
	if (!d->cls.virtio) {
		d->transport = VD_TRANSPORT_NONE;
		return;
	}
	if (d->cls.modern) {
		d->transport = VD_TRANSPORT_MODERN;
		return;
	}
	d->transport = VD_TRANSPORT_UNKNOWN;
	if (d->have_features && vd_feature_has(d->features, VD_F_VERSION_1)) {
		d->transport = VD_TRANSPORT_TRANSITIONAL;
		return;
	}
	if (sc->o->skip_transport)
		return;
	if (!d->cfg_len)
		read_config(sc, d);
	if (d->cfg_len <= 0)
		return;
	if (vd_pcicfg_find(d->cfg, VD_CAP_COMMON))
		d->transport = VD_TRANSPORT_TRANSITIONAL;
	else if (!d->cfg->has_cap_list || (!d->cfg->incomplete && !d->cfg->loop))
		d->transport = VD_TRANSPORT_LEGACY; /* the whole chain was seen: no virtio cap */
}

static struct vd_device *new_pci_device(struct scan *sc, const char *name, struct vd_bdf bdf,
					const char *path)
{
	struct vd_device *d = new_device(sc);

	if (!d)
		return NULL;
	d->bus = VD_BUS_PCI;
	d->bdf = bdf;
	d->name = keep(sc, name);
	d->path = keep(sc, path);
	return d;
}

/*
 * Neither the IDs nor the modalias could be read, and a read failed (rather than finding
 * garbage): the function may be a virtio device, so it gets a row whose state is unknown,
 * and its virtio child is not taken for a device of another transport.
 */
static int unidentified(struct scan *sc, const char *name, struct vd_bdf bdf, const char *path,
			const char *attr, int r)
{
	struct vd_device *d = new_pci_device(sc, name, bdf, path);
	char file[160];
	long vi;

	if (!d)
		return -ENOMEM;
	snprintf(file, sizeof(file), "%s/%s", path, attr);
	unread(sc, d, file, r);
	d->cls.virtio = true; /* as far as anyone can tell */
	vi = child_of(sc, name);
	if (vi >= 0) {
		sc->vused[vi] = true;
		d->virtio = keep(sc, sc->vnames.v[vi]);
		d->vpath = sc->vpaths[vi];
	}
	d->pcidrv = read_driver(sc, d, path, VD_BUS_PCI);
	return vd_device_evaluate(d);
}

static int scan_pci_function(struct scan *sc, const char *name)
{
	struct vd_device *d;
	struct vd_bdf bdf;
	char path[128], buf[1200];
	uint32_t v, dev, x;
	int rv, rd, r;

	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s", name);
	if (vd_parse_bdf(name, false, &bdf) < 0) {
		warn(sc, "ignoring '%s': not a PCI address", shown(sc, path, buf, sizeof(buf)));
		return 0;
	}
	rv = read_hex(sc, path, "vendor", 0xffff, false, &v);
	rd = read_hex(sc, path, "device", 0xffff, false, &dev);
	if (rv < 0 || rd < 0) {
		/* the modalias carries the same IDs; the kernel writes both */
		struct vd_pci_modalias ma;
		char mpath[160];

		snprintf(mpath, sizeof(mpath), "%s/modalias", path);
		if (vd_sysfs_read(sc->s, mpath, buf, sizeof(buf)) < 0 ||
		    vd_parse_pci_modalias(buf, &ma) < 0 || ma.vendor > 0xffff ||
		    ma.device > 0xffff) {
			if (vd_sysfs_failed(rv) || vd_sysfs_failed(rd))
				return unidentified(sc, name, bdf, path,
						    vd_sysfs_failed(rv) ? "vendor" : "device",
						    vd_sysfs_failed(rv) ? rv : rd);
			warn(sc, "skipping '%s': its vendor and device IDs cannot be read",
			     shown(sc, path, buf, sizeof(buf)));
			return 0;
		}
		if (rv < 0)
			v = ma.vendor;
		if (rd < 0)
			dev = ma.device;
	}

	d = new_pci_device(sc, name, bdf, path);
	if (!d)
		return -ENOMEM;
	d->have_id = true;
	d->vendor = (uint16_t)v;
	d->device = (uint16_t)dev;

	vd_classify_pci(d->vendor, d->device, 0, false, &d->cls);
	if (!d->cls.virtio && !sc->o->all_pci) {
		sc->m->n--;
		return 0;
	}
	/* transitional devices take their type from the subsystem device ID */
	if ((d->cls.virtio && !d->cls.modern) || (sc->o->want & VD_WANT_SUBSYS)) {
		r = read_hex(sc, path, "subsystem_device", 0xffff, false, &x);
		snprintf(buf, sizeof(buf), "%s/subsystem_device", path);
		if (d->cls.virtio && !d->cls.modern)
			unread(sc, d, buf, r); /* it gives a transitional device its type */
		if (r == 0) {
			d->subdevice = (uint16_t)x;
			if (read_hex(sc, path, "subsystem_vendor", 0xffff, false, &x) == 0) {
				d->subvendor = (uint16_t)x;
				d->have_subsys = true;
			}
		}
		vd_classify_pci(d->vendor, d->device, d->subdevice, d->have_subsys || d->subdevice,
				&d->cls);
	}
	d->type_id = d->cls.type_id;
	if ((sc->o->want & VD_WANT_REV) && read_hex(sc, path, "revision", 0xff, false, &x) == 0) {
		d->revision = (uint8_t)x;
		d->have_rev = true;
	}
	if ((sc->o->want & VD_WANT_CLASS) &&
	    read_hex(sc, path, "class", 0xffffff, false, &x) == 0) {
		d->class = x;
		d->have_class = true;
	}
	d->pcidrv = read_driver(sc, d, path, VD_BUS_PCI);

	if (d->cls.virtio) {
		d->transport = d->cls.modern ? VD_TRANSPORT_MODERN : VD_TRANSPORT_UNKNOWN;
		long vi = child_of(sc, name);

		if (vi >= 0)
			read_virtio_child(sc, d, (size_t)vi);
		else if (sc->vbus_err && !d->unread_err)
			unread(sc, d, sc->vbus_unread, sc->vbus_err);
		if (sc->o->want & VD_WANT_CONFIG)
			read_config(sc, d);
		decide_transport(sc, d);
	}
	return vd_device_evaluate(d);
}

bool vd_is_mmio_name(const char *n)
{
	size_t l = strlen(n);

	return !strncmp(n, "virtio-mmio.", 12) || (l > 12 && !strcmp(n + l - 12, ".virtio_mmio")) ||
	       !strncmp(n, "LNRO0005:", 9);
}

static int add_nonpci(struct scan *sc, size_t vi)
{
	struct vd_device *d;
	char pn[64];
	const char *vpath = sc->vpaths[vi];
	size_t plen;
	int r;

	if (!parent_name(vpath, pn, sizeof(pn)))
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
		warn_file(sc, link, r == 0 ? -ENOTDIR : r == -ENOENT ? -ENOLINK : r);
		return 0;
	}
	d = new_device(sc);
	if (!d)
		return -ENOMEM;
	plen = (size_t)(strrchr(vpath, '/') - vpath);
	d->name = keep(sc, pn);
	d->path = keep_n(sc, vpath, plen);
	d->bus = (strstr(vpath, "/platform/") || vd_is_mmio_name(pn)) ? VD_BUS_PLATFORM
								      : VD_BUS_OTHER;
	d->transport = d->bus == VD_BUS_PLATFORM ? VD_TRANSPORT_MMIO : VD_TRANSPORT_NONE;
	d->cls.virtio = true;
	d->pcidrv = read_driver(sc, d, d->path, VD_BUS_PLATFORM);
	read_virtio_child(sc, d, vi);
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
	struct vd_device *d = new_device(sc);

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
static int scan_unbound_mmio(struct scan *sc)
{
	struct vd_names names = { 0 };
	const struct vd_names *drv = bus_drivers(sc, VD_BUS_PLATFORM);
	bool registered = drv->n &&
			  bsearch(VD_MMIO_DRIVER, drv->v, drv->n, sizeof(*drv->v), cmp_name);
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
		d = new_device(sc);
		if (!d) {
			r = -ENOMEM;
			break;
		}
		d->bus = VD_BUS_PLATFORM;
		d->transport = VD_TRANSPORT_MMIO;
		d->cls.virtio = true;
		d->name = keep(sc, names.v[i]);
		d->path = keep(sc, path);
		d->pcidrv = read_driver(sc, d, d->path, VD_BUS_PLATFORM);
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

int vd_model_scan(struct vd_sysfs *s, const struct vd_scan_opts *o, struct vd_model *ret)
{
	static const struct vd_scan_opts defaults = { 0 };
	struct vd_model m = { 0 };
	struct scan sc = { .s = s, .o = o ? o : &defaults, .m = &m, .platform_autoprobe = -1 };
	struct vd_names pci = { 0 };
	int rp, rv, r = 0;

	rv = load_virtio_bus(&sc);
	if (rv < 0 && rv != -ENOENT) {
		warn_file(&sc, "sys/bus/virtio/devices", rv);
		if (rv == -ENOMEM) {
			r = rv;
			goto out;
		}
		if (vd_sysfs_failed(rv)) {
			sc.vbus_unread = "sys/bus/virtio/devices";
			sc.vbus_err = rv;
		}
	}
	rp = vd_sysfs_list(s, "sys/bus/pci/devices", &pci);
	if (rp < 0 && rp != -ENOENT)
		warn_file(&sc, "sys/bus/pci/devices", rp);
	if (vd_sysfs_failed(rp)) {
		/* which PCI functions exist is unknown: no row, no answer */
		r = rp;
		goto out;
	}
	/* every row comes from one of the two listings, but for unbound mmio transports */
	sc.cap = pci.n + sc.vnames.n + 4;
	m.dev = calloc(sc.cap, sizeof(*m.dev));
	if (!m.dev) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < pci.n && r >= 0; i++)
		r = scan_pci_function(&sc, pci.v[i]);
	for (size_t i = 0; i < sc.vnames.n && r >= 0; i++)
		if (!sc.vused[i] && sc.vpaths[i])
			r = add_nonpci(&sc, i);
	if (r >= 0)
		r = scan_unbound_mmio(&sc);
	if (r >= 0 && (sc.o->want & VD_WANT_ATTACH))
		r = vd_model_attach(s, &m);
	if (r >= 0 && sc.nomem)
		r = -ENOMEM;
	if (r >= 0 && rp < 0 && rv < 0 && m.n == 0)
		r = -ENOENT;
out:
	vd_names_done(&pci);
	free(sc.vpaths);
	free(sc.vused);
	free(sc.vbyparent);
	vd_names_done(&sc.vnames);
	for (size_t i = 0; i < ARRAY_SIZE(sc.drivers); i++)
		vd_names_done(&sc.drivers[i]);
	if (sc.have_klog)
		vd_klog_done(&sc.klog);
	if (r < 0 && r != -ENOENT) {
		vd_model_done(&m);
		return r;
	}
	*ret = m;
	return r;
}

void vd_model_done(struct vd_model *m)
{
	for (size_t i = 0; m->dev && i < m->n; i++)
		vd_device_done(&m->dev[i]);
	free(m->dev);
	m->dev = NULL;
	m->n = 0;
	vd_names_done(&m->warnings);
	vd_strpool_done(&m->strings);
}

void vd_device_done(struct vd_device *d)
{
	free(d->cfg);
	d->cfg = NULL;
	free(d->problem);
	d->problem = NULL;
	free(d->attached);
	d->attached = NULL;
	d->nattached = 0;
}

int vd_device_set_problem(struct vd_device *d, const char *fmt, ...)
{
	va_list ap;
	int r;

	free(d->problem);
	d->problem = NULL;
	if (!fmt)
		return 0;
	va_start(ap, fmt);
	r = vasprintf(&d->problem, fmt, ap);
	va_end(ap);
	if (r < 0) {
		d->problem = NULL;
		return -ENOMEM;
	}
	return 0;
}

int vd_device_evaluate(struct vd_device *d)
{
	const char *level = d->bus == VD_BUS_PCI ? "PCI function" : "transport device";
	const struct vd_virtio_type *t =
		d->type_id >= 0 ? vd_virtio_type_by_id((unsigned)d->type_id) : NULL;

	vd_device_set_problem(d, NULL);
	if (d->unread_err) {
		d->state = VD_STATE_UNKNOWN;
		return vd_device_set_problem(d, "cannot read '%s': %s", d->unread,
					     vd_strerror(-d->unread_err));
	}
	if (!d->cls.virtio) {
		d->state = VD_STATE_NOT_VIRTIO;
		return 0;
	}
	if (d->group) {
		d->state = VD_STATE_UNBOUND;
		return vd_device_set_problem(d,
					     "virtio-mmio is not registered: %u transport%s wait%s "
					     "for it",
					     d->group, d->group == 1 ? "" : "s",
					     d->group == 1 ? "s" : "");
	}
	if (!d->pcidrv[0] && d->empty_slot) {
		d->state = VD_STATE_EMPTY;
		return 0;
	}
	if (!d->pcidrv[0]) {
		d->state = VD_STATE_UNBOUND;
		return vd_device_set_problem(d, "no driver bound to the %s", level);
	}
	if (d->bus == VD_BUS_PCI && strcmp(d->pcidrv, VD_PCI_DRIVER)) {
		d->state = VD_STATE_FOREIGN;
		return vd_device_set_problem(d, "PCI function held by '%s', not by virtio-pci",
					     d->pcidrv);
	}
	if (!d->virtio[0]) {
		d->state = VD_STATE_FAILED;
		return vd_device_set_problem(
			d, "'%s' holds the %s but no virtio device was registered", d->pcidrv,
			level);
	}
	if (d->have_status && (d->status & (VD_STATUS_FAILED | VD_STATUS_NEEDS_RESET))) {
		d->state = VD_STATE_FAILED;
		return vd_device_set_problem(d, "%s status has %s", d->virtio,
					     d->status & VD_STATUS_FAILED
						     ? "FAILED: a driver's probe failed"
						     : "NEEDS_RESET: the device gave up");
	}
	if (!d->driver[0]) {
		d->state = VD_STATE_NO_DRIVER;
		if (t && t->driver)
			return vd_device_set_problem(d, "no driver bound to %s (needs %s)",
						     d->virtio, t->driver);
		return vd_device_set_problem(d, "no driver bound to %s", d->virtio);
	}
	/* a working legacy device reads 0x07: FEATURES_OK did not exist before virtio 1.0 */
	if (d->have_status && !(d->status & VD_STATUS_DRIVER_OK)) {
		d->state = VD_STATE_FAILED;
		return vd_device_set_problem(d, "'%s' is bound to %s but status lacks DRIVER_OK",
					     d->driver, d->virtio);
	}
	d->state = VD_STATE_OK;
	return 0;
}

bool vd_device_is_problem(const struct vd_device *d)
{
	return d->state != VD_STATE_OK && d->state != VD_STATE_NOT_VIRTIO &&
	       d->state != VD_STATE_EMPTY && !d->in_group;
}

bool vd_device_listed(const struct vd_device *d, bool all)
{
	return all || (d->state != VD_STATE_EMPTY && !d->in_group);
}

int vd_device_matches(const struct vd_device *d, const char *arg)
{
	const struct vd_virtio_type *t;
	struct vd_bdf b;
	unsigned int vn;
	uint16_t v, dev;
	size_t len = strlen(arg);

	if (len == 0 || len > 63)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (arg[i] <= 0x20 || arg[i] >= 0x7f || arg[i] == '/')
			return -EINVAL;
	if (vd_parse_bdf(arg, true, &b) == 0)
		return d->bus == VD_BUS_PCI && b.domain == d->bdf.domain && b.bus == d->bdf.bus &&
		       b.dev == d->bdf.dev && b.func == d->bdf.func;
	if (vd_parse_virtio_name(arg, &vn) == 0)
		return !strcmp(d->virtio, arg);
	if (vd_parse_pci_id(arg, &v, &dev) == 0)
		return d->have_id && d->vendor == v && d->device == dev;
	t = vd_virtio_type_by_name(arg);
	if (t)
		return d->type_id >= 0 && (unsigned)d->type_id == t->id;
	for (size_t i = 0; i < d->nattached; i++)
		if (!strcmp(d->attached[i].name, arg))
			return 1;
	return !strcmp(d->name, arg);
}
