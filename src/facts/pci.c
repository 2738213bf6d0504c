/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- config space of one function, read through the root-confined layer */
#include <errno.h>
#include <stdio.h>

#include "vd/facts/pci.h"

int vd_pci_read_config(struct vd_sysfs *s, const struct vd_bdf *b, uint8_t *buf, size_t size)
{
	char path[128];
	int n;

	if (size < 64)
		return -EINVAL;
	snprintf(path, sizeof(path), "sys/bus/pci/devices/%04x:%02x:%02x.%x/config", b->domain,
		 b->bus, b->dev, b->func);
	/*
	 * One read of the header and the capability area: the kernel's config file gives 64
	 * bytes to everyone but root, 256 or 4096 to root. Anything between is a truncated
	 * capture and counts as its header only, as before (a read of 64, then of 192).
	 */
	n = vd_sysfs_read_bin(s, path, buf, size < 256 ? 64 : 256);
	if (n < 0)
		return n;
	if (n >= 256)
		return 256;
	return n >= 64 ? 64 : -EIO;
}
