/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the one way a command turns devices into verdicts */
#ifndef VD_DIAGNOSIS_H
#define VD_DIAGNOSIS_H

#include "vd/base/sysfs.h"
#include "vd/diagnose/diagnose.h"
#include "vd/model/model.h"

/*
 * Device + evidence -> verdict, problem, fix and evidence lines, for scan, explain,
 * report and check alike. The machine-wide evidence (modules, config, command line, log,
 * vsock CID) is collected on the first device that needs it, so a healthy scan pays
 * nothing for it.
 */
struct vd_diagnosis;

/* kmsg_file: a saved kernel log instead of the root's own, or NULL. */
int vd_diagnosis_new(struct vd_sysfs *s, const struct vd_model *m, const char *kmsg_file,
		     struct vd_diagnosis **ret);
void vd_diagnosis_free(struct vd_diagnosis *dx);

/*
 * Diagnose d: sets its verdict code and (when not ok) its problem line. With ret, the
 * whole finding is written there. Without it only the verdict is wanted, and a device
 * bound at both levels is ok without evidence, unless it is a vsock device, whose
 * transport can be blocked above the driver. Returns 0, or -errno when the evidence
 * could not be collected (d is then left as it was).
 */
int vd_diagnosis_device(struct vd_diagnosis *dx, struct vd_device *d, struct vd_finding *ret);

/* The machine-wide evidence, collected now if no device needed it yet; NULL on failure. */
const struct vd_sys_ev *vd_diagnosis_sys(struct vd_diagnosis *dx);

static inline void vd_diagnosis_freep(struct vd_diagnosis **dx)
{
	vd_diagnosis_free(*dx);
}

#endif
