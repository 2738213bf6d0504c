/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what a virtio device carries: interfaces, disks, driver_override */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/base/parse.h"
#include "vd/model/attach.h"

#define IFF_UP_FLAG 0x1 /* include/uapi/linux/if.h */
#define MAX_DEPTH 4	/* virtioN/host0/target0:0:0/0:0:0:0/block: a virtio-scsi disk */
#define MOUNTS_MAX (1 << 22)

/* one device's walk: the shared state, the device, and the room of its attached[] */
struct attach {
	struct vd_attach *ctx;
	struct vd_device *d;
	size_t cap;
};

bool vd_mounts_has(const char *table, bool mountinfo, const char *name, const char *devno)
{
	char src[300], f[300];

	snprintf(src, sizeof(src), "/dev/%s", name);
	for (const char *l = table; *l; l = strchrnul(l, '\n'), l += !!*l) {
		const char *sep;

		if (!mountinfo) {
			if (vd_parse_field(l, 0, f, sizeof(f)) && !strcmp(f, src))
				return true;
			continue;
		}
		if (devno[0] && vd_parse_field(l, 2, f, sizeof(f)) && !strcmp(f, devno))
			return true;
		/* the optional fields end at " - "; then fstype, then the source */
		sep = strstr(l, " - ");
		if (sep && sep < strchrnul(l, '\n') && vd_parse_field(sep + 3, 1, f, sizeof(f)) &&
		    !strcmp(f, src))
			return true;
	}
	return false;
}

static void load_mounts(struct vd_attach *c)
{
	if (c->table)
		return;
	c->mountinfo =
		vd_sysfs_read_alloc(c->s, "proc/self/mountinfo", MOUNTS_MAX, &c->table, NULL) >= 0;
	if (!c->mountinfo &&
	    vd_sysfs_read_alloc(c->s, "proc/mounts", MOUNTS_MAX, &c->table, NULL) < 0)
		c->table = strdup("");
	if (!c->table)
		c->err = -ENOMEM;
}

static bool mounted(struct attach *a, const char *dir, const char *name)
{
	char devno[32];

	load_mounts(a->ctx);
	if (!a->ctx->table)
		return false;
	if (vd_sysfs_readf(a->ctx->s, devno, sizeof(devno), "%s/dev", dir) < 0)
		devno[0] = '\0';
	return vd_mounts_has(a->ctx->table, a->ctx->mountinfo, name, devno);
}

static void add(struct attach *a, const char *name, bool disk, bool active)
{
	struct vd_device *d = a->d;
	const char *kept;

	if (d->nattached == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 2;
		struct vd_attached *n = realloc(d->attached, cap * sizeof(*n));

		if (!n) {
			a->ctx->err = -ENOMEM;
			return;
		}
		d->attached = n;
		a->cap = cap;
	}
	kept = vd_strpool_addz(a->ctx->pool, name);
	if (!kept) {
		a->ctx->err = -ENOMEM;
		return;
	}
	d->attached[d->nattached++] = (struct vd_attached){ kept, disk, active };
}

bool vd_netdev_is_up(struct vd_sysfs *s, const char *dir, const char *name)
{
	char buf[64];
	uint32_t flags;

	if (vd_sysfs_readf(s, buf, sizeof(buf), "%s/%s/operstate", dir, name) >= 0 &&
	    !strcmp(buf, "up"))
		return true;
	return vd_sysfs_readf(s, buf, sizeof(buf), "%s/%s/flags", dir, name) >= 0 &&
	       vd_parse_hex(buf, UINT32_MAX, &flags) == 0 && (flags & IFF_UP_FLAG);
}

/* A disk is active when it or one of its partitions (a dir with "partition") is mounted. */
static bool disk_mounted(struct attach *a, const char *disk)
{
	struct vd_names parts = { 0 };
	const char *name = strrchr(disk, '/') + 1;
	bool m = mounted(a, disk, name);

	if (m || vd_sysfs_list(a->ctx->s, disk, &parts) < 0)
		return m;
	for (size_t i = 0; i < parts.n && !m; i++) {
		char part[600];

		if ((size_t)snprintf(part, sizeof(part), "%s/%s", disk, parts.v[i]) <
			    sizeof(part) &&
		    vd_sysfs_accessf(a->ctx->s, "%s/partition", part) == 0)
			m = mounted(a, part, parts.v[i]);
	}
	vd_names_done(&parts);
	return m;
}

static void add_dir(struct attach *a, const char *dir, bool disk)
{
	struct vd_names names = { 0 };

	if (vd_sysfs_list(a->ctx->s, dir, &names) < 0)
		return;
	for (size_t i = 0; i < names.n && !a->ctx->err; i++) {
		char path[600];

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names.v[i]) >= sizeof(path))
			continue;
		add(a, names.v[i], disk,
		    disk ? disk_mounted(a, path) : vd_netdev_is_up(a->ctx->s, dir, names.v[i]));
	}
	vd_names_done(&names);
}

/* The listing's d_type where the filesystem gives one: a stat per entry is what it saves. */
static bool is_dir(struct vd_sysfs *s, const struct vd_names *names, size_t i, const char *path)
{
	char k = vd_names_kind(names, i);

	return (k ? k : vd_sysfs_kind(s, path)) == 'd';
}

/* The device's own directories (never its links: driver, subsystem) down to MAX_DEPTH. */
static void walk(struct attach *a, const char *dir, int depth)
{
	struct vd_names names = { 0 };

	if (depth > MAX_DEPTH || vd_sysfs_list(a->ctx->s, dir, &names) < 0)
		return;
	for (size_t i = 0; i < names.n && !a->ctx->err; i++) {
		const char *n = names.v[i];
		char path[600];

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, n) >= sizeof(path))
			continue;
		if (!strcmp(n, "net") || !strcmp(n, "block"))
			add_dir(a, path, n[0] == 'b');
		else if (strcmp(n, "power") && is_dir(a->ctx->s, &names, i, path))
			walk(a, path, depth + 1);
	}
	vd_names_done(&names);
}

void vd_attach_override(struct vd_attach *c, struct vd_device *d)
{
	char buf[256];

	if (d->group || !d->path[0] ||
	    vd_sysfs_readf(c->s, buf, sizeof(buf), "%s/driver_override", d->path) <= 0 ||
	    !strcmp(buf, "(null)"))
		return;
	d->override = vd_strpool_addz(c->pool, buf);
	if (!d->override) {
		d->override = "";
		c->err = -ENOMEM;
	}
}

void vd_attach_walk(struct vd_attach *c, struct vd_device *d)
{
	struct attach a = { .ctx = c, .d = d, .cap = d->nattached };

	if (d->vpath[0] && !c->err)
		walk(&a, d->vpath, 0);
}

void vd_attach_device(struct vd_attach *c, struct vd_device *d)
{
	vd_attach_override(c, d);
	vd_attach_walk(c, d);
}

int vd_attach_done(struct vd_attach *c)
{
	free(c->table);
	c->table = NULL;
	return c->err;
}
