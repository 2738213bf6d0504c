/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- bind: put the transport driver on a device, verify both levels, roll back */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vd/act/bind.h"
#include "vd/base/strerror.h"
#include "vd/facts/cmdline.h"
#include "vd/base/ids.h"
#include "vd/facts/kmod.h"
#include "vd/base/parse.h"
#include "vd/facts/vsock.h"

#define POLL_MS 100
#define IFF_UP_FLAG 0x1 /* include/uapi/linux/if.h */

/* ---------------------------------------------------------------- the real kernel */

static int real_write(void *ctx, struct vd_sysfs *s, const char *path, const char *value,
		      size_t len)
{
	return vd_sysfs_write(s, path, value, len);
}

static int real_load(void *ctx, struct vd_sysfs *s, const char *name, bool dry_run)
{
	struct vd_bind_real *real = ctx;
	int r;

	/* vd_kmod_load refuses too; answering here keeps libkmod closed under a tree */
	if (!vd_sysfs_is_live(s))
		return -EXDEV;
	if (!real->kmod) {
		if (real->open_error)
			return real->open_error;
		if (!real->cmdline && vd_cmdline_load(s, &real->cmdline) < 0)
			real->cmdline = NULL;
		r = vd_kmod_open(s, real->cmdline, &real->kmod);
		if (r < 0) {
			real->open_error = r;
			return r;
		}
	}
	return vd_kmod_load(real->kmod, name, true, dry_run);
}

static int real_cid(void *ctx, struct vd_sysfs *s, uint32_t *ret)
{
	return vd_vsock_local_cid(s, ret);
}

static uint64_t real_now(void *ctx)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void real_sleep(void *ctx, unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void vd_bind_ops_real(struct vd_bind_real *real, struct vd_bind_ops *ret)
{
	*ret = (struct vd_bind_ops){
		.write = real_write,
		.load_module = real_load,
		.local_cid = real_cid,
		.now_ms = real_now,
		.sleep_ms = real_sleep,
		.ctx = real,
	};
}

void vd_bind_real_done(struct vd_bind_real *real)
{
	vd_kmod_free(real->kmod);
	vd_cmdline_free(real->cmdline);
	*real = (struct vd_bind_real){ 0 };
}

/* ---------------------------------------------------------------- errno words */

const char *vd_errno_name(int err, char *buf, size_t size)
{
	const char *code = vd_errno_code(err);

	if (code)
		return code;
	snprintf(buf, size, "errno %d", err < 0 ? -err : err);
	return buf;
}

const char *vd_bind_errno_meaning(const char *attr, int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case EACCES:
		return "permission denied: not root, or a security module refused";
	case EPERM:
		return "operation not permitted: not root, or a security module refused";
	case EROFS:
		return "sysfs is read-only (a container?)";
	case ENOENT:
		return "no such file";
	}
	if (!strcmp(attr, "bind")) {
		/* bind returns the probe's errno (drivers/base/dd.c device_driver_attach) */
		switch (err) {
		case ENODEV:
			return "probe rejected the device";
		case EINVAL:
			return "probe failed: BAR or capability problem";
		case EBUSY:
			return "already bound, or its regions are in use";
		case EAGAIN:
			return "probe deferred (an IOMMU or a supplier is not ready)";
		case ENXIO:
			return "probe found no device";
		case ENOMEM:
			return "out of memory during the probe";
		case EIO:
			return "probe failed with an I/O error";
		}
	} else if (!strcmp(attr, "unbind")) {
		if (err == ENODEV)
			return "the device is not bound to that driver";
	} else if (!strcmp(attr, "driver_override")) {
		if (err == EINVAL)
			return "value too long";
	} else if (!strcmp(attr, "new_id")) {
		if (err == EEXIST)
			return "the driver already matches this ID";
		if (err == EINVAL)
			return "malformed ID";
	} else if (!strcmp(attr, "remove_id")) {
		if (err == ENODEV)
			return "no such dynamic ID";
	}
	switch (err) {
	case ENODEV:
		return "no such device";
	case EINVAL:
		return "invalid argument";
	case EBUSY:
		return "device or resource busy";
	case ENOMEM:
		return "out of memory";
	case EIO:
		return "input/output error";
	default:
		return vd_strerror(err);
	}
}

const char *vd_bind_outcome_name(enum vd_bind_outcome o)
{
	static const char *const names[_VD_BIND_OUTCOME_MAX] = {
		[VD_BIND_ALREADY] = "already", [VD_BIND_DONE] = "bound",
		[VD_BIND_PLANNED] = "planned", [VD_BIND_REFUSED] = "refused",
		[VD_BIND_FAILED] = "failed",
	};
	return (unsigned)o < _VD_BIND_OUTCOME_MAX ? names[o] : "";
}

/* ---------------------------------------------------------------- reading the state */

/* A driver name from a link target is used to build a path: only what drivers are named. */
static bool valid_name(const char *n)
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

/* Both binding levels of one PCI function, read now. */
struct live {
	char pcidrv[64];
	char virtio[32];
	char vpath[320];
	char driver[64];
	bool have_status;
	uint32_t status;
	int type_id;
	/* the first read that failed (vd_sysfs_failed) and its file: nothing rests on it */
	int err;
	char err_path[400];
};

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

static void read_live(struct vd_sysfs *s, const char *dev, struct live *l)
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

static bool status_bad(const struct live *l)
{
	return l->have_status && (l->status & (VD_STATUS_FAILED | VD_STATUS_NEEDS_RESET));
}

/* Bound at both levels: what "scan" calls ok (a legacy device reads 0x07). */
static bool live_ok(const struct live *l, const char *drv)
{
	return !strcmp(l->pcidrv, drv) && l->virtio[0] && l->driver[0] && l->have_status &&
	       (l->status & VD_STATUS_DRIVER_OK) && !status_bad(l);
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

/* Field n (0-based) of a space-separated line, copied into buf. */
static bool field(const char *line, int n, char *buf, size_t size)
{
	const char *p = line, *e;

	for (int i = 0; i < n; i++) {
		p = strchr(p, ' ');
		if (!p)
			return false;
		p++;
	}
	e = p + strcspn(p, " \n");
	if ((size_t)(e - p) >= size)
		return false;
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return true;
}

/* Mounted: mountinfo's "major:minor" (field 3) or the mounts source "/dev/NAME". */
static int mounted(struct use *u, const char *name, const char *devno)
{
	char a[256], b[256], src[300];

	load_mounts(u);
	if (!u->mountinfo || !u->mounts)
		return -ENOMEM;
	for (const char *l = u->mountinfo; *l; l = strchrnul(l, '\n'), l += !!*l)
		if (devno[0] && field(l, 2, a, sizeof(a)) && !strcmp(a, devno) &&
		    field(l, 4, b, sizeof(b)))
			return found(u, "'/dev/%s' is mounted on '%s'", name, b);
	snprintf(src, sizeof(src), "/dev/%s", name);
	for (const char *l = u->mounts; *l; l = strchrnul(l, '\n'), l += !!*l)
		if (field(l, 0, a, sizeof(a)) && !strcmp(a, src) && field(l, 1, b, sizeof(b)))
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

		if (!valid_name(disks.v[i]) || !join(disk, sizeof(disk), dir, disks.v[i]))
			continue;
		r = check_blockdev(u, disk, disks.v[i]);
		if (r || vd_sysfs_list(u->s, disk, &parts) < 0)
			continue;
		for (size_t k = 0; k < parts.n && !r; k++) {
			char part[600];

			if (!valid_name(parts.v[k]) ||
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
	for (size_t i = 0; i < ifs.n && !r; i++) {
		char buf[64];
		uint32_t flags;

		if (vd_sysfs_readf(u->s, buf, sizeof(buf), "%s/%s/operstate", dir, ifs.v[i]) >= 0 &&
		    !strcmp(buf, "up"))
			r = found(u, "interface '%s' is up", ifs.v[i]);
		else if (vd_sysfs_readf(u->s, buf, sizeof(buf), "%s/%s/flags", dir, ifs.v[i]) >=
				 0 &&
			 vd_parse_hex(buf, UINT32_MAX, &flags) == 0 && (flags & IFF_UP_FLAG))
			r = found(u, "interface '%s' is up", ifs.v[i]);
	}
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

/* ---------------------------------------------------------------- the sequence */

struct job {
	struct vd_sysfs *s;
	const struct vd_device *d;
	const struct vd_bind_opts *o;
	const struct vd_bind_ops *ops;
	struct vd_bind_result *r;
	char dev[96]; /* "sys/bus/pci/devices/<BDF>", built from the validated name */
	/* the transport: "pci", "virtio-pci", "virtio_pci" or "platform", "virtio-mmio", ... */
	const char *bus, *drv, *module;
	char id[16]; /* "1af4 1053" for new_id */
	bool have_override;
	/* what was changed, for the rollback */
	bool wrote_override, unbound_prev, added_id, bound;
};

static struct vd_bind_step *add_step(struct job *j, enum vd_bind_step_kind kind, const char *path,
				     const char *value, bool rollback)
{
	static struct vd_bind_step overflow;
	struct vd_bind_result *r = j->r;
	struct vd_bind_step *st = r->nsteps < VD_BIND_MAX_STEPS ? &r->steps[r->nsteps++]
								: &overflow;

	memset(st, 0, sizeof(*st));
	st->kind = kind;
	snprintf(st->path, sizeof(st->path), "%s", path);
	snprintf(st->value, sizeof(st->value), "%s", value);
	st->rollback = rollback;
	return st;
}

/* One write through ops; a dry run records it and writes nothing. */
static int wr(struct job *j, const char *path, const char *value, bool rollback)
{
	struct vd_bind_step *st = add_step(j, VD_STEP_WRITE, path, value, rollback);

	if (j->o->dry_run)
		return 0;
	st->result = j->ops->write(j->ops->ctx, j->s, path, value, strlen(value));
	return st->result;
}

/* why quotes values read from the tree (driver_override): keep it one printable line */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void VD_PRINTF(4, 5) set_why(struct job *j, int err, const char *path, const char *fmt, ...)
{
	va_list ap;

	j->r->error = err;
	snprintf(j->r->path, sizeof(j->r->path), "%s", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(j->r->why, sizeof(j->r->why), fmt, ap);
	va_end(ap);
	printable(j->r->why);
}

/* A read that decides what to write failed: no plan, no write rests on it. */
static int cannot_read(struct job *j, int err, const char *path)
{
	char shown[512];

	j->r->outcome = VD_BIND_FAILED;
	set_why(j, err, path, "cannot read '%s': %s",
		vd_sysfs_shown_path(j->s, path, shown, sizeof(shown)), vd_strerror(-err));
	return 0;
}

static void after(struct job *j)
{
	struct live l;

	if (j->o->dry_run)
		return;
	read_live(j->s, j->dev, &l);
	memcpy(j->r->pcidrv, l.pcidrv, sizeof(l.pcidrv));
	memcpy(j->r->virtio, l.virtio, sizeof(l.virtio));
	memcpy(j->r->driver, l.driver, sizeof(l.driver));
}

static void rb_write(struct job *j, const char *path, const char *value)
{
	char sh[300], en[24];
	size_t len = strlen(j->r->rollback);
	int r = wr(j, path, value, true);
	const char *base = strrchr(path, '/') + 1;

	if (r >= 0)
		return;
	snprintf(j->r->rollback + len, sizeof(j->r->rollback) - len, "%swriting '%s': %s (%s)",
		 len ? "; " : "", vd_sysfs_shown_path(j->s, path, sh, sizeof(sh)),
		 vd_bind_errno_meaning(base, r), vd_errno_name(r, en, sizeof(en)));
}

/* Leave the device as it was: virtio-pci off, the override back, the old driver on. */
static void rollback(struct job *j)
{
	char path[256], drv[64];

	if (j->o->dry_run)
		return;
	if (j->bound && vd_sysfs_link_basef(j->s, drv, sizeof(drv), "%s/driver", j->dev) == 0 &&
	    !strcmp(drv, j->drv)) {
		snprintf(path, sizeof(path), "sys/bus/%s/drivers/%s/unbind", j->bus, j->drv);
		rb_write(j, path, j->r->name);
	}
	if (j->wrote_override) {
		snprintf(path, sizeof(path), "%s/driver_override", j->dev);
		/* "(null)" is how the kernel shows no override: a newline clears it */
		rb_write(j, path,
			 strcmp(j->r->prev_override, "(null)") ? j->r->prev_override : "\n");
	}
	if (j->added_id)
		rb_write(j, "sys/bus/pci/drivers/" VD_PCI_DRIVER "/remove_id", j->id);
	if (j->unbound_prev) {
		snprintf(path, sizeof(path), "sys/bus/%s/drivers/%s/bind", j->bus,
			 j->r->prev_driver);
		rb_write(j, path, j->r->name);
	}
}

/* A write failed: roll back, and say which file and what the errno means. */
static int fail_write(struct job *j, const char *path, int err)
{
	char sh[300], en[24];
	const char *base = strrchr(path, '/') + 1;

	j->r->outcome = VD_BIND_FAILED;
	set_why(j, err, path, "writing '%s': %s (%s)",
		vd_sysfs_shown_path(j->s, path, sh, sizeof(sh)),
		/* virtio_mmio_probe() answers a placeholder (device ID 0) with -ENODEV */
		strcmp(j->bus, "platform") || strcmp(base, "bind") || err != -ENODEV
			? vd_bind_errno_meaning(base, err)
			: "probe rejected it: an empty virtio-mmio slot (device ID 0), or no "
			  "virtio device at that address",
		vd_errno_name(err, en, sizeof(en)));
	/* a probe error is the device's story: explain has the evidence */
	j->r->explain = !strcmp(base, "bind") && err != -EACCES && err != -EPERM && err != -EROFS &&
			err != -ENOENT;
	rollback(j);
	after(j);
	return 0;
}

static int refuse(struct job *j, const char *fmt, ...) VD_PRINTF(2, 3);
static int refuse(struct job *j, const char *fmt, ...)
{
	va_list ap;

	j->r->outcome = VD_BIND_REFUSED;
	va_start(ap, fmt);
	vsnprintf(j->r->why, sizeof(j->r->why), fmt, ap);
	va_end(ap);
	printable(j->r->why);
	after(j);
	return 0;
}

/* Load a module through ops; a dry run under a tree still shows the step. */
static int load(struct job *j, const char *module)
{
	struct vd_bind_step *st = add_step(j, VD_STEP_MODPROBE, "", module, false);
	int r = j->ops->load_module(j->ops->ctx, j->s, module, j->o->dry_run);

	st->result = r;
	if (r == -EXDEV && j->o->dry_run)
		r = 0;
	return r;
}

/* What the kernel command line says against loading a module (EPERM). */
static void cmdline_hint(struct job *j, const char *module, char *buf, size_t size)
{
	_cleanup_free_ char *text = NULL;
	struct vd_cmdline *c = NULL;
	const char *v;

	buf[0] = '\0';
	if (vd_sysfs_read_alloc(j->s, "proc/cmdline", 1 << 16, &text, NULL) < 0 ||
	    vd_cmdline_parse(text, &c) < 0)
		return;
	if (vd_cmdline_list_has(c, "module_blacklist", module))
		snprintf(buf, size, ": the kernel command line has module_blacklist=%s",
			 vd_cmdline_value(c, "module_blacklist"));
	else if ((v = vd_cmdline_value(c, "initcall_blacklist")))
		snprintf(buf, size, ": the kernel command line has initcall_blacklist=%s", v);
	vd_cmdline_free(c);
}

static int fail_module(struct job *j, const char *module, int err, bool roll)
{
	char en[24], hint[200];

	j->r->outcome = VD_BIND_FAILED;
	switch (err) {
	case -ENOENT:
		set_why(j, err, NULL, "module '%s' does not exist in this kernel (ENOENT)", module);
		break;
	case -ECANCELED:
		set_why(j, err, NULL,
			"module '%s' is blacklisted (modprobe.d or modprobe.blacklist=): not loaded",
			module);
		break;
	case -EXDEV:
		set_why(j, err, NULL,
			"module '%s' is needed, but modules are never loaded for a tree under "
			"--sysroot (EXDEV)",
			module);
		break;
	default:
		cmdline_hint(j, module, hint, sizeof(hint));
		set_why(j, err, NULL, "cannot load module '%s': %s (%s)%s", module,
			err == -EPERM ? "operation not permitted" : vd_bind_errno_meaning("", err),
			vd_errno_name(err, en, sizeof(en)), hint);
	}
	if (roll)
		rollback(j);
	after(j);
	return 0;
}

/* Why l is not bound at both levels yet; final when waiting cannot change it. */
static const char *not_ok(const struct job *j, const struct live *l, bool *final, char *buf,
			  size_t size)
{
	*final = false;
	if (strcmp(l->pcidrv, j->drv)) {
		snprintf(buf, size, "driver link is '%s' after the bind, not '%s'",
			 l->pcidrv[0] ? l->pcidrv : "(none)", j->drv);
		return buf;
	}
	if (!l->virtio[0]) {
		snprintf(buf, size, "%s holds it but no virtio device appeared under it", j->drv);
		return buf;
	}
	if (status_bad(l)) {
		*final = true;
		snprintf(buf, size, "%s status is 0x%08x: %s", l->virtio, l->status,
			 l->status & VD_STATUS_FAILED ? "FAILED, its driver's probe failed"
						      : "NEEDS_RESET");
		return buf;
	}
	if (!l->driver[0]) {
		snprintf(buf, size, "%s has no driver", l->virtio);
		return buf;
	}
	if (!l->have_status || !(l->status & VD_STATUS_DRIVER_OK)) {
		snprintf(buf, size, "%s status lacks DRIVER_OK", l->virtio);
		return buf;
	}
	(void)j;
	return NULL;
}

static const char *virtio_module(const struct job *j, const struct live *l)
{
	int type = l->type_id >= 0 ? l->type_id : j->d->type_id;
	const struct vd_virtio_type *t = type >= 0 ? vd_virtio_type_by_id((unsigned)type) : NULL;

	return t ? t->driver : NULL;
}

static int finish_ok(struct job *j)
{
	char path[256];

	j->r->outcome = VD_BIND_DONE;
	if (j->o->clear_override && j->have_override) {
		int r;

		snprintf(path, sizeof(path), "%s/driver_override", j->dev);
		r = wr(j, path, "\n", false);
		if (r < 0) {
			char sh[300], en[24];

			snprintf(j->r->note, sizeof(j->r->note),
				 "bound, but clearing '%s' failed: %s (%s)",
				 vd_sysfs_shown_path(j->s, path, sh, sizeof(sh)),
				 vd_bind_errno_meaning("driver_override", r),
				 vd_errno_name(r, en, sizeof(en)));
		}
	}
	after(j);
	return 0;
}

/*
 * Step 6: verify by reading, never by trusting a write. Loads the virtio-level module
 * once when the virtio device has no driver, polls until wait_ms has passed.
 */
static int verify(struct job *j, bool roll)
{
	const struct vd_bind_ops *ops = j->ops;
	uint64_t deadline = ops->now_ms(ops->ctx) + j->o->wait_ms;
	bool loaded = false;

	for (;;) {
		char why[200];
		const char *bad;
		bool final;
		struct live l;
		uint64_t now;

		read_live(j->s, j->dev, &l);
		bad = not_ok(j, &l, &final, why, sizeof(why));
		if (bad && !final && l.virtio[0] && !l.driver[0] && !loaded &&
		    !strcmp(l.pcidrv, j->drv)) {
			const char *m = virtio_module(j, &l);
			int r;

			loaded = true;
			if (!m) {
				j->r->outcome = VD_BIND_FAILED;
				j->r->explain = true;
				set_why(j, -ENOENT, NULL,
					"%s has no driver and Linux has none for its "
					"type %d",
					l.virtio, l.type_id);
				if (roll)
					rollback(j);
				after(j);
				return 0;
			}
			r = load(j, m);
			if (r < 0)
				return fail_module(j, m, r, roll);
			continue;
		}
		if (!bad && l.type_id == VD_VIRTIO_ID_VSOCK) {
			uint32_t cid = VD_VSOCK_CID_ANY;
			int r = ops->local_cid(ops->ctx, j->s, &cid);

			if (r == 0 && cid >= 3 && cid != VD_VSOCK_CID_ANY) {
				j->r->have_cid = true;
				j->r->cid = cid;
			} else if (r == -ENOENT) {
				bad = "no /dev/vsock: the vsock core is not loaded";
			} else if (r < 0) {
				snprintf(why, sizeof(why), "cannot ask /dev/vsock for the CID: %s",
					 vd_strerror(-r));
				bad = why;
			} else {
				snprintf(why, sizeof(why), "/dev/vsock answers CID %s",
					 cid == VD_VSOCK_CID_ANY ? "-1 (no device probed)" : "< 3");
				bad = why;
			}
		}
		if (!bad)
			return finish_ok(j);
		now = ops->now_ms(ops->ctx);
		if (final || now >= deadline) {
			j->r->outcome = VD_BIND_FAILED;
			j->r->explain = true;
			set_why(j, 0, NULL, "%s%s", bad,
				j->o->wait_ms && !final ? " (after waiting)" : "");
			if (roll)
				rollback(j);
			after(j);
			return 0;
		}
		ops->sleep_ms(ops->ctx,
			      (unsigned)(deadline - now < POLL_MS ? deadline - now : POLL_MS));
	}
}

/* virtio-pci already holds the PCI function: only the virtio level can need work. */
static int virtio_level(struct job *j, const struct live *l)
{
	if (!j->o->dry_run)
		return verify(j, false);
	if (l->virtio[0] && !l->driver[0] && !status_bad(l)) {
		const char *m = virtio_module(j, l);
		int r;

		if (m) {
			r = load(j, m);
			if (r < 0)
				return fail_module(j, m, r, false);
			j->r->outcome = VD_BIND_PLANNED;
			return 0;
		}
	}
	{
		char why[200];
		bool final;
		const char *bad = not_ok(j, l, &final, why, sizeof(why));

		j->r->outcome = VD_BIND_FAILED;
		j->r->explain = true;
		set_why(j, 0, NULL, "%s", bad ? bad : "not bound at the virtio level");
	}
	return 0;
}

static int bind_write(struct job *j, const char *path)
{
	const struct vd_bind_ops *ops = j->ops;
	uint64_t deadline = ops->now_ms(ops->ctx) + j->o->wait_ms;
	int r;

	for (;;) {
		uint64_t now;

		r = wr(j, path, j->r->name, false);
		/* -EPROBE_DEFER comes back as EAGAIN: worth another try while we may wait */
		if (r != -EAGAIN || j->o->dry_run)
			break;
		now = ops->now_ms(ops->ctx);
		if (now >= deadline)
			break;
		ops->sleep_ms(ops->ctx,
			      (unsigned)(deadline - now < POLL_MS ? deadline - now : POLL_MS));
		j->r->nsteps--; /* the retry is the same step */
	}
	if (r == -EBUSY) {
		char drv[64];

		/* EBUSY: something bound it first; if that is virtio-pci, that is success */
		if (vd_sysfs_link_basef(j->s, drv, sizeof(drv), "%s/driver", j->dev) == 0 &&
		    !strcmp(drv, j->drv)) {
			snprintf(j->r->note, sizeof(j->r->note),
				 "%s had bound it before our write (EBUSY)", j->drv);
			r = 0;
		}
	}
	return r;
}

/*
 * Which bus and driver, and the name every path is built from: a strict PCI address, a
 * virtio-mmio platform device name, or the group of transports waiting for virtio-mmio.
 */
static int identify(struct job *j)
{
	const struct vd_device *d = j->d;
	struct vd_bdf bdf;

	if (!d || !d->cls.virtio)
		return -EINVAL;
	if (d->bus == VD_BUS_PCI) {
		if (!d->have_id || vd_parse_bdf(d->name, false, &bdf) < 0)
			return -EINVAL;
		vd_bdf_format(&bdf, j->r->name, sizeof(j->r->name));
		snprintf(j->id, sizeof(j->id), "%04x %04x", d->vendor, d->device);
		j->bus = "pci";
		j->drv = VD_PCI_DRIVER;
		j->module = "virtio_pci";
	} else if (d->bus == VD_BUS_PLATFORM &&
		   (d->group ? !strcmp(d->name, VD_MMIO_DRIVER)
			     : vd_is_mmio_name(d->name) && valid_name(d->name))) {
		snprintf(j->r->name, sizeof(j->r->name), "%s", d->name);
		j->bus = "platform";
		j->drv = VD_MMIO_DRIVER;
		j->module = "virtio_mmio";
	} else {
		return -EINVAL;
	}
	snprintf(j->dev, sizeof(j->dev), "sys/bus/%s/devices/%s", j->bus, j->r->name);
	return 0;
}

static bool registered(struct job *j)
{
	return vd_sysfs_accessf(j->s, "sys/bus/%s/drivers/%s", j->bus, j->drv) == 0;
}

/*
 * Load the transport driver's module; its registration probes every device it may take.
 * Returns 1 when the bind goes on, 0 when the job is over (done, planned or failed).
 */
static int load_transport(struct job *j, struct live *l)
{
	int r = load(j, j->module);

	if (r < 0)
		return fail_module(j, j->module, r, false), 0;
	if (j->o->dry_run)
		return 1;
	if (!registered(j)) {
		j->r->outcome = VD_BIND_FAILED;
		set_why(j, -ENOENT, NULL,
			"module '%s' is loaded but sys/bus/%s/drivers/%s did not appear", j->module,
			j->bus, j->drv);
		after(j);
		return 0;
	}
	read_live(j->s, j->dev, l);
	if (l->err)
		return cannot_read(j, l->err, l->err_path), 0;
	if (!strcmp(l->pcidrv, j->drv))
		return verify(j, false), 0;
	if (!strcmp(j->bus, "platform") && !l->pcidrv[0] &&
	    (!j->have_override || !strcmp(j->r->prev_override, "(null)"))) {
		/* the registration offered it to virtio-mmio, which said nothing and left it */
		j->r->outcome = VD_BIND_FAILED;
		set_why(j, -ENODEV, NULL,
			"virtio-mmio is registered now and left it without a driver: an empty "
			"virtio-mmio slot (device ID 0)");
		after(j);
		return 0;
	}
	return 1;
}

/* Count the transports virtio-mmio holds now. */
static unsigned int mmio_bound(struct job *j)
{
	struct vd_names names = { 0 };
	unsigned int n = 0;

	if (vd_sysfs_list(j->s, "sys/bus/platform/drivers/" VD_MMIO_DRIVER, &names) < 0)
		return 0;
	for (size_t i = 0; i < names.n; i++)
		n += vd_is_mmio_name(names.v[i]);
	vd_names_done(&names);
	return n;
}

/* The group: registering virtio-mmio is the whole action; it probes every transport. */
static int bind_group(struct job *j)
{
	unsigned int n;
	int r;

	if (registered(j)) {
		j->r->outcome = VD_BIND_ALREADY;
		snprintf(j->r->pcidrv, sizeof(j->r->pcidrv), "%s", j->drv);
		return 0;
	}
	r = load(j, j->module);
	if (r < 0)
		return fail_module(j, j->module, r, false);
	if (j->o->dry_run) {
		j->r->outcome = VD_BIND_PLANNED;
		return 0;
	}
	if (!registered(j)) {
		j->r->outcome = VD_BIND_FAILED;
		set_why(j, -ENOENT, NULL,
			"module '%s' is loaded but sys/bus/platform/drivers/%s did not appear",
			j->module, j->drv);
		return 0;
	}
	n = mmio_bound(j);
	j->r->outcome = VD_BIND_DONE;
	snprintf(j->r->pcidrv, sizeof(j->r->pcidrv), "%s", j->drv);
	snprintf(j->r->note, sizeof(j->r->note),
		 "%u of %u transports hold a virtio device, the other %u are empty slots", n,
		 j->d->group, j->d->group > n ? j->d->group - n : 0);
	return 0;
}

int vd_bind_device(struct vd_sysfs *s, const struct vd_device *d, const struct vd_bind_opts *o,
		   const struct vd_bind_ops *ops, struct vd_bind_result *ret)
{
	struct job j = { .s = s, .d = d, .o = o, .ops = ops, .r = ret };
	char path[256], buf[80], use[200];
	struct live l;
	bool override_other;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = identify(&j);
	if (r < 0)
		return r;
	if (d->group)
		return bind_group(&j);

	/* 2. already bound at both levels: write nothing (the boot-time common case) */
	read_live(s, j.dev, &l);
	if (l.err)
		return cannot_read(&j, l.err, l.err_path);
	memcpy(ret->prev_driver, l.pcidrv, sizeof(l.pcidrv));
	if (live_ok(&l, j.drv)) {
		ret->outcome = VD_BIND_ALREADY;
		memcpy(ret->pcidrv, l.pcidrv, sizeof(l.pcidrv));
		memcpy(ret->virtio, l.virtio, sizeof(l.virtio));
		memcpy(ret->driver, l.driver, sizeof(l.driver));
		return 0;
	}
	if (!strcmp(l.pcidrv, j.drv))
		return virtio_level(&j, &l);
	if (l.pcidrv[0] && !valid_name(l.pcidrv)) {
		ret->outcome = VD_BIND_FAILED;
		set_why(&j, -EINVAL, NULL, "its driver link names '%s', not a driver", l.pcidrv);
		return 0;
	}

	r = vd_sysfs_readf(s, ret->prev_override, sizeof(ret->prev_override), "%s/driver_override",
			   j.dev);
	if (r >= 0) {
		j.have_override = true;
	} else if (r != -ENOENT) {
		/* -EFBIG too: a value we could not put back after a failure */
		ret->prev_override[0] = '\0';
		snprintf(path, sizeof(path), "%s/driver_override", j.dev);
		ret->outcome = VD_BIND_FAILED;
		set_why(&j, r, path, "cannot read '%s': %s",
			vd_sysfs_shown_path(s, path, use, sizeof(use)), vd_strerror(-r));
		return 0;
	}
	override_other = j.have_override && strcmp(ret->prev_override, "(null)") &&
			 strcmp(ret->prev_override, j.drv);

	/* 4. refusals first, before anything (a module included) is changed */
	if (l.pcidrv[0] && o->force < 1)
		return refuse(&j, "held by '%s': --force takes it from its driver", l.pcidrv);
	if (override_other && o->force < 1)
		return refuse(&j, "driver_override is '%s'%s: --force replaces it",
			      ret->prev_override,
			      strcmp(ret->prev_override, "none")
				      ? " (only that driver may bind it)"
				      : " (opted out of driver binding)");
	if (l.pcidrv[0] && o->force < 2) {
		r = vd_bind_in_use(s, j.dev, use, sizeof(use));
		if (r > 0)
			return refuse(&j,
				      "held by '%s' and in use: %s: --force twice unbinds it "
				      "anyway",
				      l.pcidrv, use);
		if (r < 0)
			return refuse(&j,
				      "held by '%s': cannot tell whether it is in use (%s): "
				      "--force twice unbinds it anyway",
				      l.pcidrv, vd_strerror(-r));
	}

	/* 3. the transport driver not registered: load its module (its registration probes) */
	snprintf(path, sizeof(path), "sys/bus/%s/drivers/%s", j.bus, j.drv);
	r = vd_sysfs_access(s, path);
	if (vd_sysfs_failed(r))
		return cannot_read(&j, r, path);
	if (r < 0) {
		r = load_transport(&j, &l);
		if (r <= 0)
			return 0;
	}

	/* 5. the override makes matching independent of IDs and shuts out other drivers */
	if (j.have_override && strcmp(ret->prev_override, j.drv)) {
		snprintf(path, sizeof(path), "%s/driver_override", j.dev);
		r = wr(&j, path, j.drv, false);
		if (r < 0)
			return fail_write(&j, path, r);
		j.wrote_override = true;
	}
	if (l.pcidrv[0]) {
		snprintf(path, sizeof(path), "sys/bus/%s/drivers/%s/unbind", j.bus, l.pcidrv);
		r = wr(&j, path, ret->name, false);
		if (r < 0)
			return fail_write(&j, path, r);
		j.unbound_prev = true;
	}
	if (!j.have_override && d->bus == VD_BUS_PCI) {
		/* before 3.16: no driver_override; new_id probes at once when it adds the ID */
		snprintf(path, sizeof(path), "sys/bus/pci/drivers/%s/new_id", VD_PCI_DRIVER);
		r = wr(&j, path, j.id, false);
		if (r == -EEXIST) {
			snprintf(ret->note, sizeof(ret->note),
				 "no driver_override (kernel before 3.16); new_id: virtio-pci "
				 "already matches %04x:%04x (EEXIST)",
				 d->vendor, d->device);
		} else if (r < 0) {
			return fail_write(&j, path, r);
		} else {
			j.added_id = true;
			if (!o->dry_run &&
			    vd_sysfs_link_basef(s, buf, sizeof(buf), "%s/driver", j.dev) == 0 &&
			    !strcmp(buf, VD_PCI_DRIVER))
				j.bound = true;
		}
	}
	if (!j.bound) {
		/* bind, not drivers_probe: bind returns the probe's errno */
		snprintf(path, sizeof(path), "sys/bus/%s/drivers/%s/bind", j.bus, j.drv);
		r = bind_write(&j, path);
		if (r < 0)
			return fail_write(&j, path, r);
		j.bound = true;
	}
	if (o->dry_run) {
		if (o->clear_override && j.have_override) {
			snprintf(path, sizeof(path), "%s/driver_override", j.dev);
			wr(&j, path, "\n", false);
		}
		ret->outcome = VD_BIND_PLANNED;
		return 0;
	}
	return verify(&j, true);
}
