/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- kernel log: read it, and recognise the lines that explain a probe */
#ifndef VD_KLOG_H
#define VD_KLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "vd/base/sysfs.h"

enum vd_klog_kind {
	VD_KLOG_NONE,
	VD_KLOG_PROBE_FAILED,	  /* dd.c, both the <= 6.7 and the >= 6.8 wording */
	VD_KLOG_LEAVING_LEGACY,	  /* "virtio_pci: leaving for legacy driver" */
	VD_KLOG_MISSING_CAPS,	  /* "virtio_pci: missing capabilities %i/%i/%i" */
	VD_KLOG_BAD_CAP,	  /* bad capability len / map wrap-around / offset not aligned /
					out of range / unable to map / bar unexpectedly changed */
	VD_KLOG_BAR_NOT_ASSIGNED, /* 6.1 and 6.18 wordings */
	VD_KLOG_BAR_NOT_CLAIMED,
	VD_KLOG_BAR_NO_SPACE, /* "BAR n: no space for" / "can't assign; no space" */
	VD_KLOG_BAR_FAILED_ASSIGN,
	VD_KLOG_REFUSES_FEATURES,      /* "virtio: device refuses features: %x" */
	VD_KLOG_NEEDS_VERSION_1,       /* "device must provide VIRTIO_F_VERSION_1" */
	VD_KLOG_NEEDS_ACCESS_PLATFORM, /* "device must provide VIRTIO_F_ACCESS_PLATFORM" */
	VD_KLOG_MODERN_NO_VERSION_1,   /* "device uses modern interface but does not have ..." */
	VD_KLOG_ENABLING_DEVICE,       /* "enabling device (0000 -> 0002)": probe ran */
	VD_KLOG_RESOURCES_PRESENT,     /* "Resources present before probing" */
	VD_KLOG_MMIO_REJECTED,	       /* virtio_mmio_probe(): "Wrong magic value", "Version %ld
					  not supported!" (an empty slot logs nothing) */
	VD_KLOG_BAR_CANT_CLAIM,	       /* probe-only: "...: can't claim; no compatible bridge
					  window" */
	_VD_KLOG_KIND_MAX,
};

/* One recognised line. device is the PCI address or "virtioN" the line is about. */
struct vd_klog_event {
	enum vd_klog_kind kind;
	char device[64];
	char driver[64]; /* the driver named by the line, if any */
	int error;	 /* the errno of a probe failure, negative as printed; 0 if none */
};

/*
 * Pure: recognise one message (without the "prio,seq,...;" prefix; a leading "[ts] " is
 * skipped). Returns 1 and fills ret when the line is one of the kinds above, 0 when it
 * is not (ret->kind is then VD_KLOG_NONE), -EINVAL for NULL arguments.
 */
int vd_klog_match(const char *msg, struct vd_klog_event *ret);
const char *vd_klog_kind_name(enum vd_klog_kind k);

struct vd_klog {
	char **lines; /* messages, prefixes stripped */
	size_t n;
	char *text;	  /* a saved log: the file's text, which lines point into; else NULL */
	char source[256]; /* "/dev/kmsg", root-relative "dev/kmsg" or "kmsg.txt", or file */
	bool truncated;	  /* stopped at the 64 MiB / 1M line cap: the oldest lines are in */
};

/*
 * Load the kernel log: from file (a saved dmesg text, or a copy of /dev/kmsg records) if
 * given: a path on this machine (relative to the working directory, not to the root),
 * read through the sysfs layer, so a FIFO or device is refused (-EINVAL) instead of
 * blocking; else, on the live root, /dev/kmsg read non-blocking from the start of the
 * ring; under another root, <root>/dev/kmsg if it is the kmsg character device (1:11),
 * else <root>/kmsg.txt (bundles). Lines over 4 KiB are cut. -EPERM/-EACCES when not
 * allowed (needs root or CAP_SYSLOG). ret is filled only on success; free it with
 * vd_klog_done().
 */
int vd_klog_load(struct vd_sysfs *s, const char *file, struct vd_klog *ret);
void vd_klog_done(struct vd_klog *k);

#endif
