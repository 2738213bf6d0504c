/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- a held directory: a device's entries opened by name, not by a walk */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs_impl.h"

/*
 * Under a tree a path is a walk of every component and of each link on the way (a PCI
 * function's path is one: sys/bus/pci/devices/ADDR), a dozen lookups for one file. A
 * device's files are read together, so its directory is resolved once and held, and
 * each file is one name under it. Only a tree: on "/" the kernel's walk is one syscall.
 */
void vd_sysfs_hold_dir(struct vd_sysfs *s, const char *path)
{
	if (s->held_fd >= 0)
		vd_sysfs_spend(s, s->held_fd);
	s->held_fd = -1;
	if (!path || s->live || strlen(rel(path)) >= sizeof(s->held))
		return;
	s->held_fd = vd_sysfs_open_in_root(s, path, O_PATH | O_DIRECTORY);
	if (s->held_fd < 0)
		s->held_fd = -1; /* nothing held: each path is walked whole, as before */
	else
		strcpy(s->held, rel(path));
}

const char *vd_sysfs_held_name(const struct vd_sysfs *s, const char *path)
{
	size_t n = strlen(s->held);
	const char *name;

	path = rel(path);
	if (s->held_fd < 0 || strncmp(path, s->held, n) || path[n] != '/')
		return NULL;
	name = path + n + 1;
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return NULL;
	return name;
}

/*
 * A name in the held directory looked at (O_PATH, the link itself if it is one) and its
 * stat: the fd, or -ENOENT, which the whole path would answer too. Any other failure,
 * and a link, which the whole walk follows inside the root, give -EAGAIN: walk it whole.
 */
int vd_sysfs_look_held(struct vd_sysfs *s, const char *path, struct stat *st)
{
	const char *name = vd_sysfs_held_name(s, path);
	int fd;

	st->st_mode = 0;
	if (!name)
		return -EAGAIN;
	fd = openat(s->held_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -EAGAIN;
	if (fstat(fd, st) < 0 || S_ISLNK(st->st_mode)) {
		close(fd);
		st->st_mode = 0;
		return -EAGAIN;
	}
	return fd;
}

/* A link in the held directory, read by name: no walk, nothing opened. -EAGAIN: not held. */
ssize_t vd_sysfs_readlink_held(struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	const char *name = vd_sysfs_held_name(s, path);
	ssize_t n;

	if (!name)
		return -EAGAIN;
	n = readlinkat(s->held_fd, name, buf, size);
	if (n >= 0)
		return n;
	return errno == ENOENT || errno == EINVAL ? -errno : -EAGAIN; /* EINVAL: not a link */
}

/*
 * The held directory itself, or a directory directly in it, opened for listing without a
 * walk: the fd, or -ENOENT. Anything else (a link: O_NOFOLLOW refuses it; not held) is
 * -EAGAIN, and the whole walk answers.
 */
int vd_sysfs_open_held_dir(struct vd_sysfs *s, const char *path)
{
	const char *name = vd_sysfs_held_name(s, path);
	int fd;

	if (!name && (s->held_fd < 0 || strcmp(rel(path), s->held)))
		return -EAGAIN;
	fd = openat(s->held_fd, name ? name : ".", O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	return errno == ENOENT ? -errno : -EAGAIN;
}
