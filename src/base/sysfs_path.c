/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the *f() variants: the path from a format, then the plain function */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "sysfs_impl.h"

/* What every *f() function does once its path is built. */
typedef int vd_path_fn(struct vd_sysfs *s, const char *path, char *buf, size_t size);

VD_PRINTF(5, 0)
static int on_path(struct vd_sysfs *s, vd_path_fn *fn, char *buf, size_t size, const char *fmt,
		   va_list ap)
{
	char path[1024];
	int n = vsnprintf(path, sizeof(path), fmt, ap);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	return fn(s, path, buf, size);
}

/* The body of each *f() function: its va_list handed to on_path(). */
#define ON_PATH(s, fn, buf, size, fmt)                                                             \
	({                                                                                         \
		va_list ap_;                                                                       \
		int r_;                                                                            \
		va_start(ap_, fmt);                                                                \
		r_ = on_path(s, fn, buf, size, fmt, ap_);                                          \
		va_end(ap_);                                                                       \
		r_;                                                                                \
	})

static int access_path(struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	return vd_sysfs_access(s, path);
}

int vd_sysfs_readf(struct vd_sysfs *s, char *buf, size_t size, const char *fmt, ...)
{
	return ON_PATH(s, vd_sysfs_read, buf, size, fmt);
}

int vd_sysfs_link_basef(struct vd_sysfs *s, char *buf, size_t size, const char *fmt, ...)
{
	return ON_PATH(s, vd_sysfs_link_base, buf, size, fmt);
}

int vd_sysfs_accessf(struct vd_sysfs *s, const char *fmt, ...)
{
	return ON_PATH(s, access_path, NULL, 0, fmt);
}
