/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- evidence about a device and the verdict drawn from it */
#ifndef VD_DIAGNOSE_H
#define VD_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vd/facts/kmod.h"
#include "vd/facts/klog.h"
#include "vd/model/model.h"
#include "vd/base/parse.h"

/* The stable verdict codes (man page, VERDICTS). Never renumber the strings. */
enum vd_verdict {
	VD_V_OK,
	VD_V_PCI_DRIVER_NOT_BUILT,
	VD_V_PCI_DRIVER_INITCALL_BLACKLISTED,
	VD_V_PCI_DRIVER_BLACKLISTED,
	VD_V_PCI_DRIVER_NOT_LOADED,
	VD_V_PCI_DRIVER_MISSING,
	VD_V_PCI_DRIVER_NOT_REGISTERED,
	VD_V_OVERRIDE_NONE,
	VD_V_OVERRIDE_OTHER,
	VD_V_AUTOPROBE_DISABLED,
	VD_V_PROBE_NO_COMMON_CAP,
	VD_V_PROBE_MISSING_CAPS,
	VD_V_PROBE_BAD_CAP,
	VD_V_PROBE_BAR_UNASSIGNED,
	VD_V_LEGACY_UNSUPPORTED,
	VD_V_LEGACY_REVISION,
	VD_V_PROBE_FAILED,
	VD_V_PROBE_REJECTED,
	VD_V_FOREIGN_DRIVER,
	VD_V_NO_VIRTIO_DEVICE,
	VD_V_VIRTIO_DRIVER_NOT_BUILT,
	VD_V_VIRTIO_DRIVER_BLACKLISTED,
	VD_V_VIRTIO_DRIVER_NOT_LOADED,
	VD_V_VIRTIO_DRIVER_MISSING,
	VD_V_VIRTIO_DRIVER_NONE,
	VD_V_VIRTIO_DRIVER_NOT_BOUND,
	VD_V_VIRTIO_FEATURES_REFUSED,
	VD_V_VIRTIO_NEEDS_ACCESS_PLATFORM,
	VD_V_VIRTIO_NEEDS_VERSION_1,
	VD_V_VIRTIO_PROBE_FAILED,
	VD_V_VIRTIO_NEEDS_RESET,
	VD_V_VIRTIO_NOT_READY,
	VD_V_VSOCK_NO_DEVICE,
	VD_V_VSOCK_COMPETING_TRANSPORT,
	VD_V_VSOCK_SECOND_DEVICE,
	VD_V_MMIO_UNBOUND,
	VD_V_MMIO_DRIVER_NOT_BUILT,
	VD_V_MMIO_DRIVER_INITCALL_BLACKLISTED,
	VD_V_MMIO_DRIVER_BLACKLISTED,
	VD_V_MMIO_DRIVER_NOT_LOADED,
	VD_V_MMIO_DRIVER_MISSING,
	VD_V_MMIO_EMPTY,
	VD_V_CANNOT_TELL,
	_VD_V_MAX,
};

const char *vd_verdict_code(enum vd_verdict v);
/* One line for the man page and --help: what the verdict means. */
const char *vd_verdict_help(enum vd_verdict v);
/* Whether the verdict is something to fix: not ok, not an empty virtio-mmio slot. */
bool vd_verdict_is_problem(enum vd_verdict v);

/* What a module-level question found: the module, its kernel option, its registration. */
struct vd_mod_ev {
	bool looked_up; /* libkmod or sys/module answered */
	struct vd_module_info info;
	const char *kconfig; /* option without CONFIG_, NULL if none */
	char kconfig_val;    /* 'y', 'm', 'n'; 0 when the config could not be read */
	bool registered;     /* the driver directory exists on its bus */
};

/* Machine-wide evidence, read once. */
struct vd_sys_ev {
	char root[256];	   /* shown before paths: "" live, "DIR" under --sysroot */
	int pci_autoprobe; /* sys/bus/pci/drivers_autoprobe: 1, 0, -1 unknown */
	struct vd_mod_ev virtio_pci;
	bool kconfig_loaded;
	char kconfig_source[400];
	char kc_virtio_pci_legacy; /* 'y', 'n', 0 unknown */
	char kc_virtio_mmio;
	bool cmdline_loaded;
	char cmdline[4096];
	bool initcall_blacklisted; /* initcall_blacklist=virtio_pci_driver_init */
	struct vd_mod_ev virtio_mmio;
	bool mmio_initcall_blacklisted; /* initcall_blacklist=virtio_mmio_init */
	int platform_autoprobe;		/* sys/bus/platform/drivers_autoprobe: 1, 0, -1 */
	char force_legacy;		/* virtio_pci.force_legacy: 'Y', 'N', 0 unknown */
	bool pci_probe_only;		/* the log says "PCI: OF: PROBE_ONLY enabled" */
	bool noautodetect;		/* Alpine: OpenRC hwdrivers loads no modules */
	bool pci_nomsi;
	bool kmod_index;
	char kmod_problem[256];
	/* under --sysroot, modprobe.d files named but not read (links out, FIFOs, devices) */
	char kmod_skipped[512];
	int klog_err; /* 0 read, -errno otherwise */
	char klog_source[400];
	int vsock_err; /* 0: vsock_cid valid */
	uint32_t vsock_cid;
	bool vmci_loaded, hv_sock_loaded;
	size_t vsock_bound; /* vsock devices bound at the virtio level */
	/* the first machine-wide file whose read failed (vd_sysfs_failed), with why; "" none */
	char unread[400];
	/*
	 * The kernel config, module and log facts above were read: they are, at the first
	 * vd_evidence_device() (vd_diagnose_needs_evidence()), and never for ok devices only.
	 */
	bool logs_and_modules_read;
};

#define VD_EV_EVENTS 8

/* Per-device evidence beyond the model. */
struct vd_dev_ev {
	char override[128]; /* "" when unset ("(null)") */
	bool have_override;
	int enable; /* -1 unknown */
	bool have_bars;
	struct vd_resource bar[6];
	int irq;       /* -1 unknown */
	int msi_count; /* -1 unknown */
	bool is_vf;
	int pf_autoprobe; /* -1 unknown */
	/*
	 * The platform device that holds the PCI root bus: a device-tree generic host
	 * bridge ("4010000000.pcie", crosvm's "10000.pci"); "" on x86 (ACPI or legacy).
	 */
	char host_bridge[64];
	struct vd_mod_ev vdrv; /* the type's virtio driver */
	size_t n_events;
	struct vd_klog_event events[VD_EV_EVENTS];
	char event_lines[VD_EV_EVENTS][256];
	/* the first of this device's files whose read failed, with why; "" when none */
	char unread[400];
};

#define VD_FINDING_LINES 16

/* The longest line of each kind, its NUL included: longer ones are cut there. */
#define VD_FINDING_EVIDENCE_MAX 384
#define VD_FINDING_REMEDY_MAX 256
#define VD_FINDING_UNCHECKED_MAX 192

/*
 * The lines are on the heap, each as long as what it holds: explain and report keep a
 * finding per device, and fixed arrays of the longest line were 13 KiB a device.
 * vd_finding_done() frees them; vd_diagnose() starts from a zeroed finding, so a finding
 * used again must be done first. A line that could not be allocated is left out and
 * sets enomem.
 */
struct vd_finding {
	enum vd_verdict verdict;
	bool enomem;
	char summary[256];
	size_t n_evidence, n_remedy, n_unchecked;
	char *evidence[VD_FINDING_LINES];
	char *remedy[VD_FINDING_LINES];
	char *unchecked[VD_FINDING_LINES];
};
void vd_finding_done(struct vd_finding *f);
/* vd_finding_done() on each of n findings, then free(findings). */
void vd_findings_free(struct vd_finding *findings, size_t n);

/*
 * Pure: the verdict for one device from the model and the evidence. Reads no file; every
 * evidence line names where its fact came from.
 */
void vd_diagnose(const struct vd_device *d, const struct vd_dev_ev *de, const struct vd_sys_ev *se,
		 struct vd_finding *ret);
/*
 * Whether vd_diagnose() reads the device's own evidence (de) or the machine's kernel
 * config, modules and log for d: every state but ok, whose rule needs the model, the
 * vsock facts and force_legacy only. Without it, vd_evidence_none() is enough.
 */
bool vd_diagnose_needs_evidence(const struct vd_device *d);
/*
 * The model details the rules read, for vd_scan_opts.want_not_ok (the rules of an ok
 * device read none): all but interfaces and disks.
 */
#define VD_DIAGNOSE_WANT (VD_WANT_ALL & ~VD_WANT_ATTACH)

/* Evidence collection (reads files through the sysfs layer and the adapters). */
struct vd_evidence;
int vd_evidence_open(struct vd_sysfs *s, const struct vd_model *m, const char *kmsg_file,
		     struct vd_evidence **ret);
void vd_evidence_free(struct vd_evidence *e);
const struct vd_sys_ev *vd_evidence_sys(const struct vd_evidence *e);
int vd_evidence_device(struct vd_evidence *e, const struct vd_device *d, struct vd_dev_ev *ret);
/* Evidence of a device whose rules read none: everything unknown, nothing read. */
void vd_evidence_none(struct vd_dev_ev *ret);

#endif
