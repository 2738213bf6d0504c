/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- a path opened inside the root: openat2(RESOLVE_IN_ROOT), or a walk */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define VD_HAVE_OPENAT2_H 1
#endif
#endif

#include "sysfs_impl.h"

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

int vd_sysfs_open_in_root(struct vd_sysfs *s, const char *path, int flags)
{
	int fd = open_in_root(s, path, flags);

	if (vd_sysfs_retry_open(s, fd))
		fd = open_in_root(s, path, flags);
	return fd;
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
