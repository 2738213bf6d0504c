/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the only code that touches files: the root, and what it means */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
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
	s->held_fd = -1;
	s->proc_fd = -1;
	if (!s->live && !(flags & VD_SYSFS_NO_PROC))
		s->proc_fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	*ret = s;
	return 0;
}

int vd_sysfs_open(const char *root, struct vd_sysfs **ret)
{
	return vd_sysfs_open_flags(root, 0, ret);
}

/*
 * A run of consecutive descriptors closed in one close_range() (Linux 5.9); one by one
 * where it is missing (an older kernel, a seccomp filter, valgrind 3.19, no SYS_ number).
 */
static void close_run(int lo, int hi)
{
#ifdef SYS_close_range
	if (hi > lo && syscall(SYS_close_range, (unsigned int)lo, (unsigned int)hi, 0) == 0)
		return;
#endif
	for (int fd = lo; fd <= hi; fd++)
		close(fd);
}

void vd_sysfs_close_spent(struct vd_sysfs *s)
{
	unsigned int i, j;

	/* few and mostly in order already: an insertion sort */
	for (i = 1; i < s->nspent; i++) {
		int fd = s->spent[i];

		for (j = i; j > 0 && s->spent[j - 1] > fd; j--)
			s->spent[j] = s->spent[j - 1];
		s->spent[j] = fd;
	}
	for (i = 0; i < s->nspent; i = j) {
		for (j = i + 1; j < s->nspent && s->spent[j] == s->spent[j - 1] + 1; j++)
			;
		close_run(s->spent[i], s->spent[j - 1]);
	}
	s->nspent = 0;
}

/*
 * A file read under a tree costs two descriptors (the O_PATH look, the open through
 * /proc) and each close() is a syscall, dear on a VM whose every syscall is a trap. The
 * descriptors pile up instead, and close_range() takes each run of them in one call:
 * a third of the syscalls of a scan of thousands of functions. Only descriptors of files
 * that were read or looked at, never written, wait.
 */
void vd_sysfs_spend(struct vd_sysfs *s, int fd)
{
	if (fd < 0)
		return;
	if (s->nspent == VD_SYSFS_SPENT_MAX)
		vd_sysfs_close_spent(s);
	s->spent[s->nspent++] = fd;
}

bool vd_sysfs_retry_open(struct vd_sysfs *s, int err)
{
	if ((err != -EMFILE && err != -ENFILE) || !s->nspent)
		return false;
	vd_sysfs_close_spent(s);
	return true;
}

void vd_sysfs_free(struct vd_sysfs *s)
{
	if (!s)
		return;
	vd_sysfs_close_spent(s);
	if (s->held_fd >= 0)
		close(s->held_fd);
	if (s->root_fd >= 0)
		close(s->root_fd);
	if (s->proc_fd >= 0)
		close(s->proc_fd);
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
