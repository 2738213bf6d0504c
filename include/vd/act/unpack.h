/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- a bundle given as --sysroot: unpacked with limits, always removed */
#ifndef VD_UNPACK_H
#define VD_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "vd/base/sysfs.h"

/*
 * Caps on what a bundle may unpack to (man page, ENVIRONMENT). The defaults fit the
 * bundle of a 4,096-device machine (bench/gen-sysroot 4096, then snapshot: a tar stream of
 * 118 MiB, 132,031 entries, 6 levels, largest member 7.5 MiB) with 3 to 8 times margin.
 */
struct vd_unpack_limits {
	uint64_t bytes;	  /* the tar stream after gunzip (what zcat | wc -c counts) */
	uint64_t entries; /* tar entries of any type */
	uint64_t depth;	  /* path components of a member name */
	uint64_t member;  /* size of one member */
};

#define VD_UNPACK_MAX_BYTES (512ull << 20)
#define VD_UNPACK_MAX_ENTRIES 400000ull
#define VD_UNPACK_MAX_DEPTH 32ull
#define VD_UNPACK_MAX_MEMBER (64ull << 20)

/*
 * The defaults, overridden by VD_BUNDLE_MAX_BYTES, _ENTRIES, _DEPTH and _MEMBER (a positive
 * number, with an optional K, M or G suffix). -EINVAL with *ret_bad naming a variable
 * that is not such a number.
 */
int vd_unpack_limits_env(struct vd_unpack_limits *l, const char **ret_bad);

/* A bundle unpacked for one run. */
struct vd_unpacked {
	struct vd_sysfs *parent; /* the temporary directory's parent ($TMPDIR) */
	char name[32];		 /* virtio-doctor-XXXXXX in it */
	char path[4096];	 /* the whole path: the sysroot the command reads */
};

/*
 * If sysroot is a regular file, unpack it (a gzip-compressed tar) into a new directory in
 * $TMPDIR (or /tmp) and return 1 with u->path naming it. Returns 0 when sysroot is a
 * directory or does not exist (the command opens it and says so). Refused before anything
 * is created: a FIFO, device or socket, a file that is no gzip. A member with an absolute
 * path or "..", a cap passed, or a failed write: the tree is removed and a negative errno
 * is returned, with a one-line reason (naming the cap's variable) in err.
 *
 * From before the directory exists until vd_unpack_remove(), SIGINT, SIGTERM and SIGHUP
 * (unless ignored) remove it from the handler and then kill the process with the signal.
 */
int vd_unpack_sysroot(const char *sysroot, const struct vd_unpack_limits *l, struct vd_unpacked *u,
		      char *err, size_t errsz);

/*
 * Remove the tree and restore the signal dispositions. 0, or -errno when something is left
 * (u->path says where). Calling it when nothing was unpacked does nothing.
 */
int vd_unpack_remove(struct vd_unpacked *u);

#endif
