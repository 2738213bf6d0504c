/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- support bundles: capture what scan and explain read */
#ifndef VD_BUNDLE_H
#define VD_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "vd/base/sysfs.h"

/* Where a bundle goes: a directory tree, or a tar.gz stream (libarchive). */
struct vd_bundle_writer;

/* A tree under the root of dest (which must exist and be empty). */
int vd_bundle_writer_dir(struct vd_sysfs *dest, struct vd_bundle_writer **ret);
/* A gzip-compressed POSIX tar on fd (not closed). */
int vd_bundle_writer_tar(int fd, struct vd_bundle_writer **ret);
/* What a writer has written so far; update (if set) runs after each file. */
struct vd_bundle_progress {
	size_t files;	/* regular files */
	uint64_t bytes; /* their contents, before any compression */
	void (*update)(struct vd_bundle_progress *p);
	void *userdata;
};
/* Count every file w writes into p, which the caller keeps alive until the close. */
void vd_bundle_writer_set_progress(struct vd_bundle_writer *w, struct vd_bundle_progress *p);
/* Flush and free; returns the first error any write met (-ENOSPC, -EIO, ...). */
int vd_bundle_writer_close(struct vd_bundle_writer *w);

/*
 * Copy from src what scan and explain read: the PCI, virtio and virtio-mmio parts of sys/
 * (device attributes, config space, resource, driver links and overrides, virtio children,
 * driver directories, sys/module entries of the virtio and vsock modules), proc/cmdline,
 * proc/sys/kernel/osrelease, the kernel config, lib/modules/RELEASE index files, the
 * modprobe.d configuration, the kernel log as text (kmsg.txt), the vsock CID
 * (virtio-doctor/vsock-cid) and virtio-doctor/MANIFEST listing every entry. Symlinks are
 * kept as the links they are; a link that leads out of these places is not followed (the
 * manifest says so). Files that cannot be read are listed in the manifest with
 * the reason, never fatal. Returns 0 or the writer's error.
 */
enum {
	/* mask addresses, the host name and command line values (vd/act/redact.h) */
	VD_SNAPSHOT_REDACT = 1 << 0,
};
int vd_bundle_snapshot(struct vd_sysfs *src, struct vd_bundle_writer *w, const char *version,
		       unsigned int flags);

/* Unpacking one: vd/act/unpack.h. */

#endif
