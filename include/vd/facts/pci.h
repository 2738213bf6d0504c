/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- config space of one function, read through the root-confined layer */
#ifndef VD_PCI_H
#define VD_PCI_H

#include <stddef.h>
#include <stdint.h>

#include "vd/base/parse.h"
#include "vd/base/sysfs.h"

/*
 * Read the standard config space (up to 256 bytes) of a function from
 * sys/bus/pci/devices/ADDR/config under the root, in one read(). Returns the number of
 * bytes readable: 256 as root, 64 for everyone else (the kernel's pci_read_config limit),
 * -EIO when the file holds less than the 64-byte header, -errno when it cannot be read
 * (-EINVAL: not a regular file). size must be at least 64.
 */
int vd_pci_read_config(struct vd_sysfs *s, const struct vd_bdf *b, uint8_t *buf, size_t size);

#endif
