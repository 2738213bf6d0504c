/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- walk a config-space blob for virtio capabilities (pure) */
#include <errno.h>
#include <string.h>

#include "vd/facts/pcicfg.h"

#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_HEADER_TYPE 0x0e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_CB_CAPABILITY_LIST 0x14
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_MSIX 0x11
#define PCI_STD_HEADER_END 0x40
#define PCI_CFG_SPACE 256

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int vd_pcicfg_parse(const uint8_t *cfg, size_t len, struct vd_pcicfg *ret)
{
	struct vd_pcicfg c;
	uint8_t seen[PCI_CFG_SPACE / 8] = { 0 };
	unsigned int pos;

	if (len < PCI_STD_HEADER_END)
		return -ENODATA;
	memset(&c, 0, sizeof(c));
	c.len = len;
	c.vendor = le16(cfg + 0x00);
	c.device = le16(cfg + 0x02);
	c.revision = cfg[0x08];
	c.subvendor = le16(cfg + 0x2c);
	c.subdevice = le16(cfg + 0x2e);
	c.has_cap_list = le16(cfg + PCI_STATUS) & PCI_STATUS_CAP_LIST;
	if (!c.has_cap_list)
		goto done;

	pos = (cfg[PCI_HEADER_TYPE] & 0x7f) == 2 ? cfg[PCI_CB_CAPABILITY_LIST]
						 : cfg[PCI_CAPABILITY_LIST];
	/* Linux's __pci_find_next_cap_ttl: pointers are dword aligned, 0 ends the list */
	while ((pos &= ~3u) != 0) {
		uint8_t id;

		if (pos < PCI_STD_HEADER_END) {
			c.bad_pointer = true;
			break;
		}
		if (seen[pos / 8] & (1u << (pos % 8))) {
			c.loop = true;
			break;
		}
		seen[pos / 8] |= (uint8_t)(1u << (pos % 8));
		if (pos + 2 > len) {
			c.incomplete = true;
			break;
		}
		id = cfg[pos];
		if (id == 0xff)
			break;
		if (id == PCI_CAP_ID_MSIX)
			c.has_msix = true;
		if (id == PCI_CAP_ID_VNDR) {
			struct vd_virtio_cap *v;

			/* a virtio_pci_cap is 16 bytes; a shorter one still counts, with its len */
			if (pos + 16 > len && pos + 16 <= PCI_CFG_SPACE) {
				c.incomplete = true;
				break;
			}
			if (pos + 16 > PCI_CFG_SPACE) {
				c.bad_pointer = true;
				break;
			}
			if (c.n_caps < VD_PCICFG_MAX_CAPS) {
				v = &c.caps[c.n_caps++];
				v->pos = (uint8_t)pos;
				v->cap_len = cfg[pos + 2];
				v->cfg_type = cfg[pos + 3];
				v->bar = cfg[pos + 4];
				v->id = cfg[pos + 5];
				v->offset = le32(cfg + pos + 8);
				v->length = le32(cfg + pos + 12);
			}
		}
		pos = cfg[pos + 1];
	}
done:
	*ret = c;
	return 0;
}

const struct vd_virtio_cap *vd_pcicfg_find(const struct vd_pcicfg *c, uint8_t cfg_type)
{
	for (size_t i = 0; i < c->n_caps; i++)
		if (c->caps[i].cfg_type == cfg_type)
			return &c->caps[i];
	return NULL;
}

const char *vd_virtio_cfg_type_name(uint8_t cfg_type)
{
	switch (cfg_type) {
	case VD_CAP_COMMON:
		return "common";
	case VD_CAP_NOTIFY:
		return "notify";
	case VD_CAP_ISR:
		return "isr";
	case VD_CAP_DEVICE:
		return "device";
	case VD_CAP_PCI_CFG:
		return "pci_cfg";
	case VD_CAP_SHM:
		return "shm";
	case VD_CAP_VENDOR:
		return "vendor";
	default:
		return NULL;
	}
}
