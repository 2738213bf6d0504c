/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- replace a file whole (node_exporter's textfile convention) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vd/act/textfile.h"
#include "vd/base/macro.h"
#include "vd/base/sysfs.h"

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOSPC;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A new temporary file: a name another run (or a killed one) left is skipped. */
static int create_tmp(struct vd_sysfs *d, const char *name, char *tmp, size_t size)
{
	for (unsigned int k = 0; k < 100; k++) {
		int fd;

		snprintf(tmp, size, ".%s.tmp-%ld-%u", name, (long)getpid(), k);
		/* world-readable: the collector runs as its own user */
		fd = vd_sysfs_create(d, tmp, 0644);
		if (fd != -EEXIST)
			return fd;
	}
	return -EEXIST;
}

int vd_textfile_write(const char *dir, const char *name, const void *data, size_t len)
{
	struct vd_sysfs *d = NULL;
	char tmp[300];
	int fd, r;

	if (!*name || strchr(name, '/') || strlen(name) > 200)
		return -EINVAL;
	r = vd_sysfs_open(dir, &d);
	if (r < 0)
		return r;
	fd = create_tmp(d, name, tmp, sizeof(tmp));
	if (fd < 0) {
		vd_sysfs_free(d);
		return fd;
	}
	r = write_all(fd, data, len);
	/* the data on disk before the name points at it: a crash leaves the old file */
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0)
		r = vd_sysfs_rename(d, tmp, name);
	if (r < 0)
		vd_sysfs_remove_tree(d, tmp);
	vd_sysfs_free(d);
	return r;
}
