/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what the bundle files of act/ share: the writer, the paths written */
#ifndef VD_ACT_BUNDLE_WRITER_H
#define VD_ACT_BUNDLE_WRITER_H

#include <stddef.h>
#include <time.h>

#include "vd/act/bundle.h"

struct archive;

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

/* A set of the paths already written (open addressing, FNV-1a). */
struct vd_bundle_pathset {
	char **slot;
	size_t cap, n;
};

/* 1 if added now, 0 if it was there, -ENOMEM. */
int vd_bundle_pathset_add(struct vd_bundle_pathset *ps, const char *path);
void vd_bundle_pathset_done(struct vd_bundle_pathset *ps);

#endif
