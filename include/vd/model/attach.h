/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what a virtio device carries: interfaces, disks, driver_override */
#ifndef VD_ATTACH_H
#define VD_ATTACH_H

#include "vd/base/sysfs.h"
#include "vd/model/model.h"

/*
 * A device's attached[] and override (vd_model_scan does it with VD_WANT_ATTACH, each
 * device while the scan holds its directories): the interfaces under virtioN/net/ (active
 * when up: operstate "up" or IFF_UP in flags), the disks under virtioN/block/ or deeper
 * (virtio-scsi: host0/target.../block/sda), active when the disk or one of its partitions
 * is mounted (proc/self/mountinfo, else proc/mounts, under the same root, read at the
 * first disk), and driver_override ("(null)" is none). What is absent (a bundle without
 * mounts) leaves the mark off. Each device once, in any order.
 */
struct vd_attach {
	struct vd_sysfs *s;
	struct vd_strpool *pool; /* the model's: names and overrides are kept in it */
	char *table;		 /* the mount table, once read; "" when there is none */
	bool mountinfo;
	int err; /* -ENOMEM */
};
void vd_attach_override(struct vd_attach *c, struct vd_device *d);
void vd_attach_walk(struct vd_attach *c, struct vd_device *d);
/* both, for a device whose directories are not held */
void vd_attach_device(struct vd_attach *c, struct vd_device *d);
/* Lets go of the mount table: -ENOMEM when anything could not be kept, else 0. */
int vd_attach_done(struct vd_attach *c);

/*
 * Pure: whether a mount table names a block device: mountinfo lines by "major:minor"
 * (field 3) or by source "/dev/NAME" (after " - fstype"), /proc/mounts lines (mountinfo
 * false) by their first field.
 */
bool vd_mounts_has(const char *table, bool mountinfo, const char *name, const char *devno);

/* An interface at DIR/NAME is up: operstate "up", or IFF_UP in flags (an interface
 * without carrier is still in use). Shared with bind's "in use?" check. */
bool vd_netdev_is_up(struct vd_sysfs *s, const char *dir, const char *name);

#endif
