/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- removing a tree under the root, at any depth */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sysfs_impl.h"

/*
 * ---- removal at any depth -------------------------------------------------------------
 * A hostile bundle can nest directories deeper than any recursion or fd budget, and a
 * signal handler must be able to remove an unpacked tree. So the tree is flattened
 * instead of descended: the directories inside a child of the top are renamed up into the
 * top, which never holds more than two directory fds and no memory, whatever the depth;
 * each directory moves at most once. Only openat, getdents64, unlinkat, renameat2, lseek
 * and close are used: all async-signal-safe.
 */
struct vd_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static bool is_dot(const char *n)
{
	return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2]));
}

/* 0 removed (or gone), 1 a directory that is not empty, -errno. */
static int remove_entry(int dfd, const char *name, unsigned char type)
{
	if (type != DT_DIR && type != DT_UNKNOWN) {
		if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
			return 0;
		if (errno != EISDIR)
			return -errno;
	}
	if (unlinkat(dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (errno == ENOTEMPTY || errno == EEXIST)
		return 1;
	if (errno != ENOTDIR)
		return -errno;
	return unlinkat(dfd, name, 0) == 0 || errno == ENOENT ? 0 : -errno;
}

/* Move directory name of dfd into top under a fresh name (".vd-rm-N"). */
static int move_up(int dfd, const char *name, int top, unsigned long *seq)
{
	static const char hex[] = "0123456789abcdef";

	for (int tries = 0; tries < 1000; tries++) {
		char to[32] = ".vd-rm-";
		unsigned long v = ++*seq;
		size_t i = 7;
		long r;

		do
			to[i++] = hex[v & 15];
		while ((v >>= 4) && i < sizeof(to) - 1);
		to[i] = '\0';
#ifdef SYS_renameat2
		r = syscall(SYS_renameat2, dfd, name, top, to, 1 /* RENAME_NOREPLACE */);
		if (r < 0 && (errno == ENOSYS || errno == EINVAL)) {
#else
		{
#endif
			struct stat st;

			/* no renameat2(): the tree is private, a check before is enough */
			if (fstatat(top, to, &st, AT_SYMLINK_NOFOLLOW) == 0) {
				errno = EEXIST;
				r = -1;
			} else {
				r = renameat(dfd, name, top, to);
			}
		}
		if (r == 0 || errno == ENOENT)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/*
 * Empty directory name of top: its files and empty directories removed, the others moved
 * up into top. Returns how many entries it handled, or -errno.
 */
static int flatten(int top, const char *name, unsigned long *seq)
{
	char buf[4096] __attribute__((aligned(8)));
	int fd = openat(top, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r = 0, done = 0;
	long n;

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? 0 : -errno;
	while (r >= 0 && (n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n && r >= 0;) {
			struct vd_dirent64 *d = (struct vd_dirent64 *)(buf + off);

			off += d->d_reclen;
			if (is_dot(d->d_name))
				continue;
			r = remove_entry(fd, d->d_name, d->d_type);
			if (r == 1)
				r = move_up(fd, d->d_name, top, seq);
			done++;
		}
	}
	if (r >= 0 && n < 0)
		r = -errno;
	close(fd);
	return r < 0 ? r : done;
}

/* One pass over top: 1 if it still held entries, 0 if empty, -errno. */
static int remove_pass(int top, unsigned long *seq)
{
	char buf[4096] __attribute__((aligned(8)));
	bool any = false;
	long n;

	if (lseek(top, 0, SEEK_SET) < 0)
		return -errno;
	while ((n = syscall(SYS_getdents64, top, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct vd_dirent64 *d = (struct vd_dirent64 *)(buf + off);
			int r;

			off += d->d_reclen;
			if (is_dot(d->d_name))
				continue;
			any = true;
			while ((r = remove_entry(top, d->d_name, d->d_type)) == 1) {
				r = flatten(top, d->d_name, seq);
				if (r < 0)
					return r;
				if (r == 0 && remove_entry(top, d->d_name, DT_DIR) == 1)
					return -ENOTEMPTY; /* entries we cannot see or move */
			}
			if (r < 0)
				return r;
		}
	}
	return n < 0 ? -errno : any;
}

static int remove_at(int dfd, const char *name)
{
	unsigned long seq = 0;
	int top, r;

	r = remove_entry(dfd, name, DT_UNKNOWN);
	if (r <= 0)
		return r;
	top = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (top < 0)
		return errno == ENOENT ? 0 : -errno;
	while ((r = remove_pass(top, &seq)) == 1)
		;
	close(top);
	if (r < 0)
		return r;
	return remove_entry(dfd, name, DT_DIR) == 0 ? 0 : -ENOTEMPTY;
}

int vd_sysfs_remove_tree(struct vd_sysfs *s, const char *path)
{
	int dfd, r;
	const char *base;

	dfd = vd_sysfs_open_parent(s, path, &base);
	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	r = remove_at(dfd, base);
	close(dfd);
	return r;
}
