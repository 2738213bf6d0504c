/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- reading under the root: attributes, links, directories */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sysfs_impl.h"

/*
 * The regular file that pfd (O_PATH) names, opened with flags through its /proc/self/fd
 * link: the same inode, with no second walk of the path and no window in which a rename
 * can put something else there. 1 when /proc cannot do it (not mounted: a chroot, early
 * boot), so the caller opens the path again instead.
 */
static int reopen_proc(struct vd_sysfs *s, int pfd, int flags)
{
	char name[16];
	int fd;

	if (s->proc_fd < 0)
		return 1;
	snprintf(name, sizeof(name), "%d", pfd);
	do
		fd = openat(s->proc_fd, name, flags | O_CLOEXEC);
	while (fd < 0 && (errno == EINTR || vd_sysfs_retry_open(s, -errno)));
	if (fd >= 0)
		return fd;
	if (errno != ENOENT && errno != ENOTDIR)
		return -errno;
	close(s->proc_fd);
	s->proc_fd = -1;
	return 1;
}

/* Without /proc: open the path again, and it must still be the inode looked at. */
static int reopen_path(struct vd_sysfs *s, const char *path, int flags, const struct stat *st)
{
	struct stat st2;
	int fd = vd_sysfs_open_in_root(s, path, flags);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st2) < 0 || st2.st_ino != st->st_ino || st2.st_dev != st->st_dev) {
		close(fd);
		return -ESTALE; /* replaced between the look and the open */
	}
	return fd;
}

/*
 * Open a file for reading or writing. Under a tree that is not the live root, the file is
 * looked at (O_PATH, which opens nothing) before it is opened: a device node's open() runs
 * its driver, a FIFO's or a socket's reaches another process, and a bundle can hold any of
 * them. Only a regular file is then opened, the very inode looked at.
 */
int vd_sysfs_open_file(struct vd_sysfs *s, const char *path, int flags)
{
	struct stat st;
	int pfd, fd;

	if (s->live)
		return vd_sysfs_open_in_root(s, path, flags);
	pfd = vd_sysfs_look_held(s, path, &st); /* with its stat; st_mode 0 where it took none */
	if (pfd == -ENOENT)
		return pfd;
	if (pfd < 0)
		pfd = vd_sysfs_open_in_root(s, path, O_PATH);
	if (pfd < 0)
		return pfd;
	if ((st.st_mode == 0 && fstat(pfd, &st) < 0) || !S_ISREG(st.st_mode)) {
		int r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;

		close(pfd);
		return r;
	}
	fd = reopen_proc(s, pfd, flags);
	vd_sysfs_spend(s, pfd);
	return fd == 1 ? reopen_path(s, path, flags, &st) : fd;
}

/* Open a regular file for reading; refuse anything that could block or never end. */
static int open_regular(struct vd_sysfs *s, const char *path)
{
	struct stat st;
	int fd = vd_sysfs_open_file(s, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;

		close(fd);
		return r;
	}
	return fd;
}

/*
 * Read up to size bytes. A regular file, and a sysfs attribute (which the kernel renders
 * whole into one page), returns less than asked only at its end, so a short read ends
 * the loop without the extra read() that would return 0: one syscall per attribute saved.
 */
static ssize_t read_full(int fd, char *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, buf + done, size - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
		if ((size_t)n < size - (done - (size_t)n) || n == 0)
			break;
	}
	return (ssize_t)done;
}

/* An attribute's text from fd, without its newline: its length, or -errno. */
static int read_attr(int fd, char *buf, size_t size)
{
	char extra;
	ssize_t n;

	n = read_full(fd, buf, size - 1);
	if (n < 0)
		return n == -EAGAIN ? -EINVAL : (int)n;
	if (n == 0) {
		struct stat st;

		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			return -EINVAL;
	}
	/* One more byte tells a file that fits exactly from one that is too long. */
	if ((size_t)n == size - 1 && read(fd, &extra, 1) == 1)
		return -EFBIG;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return (int)n;
}

int vd_sysfs_read(struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	int fd, r;

	if (size == 0)
		return -EINVAL;
	/*
	 * O_NONBLOCK keeps a FIFO or a device from blocking and size bounds what one can
	 * return, so the regular-file check can wait for the rare case that needs it: an
	 * empty read (an empty file, or a FIFO without a writer). One fstat() per
	 * attribute saved on the path every scan takes.
	 */
	fd = vd_sysfs_open_file(s, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fd;
	r = read_attr(fd, buf, size);
	vd_sysfs_spend(s, fd);
	return r;
}

int vd_sysfs_read_bin(struct vd_sysfs *s, const char *path, void *buf, size_t size)
{
	_cleanup_close_ int fd = open_regular(s, path);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read_full(fd, buf, size);
	return (int)n;
}

int vd_sysfs_read_alloc(struct vd_sysfs *s, const char *path, size_t max, char **ret,
			size_t *ret_len)
{
	_cleanup_close_ int fd = open_regular(s, path);
	_cleanup_free_ char *buf = NULL;
	size_t cap = 4096, len = 0;

	if (fd < 0)
		return fd;
	for (;;) {
		char *nb;
		ssize_t n;

		if (len + 1 >= cap || !buf) {
			if (buf)
				cap *= 2;
			nb = realloc(buf, cap);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret = TAKE_PTR(buf);
	return 0;
}

int vd_sysfs_readlink(struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	ssize_t n;

	if (s->live) {
		/*
		 * On "/" the kernel's own walk of the parents stays under it (open_fallback()
		 * relies on the same): one readlinkat() instead of open, readlinkat and
		 * close, for the two driver links of every device.
		 */
		n = readlinkat(s->root_fd, rel(path), buf, size);
		if (n < 0)
			return -errno; /* EINVAL: not a symlink, as below */
	} else if ((n = vd_sysfs_readlink_held(s, path, buf, size)) == -EAGAIN) {
		/* O_PATH|O_NOFOLLOW opens the link itself; its parents resolve inside the root. */
		int fd = vd_sysfs_open_in_root(s, path, O_PATH | O_NOFOLLOW);

		if (fd < 0)
			return fd;
		n = readlinkat(fd, "", buf, size);
		if (n < 0)
			n = errno == ENOENT ? -EINVAL : -errno; /* not a symlink */
		vd_sysfs_spend(s, fd);
	}
	if (n < 0)
		return (int)n;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return (int)n;
}

int vd_sysfs_link_base(struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	char target[1024];
	const char *base;
	int r;

	r = vd_sysfs_readlink(s, path, target, sizeof(target));
	if (r < 0)
		return r;
	r = vd_sysfs_access(s, path);
	if (r == -ENOENT)
		return -ENOLINK; /* the link exists (readlink worked): it points to nothing */
	if (r < 0)
		return r;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || strlen(base) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

/* Append one component to a normalised root-relative path; ".." stops at the root. */
static int push_component(char *out, size_t size, const char *comp, size_t len)
{
	size_t cur = strlen(out);

	if (len == 0 || (len == 1 && comp[0] == '.'))
		return 0;
	if (len == 2 && comp[0] == '.' && comp[1] == '.') {
		char *slash = strrchr(out, '/');

		if (slash)
			*slash = '\0';
		else
			out[0] = '\0';
		return 0;
	}
	if (cur + (cur ? 1 : 0) + len + 1 > size)
		return -ENAMETOOLONG;
	if (cur)
		out[cur++] = '/';
	memcpy(out + cur, comp, len);
	out[cur + len] = '\0';
	return 0;
}

static int push_path(char *out, size_t size, const char *p)
{
	while (*p) {
		const char *end = strchrnul(p, '/');
		int r = push_component(out, size, p, (size_t)(end - p));

		if (r < 0)
			return r;
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* A link's target joined to the directory that holds it, normalised inside the root. */
static int join_link(const char *dir, size_t dir_len, const char *target, char *buf, size_t size)
{
	char d[1024];
	int r;

	if (size == 0)
		return -EINVAL;
	buf[0] = '\0';
	if (target[0] != '/' && dir_len) {
		if (dir_len >= sizeof(d))
			return -ENAMETOOLONG;
		memcpy(d, dir, dir_len);
		d[dir_len] = '\0';
		r = push_path(buf, size, d);
		if (r < 0)
			return r;
	}
	return push_path(buf, size, target);
}

int vd_sysfs_link_path(struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	char target[1024];
	const char *slash;
	int r;

	r = vd_sysfs_readlink(s, path, target, sizeof(target));
	if (r < 0)
		return r;
	path = rel(path);
	slash = strrchr(path, '/');
	return join_link(path, slash ? (size_t)(slash - path) : 0, target, buf, size);
}

int vd_sysfs_listed_link_path(const struct vd_names *names, size_t i, char *buf, size_t size)
{
	char target[1024];
	ssize_t n;

	if (!names->kept || i >= names->n)
		return -EINVAL;
	n = readlinkat(names->dir_fd, names->v[i], target, sizeof(target));
	if (n < 0)
		return -errno; /* EINVAL: not a symlink, as vd_sysfs_readlink() says it */
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	return join_link(names->dir, strlen(names->dir), target, buf, size);
}

static int cmp_names(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

void vd_names_done(struct vd_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i]);
	free(names->v);
	if (names->kept)
		close(names->dir_fd);
	free(names->dir);
	*names = (struct vd_names){ 0 };
}

/* getdents64()'s records, the kernel's ABI: glibc before 2.30 and musl have no wrapper */
struct dirent64_rec {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* vd_sysfs_kind()'s letter for a d_type; 0 for DT_UNKNOWN (some filesystems never say) */
static char dtype_kind(unsigned char t)
{
	switch (t) {
	case DT_UNKNOWN:
		return 0;
	case DT_REG:
		return 'f';
	case DT_DIR:
		return 'd';
	case DT_LNK:
		return 'l';
	default:
		return 'o';
	}
}

/* The kind is kept in the byte after the name's NUL: the names stay plain strings. */
static int add_name(struct vd_names *names, size_t *cap, const char *name, char kind)
{
	size_t len = strlen(name);

	if (names->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **nv = realloc(names->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		names->v = nv;
		*cap = ncap;
	}
	names->v[names->n] = malloc(len + 2);
	if (!names->v[names->n])
		return -ENOMEM;
	memcpy(names->v[names->n], name, len + 1);
	names->v[names->n][len + 1] = kind;
	names->n++;
	return 0;
}

char vd_names_kind(const struct vd_names *names, size_t i)
{
	if (!names->typed || i >= names->n)
		return 0;
	return names->v[i][strlen(names->v[i]) + 1];
}

/*
 * getdents64() on the fd we opened, not fdopendir() and readdir(): fdopendir() spends an
 * fstat() and two fcntl() per listing on checks O_DIRECTORY and O_CLOEXEC already made.
 * The names come sorted; a read error ends the listing, as readdir() returning NULL did.
 */
static int list_fd(int fd, struct vd_names *ret)
{
	enum {
		BUF_SIZE = 32768
	};
	struct vd_names names = { 0 };
	_cleanup_free_ char *buf = malloc(BUF_SIZE);
	size_t cap = 0;
	long n;

	if (!buf)
		return -ENOMEM;
	while ((n = syscall(SYS_getdents64, fd, buf, BUF_SIZE)) > 0) {
		for (long off = 0; off < n;) {
			const struct dirent64_rec *de = (const void *)(buf + off);

			off += de->d_reclen;
			/* sysfs has no dot files; in a fixture they are git placeholders */
			if (de->d_name[0] == '.')
				continue;
			if (add_name(&names, &cap, de->d_name, dtype_kind(de->d_type)) < 0) {
				vd_names_done(&names);
				return -ENOMEM;
			}
		}
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_names);
	names.typed = true;
	*ret = names;
	return 0;
}

/* path listed into ret: the listing's descriptor, still open, or -errno */
static int list_path(struct vd_sysfs *s, const char *path, struct vd_names *ret)
{
	int fd = vd_sysfs_open_held_dir(s, path);
	int r;

	if (fd == -EAGAIN)
		fd = vd_sysfs_open_in_root(s, path, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return fd;
	r = list_fd(fd, ret);
	if (r < 0) {
		vd_sysfs_spend(s, fd);
		return r;
	}
	return fd;
}

int vd_sysfs_list(struct vd_sysfs *s, const char *path, struct vd_names *ret)
{
	int fd = list_path(s, path, ret);

	if (fd < 0)
		return fd;
	vd_sysfs_spend(s, fd);
	return 0;
}

int vd_sysfs_list_keep(struct vd_sysfs *s, const char *path, struct vd_names *ret)
{
	int fd = list_path(s, path, ret);

	if (fd < 0)
		return fd;
	ret->dir = strdup(rel(path));
	if (!ret->dir) {
		vd_sysfs_spend(s, fd);
		vd_names_done(ret);
		return -ENOMEM;
	}
	ret->kept = true;
	ret->dir_fd = fd;
	return 0;
}

int vd_sysfs_access(struct vd_sysfs *s, const char *path)
{
	int fd = vd_sysfs_open_in_root(s, path, O_PATH);

	if (fd < 0)
		return fd;
	vd_sysfs_spend(s, fd);
	return 0;
}

int vd_sysfs_is_dir(struct vd_sysfs *s, const char *path)
{
	_cleanup_close_ int fd = vd_sysfs_open_in_root(s, path, O_PATH);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 1 : 0;
}
