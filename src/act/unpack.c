/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- a bundle given as --sysroot: unpacked with limits, always removed */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "vd/base/inflate.h"
#include "vd/act/unpack.h"
#include "vd/base/dlib.h"
#include "vd/base/strerror.h"

/* libarchive's reading half, resolved on first use (see vd/base/dlib.h). */
/* clang-format off */
#define ARCHIVE_SYMS(X) \
	X(archive_entry_filetype) X(archive_entry_pathname) X(archive_entry_size) \
	X(archive_entry_symlink) X(archive_read_data) X(archive_read_free) \
	X(archive_read_new) X(archive_read_next_header) X(archive_read_open) \
	X(archive_read_support_filter_none) X(archive_read_support_format_tar) \
	X(archive_set_error)
/* clang-format on */
static struct {
	ARCHIVE_SYMS(VD_DLIB_SLOT)
} vd_dl;

static int load_libarchive(char *err, size_t errsz)
{
	static const char *const names[] = { ARCHIVE_SYMS(VD_DLIB_NAME) };
	void **const slots[] = { ARCHIVE_SYMS(VD_DLIB_ADDR) };

	/* no kept state: each bundle's error says what dlopen() said */
	return vd_dlib_load(NULL, "libarchive.so.13", names, slots,
			    sizeof(names) / sizeof(names[0]), err, errsz);
}

#define CHUNK (64u << 10)

/* ---- limits ---- */

static int env_limit(const char *var, uint64_t *v)
{
	const char *s = getenv(var);
	unsigned long long n;
	char *end;

	if (!s || !*s)
		return 0;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-' || !n)
		return -EINVAL;
	if (*end == 'K' || *end == 'M' || *end == 'G') {
		int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : 30;

		if (n > (UINT64_MAX >> shift))
			return -EINVAL;
		n <<= shift;
		end++;
	}
	if (*end)
		return -EINVAL;
	*v = n;
	return 0;
}

int vd_unpack_limits_env(struct vd_unpack_limits *l, const char **ret_bad)
{
	static const char *const vars[] = { "VD_BUNDLE_MAX_BYTES", "VD_BUNDLE_MAX_ENTRIES",
					    "VD_BUNDLE_MAX_DEPTH", "VD_BUNDLE_MAX_MEMBER" };
	uint64_t *const v[] = { &l->bytes, &l->entries, &l->depth, &l->member };

	*l = (struct vd_unpack_limits){ VD_UNPACK_MAX_BYTES, VD_UNPACK_MAX_ENTRIES,
					VD_UNPACK_MAX_DEPTH, VD_UNPACK_MAX_MEMBER };
	for (size_t i = 0; i < 4; i++) {
		if (env_limit(vars[i], v[i]) < 0) {
			*ret_bad = vars[i];
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- the temporary tree and the signals that must not leave it behind ---- */

static const int vd_sigs[] = { SIGINT, SIGTERM, SIGHUP };

static struct {
	struct vd_sysfs *volatile parent; /* set while a tree exists */
	char name[32];
	char msg[4200]; /* written by the handler when the tree cannot be removed */
	size_t msglen;
	struct sigaction old[3];
	bool installed[3];
} reg;

/*
 * The handler itself removes the tree: a command may run for minutes (bind --wait, a
 * large explain) and must still stop at once. vd_sysfs_remove_tree() only uses
 * async-signal-safe calls; then the signal kills us as it would have.
 */
static void on_signal(int sig)
{
	if (reg.parent && vd_sysfs_remove_tree(reg.parent, reg.name) < 0 && reg.msglen)
		(void)!write(STDERR_FILENO, reg.msg, reg.msglen);
	signal(sig, SIG_DFL);
	raise(sig); /* delivered when the handler returns */
}

static void block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < 3; i++)
		sigaddset(&set, vd_sigs[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void install_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < 3; i++)
		sigaddset(&sa.sa_mask, vd_sigs[i]);
	for (size_t i = 0; i < 3; i++) {
		/* nohup and background jobs ignore some of these: keep that */
		if (sigaction(vd_sigs[i], NULL, &reg.old[i]) < 0 ||
		    reg.old[i].sa_handler == SIG_IGN)
			continue;
		reg.installed[i] = sigaction(vd_sigs[i], &sa, NULL) == 0;
	}
}

static void restore_handlers(void)
{
	for (size_t i = 0; i < 3; i++) {
		if (reg.installed[i])
			sigaction(vd_sigs[i], &reg.old[i], NULL);
		reg.installed[i] = false;
	}
}

int vd_unpack_remove(struct vd_unpacked *u)
{
	sigset_t old;
	int r = 0;

	if (u->parent) {
		r = vd_sysfs_remove_tree(u->parent, u->name);
		block_signals(&old);
		reg.parent = NULL;
		restore_handlers();
		sigprocmask(SIG_SETMASK, &old, NULL);
		vd_sysfs_free(u->parent);
		u->parent = NULL;
	}
	return r;
}

/* Create $TMPDIR/virtio-doctor-XXXXXX with the handlers in place before it exists. */
static int make_tree(struct vd_unpacked *u, struct vd_sysfs **ret_dest)
{
	const char *tmpdir = getenv("TMPDIR");
	sigset_t old;
	int r, n;

	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	r = vd_sysfs_open(tmpdir, &u->parent);
	if (r < 0)
		return r;
	snprintf(u->name, sizeof(u->name), "virtio-doctor-XXXXXX");
	block_signals(&old);
	install_handlers();
	r = vd_sysfs_mkdtemp(u->parent, u->name);
	if (r == 0) {
		snprintf(u->path, sizeof(u->path), "%s/%s", tmpdir, u->name);
		reg.parent = u->parent;
		memcpy(reg.name, u->name, sizeof(reg.name));
		n = snprintf(reg.msg, sizeof(reg.msg),
			     "virtio-doctor: interrupted; cannot remove the unpacked bundle '%s'\n",
			     u->path);
		reg.msglen = n > 0 && (size_t)n < sizeof(reg.msg) ? (size_t)n : 0;
	} else {
		restore_handlers();
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		vd_sysfs_free(u->parent);
		u->parent = NULL;
		return r;
	}
	return vd_sysfs_open(u->path, ret_dest);
}

/* ---- gunzip, counted: libarchive only ever sees bytes inside the cap ---- */

struct gz {
	int fd;
	z_stream z;
	uint64_t out, max;
	int fail; /* -EFBIG: the cap, -EBADMSG: bad gzip data, -errno: read error */
	unsigned char in[CHUNK], buf[CHUNK];
};

static la_ssize_t gz_read(struct archive *a, void *data, const void **ret)
{
	struct gz *g = data;

	g->z.next_out = g->buf;
	g->z.avail_out = sizeof(g->buf);
	while (g->z.avail_out == sizeof(g->buf)) {
		int zr;

		if (!g->z.avail_in) {
			ssize_t n = read(g->fd, g->in, sizeof(g->in));

			if (n < 0) {
				g->fail = -errno;
				break;
			}
			if (n == 0)
				return 0; /* end of file: libarchive decides if that is early */
			g->z.next_in = g->in;
			g->z.avail_in = (uInt)n;
		}
		zr = vd_inflate(&g->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			/* gzip files may be concatenated (RFC 1952), as zcat reads them */
			if (vd_inflate_reset(&g->z) != Z_OK)
				g->fail = -EBADMSG;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			g->fail = -EBADMSG;
		}
		if (g->fail)
			break;
	}
	if (!g->fail) {
		size_t n = sizeof(g->buf) - g->z.avail_out;

		g->out += n;
		if (g->out > g->max)
			g->fail = -EFBIG;
		*ret = g->buf;
		if (!g->fail)
			return (la_ssize_t)n;
	}
	vd_dl.archive_set_error(a, -g->fail, "stopped");
	return -1;
}

/* ---- members ---- */

struct up {
	struct archive *a;
	struct vd_sysfs *dest;
	const struct vd_unpack_limits *l;
	struct gz *g;
	uint64_t entries;
	char *err;
	size_t errsz;
	unsigned char data[CHUNK];
};

static int VD_PRINTF(3, 4) fail(struct up *up, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(up->err, up->errsz, fmt, ap);
	va_end(ap);
	/* member names come from the bundle: a newline or escape must not reach a terminal */
	for (char *p = up->err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return r;
}

/* A member name as a path under the root: relative, no "..", depth counted. */
static int member_path(struct up *up, const char *name, char *path, size_t size)
{
	uint64_t depth = 0;
	size_t len;

	while (name[0] == '.' && name[1] == '/')
		name += 2;
	len = strlen(name);
	while (len > 1 && name[len - 1] == '/')
		len--; /* tar writes directories as "proc/" */
	if (name[0] == '/' || len >= size || len > 1000)
		return fail(up, -EINVAL, "unsafe member '%.200s' (absolute or too long)", name);
	memcpy(path, name, len);
	path[len] = '\0';
	for (const char *c = path; *c;) {
		const char *end = strchrnul(c, '/');

		if (end - c == 2 && c[0] == '.' && c[1] == '.')
			return fail(up, -EINVAL, "unsafe member '%.200s' (\"..\")", path);
		if (end > c && !(end - c == 1 && c[0] == '.'))
			depth++;
		c = *end ? end + 1 : end;
	}
	if (depth > up->l->depth)
		return fail(up, -E2BIG,
			    "member '%.200s' is nested more than %llu levels deep "
			    "(VD_BUNDLE_MAX_DEPTH)",
			    path, (unsigned long long)up->l->depth);
	return depth == 0 ? 0 : 1;
}

/*
 * GNU tar's rule for a name met twice: the last member wins. What is there is replaced,
 * except a directory that is not empty, which tar refuses to replace too.
 */
static int make_room(struct up *up, const char *path, bool dir)
{
	struct vd_names names;
	int k = vd_sysfs_kind(up->dest, path);

	if (k < 0 || (dir && k == 'd'))
		return 0;
	if (k == 'd') {
		if (vd_sysfs_list(up->dest, path, &names) < 0)
			return -EIO;
		k = (int)names.n;
		vd_names_done(&names);
		if (k)
			return fail(up, -EEXIST, "member '%.200s' would replace a directory", path);
	}
	return vd_sysfs_remove_tree(up->dest, path);
}

static int write_data(struct up *up, const char *path, int64_t size)
{
	int fd = vd_sysfs_create(up->dest, path, 0644);
	int64_t got = 0;
	int r = 0;

	if (fd < 0)
		return fd;
	for (;;) {
		la_ssize_t n = vd_dl.archive_read_data(up->a, up->data, sizeof(up->data));

		if (n <= 0) {
			r = n < 0 ? -EIO : 0;
			break;
		}
		got += n;
		if (got > size || write(fd, up->data, (size_t)n) != n) {
			r = got > size ? -EIO : -ENOSPC;
			break;
		}
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int one_member(struct up *up, struct archive_entry *e)
{
	const char *name = vd_dl.archive_entry_pathname(e);
	unsigned int type = vd_dl.archive_entry_filetype(e);
	int64_t size = vd_dl.archive_entry_size(e);
	char path[1024];
	const char *slash;
	int r;

	if (++up->entries > up->l->entries)
		return fail(up, -E2BIG, "more than %llu entries (VD_BUNDLE_MAX_ENTRIES)",
			    (unsigned long long)up->l->entries);
	if (!name)
		return fail(up, -EINVAL, "a member without a name");
	r = member_path(up, name, path, sizeof(path));
	if (r <= 0)
		return r;
	if (size < 0 || (uint64_t)size > up->l->member)
		return fail(up, -E2BIG,
			    "member '%.200s' is larger than %llu bytes (VD_BUNDLE_MAX_MEMBER)",
			    path, (unsigned long long)up->l->member);
	slash = strrchr(path, '/');
	if (slash) {
		char parent[1024];

		memcpy(parent, path, (size_t)(slash - path));
		parent[slash - path] = '\0';
		r = vd_sysfs_mkdir_p(up->dest, parent);
		if (r < 0)
			return fail(up, r, "%.200s: %s", parent, vd_strerror(-r));
	}
	/* hard links, devices and FIFOs have no place in a bundle: skipped */
	if (type != AE_IFDIR && type != AE_IFLNK && type != AE_IFREG)
		return 0;
	r = make_room(up, path, type == AE_IFDIR);
	if (r == 0 && type == AE_IFDIR) {
		r = vd_sysfs_mkdir(up->dest, path, 0755);
	} else if (r == 0 && type == AE_IFLNK) {
		const char *t = vd_dl.archive_entry_symlink(e);

		r = t ? vd_sysfs_symlink(up->dest, t, path) : -EINVAL;
	} else if (r == 0) {
		r = write_data(up, path, size);
	}
	if (r < 0 && !*up->err)
		fail(up, r, "%.200s: %s", path, vd_strerror(-r));
	return r;
}

static int unpack_entries(struct up *up)
{
	struct archive_entry *e;
	int ar, r = 0;

	while ((ar = vd_dl.archive_read_next_header(up->a, &e)) == ARCHIVE_OK ||
	       ar == ARCHIVE_WARN) {
		r = one_member(up, e);
		if (r < 0)
			break;
	}
	if (up->g->fail == -EFBIG)
		return fail(up, -E2BIG, "it expands to more than %llu bytes (VD_BUNDLE_MAX_BYTES)",
			    (unsigned long long)up->l->bytes);
	if (up->g->fail == -EBADMSG)
		return fail(up, -EINVAL, "damaged gzip data");
	if (up->g->fail)
		return fail(up, up->g->fail, "%s", vd_strerror(-up->g->fail));
	if (r < 0)
		return r;
	if (ar != ARCHIVE_EOF)
		return fail(up, -EINVAL,
			    up->entries ? "damaged tar archive"
					: "not a gzip-compressed tar archive");
	return 0;
}

static int unpack_fd(int fd, const struct vd_unpack_limits *l, struct vd_sysfs *dest, char *err,
		     size_t errsz)
{
	struct up *up = calloc(1, sizeof(*up));
	struct gz *g = calloc(1, sizeof(*g));
	int r = -ENOMEM;

	if (!up || !g)
		goto out;
	*up = (struct up){ .dest = dest, .l = l, .g = g, .err = err, .errsz = errsz };
	g->fd = fd;
	g->max = l->bytes;
	r = vd_inflate_init_gzip(&g->z);
	if (r < 0)
		goto out;
	r = -ENOMEM;
	up->a = vd_dl.archive_read_new();
	if (up->a) {
		vd_dl.archive_read_support_filter_none(up->a);
		vd_dl.archive_read_support_format_tar(up->a);
		if (vd_dl.archive_read_open(up->a, g, NULL, gz_read, NULL) != ARCHIVE_OK)
			r = fail(up, -EINVAL, "not a gzip-compressed tar archive");
		else
			r = unpack_entries(up);
		vd_dl.archive_read_free(up->a);
	}
	vd_inflate_end(&g->z);
out:
	free(up);
	free(g);
	return r;
}

/* ---- the sysroot argument ---- */

/* Open sysroot if it is a regular file: 1 with *ret_fd, 0 a directory or missing, -errno. */
static int open_bundle(const char *sysroot, int *ret_fd, char *err, size_t errsz)
{
	_cleanup_(vd_sysfs_freep) struct vd_sysfs *host = NULL;
	_cleanup_free_ char *abs = NULL;
	_cleanup_close_ int pfd = -1;
	struct stat st, st2;
	unsigned char magic[2];
	int fd, r;

	if (sysroot[0] != '/') {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);

		if (!cwd || asprintf(&abs, "%s/%s", cwd, sysroot) < 0) {
			abs = NULL;
			return -ENOMEM;
		}
		sysroot = abs;
	}
	r = vd_sysfs_open("/", &host);
	if (r < 0)
		return r;
	/* O_PATH first: opening a FIFO or a device for reading can block or act */
	pfd = vd_sysfs_open_special(host, sysroot, O_PATH);
	if (pfd < 0 || fstat(pfd, &st) < 0)
		return 0;
	if (S_ISDIR(st.st_mode))
		return 0;
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "neither a directory nor a regular file");
		return -EINVAL;
	}
	fd = vd_sysfs_open_special(host, sysroot, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errsz, "%s", vd_strerror(-fd));
		return fd;
	}
	if (fstat(fd, &st2) < 0 || !S_ISREG(st2.st_mode) || st2.st_ino != st.st_ino ||
	    st2.st_dev != st.st_dev) {
		close(fd);
		snprintf(err, errsz, "neither a directory nor a regular file");
		return -EINVAL;
	}
	if (pread(fd, magic, 2, 0) != 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
		close(fd);
		snprintf(err, errsz, "not a gzip-compressed tar archive");
		return -EINVAL;
	}
	*ret_fd = fd;
	return 1;
}

int vd_unpack_sysroot(const char *sysroot, const struct vd_unpack_limits *l, struct vd_unpacked *u,
		      char *err, size_t errsz)
{
	_cleanup_(vd_sysfs_freep) struct vd_sysfs *dest = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	*u = (struct vd_unpacked){ 0 };
	err[0] = '\0';
	r = open_bundle(sysroot, &fd, err, errsz);
	if (r <= 0)
		return r;
	r = load_libarchive(err, errsz);
	if (r < 0)
		return r;
	r = make_tree(u, &dest);
	if (r < 0) {
		snprintf(err, errsz, "cannot create a directory in $TMPDIR: %s", vd_strerror(-r));
		vd_unpack_remove(u);
		return r;
	}
	r = unpack_fd(fd, l, dest, err, errsz);
	if (r < 0) {
		size_t n = strlen(err);

		if (!n)
			snprintf(err, errsz, "%s", vd_strerror(-r));
		if (vd_unpack_remove(u) < 0 && (n = strlen(err)) < errsz)
			snprintf(err + n, errsz - n, " (and '%s' is left behind)", u->path);
		return r;
	}
	return 1;
}
