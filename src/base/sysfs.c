/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the only code that touches files: everything under one root */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define VD_HAVE_OPENAT2_H 1
#endif
#endif

#include "vd/base/sysfs.h"

struct vd_sysfs {
	int root_fd;
	char *root;
	/* openat2() is Linux 5.6+; without it resolve_in_root() walks the path itself. */
	bool no_openat2;
	/* the root is "/": the kernel's own resolution cannot leave it */
	bool live;
	/* /proc/self/fd cannot reopen a file: open_file() opens its path again */
	bool no_proc;
};

/* Paths are written rooted ("/sys/..."): the root fd is the anchor. */
static const char *rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

/*
 * ---- RESOLVE_IN_ROOT without openat2() ------------------------------------------------
 * Kernels before 5.6, valgrind 3.19 and seccomp filters older than the syscall have no
 * openat2(), and a plain openat() follows an absolute link or a "../.." out of the root.
 * So the path is walked here one component at a time with O_NOFOLLOW, and each link is
 * read as text and put in front of the rest, the way RESOLVE_IN_ROOT does it in the
 * kernel: an absolute target starts again at the root, ".." never climbs above it.
 * Magic links (/proc/PID/fd/N in a tree that is procfs) are only ever opened O_PATH and
 * read as text, so they too resolve inside the root.
 */

/* The kernel's MAXSYMLINKS: links followed in one resolution before -ELOOP. */
#define VD_MAXSYMLINKS 40

/*
 * A component looked at twice (opened O_NOFOLLOW, then read as a link) can change in
 * between: a link when opened, a directory or file when read, because a rename put
 * something else there. The kernel retries a lookup that raced a rename; the walk asks
 * the component again, this many times per resolution, before it answers with what it saw.
 */
#define VD_WALK_RETRIES 8

struct walk {
	int root_fd;
	/*
	 * The directories entered below the root, innermost last. ".." closes the last one
	 * instead of opening "..": the parent we came through is inside the root, even when
	 * someone moves the directory we are in out of it meanwhile.
	 */
	int *fds;
	size_t n, cap;
	int small[16];
	unsigned int links;
	unsigned int retries; /* left of VD_WALK_RETRIES */
	bool beneath; /* RESOLVE_BENEATH: an absolute link or ".." above the root is EXDEV */
	/* what is left to walk: the tail of path; links are put in the space before it */
	char *rest;
	char path[2 * PATH_MAX];
};

static int walk_top(const struct walk *w)
{
	return w->n ? w->fds[w->n - 1] : w->root_fd;
}

/* Enter a directory (fd is taken over, closed on failure). */
static int walk_push(struct walk *w, int fd)
{
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : ARRAY_SIZE(w->small);
		int *nf = malloc(ncap * sizeof(*nf));

		if (!nf) {
			close(fd);
			return -ENOMEM;
		}
		memcpy(nf, w->fds, w->n * sizeof(*nf));
		if (w->fds != w->small)
			free(w->fds);
		w->fds = nf;
		w->cap = ncap;
	}
	w->fds[w->n++] = fd;
	return 0;
}

/* "..": at the root it stays at the root, as RESOLVE_IN_ROOT does. */
static void walk_pop(struct walk *w)
{
	if (w->n)
		close(w->fds[--w->n]);
}

static void walk_done(struct walk *w)
{
	while (w->n)
		walk_pop(w);
	if (w->fds != w->small)
		free(w->fds);
}

/*
 * name in dfd is a symlink (or, when reading it fails with EINVAL, not one: not_link is
 * the answer then). Put its target in front of the rest of the path, which is "" or
 * "/...", so a link that is the last component stays the last one. Returns 1 when name
 * was a link when opened and is none now (a rename raced us): the caller asks again.
 */
static int walk_follow(struct walk *w, int dfd, const char *name, int not_link)
{
	char target[PATH_MAX];
	ssize_t n;

	n = readlinkat(dfd, name, target, sizeof(target));
	if (n < 0 && errno == EINVAL && *name && w->retries) {
		w->retries--;
		return 1;
	}
	if (n < 0)
		return errno == EINVAL ? not_link : -errno;
	if (++w->links > VD_MAXSYMLINKS)
		return -ELOOP;
	if ((size_t)n >= sizeof(target) || (size_t)n > (size_t)(w->rest - w->path))
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT; /* an empty link body: the kernel's answer */
	if (target[0] == '/' && w->beneath)
		return -EXDEV;
	w->rest -= n;
	memcpy(w->rest, target, (size_t)n);
	if (target[0] == '/')
		while (w->n)
			walk_pop(w);
	return 0;
}

/*
 * The last component, with the caller's flags on its parent dfd, so a write is still one
 * open() of the real file. Returns the fd in *ret_fd, or 0 with *ret_fd -1 when it was a
 * link to follow (now spliced into w->rest), 1 to open it again (it changed meanwhile),
 * or -errno.
 */
static int walk_last(struct walk *w, int dfd, const char *name, int flags, int *ret_fd)
{
	struct stat st;
	int fd, r;

	*ret_fd = -1;
	fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0);
	if (flags & O_NOFOLLOW) {
		/* the link itself (O_PATH), or ELOOP as openat() answers */
		if (fd < 0)
			return -errno;
		*ret_fd = fd;
		return 0;
	}
	if (fd < 0) {
		/* O_NOFOLLOW on a link: ELOOP, or ENOTDIR when O_DIRECTORY is given too */
		if (errno != ELOOP && errno != ENOTDIR)
			return -errno;
		return walk_follow(w, dfd, name, -errno);
	}
	if (!(flags & O_PATH) || (flags & O_DIRECTORY)) {
		*ret_fd = fd; /* opened for real, or a directory: not a link */
		return 0;
	}
	/* O_PATH|O_NOFOLLOW opened a link itself: read it through that fd */
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISLNK(st.st_mode)) {
		*ret_fd = fd;
		return 0;
	}
	r = walk_follow(w, fd, "", -ELOOP);
	close(fd);
	return r;
}

static int walk(struct walk *w, const char *path, int flags)
{
	size_t len = strlen(path);
	char name[NAME_MAX + 1];

	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	w->rest = w->path + sizeof(w->path) - len - 1;
	memcpy(w->rest, path, len + 1);
	for (;;) {
		const char *end;
		int fd, r;

		while (*w->rest == '/')
			w->rest++;
		if (!*w->rest) {
			/* the path names the directory we are in ("", ".", "sys/..", "dir/") */
			fd = openat(walk_top(w), ".", flags | O_CLOEXEC, 0);
			return fd < 0 ? -errno : fd;
		}
		end = strchrnul(w->rest, '/');
		if (end - w->rest > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(name, w->rest, (size_t)(end - w->rest));
		name[end - w->rest] = '\0';
		w->rest += end - w->rest;
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			if (!w->n && w->beneath)
				return -EXDEV;
			walk_pop(w);
			continue;
		}
		if (!*w->rest) {
			do
				r = walk_last(w, walk_top(w), name, flags, &fd);
			while (r == 1);
			if (r < 0 || fd >= 0)
				return r < 0 ? r : fd;
			continue;
		}
		/*
		 * More follows (a trailing '/' too): a directory, or a link to follow. O_DIRECTORY
		 * tells both from a file in the one openat(): a link gives ENOTDIR, as a file does.
		 */
		do {
			fd = openat(walk_top(w), name,
				    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				r = walk_push(w, fd);
			else if (errno == ENOTDIR)
				r = walk_follow(w, walk_top(w), name, -ENOTDIR);
			else
				r = -errno;
		} while (r == 1);
		if (r < 0)
			return r;
	}
}

/* The path opened with flags (never O_CREAT) inside root_fd, as RESOLVE_IN_ROOT would. */
static int resolve_walk(int root_fd, const char *path, int flags, bool beneath)
{
	struct walk w = { .root_fd = root_fd,
			  .cap = ARRAY_SIZE(w.small),
			  .retries = VD_WALK_RETRIES,
			  .beneath = beneath };
	int fd;

	w.fds = w.small;
	fd = walk(&w, path, flags);
	walk_done(&w);
	return fd;
}

static int resolve_in_root(int root_fd, const char *path, int flags)
{
	return resolve_walk(root_fd, path, flags, false);
}

/*
 * openat2(RESOLVE_IN_ROOT) answers EAGAIN when a rename or a mount anywhere on the system
 * raced a walk through "..", the links of sys/bus/ included: it cannot prove that ".."
 * stayed inside the root, and expects to be asked again (fs/namei.c, the rename_lock and
 * mount_lock seqcounts). On a machine where udev or a compiler renames all the time a
 * few tries can all lose; the walk in userspace takes no seqcount and cannot lose, so it
 * answers after this many.
 */
#define VD_OPENAT2_TRIES 8

static int open_openat2(struct vd_sysfs *s, const char *path, int flags)
{
#if defined(VD_HAVE_OPENAT2_H) && defined(SYS_openat2)
	struct open_how how = {
		.flags = (unsigned long long)flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	for (int i = 0; i < VD_OPENAT2_TRIES; i++) {
		fd = (int)syscall(SYS_openat2, s->root_fd, rel(path), &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != EAGAIN && errno != EINTR)
			break;
	}
	if (errno == EAGAIN)
		return resolve_in_root(s->root_fd, rel(path), flags);
	if (errno != ENOSYS && errno != EPERM)
		return -errno;
	/*
	 * ENOSYS: Linux before 5.6, or valgrind. EPERM: a seccomp filter in some containers
	 * answers it for syscalls it does not know, but EPERM is also a real answer (an
	 * immutable file opened for writing): only a walk that then succeeds proves
	 * openat2() is filtered.
	 */
	if (errno == ENOSYS)
		s->no_openat2 = true;
	fd = resolve_in_root(s->root_fd, rel(path), flags);
	if (fd >= 0)
		s->no_openat2 = true;
	return fd;
#else
	s->no_openat2 = true;
	return resolve_in_root(s->root_fd, rel(path), flags);
#endif
}

/*
 * On the live root a plain openat() is RESOLVE_IN_ROOT already: the root fd is the
 * process's root, where absolute links start and ".." stops, so the kernel's own walk
 * cannot leave it. It is one syscall, takes no seqcount and so never answers EAGAIN.
 */
static int open_in_root(struct vd_sysfs *s, const char *path, int flags)
{
	int fd;

	if (s->live) {
		do
			fd = openat(s->root_fd, rel(path), flags | O_CLOEXEC, 0);
		while (fd < 0 && errno == EINTR);
		return fd < 0 ? -errno : fd;
	}
	if (s->no_openat2)
		return resolve_in_root(s->root_fd, rel(path), flags);
	return open_openat2(s, path, flags);
}

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

	if (flags & ~(unsigned int)VD_SYSFS_NO_OPENAT2)
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

/*
 * The regular file that pfd (O_PATH) names, opened with flags through its /proc/self/fd
 * link: the same inode, with no second walk of the path and no window in which a rename
 * can put something else there. 1 when /proc cannot do it (not mounted: a chroot, early
 * boot), so the caller opens the path again instead.
 */
static int reopen_proc(struct vd_sysfs *s, int pfd, int flags)
{
	char proc[32];
	int fd;

	if (s->no_proc)
		return 1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	do
		fd = open(proc, flags | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT && errno != ENOTDIR)
		return -errno;
	s->no_proc = true;
	return 1;
}

/* Without /proc: open the path again, and it must still be the inode looked at. */
static int reopen_path(struct vd_sysfs *s, const char *path, int flags, const struct stat *st)
{
	struct stat st2;
	int fd = open_in_root(s, path, flags);

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
static int open_file(struct vd_sysfs *s, const char *path, int flags)
{
	struct stat st;
	int pfd, fd;

	if (s->live)
		return open_in_root(s, path, flags);
	pfd = open_in_root(s, path, O_PATH);
	if (pfd < 0)
		return pfd;
	if (fstat(pfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;

		close(pfd);
		return r;
	}
	fd = reopen_proc(s, pfd, flags);
	close(pfd);
	return fd == 1 ? reopen_path(s, path, flags, &st) : fd;
}

int vd_sysfs_beneath(struct vd_sysfs *s, const char *path)
{
	int fd = -1;

	if (s->live)
		return 0;
#if defined(VD_HAVE_OPENAT2_H) && defined(SYS_openat2)
	if (!s->no_openat2) {
		struct open_how how = {
			.flags = O_PATH | O_CLOEXEC,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
		};

		for (int i = 0; i < VD_OPENAT2_TRIES; i++) {
			fd = (int)syscall(SYS_openat2, s->root_fd, rel(path), &how, sizeof(how));
			if (fd >= 0 || (errno != EAGAIN && errno != EINTR))
				break;
		}
		if (fd < 0 && errno != EAGAIN && errno != ENOSYS && errno != EPERM)
			return -errno;
	}
#endif
	if (fd < 0)
		fd = resolve_walk(s->root_fd, rel(path), O_PATH, true);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int vd_sysfs_real_path(struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = open_in_root(s, path, O_PATH);
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

/* Open a regular file for reading; refuse anything that could block or never end. */
static int open_regular(struct vd_sysfs *s, const char *path)
{
	struct stat st;
	int fd = open_file(s, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);

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

int vd_sysfs_read(struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	char extra;
	ssize_t n;

	if (size == 0)
		return -EINVAL;
	/*
	 * O_NONBLOCK keeps a FIFO or a device from blocking and size bounds what one can
	 * return, so the regular-file check can wait for the rare case that needs it: an
	 * empty read (an empty file, or a FIFO without a writer). One fstat() per
	 * attribute saved on the path every scan takes.
	 */
	fd = open_file(s, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fd;
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

/* The path of the *f() functions, from their format: each builds it here, once. */
VD_PRINTF(3, 0)
static int vmkpath(char *path, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(path, size, fmt, ap);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int vd_sysfs_readf(struct vd_sysfs *s, char *buf, size_t size, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vmkpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	return vd_sysfs_read(s, path, buf, size);
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
	_cleanup_close_ int fd = -1;
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
	} else {
		/* O_PATH|O_NOFOLLOW opens the link itself; its parents resolve inside the root. */
		fd = open_in_root(s, path, O_PATH | O_NOFOLLOW);
		if (fd < 0)
			return fd;
		n = readlinkat(fd, "", buf, size);
		if (n < 0)
			return errno == ENOENT ? -EINVAL : -errno; /* not a symlink */
	}
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

int vd_sysfs_link_basef(struct vd_sysfs *s, char *buf, size_t size, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vmkpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	return vd_sysfs_link_base(s, path, buf, size);
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

int vd_sysfs_link_path(struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	char target[1024];
	const char *slash;
	int r;

	r = vd_sysfs_readlink(s, path, target, sizeof(target));
	if (r < 0)
		return r;
	if (size == 0)
		return -EINVAL;
	buf[0] = '\0';
	if (target[0] != '/') {
		char dir[1024];

		path = rel(path);
		slash = strrchr(path, '/');
		if (slash) {
			size_t len = (size_t)(slash - path);

			if (len >= sizeof(dir))
				return -ENAMETOOLONG;
			memcpy(dir, path, len);
			dir[len] = '\0';
			r = push_path(buf, size, dir);
			if (r < 0)
				return r;
		}
	}
	return push_path(buf, size, target);
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
	names->v = NULL;
	names->n = 0;
}

/* getdents64()'s records, the kernel's ABI: glibc before 2.30 and musl have no wrapper */
struct dirent64_rec {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int add_name(struct vd_names *names, size_t *cap, const char *name)
{
	if (names->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **nv = realloc(names->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		names->v = nv;
		*cap = ncap;
	}
	names->v[names->n] = strdup(name);
	if (!names->v[names->n])
		return -ENOMEM;
	names->n++;
	return 0;
}

/*
 * getdents64() on the fd we opened, not fdopendir() and readdir(): fdopendir() spends an
 * fstat() and two fcntl() per listing on checks O_DIRECTORY and O_CLOEXEC already made.
 * A read error ends the listing, as readdir() returning NULL did.
 */
int vd_sysfs_list(struct vd_sysfs *s, const char *path, struct vd_names *ret)
{
	enum {
		BUF_SIZE = 32768
	};
	struct vd_names names = { 0 };
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0;
	long n;

	fd = open_in_root(s, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	buf = malloc(BUF_SIZE);
	if (!buf)
		return -ENOMEM;
	while ((n = syscall(SYS_getdents64, fd, buf, BUF_SIZE)) > 0) {
		for (long off = 0; off < n;) {
			const struct dirent64_rec *de = (const void *)(buf + off);

			off += de->d_reclen;
			/* sysfs has no dot files; in a fixture they are git placeholders */
			if (de->d_name[0] == '.')
				continue;
			if (add_name(&names, &cap, de->d_name) < 0) {
				vd_names_done(&names);
				return -ENOMEM;
			}
		}
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_names);
	*ret = names;
	return 0;
}

int vd_sysfs_access(struct vd_sysfs *s, const char *path)
{
	int fd = open_in_root(s, path, O_PATH);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int vd_sysfs_accessf(struct vd_sysfs *s, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vmkpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	return vd_sysfs_access(s, path);
}

int vd_sysfs_is_dir(struct vd_sysfs *s, const char *path)
{
	_cleanup_close_ int fd = open_in_root(s, path, O_PATH);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 1 : 0;
}

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
	int fd = open_file(s, path, O_WRONLY | O_TRUNC | O_NOCTTY);

	if (fd < 0)
		return fd;
	return write_whole(fd, value, len, -EIO);
}

int vd_sysfs_open_special(struct vd_sysfs *s, const char *path, int flags)
{
	/* a tree's device nodes are the analyst's devices, never the tree's */
	if (!s->live)
		return -EXDEV;
	return open_in_root(s, path, flags);
}

/* Split path into its parent (opened O_PATH inside the root) and its last component. */
static int open_parent(struct vd_sysfs *s, const char *path, const char **ret_base)
{
	char dir[1024];
	const char *p = rel(path), *slash = strrchr(p, '/');
	size_t len;

	if (!slash) {
		*ret_base = p;
		return open_in_root(s, ".", O_PATH | O_DIRECTORY);
	}
	len = (size_t)(slash - p);
	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, p, len);
	dir[len] = '\0';
	*ret_base = slash + 1;
	if (!**ret_base || !strcmp(*ret_base, ".") || !strcmp(*ret_base, ".."))
		return -EINVAL;
	return open_in_root(s, dir, O_PATH | O_DIRECTORY);
}

int vd_sysfs_create(struct vd_sysfs *s, const char *path, mode_t mode)
{
	_cleanup_close_ int dfd = -1;
	const char *base;
	int fd;

	dfd = open_parent(s, path, &base);
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

	dfd = open_parent(s, path, &base);
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

	dfd = open_parent(s, path, &base);
	if (dfd < 0)
		return dfd;
	return symlinkat(target, dfd, base) < 0 ? -errno : 0;
}

int vd_sysfs_rename(struct vd_sysfs *s, const char *from, const char *to)
{
	_cleanup_close_ int ffd = -1, tfd = -1;
	const char *fb, *tb;

	ffd = open_parent(s, from, &fb);
	if (ffd < 0)
		return ffd;
	tfd = open_parent(s, to, &tb);
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
	dfd = open_parent(s, path, &base);
	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return S_ISLNK(st.st_mode)   ? 'l'
	       : S_ISDIR(st.st_mode) ? 'd'
	       : S_ISREG(st.st_mode) ? 'f'
				     : 'o';
}

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

	dfd = open_parent(s, path, &base);
	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	r = remove_at(dfd, base);
	close(dfd);
	return r;
}

int vd_sysfs_mkdtemp(struct vd_sysfs *s, char *name)
{
	static const char chars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(name);
	_cleanup_close_ int dfd = -1;

	if (len < 6 || strcmp(name + len - 6, "XXXXXX") || strchr(name, '/'))
		return -EINVAL;
	dfd = open_in_root(s, ".", O_PATH | O_DIRECTORY);
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
