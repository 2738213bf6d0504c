/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the one way a command turns devices into verdicts */
#include <errno.h>
#include <stdlib.h>

#include "vd/base/ids.h"
#include "vd/diagnose/diagnosis.h"

struct vd_diagnosis {
	struct vd_sysfs *s;
	const struct vd_model *m;
	const char *kmsg_file;
	struct vd_evidence *ev;
	int ev_err; /* why the evidence could not be collected, once it failed */
};

int vd_diagnosis_new(struct vd_sysfs *s, const struct vd_model *m, const char *kmsg_file,
		     struct vd_diagnosis **ret)
{
	struct vd_diagnosis *dx = calloc(1, sizeof(*dx));

	if (!dx)
		return -ENOMEM;
	dx->s = s;
	dx->m = m;
	dx->kmsg_file = kmsg_file;
	*ret = dx;
	return 0;
}

void vd_diagnosis_free(struct vd_diagnosis *dx)
{
	if (!dx)
		return;
	vd_evidence_free(dx->ev);
	free(dx);
}

static int evidence(struct vd_diagnosis *dx)
{
	if (!dx->ev && !dx->ev_err) {
		int r = vd_evidence_open(dx->s, dx->m, dx->kmsg_file, &dx->ev);

		if (r < 0)
			dx->ev_err = r;
	}
	return dx->ev_err;
}

const struct vd_sys_ev *vd_diagnosis_sys(struct vd_diagnosis *dx)
{
	return evidence(dx) < 0 ? NULL : vd_evidence_sys(dx->ev);
}

int vd_diagnosis_device(struct vd_diagnosis *dx, struct vd_device *d, struct vd_finding *ret)
{
	struct vd_finding *f = ret;
	struct vd_dev_ev de;
	int r;

	if (!ret && d->state == VD_STATE_OK && d->type_id != VD_VIRTIO_ID_VSOCK) {
		d->verdict = vd_verdict_code(VD_V_OK);
		return 0;
	}
	if (!ret && d->state == VD_STATE_EMPTY) {
		d->verdict = vd_verdict_code(VD_V_MMIO_EMPTY);
		return 0;
	}
	r = evidence(dx);
	if (r < 0)
		return r;
	if (!f) {
		f = malloc(sizeof(*f));
		if (!f)
			return -ENOMEM;
	}
	if (vd_diagnose_needs_evidence(d))
		vd_evidence_device(dx->ev, d, &de);
	else
		vd_evidence_none(&de);
	vd_diagnose(d, &de, vd_evidence_sys(dx->ev), f);
	d->verdict = vd_verdict_code(f->verdict);
	r = vd_verdict_is_problem(f->verdict) ? vd_device_set_problem(d, "%s", f->summary) : 0;
	if (r == 0 && f->enomem)
		r = -ENOMEM; /* a line left out would change the answer */
	if (f != ret) {
		vd_finding_done(f);
		free(f);
	}
	return r;
}
