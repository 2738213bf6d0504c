/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- bind: the steps done or planned, the rollback, why it failed */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind_job.h"
#include "vd/base/strerror.h"
#include "vd/facts/cmdline.h"

int vd_bind_reserve_steps(struct vd_bind_result *r, size_t n)
{
	struct vd_bind_step *v;

	if (n <= r->nalloc)
		return 0;
	/* checked here too: sanitizers report an overflowing reallocarray() as a bug */
	if (n > SIZE_MAX / sizeof(*v))
		return -ENOMEM;
	v = reallocarray(r->steps, n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->steps = v;
	r->nalloc = n;
	return 0;
}

int vd_bind_step_add(struct vd_bind_result *r, enum vd_bind_step_kind kind, const char *path,
		     const char *value, bool rollback, struct vd_bind_step **ret_step)
{
	struct vd_bind_step *st;

	if (r->nsteps == r->nalloc) {
		size_t n = r->nalloc ? r->nalloc * 2 : 16;
		int e;

		/* doubling must not wrap; reallocarray() refuses a size that does not fit */
		if (n <= r->nalloc)
			return -ENOMEM;
		e = vd_bind_reserve_steps(r, n);
		if (e < 0)
			return e;
	}
	st = &r->steps[r->nsteps++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	snprintf(st->path, sizeof(st->path), "%s", path);
	snprintf(st->value, sizeof(st->value), "%s", value);
	st->rollback = rollback;
	if (ret_step)
		*ret_step = st;
	return 0;
}

void vd_bind_result_done(struct vd_bind_result *r)
{
	free(r->steps);
	r->steps = NULL;
	r->nsteps = 0;
	r->nalloc = 0;
}

/* The record holds every write: a step that cannot be recorded is not done either. */
static struct vd_bind_step *add_step(struct job *j, enum vd_bind_step_kind kind, const char *path,
				     const char *value, bool rollback)
{
	struct vd_bind_step *st;

	if (vd_bind_step_add(j->r, kind, path, value, rollback, &st) < 0) {
		j->nomem = true;
		return NULL;
	}
	return st;
}

/* One write through ops; a dry run records it and writes nothing. */
int vd_bind_do_write(struct job *j, const char *path, const char *value, bool rollback)
{
	struct vd_bind_step *st = add_step(j, VD_STEP_WRITE, path, value, rollback);

	if (!st)
		return -ENOMEM;
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

void vd_bind_set_why(struct job *j, int err, const char *path, const char *fmt, ...)
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
int vd_bind_cannot_read(struct job *j, int err, const char *path)
{
	char shown[512];

	j->r->outcome = VD_BIND_FAILED;
	vd_bind_set_why(j, err, path, "cannot read '%s': %s",
			vd_sysfs_shown_path(j->s, path, shown, sizeof(shown)), vd_strerror(-err));
	return 0;
}

void vd_bind_read_after(struct job *j)
{
	struct live l;

	if (j->o->dry_run)
		return;
	vd_bind_read_live(j->s, j->dev, &l);
	memcpy(j->r->pcidrv, l.pcidrv, sizeof(l.pcidrv));
	memcpy(j->r->virtio, l.virtio, sizeof(l.virtio));
	memcpy(j->r->driver, l.driver, sizeof(l.driver));
}

static void rb_write(struct job *j, const char *path, const char *value)
{
	char sh[300], en[24];
	size_t len = strlen(j->r->rollback);
	int r = vd_bind_do_write(j, path, value, true);
	const char *base = strrchr(path, '/') + 1;

	if (r >= 0)
		return;
	snprintf(j->r->rollback + len, sizeof(j->r->rollback) - len, "%swriting '%s': %s (%s)",
		 len ? "; " : "", vd_sysfs_shown_path(j->s, path, sh, sizeof(sh)),
		 vd_bind_errno_meaning(base, r), vd_errno_name(r, en, sizeof(en)));
}

/* Leave the device as it was: virtio-pci off, the override back, the old driver on. */
void vd_bind_rollback(struct job *j)
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
int vd_bind_fail_write(struct job *j, const char *path, int err)
{
	char sh[300], en[24];
	const char *base = strrchr(path, '/') + 1;

	j->r->outcome = VD_BIND_FAILED;
	vd_bind_set_why(
		j, err, path, "writing '%s': %s (%s)",
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
	vd_bind_rollback(j);
	vd_bind_read_after(j);
	return 0;
}

int vd_bind_refuse(struct job *j, const char *fmt, ...)
{
	va_list ap;

	j->r->outcome = VD_BIND_REFUSED;
	va_start(ap, fmt);
	vsnprintf(j->r->why, sizeof(j->r->why), fmt, ap);
	va_end(ap);
	printable(j->r->why);
	vd_bind_read_after(j);
	return 0;
}

/* Load a module through ops; a dry run under a tree still shows the step. */
int vd_bind_load_module(struct job *j, const char *module)
{
	struct vd_bind_step *st = add_step(j, VD_STEP_MODPROBE, "", module, false);
	int r;

	if (!st)
		return -ENOMEM;
	r = j->ops->load_module(j->ops->ctx, j->s, module, j->o->dry_run);
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

int vd_bind_fail_module(struct job *j, const char *module, int err, bool roll)
{
	char en[24], hint[200];

	j->r->outcome = VD_BIND_FAILED;
	switch (err) {
	case -ENOENT:
		vd_bind_set_why(j, err, NULL, "module '%s' does not exist in this kernel (ENOENT)",
				module);
		break;
	case -ECANCELED:
		vd_bind_set_why(
			j, err, NULL,
			"module '%s' is blacklisted (modprobe.d or modprobe.blacklist=): not loaded",
			module);
		break;
	case -EXDEV:
		vd_bind_set_why(
			j, err, NULL,
			"module '%s' is needed, but modules are never loaded for a tree under "
			"--sysroot (EXDEV)",
			module);
		break;
	default:
		cmdline_hint(j, module, hint, sizeof(hint));
		vd_bind_set_why(j, err, NULL, "cannot load module '%s': %s (%s)%s", module,
				err == -EPERM ? "operation not permitted"
					      : vd_bind_errno_meaning("", err),
				vd_errno_name(err, en, sizeof(en)), hint);
	}
	if (roll)
		vd_bind_rollback(j);
	vd_bind_read_after(j);
	return 0;
}
