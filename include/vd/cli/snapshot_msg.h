/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what "snapshot" says on stderr: its progress and what it wrote */
#ifndef VD_SNAPSHOT_MSG_H
#define VD_SNAPSHOT_MSG_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "vd/act/bundle.h"

struct vd_snapshot_msg {
	struct vd_bundle_progress p; /* handed to the writer */
	FILE *err;
	bool tty;      /* progress is shown on a terminal only */
	long delay_ms; /* and only once the snapshot takes this long */
	struct timespec start, last;
	bool shown; /* a progress line is on the screen */
};

/* Progress to err (a terminal when tty) after delay_ms; the command passes stderr, 1000. */
void vd_snapshot_msg_init(struct vd_snapshot_msg *m, FILE *err, bool tty, long delay_ms);
/* Take the progress line off the screen (before an error line). */
void vd_snapshot_msg_clear(struct vd_snapshot_msg *m);
/*
 * "virtio-doctor: wrote 'DEST': N files, SIZE": SIZE the bundle's (archive_bytes >= 0:
 * the tar.gz on disk, with the files' size as "uncompressed"), or the files' total; dest
 * NULL: standard output.
 */
void vd_snapshot_msg_done(struct vd_snapshot_msg *m, const char *dest, long long archive_bytes);
/* bytes as "512 B", "8.1 KiB", "2.3 MiB", "1.1 GiB" */
void vd_snapshot_msg_size(unsigned long long bytes, char *buf, size_t size);

#endif
