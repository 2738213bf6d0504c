/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what the rule files of diagnose/ share: building a finding */
#ifndef VD_DIAGNOSE_RULES_H
#define VD_DIAGNOSE_RULES_H

#include "vd/diagnose/diagnose.h"

/* Append one line to an array of fixed-width lines (stride = width). */
void vd_rule_add(char *base, size_t *n, size_t width, const char *fmt, ...) VD_PRINTF(4, 5);
void vd_rule_verdict(struct vd_finding *f, enum vd_verdict v, const char *fmt, ...) VD_PRINTF(3, 4);

#define ADD_LINE(f, field, count, ...)                                                             \
	vd_rule_add(&(f)->field[0][0], &(f)->count, sizeof((f)->field[0]), __VA_ARGS__)
#define EVIDENCE(f, ...) ADD_LINE(f, evidence, n_evidence, __VA_ARGS__)
#define REMEDY(f, ...) ADD_LINE(f, remedy, n_remedy, __VA_ARGS__)
#define UNCHECKED(f, ...) ADD_LINE(f, unchecked, n_unchecked, __VA_ARGS__)
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
