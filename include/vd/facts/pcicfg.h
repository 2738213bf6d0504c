/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- walk a config-space blob for virtio capabilities (pure) */
#ifndef VD_PCICFG_H
#define VD_PCICFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* cfg_type values of struct virtio_pci_cap (spec; Linux uapi virtio_pci.h) */
enum vd_virtio_cfg_type {
	VD_CAP_COMMON = 1,
	VD_CAP_NOTIFY = 2,
	VD_CAP_ISR = 3,
	VD_CAP_DEVICE = 4,
	VD_CAP_PCI_CFG = 5,
	VD_CAP_SHM = 8,
	VD_CAP_VENDOR = 9,
};

struct vd_virtio_cap {
	uint8_t pos; /* offset of the capability in config space */
	uint8_t cap_len;
	uint8_t cfg_type;
	uint8_t bar;
	uint8_t id;
	uint32_t offset;
	uint32_t length;
};

#define VD_PCICFG_MAX_CAPS 24

struct vd_pcicfg {
	size_t len; /* bytes of config space that were readable */
	uint16_t vendor, device, subvendor, subdevice;
	uint8_t revision;
	bool has_cap_list; /* PCI_STATUS_CAP_LIST */
	bool incomplete;   /* the list runs past what could be read (non-root: 64 bytes) */
	bool loop;	   /* the chain revisits a capability */
	bool bad_pointer;  /* a pointer below 0x40 or past the end of config space */
	bool has_msix;
	size_t n_caps; /* vendor-specific (0x09) capabilities, in chain order */
	struct vd_virtio_cap caps[VD_PCICFG_MAX_CAPS];
};

/*
 * Decode the header and walk the capability chain of the first len bytes of config
 * space. Returns -ENODATA when fewer than 64 bytes (the standard header) are given.
 * Never reads beyond len; stops at loops and bad pointers and says so.
 */
int vd_pcicfg_parse(const uint8_t *cfg, size_t len, struct vd_pcicfg *ret);

/* The first virtio capability of a cfg_type, or NULL. */
const struct vd_virtio_cap *vd_pcicfg_find(const struct vd_pcicfg *c, uint8_t cfg_type);

/* "common", "notify", "isr", "device", "pci_cfg", "shm", "vendor" or NULL. */
const char *vd_virtio_cfg_type_name(uint8_t cfg_type);

#endif
