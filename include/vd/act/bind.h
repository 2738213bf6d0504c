/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- bind: put the transport driver on a device, verify both levels, roll back */
#ifndef VD_BIND_H
#define VD_BIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vd/model/model.h"
#include "vd/base/sysfs.h"

/*
 * The kernel as bind sees it. The real one (vd_bind_ops_real) writes with
 * vd_sysfs_write, loads modules with vd_kmod_load and asks /dev/vsock for the CID; a
 * test passes a fake that acts out the kernel's reactions in a fixture tree.
 * Every function returns 0 or -errno.
 */
struct vd_bind_ops {
	int (*write)(void *ctx, struct vd_sysfs *s, const char *path, const char *value,
		     size_t len);
	/* load a module and its dependencies, blacklist honoured; dry_run loads nothing */
	int (*load_module)(void *ctx, struct vd_sysfs *s, const char *name, bool dry_run);
	int (*local_cid)(void *ctx, struct vd_sysfs *s, uint32_t *ret);
	uint64_t (*now_ms)(void *ctx); /* a monotonic clock */
	void (*sleep_ms)(void *ctx, unsigned int ms);
	void *ctx;
};

/* State of the real ops: libkmod is opened on the first module load, never before. */
struct vd_bind_real {
	struct vd_cmdline *cmdline;
	struct vd_kmod *kmod;
	int open_error; /* why libkmod could not be opened, once tried */
};
void vd_bind_ops_real(struct vd_bind_real *real, struct vd_bind_ops *ret);
void vd_bind_real_done(struct vd_bind_real *real);

struct vd_bind_opts {
	bool dry_run;	      /* compute and return the plan, write nothing, load nothing */
	unsigned int force;   /* 1: take the device from another driver or override;
				   2: even when one of its disks or interfaces is in use */
	bool clear_override;  /* write "\n" to driver_override after a successful bind */
	unsigned int wait_ms; /* poll the verification (and EAGAIN) this long; 0: once */
};

enum vd_bind_outcome {
	VD_BIND_ALREADY, /* bound at both levels before: nothing written */
	VD_BIND_DONE,	 /* bound at both levels now, verified by reading */
	VD_BIND_PLANNED, /* dry run: steps hold every write it would do */
	VD_BIND_REFUSED, /* held by another driver or override, or in use: nothing written */
	VD_BIND_FAILED,	 /* a write, a module or the verification failed; rolled back */
	_VD_BIND_OUTCOME_MAX,
};

enum vd_bind_step_kind {
	VD_STEP_WRITE,
	VD_STEP_MODPROBE,
};

/* One write or module load, in order, done or (dry run) planned. */
struct vd_bind_step {
	enum vd_bind_step_kind kind;
	char path[256]; /* root-relative: "sys/bus/pci/drivers/virtio-pci/bind" */
	char value[64]; /* as written ("\n" clears an override), or the module name */
	int result;	/* 0, or the kernel's -errno */
	bool rollback;	/* written to leave the device as it was */
};

struct vd_bind_result {
	char name[64]; /* "0000:00:04.0", "a003e00.virtio_mmio", or "virtio-mmio" (the group) */
	enum vd_bind_outcome outcome;
	/*
	 * Why it was refused or failed, lower-case, without the errno: "probe rejected the
	 * device", "held by 'vfio-pci': --force takes it from its driver". error is the
	 * -errno behind it (0 for a refusal), path the file whose write failed ("" if none).
	 */
	int error;
	char path[256];
	char why[320];
	bool explain; /* a probe or verification failure: "virtio-doctor explain" has more */

	char prev_driver[64];	/* PCI driver before, "" if none */
	char prev_override[64]; /* driver_override before: "(null)" unset, "" no such file */

	/* what holds it afterwards, read back */
	char pcidrv[64];
	char virtio[32];
	char driver[64];
	bool have_cid;
	uint32_t cid;

	/* every step, in order, none dropped: vd_bind_result_done() frees them */
	struct vd_bind_step *steps;
	size_t nsteps, nalloc;
	char note[320];	    /* information: "virtio-pci already matches 1af4:1053 (EEXIST)" */
	char rollback[320]; /* a rollback write that failed: the device is not as it was */
};

/*
 * Bind one virtio device of the model to its transport driver (a PCI function to
 * virtio-pci, a virtio-mmio transport to virtio-mmio) and verify both levels
 * (kernel-facts section 3.5, peer-tools "bind algorithm"). The device's state is read
 * again live, so targets bound by an earlier call (loading virtio_pci probes them all)
 * are seen as they are now. The group row of transports waiting for virtio-mmio binds by
 * loading virtio_mmio, whose registration probes them all. Returns 0 with ret filled
 * whatever the outcome; -EINVAL for a device that is neither; -ENOMEM when a step could
 * not be recorded (that step was not done; ret says how far it got). ret is overwritten,
 * never freed: its steps are the caller's to free with vd_bind_result_done(), whatever
 * the return value.
 */
int vd_bind_device(struct vd_sysfs *s, const struct vd_device *d, const struct vd_bind_opts *o,
		   const struct vd_bind_ops *ops, struct vd_bind_result *ret);

/*
 * Append a step to r's steps (path and value cut to their fields); the array grows as
 * needed. 0 and *ret_step (may be NULL) pointing at it, or -ENOMEM with r unchanged.
 */
int vd_bind_step_add(struct vd_bind_result *r, enum vd_bind_step_kind kind, const char *path,
		     const char *value, bool rollback, struct vd_bind_step **ret_step);
/* Free r's steps; r then holds none. */
void vd_bind_result_done(struct vd_bind_result *r);

/*
 * Whether something uses the device's disks or interfaces: a block device (or one of its
 * partitions) mounted (proc/self/mountinfo or mounts) or with holders, a network
 * interface that is up. Returns 1 with what in buf ("'/dev/vda1' is mounted on '/'"),
 * 0 when nothing is found, -errno.
 */
int vd_bind_in_use(struct vd_sysfs *s, const char *devpath, char *buf, size_t size);

/* "ENODEV"; "errno 200" for names we do not know (buf holds it). */
const char *vd_errno_name(int err, char *buf, size_t size);
/*
 * What an errno from writing the attribute (the last path component: "bind", "unbind",
 * "new_id", "driver_override") means, after kernel-facts section 3.4.
 */
const char *vd_bind_errno_meaning(const char *attr, int err);

const char *vd_bind_outcome_name(enum vd_bind_outcome o);

#endif
