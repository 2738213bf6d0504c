/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the device model: every virtio device, both binding levels */
#ifndef VD_MODEL_H
#define VD_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vd/base/ids.h"
#include "vd/base/parse.h"
#include "vd/facts/pcicfg.h"
#include "vd/base/strpool.h"
#include "vd/base/sysfs.h"

enum vd_state {
	VD_STATE_OK,
	VD_STATE_UNBOUND,    /* transport device without a driver */
	VD_STATE_FOREIGN,    /* PCI function held by a driver other than virtio-pci */
	VD_STATE_NO_DRIVER,  /* virtio device without a driver */
	VD_STATE_FAILED,     /* FAILED/NEEDS_RESET, no virtio device, or no DRIVER_OK */
	VD_STATE_NOT_VIRTIO, /* listed with --all only */
	VD_STATE_UNKNOWN,    /* a file that decides the state could not be read (unread) */
	VD_STATE_EMPTY,	     /* a virtio-mmio placeholder: no device behind it; --all only */
	_VD_STATE_MAX,
};

const char *vd_state_name(enum vd_state s);

enum vd_bus {
	VD_BUS_PCI,
	VD_BUS_PLATFORM, /* virtio-mmio */
	VD_BUS_OTHER,	 /* a virtio device under some other parent (vdpa, ccw, ...) */
};

#define VD_PCI_DRIVER "virtio-pci"   /* the driver's sysfs name; the module is virtio_pci */
#define VD_MMIO_DRIVER "virtio-mmio" /* platform driver; the module is virtio_mmio */

/* A network interface or disk a virtio device carries (vd/model/attach.h). */
struct vd_attached {
	const char *name; /* "eth0", "vda": in the model's pool */
	bool disk;	  /* a disk under block/, else an interface under net/ */
	bool active;	  /* the interface is up; the disk or one of its partitions mounted */
};

struct vd_device {
	enum vd_bus bus;
	/*
	 * The strings are never NULL ("" when unknown). A scan keeps them in the model's pool;
	 * a device built by hand points them wherever it likes (VD_DEVICE_INIT sets "").
	 */
	const char *name;  /* "0000:00:04.0", or the platform device's name */
	const char *path;  /* root-relative directory of the transport device */
	struct vd_bdf bdf; /* PCI only */

	/* PCI identity; each have_* says whether it could be read */
	bool have_id, have_subsys, have_rev, have_class;
	uint16_t vendor, device, subvendor, subdevice;
	uint8_t revision;
	uint32_t class;
	struct vd_pci_class cls;

	enum vd_transport transport;
	int type_id; /* virtio device type, -1 unknown */

	const char *pcidrv; /* transport-level driver: PCI driver, or platform driver for mmio */
	const char *virtio; /* the virtio bus device under it: "virtio3" */
	const char *vpath;  /* root-relative directory of that virtio device, "" without one */
	const char *driver; /* virtio-level driver */

	bool have_status;
	uint32_t status;
	bool have_features;
	uint64_t features[2];
	unsigned int nfeatures;

	/* config space, read only where it decides something (or asked for) */
	int cfg_len;	       /* 0 not read, > 0 bytes read, < 0 -errno */
	struct vd_pcicfg *cfg; /* decoded when cfg_len > 0; owned, freed with the model */

	/*
	 * The first file that decides the state and whose read failed (vd_sysfs_failed: not
	 * absent, failed), as the user knows it ("/sys/...", "DIR/sys/..."), and the -errno;
	 * "" and 0 when every such read answered. The state is then unknown: nothing is
	 * concluded from a read that failed.
	 */
	const char *unread;
	int unread_err;
	/*
	 * virtio-mmio while its driver is not registered: the transports wait as one group.
	 * The group's own row (name "virtio-mmio") has group = how many wait and the first
	 * and last of their names; each waiting transport has in_group set and is listed
	 * with --all only, so 32 placeholders make one row, one verdict, one problem.
	 */
	unsigned int group;
	bool in_group;
	/*
	 * An empty slot: a virtio-mmio transport with no driver while virtio-mmio is
	 * registered, may match (no override, autoprobe on) and the log says nothing of its
	 * probe: virtio_mmio_probe() rejects a device ID of 0 silently (a placeholder).
	 */
	bool empty_slot;
	const char *group_first, *group_last;

	/*
	 * With VD_WANT_ATTACH (vd/model/attach.h): the interfaces and disks under the virtio
	 * device (owned), and the transport's driver_override ("" when none or "(null)").
	 */
	struct vd_attached *attached;
	size_t nattached;
	const char *override;

	enum vd_state state;
	char *problem;	     /* what is wrong, NULL when nothing; owned (vd_device_set_problem) */
	const char *verdict; /* explain's verdict code, once a diagnosis ran; NULL before */
};

/* A device that knows nothing yet: every string "", type unknown. */
#define VD_DEVICE_INIT                                                                             \
	{                                                                                          \
		.name = "", .path = "", .pcidrv = "", .virtio = "", .vpath = "", .driver = "",     \
		.unread = "", .override = "", .type_id = -1, .group_first = "", .group_last = "",  \
	}

/* What a scan reads beyond what STATE needs: only the files a row shows. */
enum {
	VD_WANT_SUBSYS = 1 << 0,
	VD_WANT_REV = 1 << 1,
	VD_WANT_CLASS = 1 << 2,
	VD_WANT_FEATURES = 1 << 3,
	VD_WANT_CONFIG = 1 << 4,
	VD_WANT_ATTACH = 1 << 5, /* interfaces, disks, driver_override */
	VD_WANT_ALL = 0xff,
};

struct vd_scan_opts {
	bool all_pci; /* also every non-virtio PCI function, as not-virtio */
	/*
	 * Leave a transitional device's TRANSPORT unknown rather than read its config
	 * space (bind's boot-time path must stay cheap and needs no transport).
	 */
	bool skip_transport;
	unsigned int want; /* VD_WANT_* */
	/*
	 * VD_WANT_* read only for a device that is not ok, once its state is known: what the
	 * diagnosis rules read and an ok device's verdict and evidence never show (on a VM a
	 * dword of config space costs a trap to the VMM; in a bundle each file six syscalls).
	 * VD_WANT_ATTACH counts only in want.
	 */
	unsigned int want_not_ok;
	/*
	 * The kernel log that tells an empty virtio-mmio slot from a transport whose probe
	 * failed (vd_klog_load's file argument); read only when a transport has no driver.
	 */
	const char *kmsg_file;
};

struct vd_model {
	struct vd_device *dev;
	size_t n;
	/* one line per file that could not be read or made no sense, naming it */
	struct vd_names warnings;
	struct vd_strpool strings; /* the devices' names and paths */
};

/*
 * Build the device list: PCI functions of the virtio range (and, with all_pci, all
 * others), then virtio devices on other transports, then unbound virtio-mmio transports.
 * Returns -ENOENT when the root has neither sys/bus/pci, sys/bus/virtio nor any
 * virtio-mmio device (nothing can be read at all); broken files only add warnings.
 */
int vd_model_scan(struct vd_sysfs *s, const struct vd_scan_opts *o, struct vd_model *ret);
void vd_model_done(struct vd_model *m);

/*
 * Pure: whether a platform device name is a virtio-mmio transport: "virtio-mmio.N"
 * (command line), "ADDR.virtio_mmio" (device tree), "LNRO0005:NN" (ACPI).
 */
bool vd_is_mmio_name(const char *name);

/*
 * Whether the device counts as a problem (scan's and check's exit status), and whether a
 * listing shows it without --all: empty slots and the members of a waiting group are
 * neither (their group's row speaks for them).
 */
bool vd_device_is_problem(const struct vd_device *d);
bool vd_device_listed(const struct vd_device *d, bool all);

/* STATE and PROBLEM from what was read; -ENOMEM when the problem text cannot be kept. */
int vd_device_evaluate(struct vd_device *d);

/* Replace PROBLEM (NULL fmt clears it). */
int vd_device_set_problem(struct vd_device *d, const char *fmt, ...) VD_PRINTF(2, 3);

/* Free what a device owns (problem, config space); vd_model_done does it for a scan. */
void vd_device_done(struct vd_device *d);

/* The ID as "1af4:1053", "" if unknown. */
void vd_device_id(const struct vd_device *d, char *buf, size_t size);

/*
 * Whether a command-line argument names this device: a PCI address (0000:00:04.0 or
 * 00:04.0), a virtio name (virtio3), a vendor:device ID (1af4:1053), a type name (vsock),
 * a platform device name, or (read with VD_WANT_ATTACH) the name of an interface or disk
 * it carries (eth0, vda). -EINVAL for an argument that can name nothing (over 63
 * bytes, not printable ASCII, or containing '/'): it is rejected before any use.
 */
int vd_device_matches(const struct vd_device *d, const char *arg);

#endif
