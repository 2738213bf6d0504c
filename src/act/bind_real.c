/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- bind: the real kernel behind the ops, and what its errnos mean */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vd/act/bind.h"
#include "vd/base/strerror.h"
#include "vd/facts/cmdline.h"
#include "vd/facts/kmod.h"
#include "vd/facts/vsock.h"

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
