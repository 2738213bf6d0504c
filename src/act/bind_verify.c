/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- bind: verify both levels by reading, never by trusting a write */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bind_job.h"
#include "vd/base/ids.h"
#include "vd/base/strerror.h"
#include "vd/facts/vsock.h"

/* Why l is not bound at both levels yet; final when waiting cannot change it. */
static const char *not_ok(const struct job *j, const struct live *l, bool *final, char *buf,
			  size_t size)
{
	*final = false;
	if (strcmp(l->pcidrv, j->drv)) {
		snprintf(buf, size, "driver link is '%s' after the bind, not '%s'",
			 l->pcidrv[0] ? l->pcidrv : "(none)", j->drv);
		return buf;
	}
	if (!l->virtio[0]) {
		snprintf(buf, size, "%s holds it but no virtio device appeared under it", j->drv);
		return buf;
	}
	if (vd_bind_status_bad(l)) {
		*final = true;
		snprintf(buf, size, "%s status is 0x%08x: %s", l->virtio, l->status,
			 l->status & VD_STATUS_FAILED ? "FAILED, its driver's probe failed"
						      : "NEEDS_RESET");
		return buf;
	}
	if (!l->driver[0]) {
		snprintf(buf, size, "%s has no driver", l->virtio);
		return buf;
	}
	if (!l->have_status || !(l->status & VD_STATUS_DRIVER_OK)) {
		snprintf(buf, size, "%s status lacks DRIVER_OK", l->virtio);
		return buf;
	}
	(void)j;
	return NULL;
}

static const char *virtio_module(const struct job *j, const struct live *l)
{
	int type = l->type_id >= 0 ? l->type_id : j->d->type_id;
	const struct vd_virtio_type *t = type >= 0 ? vd_virtio_type_by_id((unsigned)type) : NULL;

	return t ? t->driver : NULL;
}

static int finish_ok(struct job *j)
{
	char path[256];

	j->r->outcome = VD_BIND_DONE;
	if (j->o->clear_override && j->have_override) {
		int r;

		snprintf(path, sizeof(path), "%s/driver_override", j->dev);
		r = vd_bind_do_write(j, path, "\n", false);
		if (r < 0) {
			char sh[300], en[24];

			snprintf(j->r->note, sizeof(j->r->note),
				 "bound, but clearing '%s' failed: %s (%s)",
				 vd_sysfs_shown_path(j->s, path, sh, sizeof(sh)),
				 vd_bind_errno_meaning("driver_override", r),
				 vd_errno_name(r, en, sizeof(en)));
		}
	}
	vd_bind_read_after(j);
	return 0;
}

/*
 * Step 6: verify by reading, never by trusting a write. Loads the virtio-level module
 * once when the virtio device has no driver, polls until wait_ms has passed.
 */
int vd_bind_verify(struct job *j, bool roll)
{
	const struct vd_bind_ops *ops = j->ops;
	uint64_t deadline = ops->now_ms(ops->ctx) + j->o->wait_ms;
	bool loaded = false;

	for (;;) {
		char why[200];
		const char *bad;
		bool final;
		struct live l;
		uint64_t now;

		vd_bind_read_live(j->s, j->dev, &l);
		bad = not_ok(j, &l, &final, why, sizeof(why));
		if (bad && !final && l.virtio[0] && !l.driver[0] && !loaded &&
		    !strcmp(l.pcidrv, j->drv)) {
			const char *m = virtio_module(j, &l);
			int r;

			loaded = true;
			if (!m) {
				j->r->outcome = VD_BIND_FAILED;
				j->r->explain = true;
				vd_bind_set_why(j, -ENOENT, NULL,
						"%s has no driver and Linux has none for its "
						"type %d",
						l.virtio, l.type_id);
				if (roll)
					vd_bind_rollback(j);
				vd_bind_read_after(j);
				return 0;
			}
			r = vd_bind_load_module(j, m);
			if (r < 0)
				return vd_bind_fail_module(j, m, r, roll);
			continue;
		}
		if (!bad && l.type_id == VD_VIRTIO_ID_VSOCK) {
			uint32_t cid = VD_VSOCK_CID_ANY;
			int r = ops->local_cid(ops->ctx, j->s, &cid);

			if (r == 0 && cid >= 3 && cid != VD_VSOCK_CID_ANY) {
				j->r->have_cid = true;
				j->r->cid = cid;
			} else if (r == -ENOENT) {
				bad = "no /dev/vsock: the vsock core is not loaded";
			} else if (r < 0) {
				snprintf(why, sizeof(why), "cannot ask /dev/vsock for the CID: %s",
					 vd_strerror(-r));
				bad = why;
			} else {
				snprintf(why, sizeof(why), "/dev/vsock answers CID %s",
					 cid == VD_VSOCK_CID_ANY ? "-1 (no device probed)" : "< 3");
				bad = why;
			}
		}
		if (!bad)
			return finish_ok(j);
		now = ops->now_ms(ops->ctx);
		if (final || now >= deadline) {
			j->r->outcome = VD_BIND_FAILED;
			j->r->explain = true;
			vd_bind_set_why(j, 0, NULL, "%s%s", bad,
					j->o->wait_ms && !final ? " (after waiting)" : "");
			if (roll)
				vd_bind_rollback(j);
			vd_bind_read_after(j);
			return 0;
		}
		ops->sleep_ms(ops->ctx,
			      (unsigned)(deadline - now < POLL_MS ? deadline - now : POLL_MS));
	}
}

/* virtio-pci already holds the PCI function: only the virtio level can need work. */
int vd_bind_virtio_level(struct job *j, const struct live *l)
{
	if (!j->o->dry_run)
		return vd_bind_verify(j, false);
	if (l->virtio[0] && !l->driver[0] && !vd_bind_status_bad(l)) {
		const char *m = virtio_module(j, l);
		int r;

		if (m) {
			r = vd_bind_load_module(j, m);
			if (r < 0)
				return vd_bind_fail_module(j, m, r, false);
			j->r->outcome = VD_BIND_PLANNED;
			return 0;
		}
	}
	{
		char why[200];
		bool final;
		const char *bad = not_ok(j, l, &final, why, sizeof(why));

		j->r->outcome = VD_BIND_FAILED;
		j->r->explain = true;
		vd_bind_set_why(j, 0, NULL, "%s", bad ? bad : "not bound at the virtio level");
	}
	return 0;
}
