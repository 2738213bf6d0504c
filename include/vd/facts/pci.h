/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- libpci adapter: config space of one function, under the root */
#ifndef VD_PCI_H
#define VD_PCI_H

#include <stddef.h>
#include <stdint.h>

#include "vd/base/parse.h"
#include "vd/base/sysfs.h"

struct vd_pci;

/*
 * libpci with method PCI_ACCESS_SYS_BUS_PCI (never AUTO: on a virtio-mmio guest it
 * would poke I/O ports) and sysfs.path under the root. On failure err holds libpci's
 * message.
 */
int vd_pci_open(struct vd_sysfs *s, struct vd_pci **ret, char *err, size_t errsz);
void vd_pci_free(struct vd_pci *p);

/*
 * Read the standard config space (up to 256 bytes) of a function. Returns the number of
 * bytes readable: 256 as root, 64 for everyone else (the kernel's pci_read_config limit),
 * -errno when the config file cannot be read at all.
 */
int vd_pci_read_config(struct vd_pci *p, const struct vd_bdf *b, uint8_t *buf, size_t size);

#endif
