/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- writing under the root: attributes, and the trees of bundles */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sysfs_impl.h"

/* One write() of the whole value, then close(): sysfs acts on the write, not on close. */
static int write_whole(int fd, const void *data, size_t len, int short_err)
{
	ssize_t n = len ? write(fd, data, len) : 0;
	int r = 0;

	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = short_err;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int vd_sysfs_write(struct vd_sysfs *s, const char *path, const char *value, size_t len)
{
	int fd = vd_sysfs_open_file(s, path, O_WRONLY | O_TRUNC | O_NOCTTY);

	if (fd < 0)
		return fd;
	return write_whole(fd, value, len, -EIO);
}

/* Split path into its parent (opened O_PATH inside the root) and its last component. */
int vd_sysfs_open_parent(struct vd_sysfs *s, const char *path, const char **ret_base)
{
	char dir[1024];
	const char *p = rel(path), *slash = strrchr(p, '/');
	size_t len;

	if (!slash) {
		*ret_base = p;
		return vd_sysfs_open_in_root(s, ".", O_PATH | O_DIRECTORY);
	}
	len = (size_t)(slash - p);
	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, p, len);
	dir[len] = '\0';
	*ret_base = slash + 1;
	if (!**ret_base || !strcmp(*ret_base, ".") || !strcmp(*ret_base, ".."))
		return -EINVAL;
	return vd_sysfs_open_in_root(s, dir, O_PATH | O_DIRECTORY);
}

int vd_sysfs_create(struct vd_sysfs *s, const char *path, mode_t mode)
{
	_cleanup_close_ int dfd = -1;
	const char *base;
	int fd;

	dfd = vd_sysfs_open_parent(s, path, &base);
	if (dfd < 0)
		return dfd;
	fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}

int vd_sysfs_create_file(struct vd_sysfs *s, const char *path, const void *data, size_t len)
{
	int fd = vd_sysfs_create(s, path, 0644);

	if (fd < 0)
		return fd;
	return write_whole(fd, data, len, -ENOSPC);
}

int vd_sysfs_mkdir(struct vd_sysfs *s, const char *path, mode_t mode)
{
	_cleanup_close_ int dfd = -1;
	const char *base;

	dfd = vd_sysfs_open_parent(s, path, &base);
	if (dfd < 0)
		return dfd;
	if (mkdirat(dfd, base, mode) < 0) {
		struct stat st;

		if (errno == EEXIST && fstatat(dfd, base, &st, 0) == 0 && S_ISDIR(st.st_mode))
			return 0;
		return -errno;
	}
	return 0;
}

int vd_sysfs_mkdir_p(struct vd_sysfs *s, const char *path)
{
	char buf[1024];
	size_t len;
	int r;

	path = rel(path);
	len = strlen(path);
	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		r = vd_sysfs_mkdir(s, buf, 0755);
		*p = '/';
		if (r < 0)
			return r;
	}
	return strcmp(buf, ".") ? vd_sysfs_mkdir(s, buf, 0755) : 0;
}

int vd_sysfs_symlink(struct vd_sysfs *s, const char *target, const char *path)
{
	_cleanup_close_ int dfd = -1;
	const char *base;

	dfd = vd_sysfs_open_parent(s, path, &base);
	if (dfd < 0)
		return dfd;
	return symlinkat(target, dfd, base) < 0 ? -errno : 0;
}

int vd_sysfs_rename(struct vd_sysfs *s, const char *from, const char *to)
{
	_cleanup_close_ int ffd = -1, tfd = -1;
	const char *fb, *tb;

	ffd = vd_sysfs_open_parent(s, from, &fb);
	if (ffd < 0)
		return ffd;
	tfd = vd_sysfs_open_parent(s, to, &tb);
	if (tfd < 0)
		return tfd;
	return renameat(ffd, fb, tfd, tb) < 0 ? -errno : 0;
}

int vd_sysfs_kind(struct vd_sysfs *s, const char *path)
{
	_cleanup_close_ int dfd = -1;
	const char *base;
	struct stat st;

	if (!strcmp(rel(path), "."))
		return 'd';
	dfd = vd_sysfs_open_parent(s, path, &base);
	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return S_ISLNK(st.st_mode)   ? 'l'
	       : S_ISDIR(st.st_mode) ? 'd'
	       : S_ISREG(st.st_mode) ? 'f'
				     : 'o';
}

int vd_sysfs_mkdtemp(struct vd_sysfs *s, char *name)
{
	static const char chars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(name);
	_cleanup_close_ int dfd = -1;

	if (len < 6 || strcmp(name + len - 6, "XXXXXX") || strchr(name, '/'))
		return -EINVAL;
	dfd = vd_sysfs_open_in_root(s, ".", O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return dfd;
	for (int tries = 0; tries < 100; tries++) {
		unsigned char rnd[6];
		struct timespec ts;

		if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
			/* early boot without entropy: not secret, O_EXCL-like mkdir keeps it safe */
			clock_gettime(CLOCK_MONOTONIC, &ts);
			for (size_t i = 0; i < sizeof(rnd); i++)
				rnd[i] = (unsigned char)((unsigned long)ts.tv_nsec >> (i * 5)) ^
					 (unsigned char)(getpid() + tries);
		}
		for (size_t i = 0; i < 6; i++)
			name[len - 6 + i] = chars[rnd[i] % (sizeof(chars) - 1)];
		if (mkdirat(dfd, name, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}
