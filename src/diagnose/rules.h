/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what the rule files of diagnose/ share: building a finding */
#ifndef VD_DIAGNOSE_RULES_H
#define VD_DIAGNOSE_RULES_H

#include "vd/diagnose/diagnose.h"

/* Append one line, cut to width - 1 characters, to one of f's arrays of lines. */
void vd_rule_add(struct vd_finding *f, char **lines, size_t *n, size_t width, const char *fmt, ...)
	VD_PRINTF(5, 6);
void vd_rule_verdict(struct vd_finding *f, enum vd_verdict v, const char *fmt, ...) VD_PRINTF(3, 4);

#define EVIDENCE(f, ...)                                                                           \
	vd_rule_add(f, (f)->evidence, &(f)->n_evidence, VD_FINDING_EVIDENCE_MAX, __VA_ARGS__)
#define REMEDY(f, ...)                                                                             \
	vd_rule_add(f, (f)->remedy, &(f)->n_remedy, VD_FINDING_REMEDY_MAX, __VA_ARGS__)
#define UNCHECKED(f, ...)                                                                          \
	vd_rule_add(f, (f)->unchecked, &(f)->n_unchecked, VD_FINDING_UNCHECKED_MAX, __VA_ARGS__)
#define verdict(...) vd_rule_verdict(__VA_ARGS__)

/* The errno names the kernel's probe paths return. */
const char *vd_rule_errno_name(int e);
bool vd_rule_has_event(const struct vd_dev_ev *de, enum vd_klog_kind k, size_t *ret_i);
/* Every log line seen for the device is evidence, whatever the verdict. */
void vd_rule_log_evidence(const struct vd_dev_ev *de, const struct vd_sys_ev *se,
			  struct vd_finding *f);
/* What is known about a module: config, built in, loaded, on disk, blacklisted. */
void vd_rule_mod_evidence(const struct vd_mod_ev *m, const struct vd_sys_ev *se,
			  struct vd_finding *f);
/* The device's directory as the user knows it, on its own bus: ".../sys/bus/pci/devices/X". */
const char *vd_rule_devdir(const struct vd_device *d, const struct vd_sys_ev *se, char *buf,
			   size_t size);

/*
 * bar.c: a BAR without an address, by the mechanism that left it so (x86 or arm64's
 * generic host bridge, assigning or probe-only mode). false when no BAR is the problem.
 */
bool vd_diagnose_bar(const struct vd_device *d, const struct vd_dev_ev *de,
		     const struct vd_sys_ev *se, struct vd_finding *f);

/* caps.c: config space decides legacy vs modern probe outcomes; false when it does not */
bool vd_diagnose_caps(const struct vd_device *d, const struct vd_dev_ev *de,
		      const struct vd_sys_ev *se, struct vd_finding *f);

/* unbound.c: a PCI function without a driver */
void vd_diagnose_unbound_pci(const struct vd_device *d, const struct vd_dev_ev *de,
			     const struct vd_sys_ev *se, struct vd_finding *f);

/* virtio.c: the transport is bound; the virtio device has no driver or is not running */
void vd_diagnose_virtio(const struct vd_device *d, const struct vd_dev_ev *de,
			const struct vd_sys_ev *se, struct vd_finding *f);
/* What /dev/vsock answers, and the competing transports that are loaded. */
void vd_rule_vsock_evidence(const struct vd_sys_ev *se, struct vd_finding *f);
/* A transitional device run in legacy mode because of virtio_pci.force_legacy=1. */
void vd_rule_force_legacy_note(const struct vd_device *d, const struct vd_sys_ev *se,
			       struct vd_finding *f);

/* mmio.c: a virtio-mmio transport without driver, or the group waiting for virtio-mmio */
void vd_diagnose_mmio_transport(const struct vd_device *d, const struct vd_dev_ev *de,
				const struct vd_sys_ev *se, struct vd_finding *f);

#endif
