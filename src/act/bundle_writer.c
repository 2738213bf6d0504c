/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- bundle writers (a directory under a root, a .tar.gz stream); paths written */
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

#include "bundle_writer.h"
#include "vd/base/dlib.h"

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
	static int state = 1;
	char err[256];

	return vd_dlib_load(&state, "libarchive.so.13", names, slots,
			    sizeof(names) / sizeof(names[0]), err, sizeof(err));
}

/* ---- writers ---- */

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

/* ---- the paths already written ---- */

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* 1 if added now, 0 if it was there, -ENOMEM. */
int vd_bundle_pathset_add(struct vd_bundle_pathset *ps, const char *path)
{
	size_t i;

	if (ps->n * 2 >= ps->cap) {
		struct vd_bundle_pathset bigger = { .cap = ps->cap ? ps->cap * 2 : 1024 };

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

void vd_bundle_pathset_done(struct vd_bundle_pathset *ps)
{
	for (size_t i = 0; i < ps->cap; i++)
		free(ps->slot[i]);
	free(ps->slot);
}
