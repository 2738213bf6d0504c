/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- libpci adapter: config space of one function, under the root */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>

#include "vd/facts/pci.h"

struct vd_pci {
	struct pci_access *pa;
	struct vd_sysfs *s;
};

/*
 * libpci's error hook takes no context and must not return, so the only way back is a
 * longjmp to a file-scope jump buffer. The tool is single-threaded; every libpci call is
 * made inside a setjmp below.
 */
static jmp_buf pci_jump;
static char pci_errmsg[256];

static void PCI_NONRET VD_PRINTF(1, 2) pci_error_hook(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pci_errmsg, sizeof(pci_errmsg), fmt, ap);
	va_end(ap);
	longjmp(pci_jump, 1);
}

/* Warnings such as "Cannot open .../config" are answered by our own return codes. */
static void VD_PRINTF(1, 2) pci_quiet_hook(char *fmt, ...)
{
	(void)fmt;
}

int vd_pci_open(struct vd_sysfs *s, struct vd_pci **ret, char *err, size_t errsz)
{
	struct vd_pci *p;
	char path[4096];
	const char *root = vd_sysfs_root(s);

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->s = s;
	snprintf(path, sizeof(path), "%s/sys/bus/pci", vd_sysfs_is_live(s) ? "" : root);
	if (setjmp(pci_jump)) {
		if (err)
			snprintf(err, errsz, "libpci: %s", pci_errmsg);
		if (p->pa)
			pci_cleanup(p->pa);
		free(p);
		return -EIO;
	}
	p->pa = pci_alloc();
	p->pa->error = pci_error_hook;
	p->pa->warning = pci_quiet_hook;
	p->pa->debug = pci_quiet_hook;
	p->pa->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_set_param(p->pa, "sysfs.path", path);
	pci_init(p->pa);
	*ret = p;
	return 0;
}

void vd_pci_free(struct vd_pci *p)
{
	if (!p)
		return;
	if (!setjmp(pci_jump))
		pci_cleanup(p->pa);
	free(p);
}

int vd_pci_read_config(struct vd_pci *p, const struct vd_bdf *b, uint8_t *buf, size_t size)
{
	struct pci_dev *volatile d = NULL;
	char path[128];
	volatile int len = 0;
	int r;

	if (size < 64)
		return -EINVAL;
	/*
	 * libpci opens the file itself and follows any symlink: first make sure, through
	 * the root-confined layer, that it is a regular file inside the root (a FIFO would
	 * block, a link could leave the root).
	 */
	snprintf(path, sizeof(path), "sys/bus/pci/devices/%04x:%02x:%02x.%x/config", b->domain,
		 b->bus, b->dev, b->func);
	r = vd_sysfs_read_bin(p->s, path, buf, 0);
	if (r < 0)
		return r;
	if (setjmp(pci_jump)) {
		if (d)
			pci_free_dev(d);
		return -EIO;
	}
	d = pci_get_dev(p->pa, (int)b->domain, b->bus, b->dev, b->func);
	if (!d)
		return -ENOMEM;
	if (pci_read_block(d, 0, buf, 64)) {
		len = 64;
		if (size >= 256 && pci_read_block(d, 64, buf + 64, 192))
			len = 256;
	}
	pci_free_dev(d);
	return len ? len : -EIO;
}
