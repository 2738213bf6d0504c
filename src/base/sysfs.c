/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the only code that touches files: the root, and what it means */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysfs_impl.h"

/* "/", "//": the live system, where absolute links and ".." already stay in the root. */
static bool is_live_root(const char *root)
{
	return root[strspn(root, "/")] == '\0';
}

/* The root's length without its trailing slashes. */
static size_t root_len(const char *root)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	return n;
}

int vd_sysfs_open_flags(const char *root, unsigned int flags, struct vd_sysfs **ret)
{
	struct vd_sysfs *s;

	if (flags & ~(unsigned int)(VD_SYSFS_NO_OPENAT2 | VD_SYSFS_NO_PROC))
		return -EINVAL;
	if (!root || !*root)
		root = "/";
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->live = is_live_root(root);
	/* "DIR/" and "DIR//" are "DIR": one spelling for every path shown */
	s->root = s->live ? strdup("/") : strndup(root, root_len(root));
	if (!s->root) {
		free(s);
		return -ENOMEM;
	}
	s->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root_fd < 0) {
		int r = -errno;

		free(s->root);
		free(s);
		return r;
	}
	s->no_openat2 = flags & VD_SYSFS_NO_OPENAT2;
	s->no_proc = flags & VD_SYSFS_NO_PROC;
	*ret = s;
	return 0;
}

int vd_sysfs_open(const char *root, struct vd_sysfs **ret)
{
	return vd_sysfs_open_flags(root, 0, ret);
}

void vd_sysfs_free(struct vd_sysfs *s)
{
	if (!s)
		return;
	if (s->root_fd >= 0)
		close(s->root_fd);
	free(s->root);
	free(s);
}

const char *vd_sysfs_root(const struct vd_sysfs *s)
{
	return s->root;
}

bool vd_sysfs_is_live(const struct vd_sysfs *s)
{
	return s->live;
}

const char *vd_sysfs_shown_path(const struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", s->live ? "" : s->root, rel(path));
	return buf;
}

int vd_sysfs_real_path(struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = vd_sysfs_open_in_root(s, path, O_PATH);
	char proc[64];
	ssize_t n;

	if (fd < 0)
		return fd;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, size);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return buf[0] == '/' ? 0 : -ENOENT; /* "anon_inode:..." or a detached "(deleted)" */
}

bool vd_sysfs_failed(int r)
{
	switch (r) {
	case 0:
	case -ENOENT:
	case -ENOTDIR:
	case -EISDIR:
	case -ELOOP:
	case -ENOLINK:
	case -EFBIG:
	case -EINVAL:
	case -ENAMETOOLONG:
	case -ENODATA:
	case -ENXIO:
	case -ENODEV:
	case -EXDEV:
		return false;
	default:
		return r < 0;
	}
}

int vd_sysfs_open_special(struct vd_sysfs *s, const char *path, int flags)
{
	/* a tree's device nodes are the analyst's devices, never the tree's */
	if (!s->live)
		return -EXDEV;
	return vd_sysfs_open_in_root(s, path, flags);
}
