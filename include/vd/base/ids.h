/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what a PCI ID, a virtio type and a status byte mean (pure) */
#ifndef VD_IDS_H
#define VD_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VD_VENDOR_VIRTIO 0x1af4 /* Red Hat (Qumranet); also ivshmem and QEMU experiments */
#define VD_VENDOR_QEMU 0x1b36	/* QEMU's own non-virtio devices */

enum vd_transport {
	VD_TRANSPORT_NONE,	   /* not a virtio device */
	VD_TRANSPORT_MODERN,	   /* 0x1040..0x107f */
	VD_TRANSPORT_TRANSITIONAL, /* 0x1000..0x103f with virtio capabilities */
	VD_TRANSPORT_LEGACY,	   /* 0x1000..0x103f, config space has no virtio capability */
	VD_TRANSPORT_UNKNOWN,	   /* 0x1000..0x103f, capabilities unreadable (needs root) */
	VD_TRANSPORT_MMIO,
	_VD_TRANSPORT_MAX,
};

/* The virtio type IDs the code names (include/uapi/linux/virtio_ids.h); the table has all. */
enum {
	VD_VIRTIO_ID_NET = 1,
	VD_VIRTIO_ID_BLOCK = 2,
	VD_VIRTIO_ID_CONSOLE = 3,
	VD_VIRTIO_ID_RNG = 4,
	VD_VIRTIO_ID_BALLOON = 5,
	VD_VIRTIO_ID_SCSI = 8,
	VD_VIRTIO_ID_9P = 9,
	VD_VIRTIO_ID_VSOCK = 19,
};

/* One row of Linux's include/uapi/linux/virtio_ids.h, with the spec's name. */
struct vd_virtio_type {
	unsigned int id;
	const char *name;      /* VIRTIO_ID_* lower-cased: "vsock" */
	const char *spec_name; /* the spec's device types table: "Socket device" */
	const char *driver;    /* virtio bus driver (= module) in Linux, NULL if none */
	const char *kconfig;   /* the option that builds it, without CONFIG_ */
};

const struct vd_virtio_type *vd_virtio_type_by_id(unsigned int id);
const struct vd_virtio_type *vd_virtio_type_by_name(const char *name);
const struct vd_virtio_type *vd_virtio_type_at(size_t i); /* NULL past the end */

/* "vsock", or "unknown-N" for an ID the table lacks. */
const char *vd_virtio_type_short(unsigned int id, char *buf, size_t size);

/*
 * What a PCI function is. A virtio device is vendor 0x1af4 with device 0x1000..0x107f
 * (the spec, Linux's modern probe and pciutils agree). Modern IDs carry the type
 * (device - 0x1040); below 0x1040 the type is the subsystem device ID, as the legacy
 * driver always read it. Modern subsystem IDs mean nothing (QEMU: 1af4:1100).
 */
struct vd_pci_class {
	bool virtio;
	bool modern;		/* 0x1040..0x107f */
	int type_id;		/* -1 when not virtio or not known */
	const char *not_virtio; /* why not, for 1af4/1b36 devices: "ivshmem" */
};

void vd_classify_pci(uint16_t vendor, uint16_t device, uint16_t subsys_device, bool have_subsys,
		     struct vd_pci_class *ret);

const char *vd_transport_name(enum vd_transport t);

/* Virtio status bits (include/uapi/linux/virtio_config.h; SUSPEND from spec 1.4). */
#define VD_STATUS_ACKNOWLEDGE 0x01
#define VD_STATUS_DRIVER 0x02
#define VD_STATUS_DRIVER_OK 0x04
#define VD_STATUS_FEATURES_OK 0x08
#define VD_STATUS_SUSPEND 0x10
#define VD_STATUS_NEEDS_RESET 0x40
#define VD_STATUS_FAILED 0x80

/* "ACKNOWLEDGE,DRIVER,FEATURES_OK,DRIVER_OK" in the order a driver sets them; unnamed
 * bits as hex. Returns -ENOSPC if buf is too small. */
int vd_status_decode(uint32_t status, char *buf, size_t size);

/* Feature bits that matter for diagnosis. */
#define VD_F_VERSION_1 32
#define VD_F_ACCESS_PLATFORM 33
#define VD_F_RING_PACKED 34

/* What a PCI ID means, for "decode" (pure). */
struct vd_id_info {
	uint16_t vendor, device;
	bool have_subsys;
	uint16_t subvendor, subdevice;
	struct vd_pci_class cls;
	enum vd_transport transport; /* MODERN, TRANSITIONAL (0x1000-0x103f), or NONE */
	bool type_conventional;	     /* type from the spec's transitional table, no subsystem */
	const char *note;
};
void vd_decode_pci_id(uint16_t vendor, uint16_t device, bool have_subsys, uint16_t subvendor,
		      uint16_t subdevice, struct vd_id_info *ret);

#endif
