/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what the bind files of act/ share: the job, the live state, the steps */
#ifndef VD_ACT_BIND_JOB_H
#define VD_ACT_BIND_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "vd/act/bind.h"

#define POLL_MS 100

/* Both binding levels of one PCI function, read now. */
struct live {
	char pcidrv[64];
	char virtio[32];
	char vpath[320];
	char driver[64];
	bool have_status;
	uint32_t status;
	int type_id;
	/* the first read that failed (vd_sysfs_failed) and its file: nothing rests on it */
	int err;
	char err_path[400];
};

struct job {
	struct vd_sysfs *s;
	const struct vd_device *d;
	const struct vd_bind_opts *o;
	const struct vd_bind_ops *ops;
	struct vd_bind_result *r;
	char dev[96]; /* "sys/bus/pci/devices/<BDF>", built from the validated name */
	/* the transport: "pci", "virtio-pci", "virtio_pci" or "platform", "virtio-mmio", ... */
	const char *bus, *drv, *module;
	char id[16]; /* "1af4 1053" for new_id */
	bool have_override;
	/* what was changed, for the rollback */
	bool wrote_override, unbound_prev, added_id, bound;
	/* a step could not be recorded: nothing was done for it, vd_bind_device says -ENOMEM */
	bool nomem;
};

/* bind_live.c: reading the state */
bool vd_bind_valid_name(const char *n);
void vd_bind_read_live(struct vd_sysfs *s, const char *dev, struct live *l);
bool vd_bind_status_bad(const struct live *l);
bool vd_bind_live_ok(const struct live *l, const char *drv);

/* bind_steps.c: the steps, the rollback and the reports of a refusal or failure */
int vd_bind_reserve_steps(struct vd_bind_result *r, size_t n);
int vd_bind_do_write(struct job *j, const char *path, const char *value, bool rollback);
int vd_bind_load_module(struct job *j, const char *module);
void vd_bind_set_why(struct job *j, int err, const char *path, const char *fmt, ...)
	VD_PRINTF(4, 5);
int vd_bind_cannot_read(struct job *j, int err, const char *path);
void vd_bind_read_after(struct job *j);
void vd_bind_rollback(struct job *j);
int vd_bind_fail_write(struct job *j, const char *path, int err);
int vd_bind_refuse(struct job *j, const char *fmt, ...) VD_PRINTF(2, 3);
int vd_bind_fail_module(struct job *j, const char *module, int err, bool roll);

/* bind_verify.c: verifying by reading */
int vd_bind_verify(struct job *j, bool roll);
int vd_bind_virtio_level(struct job *j, const struct live *l);

#endif
