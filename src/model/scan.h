/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what the scan files of model/ share: the scan state and its helpers */
#ifndef VD_MODEL_SCAN_H
#define VD_MODEL_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vd/facts/klog.h"
#include "vd/model/attach.h"
#include "vd/model/model.h"

struct vparent {
	char parent[64]; /* the transport device's directory name */
	size_t idx;	 /* into vnames/vpaths */
};

/* Scan state: the root, the options, the result being built. */
struct scan {
	struct vd_sysfs *s;
	const struct vd_scan_opts *o;
	struct vd_model *m;
	bool nomem; /* a string could not be kept: the scan fails with -ENOMEM */
	/* driver names seen so far: thousands of devices share a handful */
	const char *drvnames[16];
	size_t ndrvnames;
	size_t cap; /* devices m->dev has room for */
	/* virtio bus devices: name and root-relative path, from sys/bus/virtio/devices */
	struct vd_names vnames;
	const char **vpaths; /* in the model's pool: devices keep them */
	bool *vused;
	/* virtio devices ordered by the name of their parent, for a lookup per PCI function */
	struct vparent *vbyparent;
	size_t nbyparent;
	/*
	 * A virtio bus entry (or the listing) whose read failed: which transport device it
	 * sits under is unknown, so a virtio transport without a child cannot be called failed.
	 */
	const char *vbus_unread;
	int vbus_err;
	/* driver directories per bus, listed on first need (VD_BUS_OTHER: the virtio bus) */
	struct vd_names drivers[3];
	bool drivers_read[3];
	/* for unbound virtio-mmio transports only: is the slot empty? */
	int platform_autoprobe; /* -1 not read yet */
	bool klog_read, have_klog;
	struct vd_klog klog;
	/* VD_WANT_ATTACH: each PCI function's while its directories are held; NULL without */
	struct vd_attach *attach;
};

/* scan_attr.c: attributes, driver links, warnings, strings kept in the model's pool */
void vd_scan_warn(struct scan *sc, const char *fmt, ...) VD_PRINTF(2, 3);
/* The path as the user knows it: "/sys/..." live, "DIR/sys/..." under --sysroot. */
const char *vd_scan_shown(struct scan *sc, const char *path, char *buf, size_t size);
void vd_scan_warn_file(struct scan *sc, const char *path, int r);
/* Read a "0x..." attribute of dir; warns naming the file on any problem. */
int vd_scan_read_hex(struct scan *sc, const char *dir, const char *attr, uint32_t max,
		     bool quiet_missing, uint32_t *ret);
/* A copy in the model's pool; "" (and the scan fails at its end) when memory runs out. */
const char *vd_scan_keep_n(struct scan *sc, const char *str, size_t len);
const char *vd_scan_keep(struct scan *sc, const char *str);
/* A read that decides d's state failed: the state is unknown. Whether r was such a failure. */
bool vd_scan_unread(struct scan *sc, struct vd_device *d, const char *path, int r);
/* bsearch() comparison of a name with an entry of a sorted struct vd_names */
int vd_scan_cmp_name(const void *a, const void *b);
/* The drivers registered on a bus, listed once per scan (sorted by vd_sysfs_list). */
const struct vd_names *vd_scan_bus_drivers(struct scan *sc, enum vd_bus bus);
/* A driver link's driver name: "" when there is none; a bad link is warned about. */
const char *vd_scan_read_driver(struct scan *sc, struct vd_device *d, const char *dir,
				enum vd_bus bus);
/* A new row at the end of the model; NULL when memory runs out. */
struct vd_device *vd_scan_new_device(struct scan *sc);

/* scan_virtio.c: the virtio bus */
int vd_scan_load_virtio_bus(struct scan *sc);
/* Name of the directory that holds a virtio device: its transport device. */
const char *vd_scan_parent_name(const char *vpath, char *buf, size_t size);
/* The first unused virtio device under the transport device called name, or -1. */
long vd_scan_child_of(struct scan *sc, const char *name);
void vd_scan_read_virtio_child(struct scan *sc, struct vd_device *d, size_t vi);
void vd_scan_read_features(struct scan *sc, struct vd_device *d);
/*
 * The details to read for d before its state is known: a PCI function reads want_not_ok
 * after it (scan_pci.c), a virtio-mmio transport, rare, reads both at once.
 */
static inline unsigned int vd_scan_want(const struct scan *sc, const struct vd_device *d)
{
	return d->bus == VD_BUS_PCI ? sc->o->want : sc->o->want | sc->o->want_not_ok;
}

/* scan_pci.c */
int vd_scan_pci_function(struct scan *sc, const char *name);

/* scan_mmio.c: a virtio device under a transport that is not PCI; idle mmio transports */
int vd_scan_add_nonpci(struct scan *sc, size_t vi);
int vd_scan_unbound_mmio(struct scan *sc);

#endif
