/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- strict parsers for sysfs attribute values and arguments (pure) */
#ifndef VD_PARSE_H
#define VD_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * "0x1af4" (the kernel's "0x%04x", "0x%02x", "0x%06x", "0x%08x"); the 0x is required,
 * 1 to 8 hex digits, nothing after. -EINVAL for anything else, -ERANGE above max.
 */
int vd_parse_hex(const char *s, uint32_t max, uint32_t *ret);

/*
 * A virtio "features" attribute: one '0'/'1' per bit, bit 0 first; 64 characters on 6.1,
 * 128 on 6.18. ret gets up to 128 bits, ret_nbits the length.
 */
int vd_parse_features(const char *s, uint64_t ret[2], unsigned int *ret_nbits);
static inline bool vd_feature_has(const uint64_t f[2], unsigned int bit)
{
	return bit < 128 && (f[bit / 64] >> (bit % 64)) & 1;
}

/* "pci:v00001AF4d00001053sv00001AF4sd00001053bc02sc80i00" */
struct vd_pci_modalias {
	uint32_t vendor, device, subvendor, subdevice;
	uint8_t base_class, sub_class, prog_if;
};
int vd_parse_pci_modalias(const char *s, struct vd_pci_modalias *ret);

/* "virtio:d00000013v00001AF4" */
int vd_parse_virtio_modalias(const char *s, uint32_t *ret_device, uint32_t *ret_vendor);

/* A PCI address. The canonical text is "%04x:%02x:%02x.%x", as sysfs names it. */
struct vd_bdf {
	uint32_t domain;
	uint8_t bus, dev, func;
};
/*
 * Strict: "DDDD:BB:DD.F" or, when allow_short, "BB:DD.F" (domain 0). Hex digits only,
 * device <= 0x1f, function <= 7. Nothing that could be a path ever passes.
 */
int vd_parse_bdf(const char *s, bool allow_short, struct vd_bdf *ret);
void vd_bdf_format(const struct vd_bdf *b, char *buf, size_t size);

/* "vvvv:dddd" as lspci -d writes it. */
int vd_parse_pci_id(const char *s, uint16_t *ret_vendor, uint16_t *ret_device);

/* "virtio3": returns the number. */
int vd_parse_virtio_name(const char *s, unsigned int *ret);

/* One line of a PCI "resource" file: "0x%016llx 0x%016llx 0x%016llx". */
struct vd_resource {
	uint64_t start, end, flags;
};
int vd_parse_resource_line(const char *line, struct vd_resource *ret);

/* Field n (0-based) of the space-separated line at p (never past its newline) into buf;
 * false when the line is shorter or the field does not fit. */
bool vd_parse_field(const char *p, int n, char *buf, size_t size);

#endif
