/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- how a snapshot copies: shared by bundle.c (what) and bundle_copy.c (how) */
#ifndef VD_ACT_BUNDLE_SNAP_H
#define VD_ACT_BUNDLE_SNAP_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle_writer.h"
#include "vd/act/redact.h"
#include "vd/base/sysfs.h"
#include "vd/base/macro.h"

#define MAX_FILE (64u << 20) /* larger files are not sysfs, config or index files */
#define MAX_LINK_DEPTH 16

struct snap {
	struct vd_sysfs *s;
	struct vd_bundle_writer *w;
	struct vd_bundle_pathset done;
	char *manifest;
	size_t mlen, mcap;
	struct vd_redact *red; /* snapshot --redact */
};

/* A MANIFEST line. */
void vd_snap_note(struct snap *sn, const char *fmt, ...) VD_PRINTF(2, 3);
/* Keep the first write error (later writes are skipped by the writer). */
void vd_snap_err(struct snap *sn, int r);
/* Write the directories leading to a canonical path. */
void vd_snap_add_parents(struct snap *sn, const char *path);
/* path with its links resolved inside the root, copying each link met on the way. */
int vd_snap_canonical(struct snap *sn, const char *path, char *out, size_t size, int depth);
/* snapshot --redact on one file's contents, when its path is one that is redacted. */
int vd_snap_redact(struct snap *sn, const char *canon, char **data, size_t *len);
/* A link as the link it is; what it points to is copied where that matters. */
void vd_snap_copy_link(struct snap *sn, const char *path);
/* Copy one file (or a link, or an empty directory) found at path. */
void vd_snap_copy(struct snap *sn, const char *path);
void vd_snap_copyf(struct snap *sn, const char *fmt, ...) VD_PRINTF(2, 3);
/* Every entry of a directory: files, links (with what they point to), subdirectories. */
void vd_snap_copy_dir(struct snap *sn, const char *dir, int depth);

#endif
