/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- support bundles: capture what scan and explain read */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "vd/act/bundle.h"
#include "vd/act/redact.h"
#include "vd/base/dlib.h"
#include "vd/base/strerror.h"
#include "vd/facts/klog.h"
#include "vd/model/model.h"
#include "vd/base/parse.h"
#include "vd/facts/vsock.h"

/* libarchive's functions, resolved on first use (see vd/dlib.h). */
/* clang-format off */
#define ARCHIVE_SYMS(X) \
	X(archive_entry_free) X(archive_entry_new) X(archive_entry_set_filetype) \
	X(archive_entry_set_mtime) X(archive_entry_set_pathname) \
	X(archive_entry_set_perm) X(archive_entry_set_size) \
	X(archive_entry_set_symlink) X(archive_errno) X(archive_write_add_filter_gzip) \
	X(archive_write_close) X(archive_write_data) X(archive_write_free) \
	X(archive_write_header) X(archive_write_new) X(archive_write_open_fd) \
	X(archive_write_set_format_pax_restricted)
/* clang-format on */
static struct {
	ARCHIVE_SYMS(VD_DLIB_SLOT)
} vd_dl;

static int load_libarchive(void)
{
	static const char *const names[] = { ARCHIVE_SYMS(VD_DLIB_NAME) };
	void **const slots[] = { ARCHIVE_SYMS(VD_DLIB_ADDR) };
	static int state = 1; /* 1 not tried, 0 loaded, -errno failed */
	char err[256];

	if (state > 0)
		state = vd_dlib_load("libarchive.so.13", names, slots,
				     sizeof(names) / sizeof(names[0]), err, sizeof(err));
	return state;
}

#define MAX_FILE (64u << 20) /* larger files are not sysfs, config or index files */
#define MAX_LINK_DEPTH 16

/* ---- writers ---- */

struct vd_bundle_writer {
	int (*file)(struct vd_bundle_writer *w, const char *path, const void *data, size_t len);
	int (*link)(struct vd_bundle_writer *w, const char *path, const char *target);
	int (*dir)(struct vd_bundle_writer *w, const char *path);
	int (*close)(struct vd_bundle_writer *w);
	int error; /* the first error; later writes are skipped */
	struct vd_sysfs *dest;
	struct archive *a;
	time_t now;
	struct vd_bundle_progress *progress; /* NULL: nobody counts */
};

void vd_bundle_writer_set_progress(struct vd_bundle_writer *w, struct vd_bundle_progress *p)
{
	w->progress = p;
}

static int counted(struct vd_bundle_writer *w, size_t len, int r)
{
	if (r == 0 && w->progress) {
		w->progress->files++;
		w->progress->bytes += len;
		if (w->progress->update)
			w->progress->update(w->progress);
	}
	return r;
}

static int dir_file(struct vd_bundle_writer *w, const char *path, const void *data, size_t len)
{
	return counted(w, len, vd_sysfs_create_file(w->dest, path, data, len));
}

static int dir_link(struct vd_bundle_writer *w, const char *path, const char *target)
{
	return vd_sysfs_symlink(w->dest, target, path);
}

static int dir_dir(struct vd_bundle_writer *w, const char *path)
{
	return vd_sysfs_mkdir(w->dest, path, 0755);
}

static int dir_close(struct vd_bundle_writer *w)
{
	(void)w;
	return 0;
}

int vd_bundle_writer_dir(struct vd_sysfs *dest, struct vd_bundle_writer **ret)
{
	struct vd_bundle_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->file = dir_file;
	w->link = dir_link;
	w->dir = dir_dir;
	w->close = dir_close;
	w->dest = dest;
	*ret = w;
	return 0;
}

/* libarchive reports errno for write failures (ENOSPC, EIO); keep it. */
static int arc_err(struct archive *a)
{
	int e = vd_dl.archive_errno(a);

	return e > 0 ? -e : -EIO;
}

static int tar_entry(struct vd_bundle_writer *w, const char *path, unsigned int type,
		     const char *target, const void *data, size_t len)
{
	struct archive_entry *e = vd_dl.archive_entry_new();
	int r = 0;

	if (!e)
		return -ENOMEM;
	vd_dl.archive_entry_set_pathname(e, path);
	vd_dl.archive_entry_set_filetype(e, type);
	vd_dl.archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : type == AE_IFLNK ? 0777 : 0644);
	vd_dl.archive_entry_set_mtime(e, w->now, 0);
	if (target)
		vd_dl.archive_entry_set_symlink(e, target);
	vd_dl.archive_entry_set_size(e, (la_int64_t)len);
	if (vd_dl.archive_write_header(w->a, e) != ARCHIVE_OK)
		r = arc_err(w->a);
	else if (len && vd_dl.archive_write_data(w->a, data, len) != (la_ssize_t)len)
		r = arc_err(w->a);
	vd_dl.archive_entry_free(e);
	return r;
}

static int tar_file(struct vd_bundle_writer *w, const char *path, const void *data, size_t len)
{
	return counted(w, len, tar_entry(w, path, AE_IFREG, NULL, data, len));
}

static int tar_link(struct vd_bundle_writer *w, const char *path, const char *target)
{
	return tar_entry(w, path, AE_IFLNK, target, NULL, 0);
}

static int tar_dir(struct vd_bundle_writer *w, const char *path)
{
	return tar_entry(w, path, AE_IFDIR, NULL, NULL, 0);
}

static int tar_close(struct vd_bundle_writer *w)
{
	int r = vd_dl.archive_write_close(w->a) == ARCHIVE_OK ? 0 : arc_err(w->a);

	vd_dl.archive_write_free(w->a);
	return r;
}

int vd_bundle_writer_tar(int fd, struct vd_bundle_writer **ret)
{
	struct vd_bundle_writer *w;

	if (load_libarchive() < 0)
		return -ENOENT;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->a = vd_dl.archive_write_new();
	if (!w->a || vd_dl.archive_write_add_filter_gzip(w->a) != ARCHIVE_OK ||
	    vd_dl.archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK ||
	    vd_dl.archive_write_open_fd(w->a, fd) != ARCHIVE_OK) {
		if (w->a)
			vd_dl.archive_write_free(w->a);
		free(w);
		return -EIO;
	}
	w->file = tar_file;
	w->link = tar_link;
	w->dir = tar_dir;
	w->close = tar_close;
	w->now = time(NULL);
	*ret = w;
	return 0;
}

int vd_bundle_writer_close(struct vd_bundle_writer *w)
{
	int r = w->close(w);

	if (!w->error)
		w->error = r;
	r = w->error;
	free(w);
	return r;
}

/* ---- what is captured ---- */

/* A set of the paths already written (open addressing, FNV-1a). */
struct pathset {
	char **slot;
	size_t cap, n;
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* 1 if added now, 0 if it was there, -ENOMEM. */
static int pathset_add(struct pathset *ps, const char *path)
{
	size_t i;

	if (ps->n * 2 >= ps->cap) {
		struct pathset bigger = { .cap = ps->cap ? ps->cap * 2 : 1024 };

		bigger.slot = calloc(bigger.cap, sizeof(char *));
		if (!bigger.slot)
			return -ENOMEM;
		for (size_t k = 0; k < ps->cap; k++) {
			if (!ps->slot[k])
				continue;
			i = fnv(ps->slot[k]) & (bigger.cap - 1);
			while (bigger.slot[i])
				i = (i + 1) & (bigger.cap - 1);
			bigger.slot[i] = ps->slot[k];
			bigger.n++;
		}
		free(ps->slot);
		*ps = bigger;
	}
	for (i = fnv(path) & (ps->cap - 1); ps->slot[i]; i = (i + 1) & (ps->cap - 1))
		if (!strcmp(ps->slot[i], path))
			return 0;
	ps->slot[i] = strdup(path);
	if (!ps->slot[i])
		return -ENOMEM;
	ps->n++;
	return 1;
}

static void pathset_done(struct pathset *ps)
{
	for (size_t i = 0; i < ps->cap; i++)
		free(ps->slot[i]);
	free(ps->slot);
}

struct snap {
	struct vd_sysfs *s;
	struct vd_bundle_writer *w;
	struct pathset done;
	char *manifest;
	size_t mlen, mcap;
	struct vd_redact *red; /* snapshot --redact */
};

static void VD_PRINTF(2, 3) note(struct snap *sn, const char *fmt, ...)
{
	char line[1200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (sn->mlen + (size_t)n + 2 > sn->mcap) {
		size_t cap = (sn->mcap + (size_t)n + 2) * 2;
		char *nm = realloc(sn->manifest, cap);

		if (!nm)
			return;
		sn->manifest = nm;
		sn->mcap = cap;
	}
	memcpy(sn->manifest + sn->mlen, line, (size_t)n);
	sn->mlen += (size_t)n;
	sn->manifest[sn->mlen++] = '\n';
}

static void werr(struct snap *sn, int r)
{
	if (r < 0 && !sn->w->error)
		sn->w->error = r;
}

/*
 * What a bundle collects. A link whose target leaves it (modprobe.d/x.conf -> /root/secret)
 * is kept as the link it is and not followed: the bundle never carries a file from
 * elsewhere on the customer's machine.
 */
static const char *const collected_exact[] = {
	"proc/cmdline",
	"proc/sys/kernel/osrelease",
	"proc/config.gz",
};
static const char *const collected_under[] = {
	"sys/bus/",	   "sys/devices/",     "sys/module/",	      "sys/class/",
	"lib/modules/",	   "usr/lib/modules/", "boot/config-",	      "etc/modprobe.d/",
	"lib/modprobe.d/", "run/modprobe.d/",  "usr/lib/modprobe.d/",
};

/* 1 inside what a bundle collects, or a directory on the way there ("usr/lib"); else 0 */
static bool collected(const char *p)
{
	size_t len = strlen(p);

	for (size_t i = 0; i < sizeof(collected_exact) / sizeof(collected_exact[0]); i++) {
		const char *c = collected_exact[i];

		if (!strcmp(p, c) || (!strncmp(c, p, len) && c[len] == '/'))
			return true;
	}
	for (size_t i = 0; i < sizeof(collected_under) / sizeof(collected_under[0]); i++) {
		const char *c = collected_under[i];
		size_t cl = strlen(c);

		if (!strncmp(p, c, cl) || (len < cl && !strncmp(c, p, len) && c[len] == '/') ||
		    (len + 1 == cl && !strncmp(c, p, len)))
			return true;
	}
	return false;
}

static int canonical(struct snap *sn, const char *path, char *out, size_t size, int depth);

/* Write the directories leading to a canonical path. */
static void add_parents(struct snap *sn, const char *path)
{
	char buf[1024];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return;
	memcpy(buf, path, len + 1);
	for (char *p = buf; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (pathset_add(&sn->done, buf) == 1) {
			werr(sn, sn->w->dir(sn->w, buf));
			note(sn, "d %s", buf);
		}
		*p = '/';
	}
}

/* A link as the link it is; what it points to is copied where that matters. */
static void copy_link(struct snap *sn, const char *path)
{
	char target[1024];

	if (pathset_add(&sn->done, path) != 1 ||
	    vd_sysfs_readlink(sn->s, path, target, sizeof(target)) < 0)
		return;
	werr(sn, sn->w->link(sn->w, path, target));
	note(sn, "l %s -> %s", path, target);
}

/*
 * The path with every symlink on the way resolved (lexically, inside the root), and each
 * of those links written as a link: a tar entry under a link's name would be wrong.
 */
static int canonical(struct snap *sn, const char *path, char *out, size_t size, int depth)
{
	char cur[1024] = "", cand[1024];
	const char *p = path;

	if (depth > MAX_LINK_DEPTH)
		return -ELOOP;
	while (*p == '/')
		p++;
	while (*p) {
		const char *end = strchrnul(p, '/');
		int k;

		if ((size_t)snprintf(cand, sizeof(cand), "%s%s%.*s", cur, *cur ? "/" : "",
				     (int)(end - p), p) >= sizeof(cand))
			return -ENAMETOOLONG;
		k = vd_sysfs_kind(sn->s, cand);
		if (k == 'l') {
			char target[1024], resolved[1024];
			int r;

			if (vd_sysfs_readlink(sn->s, cand, target, sizeof(target)) < 0 ||
			    vd_sysfs_link_path(sn->s, cand, resolved, sizeof(resolved)) < 0)
				return -EINVAL;
			add_parents(sn, cand);
			copy_link(sn, cand);
			if (!collected(resolved)) {
				note(sn,
				     "# not followed: %s (it leads out of what a bundle collects)",
				     cand);
				return -EXDEV;
			}
			r = canonical(sn, resolved, cur, sizeof(cur), depth + 1);
			if (r < 0)
				return r;
		} else {
			snprintf(cur, sizeof(cur), "%s", cand);
		}
		p = *end ? end + 1 : end;
	}
	if (strlen(cur) >= size)
		return -ENAMETOOLONG;
	strcpy(out, cur);
	return 0;
}

/* snapshot --redact: the command line, and the modprobe.d files (addresses, host name) */
static bool is_redacted(const char *canon)
{
	return !strcmp(canon, "proc/cmdline") || strstr(canon, "modprobe.d/");
}

static int redact(struct snap *sn, const char *canon, char **data, size_t *len)
{
	char *m;

	if (!is_redacted(canon))
		return 0;
	m = !strcmp(canon, "proc/cmdline") ? vd_redact_cmdline(sn->red, *data)
					   : vd_redact_text(sn->red, *data);
	if (!m)
		return -ENOMEM;
	free(*data);
	*data = m;
	*len = strlen(m);
	return 0;
}

/* Copy one file (or a link, or an empty directory) found at path. */
static void copy(struct snap *sn, const char *path)
{
	char canon[1024];
	char *data = NULL;
	size_t len = 0;
	int k, r;

	if (canonical(sn, path, canon, sizeof(canon), 0) < 0 || !canon[0])
		return;
	k = vd_sysfs_kind(sn->s, canon);
	if (k < 0 || pathset_add(&sn->done, canon) != 1)
		return;
	add_parents(sn, canon);
	if (k == 'd') {
		werr(sn, sn->w->dir(sn->w, canon));
		note(sn, "d %s", canon);
		return;
	}
	if (k != 'f')
		return;
	r = vd_sysfs_read_alloc(sn->s, canon, MAX_FILE, &data, &len);
	if (r < 0) {
		/*
		 * Write-only attributes (bind, new_id, ...) read as EACCES or EIO: keep an
		 * empty file so the bundle stays a valid --sysroot for a dry run.
		 */
		werr(sn, sn->w->file(sn->w, canon, "", 0));
		note(sn, "f %s 0 (unreadable: %s)", canon, vd_strerror(-r));
		return;
	}
	if (sn->red && redact(sn, canon, &data, &len) < 0) {
		werr(sn, -ENOMEM);
		free(data);
		return;
	}
	werr(sn, sn->w->file(sn->w, canon, data, len));
	note(sn, "f %s %zu%s", canon, len, sn->red && is_redacted(canon) ? " (redacted)" : "");
	free(data);
}

static void copyf(struct snap *sn, const char *fmt, ...) VD_PRINTF(2, 3);
static void copyf(struct snap *sn, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(path))
		copy(sn, path);
}

/* Every entry of a directory: files, links (with what they point to), subdirectories. */
static void copy_dir(struct snap *sn, const char *dir, int depth)
{
	struct vd_names names;
	char canon[1024];

	if (depth > 3 || canonical(sn, dir, canon, sizeof(canon), 0) < 0)
		return;
	if (vd_sysfs_list(sn->s, canon, &names) < 0)
		return;
	copy(sn, canon);
	for (size_t i = 0; i < names.n; i++) {
		char p[1024];
		int k;

		if ((size_t)snprintf(p, sizeof(p), "%s/%s", canon, names.v[i]) >= sizeof(p))
			continue;
		k = vd_sysfs_kind(sn->s, p);
		if (k == 'l') {
			copy_link(sn, p);
		} else if (k == 'd') {
			copy_dir(sn, p, depth + 1);
		} else if (k == 'f') {
			copy(sn, p);
		}
	}
	vd_names_done(&names);
}

static const char *const pci_attrs[] = {
	"vendor",
	"device",
	"subsystem_vendor",
	"subsystem_device",
	"revision",
	"class",
	"config",
	"resource",
	"driver_override",
	"enable",
	"irq",
	"modalias",
	"uevent",
	"numa_node",
	"driver",
	"physfn",
	"sriov_drivers_autoprobe",
};

static const char *const virtio_attrs[] = {
	"device", "vendor", "status", "features", "modalias", "uevent", "driver",
};

static void copy_device(struct snap *sn, const char *dev, const char *const *attrs, size_t n)
{
	char canon[1024];

	if (canonical(sn, dev, canon, sizeof(canon), 0) < 0)
		return;
	copy(sn, canon);
	for (size_t i = 0; i < n; i++) {
		int k;
		char p[1100];

		snprintf(p, sizeof(p), "%s/%s", canon, attrs[i]);
		k = vd_sysfs_kind(sn->s, p);
		if (k == 'l') {
			/* driver, physfn: the driver directory comes with its bus */
			copy_link(sn, p);
		} else if (k == 'f') {
			copy(sn, p);
		}
	}
	copyf(sn, "%s/msi_irqs", canon);
	{
		char p[1100];
		struct vd_names m;

		snprintf(p, sizeof(p), "%s/msi_irqs", canon);
		if (vd_sysfs_list(sn->s, p, &m) == 0) {
			for (size_t i = 0; i < m.n; i++)
				copyf(sn, "%s/%s", p, m.v[i]);
			vd_names_done(&m);
		}
	}
}

static bool is_virtio_module(const char *n)
{
	static const char *const parts[] = { "virtio",	 "vsock",  "hv_sock", "9pnet",
					     "failover", "viortc", "nsm",     "vhost" };

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strstr(n, parts[i]))
			return true;
	return false;
}

/* Each bus: its devices (as the kernel links them), their attributes, its drivers. */
static void copy_bus(struct snap *sn, const char *bus, bool (*want)(const char *),
		     const char *const *attrs, size_t nattrs)
{
	struct vd_names names;
	char p[512];

	snprintf(p, sizeof(p), "sys/bus/%s/devices", bus);
	if (vd_sysfs_list(sn->s, p, &names) == 0) {
		copy(sn, p);
		for (size_t i = 0; i < names.n; i++) {
			if (want && !want(names.v[i]))
				continue;
			snprintf(p, sizeof(p), "sys/bus/%s/devices/%s", bus, names.v[i]);
			copy_device(sn, p, attrs, nattrs);
		}
		vd_names_done(&names);
	}
	copyf(sn, "sys/bus/%s/drivers_autoprobe", bus);
	copyf(sn, "sys/bus/%s/drivers_probe", bus);
	snprintf(p, sizeof(p), "sys/bus/%s/drivers", bus);
	if (vd_sysfs_list(sn->s, p, &names) == 0) {
		for (size_t i = 0; i < names.n; i++) {
			/* platform has hundreds of drivers: only virtio-mmio matters */
			if (!strcmp(bus, "platform") && strcmp(names.v[i], "virtio-mmio"))
				continue;
			snprintf(p, sizeof(p), "sys/bus/%s/drivers/%s", bus, names.v[i]);
			copy_dir(sn, p, 3);
		}
		vd_names_done(&names);
	}
}

static void copy_modules(struct snap *sn)
{
	struct vd_names names;

	if (vd_sysfs_list(sn->s, "sys/module", &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		static const char *const files[] = { "initstate", "refcnt", "version" };

		if (!is_virtio_module(names.v[i]))
			continue;
		copyf(sn, "sys/module/%s", names.v[i]);
		for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++)
			copyf(sn, "sys/module/%s/%s", names.v[i], files[k]);
	}
	vd_names_done(&names);
}

static void copy_tree_files(struct snap *sn, const char *dir)
{
	struct vd_names names;

	if (vd_sysfs_list(sn->s, dir, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++)
		copyf(sn, "%s/%s", dir, names.v[i]);
	vd_names_done(&names);
}

static void copy_modules_index(struct snap *sn)
{
	static const char *const files[] = {
		"modules.dep",	       "modules.dep.bin",	    "modules.alias",
		"modules.alias.bin",   "modules.symbols.bin",	    "modules.builtin",
		"modules.builtin.bin", "modules.builtin.alias.bin", "modules.softdep",
		"modules.devname",
	};
	char rel[128];

	if (vd_sysfs_read(sn->s, "proc/sys/kernel/osrelease", rel, sizeof(rel)) <= 0 ||
	    strchr(rel, '/') || !strcmp(rel, "..") || !strcmp(rel, "."))
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		copyf(sn, "lib/modules/%s/%s", rel, files[i]);
	copyf(sn, "boot/config-%s", rel);
}

/* The kernel log as plain text, one message a line (what dmesg -t prints). */
static void write_klog(struct snap *sn)
{
	struct vd_klog k;
	char *text;
	size_t len = 0, cap = 1;
	int r = vd_klog_load(sn->s, NULL, &k);

	if (r < 0) {
		note(sn, "- kmsg.txt (kernel log unreadable: %s)", vd_strerror(-r));
		return;
	}
	for (size_t i = 0; i < k.n; i++)
		cap += strlen(k.lines[i]) + 1;
	text = malloc(cap);
	if (text) {
		for (size_t i = 0; i < k.n; i++)
			len += (size_t)sprintf(text + len, "%s\n", k.lines[i]);
		if (sn->red) {
			char *m = vd_redact_klog(sn->red, text);

			free(text);
			text = m;
			len = m ? strlen(m) : 0;
		}
	}
	if (text && pathset_add(&sn->done, "kmsg.txt") == 1) {
		werr(sn, sn->w->file(sn->w, "kmsg.txt", text, len));
		note(sn, "f kmsg.txt %zu (kernel log from %s%s)", len, k.source,
		     sn->red ? ", redacted" : "");
	} else if (!text) {
		werr(sn, -ENOMEM);
	}
	free(text);
	vd_klog_done(&k);
}

/* The host name --redact masks: the kernel's, else /etc/hostname. */
static void redact_init(struct snap *sn, struct vd_redact *red)
{
	char host[256];

	if (vd_sysfs_read(sn->s, "proc/sys/kernel/hostname", host, sizeof(host)) <= 0 &&
	    vd_sysfs_read(sn->s, "etc/hostname", host, sizeof(host)) <= 0)
		host[0] = '\0';
	vd_redact_init(red, host);
	sn->red = red;
}

int vd_bundle_snapshot(struct vd_sysfs *src, struct vd_bundle_writer *w, const char *version,
		       unsigned int flags)
{
	struct snap sn = { .s = src, .w = w };
	struct vd_redact red;
	uint32_t cid;
	char meta[512];
	int n;

	if (flags & VD_SNAPSHOT_REDACT)
		redact_init(&sn, &red);

	note(&sn, "# virtio-doctor %s bundle: every entry, as type path [size|-> target]", version);
	copy(&sn, "proc/cmdline");
	copy(&sn, "proc/sys/kernel/osrelease");
	copy(&sn, "proc/config.gz");
	copy_modules_index(&sn);
	copy_tree_files(&sn, "etc/modprobe.d");
	copy_tree_files(&sn, "lib/modprobe.d");
	copy_tree_files(&sn, "run/modprobe.d");
	copy_tree_files(&sn, "usr/lib/modprobe.d");
	copy(&sn, "sys/class/dmi/id/sys_vendor");
	copy(&sn, "sys/class/dmi/id/product_name");
	copy_bus(&sn, "pci", NULL, pci_attrs, sizeof(pci_attrs) / sizeof(pci_attrs[0]));
	copy_bus(&sn, "virtio", NULL, virtio_attrs, sizeof(virtio_attrs) / sizeof(virtio_attrs[0]));
	copy_bus(&sn, "platform", vd_is_mmio_name, pci_attrs,
		 sizeof(pci_attrs) / sizeof(pci_attrs[0]));
	copy_modules(&sn);
	write_klog(&sn);

	add_parents(&sn, "virtio-doctor/x");
	if (vd_vsock_local_cid(src, &cid) == 0) {
		char buf[32];

		n = snprintf(buf, sizeof(buf), "%u\n", cid);
		if (pathset_add(&sn.done, "virtio-doctor/vsock-cid") == 1) {
			werr(&sn, w->file(w, "virtio-doctor/vsock-cid", buf, (size_t)n));
			note(&sn, "f virtio-doctor/vsock-cid %d (IOCTL_VM_SOCKETS_GET_LOCAL_CID)",
			     n);
		}
	}
	n = snprintf(meta, sizeof(meta), "tool: virtio-doctor %s\ndate: %lld\nsource: %s\n",
		     version, (long long)time(NULL), vd_sysfs_root(src));
	werr(&sn, w->file(w, "virtio-doctor/META", meta, (size_t)n));
	note(&sn, "f virtio-doctor/META %d", n);
	if (sn.red) {
		vd_redact_summary(sn.red, meta, sizeof(meta));
		note(&sn, "%s", meta);
	}
	note(&sn, "f virtio-doctor/MANIFEST");
	werr(&sn, w->file(w, "virtio-doctor/MANIFEST", sn.manifest ? sn.manifest : "", sn.mlen));
	free(sn.manifest);
	pathset_done(&sn.done);
	return w->error;
}
