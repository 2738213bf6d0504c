/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what "snapshot" says on stderr: its progress and what it wrote */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vd/cli/output.h"
#include "vd/cli/snapshot_msg.h"

#define REDRAW_MS 100 /* a progress line is redrawn at most this often */

static long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000L + (b->tv_nsec - a->tv_nsec) / 1000000L;
}

void vd_snapshot_msg_size(unsigned long long bytes, char *buf, size_t size)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, size, "%llu B", bytes);
		return;
	}
	for (v /= 1024; v >= 1024 && u + 1 < ARRAY_SIZE(unit); u++)
		v /= 1024;
	snprintf(buf, size, "%.1f %s", v, unit[u]);
}

static void update(struct vd_bundle_progress *p)
{
	struct vd_snapshot_msg *m = p->userdata;
	struct timespec now;
	char sz[32];

	if (!m->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ms_between(&m->start, &now) < m->delay_ms ||
	    (m->shown && ms_between(&m->last, &now) < REDRAW_MS))
		return;
	m->last = now;
	m->shown = true;
	vd_snapshot_msg_size(p->bytes, sz, sizeof(sz));
	fprintf(m->err, "\r\033[K%s: snapshot: %zu files, %s ...", program_invocation_short_name,
		p->files, sz);
	fflush(m->err);
}

void vd_snapshot_msg_init(struct vd_snapshot_msg *m, FILE *err, bool tty, long delay_ms)
{
	*m = (struct vd_snapshot_msg){ .err = err, .tty = tty, .delay_ms = delay_ms };
	m->p.update = update;
	m->p.userdata = m;
	clock_gettime(CLOCK_MONOTONIC, &m->start);
}

void vd_snapshot_msg_clear(struct vd_snapshot_msg *m)
{
	if (!m->shown)
		return;
	fputs("\r\033[K", m->err);
	m->shown = false;
}

void vd_snapshot_msg_done(struct vd_snapshot_msg *m, const char *dest, long long archive_bytes)
{
	char files[32], arc[32];

	vd_snapshot_msg_clear(m);
	vd_snapshot_msg_size(m->p.bytes, files, sizeof(files));
	fprintf(m->err, "%s: ", program_invocation_short_name);
	if (!dest) {
		fprintf(m->err, "wrote %zu files, %s, to standard output\n", m->p.files, files);
		return;
	}
	if (archive_bytes < 0) {
		vd_output_printf(m->err, "wrote '%s': %zu files, %s\n", dest, m->p.files, files);
		return;
	}
	vd_snapshot_msg_size((unsigned long long)archive_bytes, arc, sizeof(arc));
	vd_output_printf(m->err, "wrote '%s': %zu files, %s (%s uncompressed)\n", dest, m->p.files,
			 arc, files);
}
