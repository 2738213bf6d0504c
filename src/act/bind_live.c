/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- bind: both binding levels read now, and whether the device is in use */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind_job.h"
#include "vd/base/ids.h"
#include "vd/base/parse.h"
#include "vd/model/attach.h"

/* ---------------------------------------------------------------- reading the state */

/* A driver name from a link target is used to build a path: only what drivers are named. */
bool vd_bind_valid_name(const char *n)
{
	size_t len = strlen(n);

	if (!len || len >= 64 || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') ||
		      (*n >= '0' && *n <= '9') || strchr("_-.:+", *n)))
			return false;
	return true;
}

static void live_failed(struct live *l, const char *path, int r)
{
	if (vd_sysfs_failed(r) && !l->err) {
		l->err = r;
		snprintf(l->err_path, sizeof(l->err_path), "%s", path);
	}
}

/* dir/name into buf; false when it does not fit (the path is then not used) */
static bool join(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < size;
}

/* A driver link's last component, "" when there is none. */
static void read_link(struct vd_sysfs *s, struct live *l, const char *dir, char *buf, size_t size)
{
	char path[400];
	int r;

	buf[0] = '\0';
	if (!join(path, sizeof(path), dir, "driver"))
		return;
	r = vd_sysfs_link_base(s, path, buf, size);
	if (r < 0) {
		buf[0] = '\0';
		live_failed(l, path, r);
	}
}

void vd_bind_read_live(struct vd_sysfs *s, const char *dev, struct live *l)
{
	struct vd_names names = { 0 };
	char buf[64], path[400];
	uint32_t v;
	int r;

	memset(l, 0, sizeof(*l));
	l->type_id = -1;
	read_link(s, l, dev, l->pcidrv, sizeof(l->pcidrv));
	r = vd_sysfs_list(s, dev, &names);
	live_failed(l, dev, r);
	if (r < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		unsigned int num;

		if (vd_parse_virtio_name(names.v[i], &num) == 0 &&
		    strlen(names.v[i]) < sizeof(l->virtio)) {
			strcpy(l->virtio, names.v[i]);
			break;
		}
	}
	vd_names_done(&names);
	if (!l->virtio[0])
		return;
	if (!join(l->vpath, sizeof(l->vpath), dev, l->virtio))
		return;
	read_link(s, l, l->vpath, l->driver, sizeof(l->driver));
	r = vd_sysfs_readf(s, buf, sizeof(buf), "%s/status", l->vpath);
	if (r >= 0 && vd_parse_hex(buf, UINT32_MAX, &l->status) == 0)
		l->have_status = true;
	if (join(path, sizeof(path), l->vpath, "status"))
		live_failed(l, path, r);
	if (vd_sysfs_readf(s, buf, sizeof(buf), "%s/device", l->vpath) >= 0 &&
	    vd_parse_hex(buf, 0xffff, &v) == 0)
		l->type_id = (int)v;
}

bool vd_bind_status_bad(const struct live *l)
{
	return l->have_status && (l->status & (VD_STATUS_FAILED | VD_STATUS_NEEDS_RESET));
}

/* Bound at both levels: what "scan" calls ok (a legacy device reads 0x07). */
bool vd_bind_live_ok(const struct live *l, const char *drv)
{
	return !strcmp(l->pcidrv, drv) && l->virtio[0] && l->driver[0] && l->have_status &&
	       (l->status & VD_STATUS_DRIVER_OK) && !vd_bind_status_bad(l);
}

/* ---------------------------------------------------------------- in use? */

struct use {
	struct vd_sysfs *s;
	char *buf;
	size_t size;
	char *mountinfo; /* loaded on first need; "" when there is none */
	char *mounts;
	int depth;
};

static int VD_PRINTF(2, 3) found(struct use *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->buf, u->size, fmt, ap);
	va_end(ap);
	return 1;
}

static void load_mounts(struct use *u)
{
	if (u->mountinfo)
		return;
	if (vd_sysfs_read_alloc(u->s, "proc/self/mountinfo", 1 << 22, &u->mountinfo, NULL) < 0)
		u->mountinfo = strdup("");
	if (vd_sysfs_read_alloc(u->s, "proc/self/mounts", 1 << 22, &u->mounts, NULL) < 0)
		u->mounts = strdup("");
}

/* Mounted: mountinfo's "major:minor" (field 3) or the mounts source "/dev/NAME". */
static int mounted(struct use *u, const char *name, const char *devno)
{
	char a[256], b[256], src[300];

	load_mounts(u);
	if (!u->mountinfo || !u->mounts)
		return -ENOMEM;
	for (const char *l = u->mountinfo; *l; l = strchrnul(l, '\n'), l += !!*l)
		if (devno[0] && vd_parse_field(l, 2, a, sizeof(a)) && !strcmp(a, devno) &&
		    vd_parse_field(l, 4, b, sizeof(b)))
			return found(u, "'/dev/%s' is mounted on '%s'", name, b);
	snprintf(src, sizeof(src), "/dev/%s", name);
	for (const char *l = u->mounts; *l; l = strchrnul(l, '\n'), l += !!*l)
		if (vd_parse_field(l, 0, a, sizeof(a)) && !strcmp(a, src) &&
		    vd_parse_field(l, 1, b, sizeof(b)))
			return found(u, "'%s' is mounted on '%s'", src, b);
	return 0;
}

/* A disk or partition directory: held, or mounted? */
static int check_blockdev(struct use *u, const char *dir, const char *name)
{
	struct vd_names holders = { 0 };
	char path[512], devno[32];
	int r;

	if (join(path, sizeof(path), dir, "holders") && vd_sysfs_list(u->s, path, &holders) == 0 &&
	    holders.n) {
		r = found(u, "'%s' is held by '%s'", name, holders.v[0]);
		vd_names_done(&holders);
		return r;
	}
	vd_names_done(&holders);
	if (!join(path, sizeof(path), dir, "dev") ||
	    vd_sysfs_read(u->s, path, devno, sizeof(devno)) < 0)
		devno[0] = '\0';
	return mounted(u, name, devno);
}

static int check_block(struct use *u, const char *dir /* .../block */)
{
	struct vd_names disks = { 0 };
	int r = 0;

	if (vd_sysfs_list(u->s, dir, &disks) < 0)
		return 0;
	for (size_t i = 0; i < disks.n && !r; i++) {
		struct vd_names parts = { 0 };
		char disk[512];

		if (!vd_bind_valid_name(disks.v[i]) || !join(disk, sizeof(disk), dir, disks.v[i]))
			continue;
		r = check_blockdev(u, disk, disks.v[i]);
		if (r || vd_sysfs_list(u->s, disk, &parts) < 0)
			continue;
		for (size_t k = 0; k < parts.n && !r; k++) {
			char part[600];

			if (!vd_bind_valid_name(parts.v[k]) ||
			    !join(part, sizeof(part), disk, parts.v[k]) ||
			    vd_sysfs_accessf(u->s, "%s/partition", part))
				continue;
			r = check_blockdev(u, part, parts.v[k]);
		}
		vd_names_done(&parts);
	}
	vd_names_done(&disks);
	return r;
}

static int check_net(struct use *u, const char *dir /* .../net */)
{
	struct vd_names ifs = { 0 };
	int r = 0;

	if (vd_sysfs_list(u->s, dir, &ifs) < 0)
		return 0;
	for (size_t i = 0; i < ifs.n && !r; i++)
		if (vd_netdev_is_up(u->s, dir, ifs.v[i]))
			r = found(u, "interface '%s' is up", ifs.v[i]);
	vd_names_done(&ifs);
	return r;
}

/*
 * Walk the device's own directories (not its links) for block/ and net/: a disk sits
 * at virtioN/block/vda, a SCSI disk deeper (virtioN/host0/target0:0:0/0:0:0:0/block/sda).
 */
static int walk(struct use *u, const char *dir)
{
	struct vd_names names = { 0 };
	int r = 0;

	if (u->depth > 6 || vd_sysfs_list(u->s, dir, &names) < 0)
		return 0;
	u->depth++;
	for (size_t i = 0; i < names.n && !r; i++) {
		const char *n = names.v[i];
		char path[512], link[8];

		if (!join(path, sizeof(path), dir, n))
			continue;
		if (!strcmp(n, "block"))
			r = check_block(u, path);
		else if (!strcmp(n, "net"))
			r = check_net(u, path);
		else if (strcmp(n, "power") && strcmp(n, "msi_irqs") &&
			 vd_sysfs_readlink(u->s, path, link, sizeof(link)) == -EINVAL &&
			 vd_sysfs_is_dir(u->s, path) == 1)
			r = walk(u, path);
	}
	u->depth--;
	vd_names_done(&names);
	return r;
}

int vd_bind_in_use(struct vd_sysfs *s, const char *devpath, char *buf, size_t size)
{
	struct use u = { .s = s, .buf = buf, .size = size };
	char dir[320];
	int r;

	/* devpath is usually a bus link: walk the real directory so "is it a link" works */
	if (vd_sysfs_link_path(s, devpath, dir, sizeof(dir)) < 0)
		snprintf(dir, sizeof(dir), "%s", devpath);
	r = walk(&u, dir);
	free(u.mountinfo);
	free(u.mounts);
	return r;
}
