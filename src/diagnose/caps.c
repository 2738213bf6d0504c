/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- rules: the virtio capabilities in config space decide a probe */
#include <stdio.h>

#include "rules.h"
#include "vd/facts/pcicfg.h"

/* The kernel's virtio_pci_find_capability(): a BAR below 6 with a size and IO/MEM type. */
#define IORESOURCE_IO 0x100
#define IORESOURCE_MEM 0x200

static bool bar_usable(const struct vd_dev_ev *de, unsigned int bar)
{
	const struct vd_resource *r;

	if (bar > 5)
		return false;
	if (!de->have_bars)
		return true; /* unknown: don't accuse */
	r = &de->bar[bar];
	return r->end > r->start && (r->flags & (IORESOURCE_IO | IORESOURCE_MEM));
}

static const struct vd_virtio_cap *usable_cap(const struct vd_device *d, const struct vd_dev_ev *de,
					      uint8_t type)
{
	for (size_t i = 0; i < d->cfg->n_caps; i++) {
		const struct vd_virtio_cap *c = &d->cfg->caps[i];

		if (c->cfg_type == type && bar_usable(de, c->bar))
			return c;
	}
	return NULL;
}

static void cap_evidence(const struct vd_device *d, const struct vd_sys_ev *se,
			 struct vd_finding *f)
{
	char list[256] = "";
	size_t len = 0;

	for (size_t i = 0; i < d->cfg->n_caps && len < sizeof(list) - 40; i++) {
		const struct vd_virtio_cap *c = &d->cfg->caps[i];
		const char *n = vd_virtio_cfg_type_name(c->cfg_type);

		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s@bar%u",
					len ? " " : "", n ? n : "?", c->bar);
	}
	EVIDENCE(f, "%s/sys/bus/pci/devices/%s/config: virtio capabilities: %s", se->root, d->name,
		 d->cfg->n_caps ? list : "none");
}

/*
 * No usable common capability: a modern-only ID cannot go the legacy way; a legacy one
 * needs revision 0 and a kernel with legacy support. false when neither decides.
 */
static bool no_common_cap(const struct vd_device *d, const struct vd_sys_ev *se,
			  struct vd_finding *f)
{
	bool legacy_range = d->cls.virtio && !d->cls.modern;

	if (!legacy_range) {
		verdict(f, VD_V_PROBE_NO_COMMON_CAP,
			"device %04x is modern-only but has no usable common capability: "
			"virtio-pci leaves it for the legacy driver, which cannot take IDs "
			"above 0x103f",
			d->device);
		REMEDY(f, "fix the device model in the hypervisor: a modern virtio PCI "
			  "device must expose common, notify and ISR capabilities");
		return true;
	}
	if (d->have_rev && d->revision != 0) {
		EVIDENCE(f, "%s/sys/bus/pci/devices/%s/revision: 0x%02x (legacy needs 0x00)",
			 se->root, d->name, d->revision);
		verdict(f, VD_V_LEGACY_REVISION,
			"no virtio capabilities and revision %02x: the legacy path only takes "
			"revision 0",
			d->revision);
		REMEDY(f, "give the device modern virtio capabilities, or revision 0 for "
			  "legacy use (hypervisor configuration)");
		return true;
	}
	if (se->kc_virtio_pci_legacy == 'n') {
		EVIDENCE(f, "%s: CONFIG_VIRTIO_PCI_LEGACY is not set", se->kconfig_source);
		verdict(f, VD_V_LEGACY_UNSUPPORTED,
			"legacy-only device, and this kernel has no legacy virtio-pci support");
		REMEDY(f, "build the kernel with CONFIG_VIRTIO_PCI_LEGACY=y, or enable the "
			  "modern interface in the hypervisor (QEMU: disable-modern=off)");
		return true;
	}
	return false;
}

/*
 * vp_modern_map_capability() maps at least a minimum per type (common: the 56-byte
 * virtio_pci_common_cfg, ISR 1, notify 2) and trims longer lengths to the BAR: only a
 * capability shorter than its minimum, or whose offset + minimum leaves the BAR, fails.
 */
static bool cap_does_not_map(const struct vd_device *d, const struct vd_dev_ev *de,
			     struct vd_finding *f)
{
	for (size_t i = 0; i < d->cfg->n_caps; i++) {
		static const uint32_t min_len[] = {
			[VD_CAP_COMMON] = 56, [VD_CAP_NOTIFY] = 2, [VD_CAP_ISR] = 1, [VD_CAP_DEVICE] = 0
		};
		const struct vd_virtio_cap *c = &d->cfg->caps[i];
		const struct vd_resource *r;
		uint64_t size;
		uint32_t min;

		if (c->bar > 5 || !de->have_bars || c->cfg_type < VD_CAP_COMMON ||
		    c->cfg_type > VD_CAP_DEVICE)
			continue;
		min = min_len[c->cfg_type];
		r = &de->bar[c->bar];
		size = r->end > r->start ? r->end - r->start + 1 : 0;
		if (c->length < min) {
			verdict(f, VD_V_PROBE_BAD_CAP,
				"the %s capability is %u bytes long, less than the %u the driver maps "
				"(-EINVAL)",
				vd_virtio_cfg_type_name(c->cfg_type), c->length, min);
			REMEDY(f, "fix the capability layout in the hypervisor's device model");
			return true;
		}
		if (size && (uint64_t)c->offset + min > size) {
			EVIDENCE(f,
				 "capability %s at 0x%02x: offset 0x%x + %u bytes passes the end "
				 "of BAR %u (0x%llx bytes)",
				 vd_virtio_cfg_type_name(c->cfg_type), c->pos, c->offset, min,
				 c->bar, (unsigned long long)size);
			verdict(f, VD_V_PROBE_BAD_CAP,
				"a virtio capability lies outside its BAR: virtio-pci's map fails "
				"(-EINVAL)");
			REMEDY(f, "fix the capability layout in the hypervisor's device model");
			return true;
		}
	}
	return false;
}

bool vd_diagnose_caps(const struct vd_device *d, const struct vd_dev_ev *de,
		      const struct vd_sys_ev *se, struct vd_finding *f)
{
	const struct vd_virtio_cap *common, *isr, *notify;

	if (d->cfg_len < 256 || d->cfg->incomplete || d->cfg->loop)
		return false;
	cap_evidence(d, se, f);
	common = usable_cap(d, de, VD_CAP_COMMON);
	if (!common) {
		if (vd_pcicfg_find(d->cfg, VD_CAP_COMMON))
			EVIDENCE(f, "the common capability points to an unusable BAR (index > 5, "
				    "zero size, or neither I/O nor memory)");
		return no_common_cap(d, se, f);
	}
	if (common->cap_len < 16) {
		verdict(f, VD_V_PROBE_BAD_CAP,
			"the common capability is %u bytes long, less than 16: -EINVAL",
			common->cap_len);
		REMEDY(f, "fix the capability layout in the hypervisor's device model");
		return true;
	}
	isr = usable_cap(d, de, VD_CAP_ISR);
	notify = usable_cap(d, de, VD_CAP_NOTIFY);
	if (!isr || !notify) {
		verdict(f, VD_V_PROBE_MISSING_CAPS,
			"common capability present but %s missing: virtio-pci fails with -EINVAL "
			"(\"missing capabilities\")",
			!isr && !notify ? "ISR and notify"
			: !isr		? "ISR"
					: "notify");
		REMEDY(f, "fix the device model in the hypervisor: ISR and notify capabilities "
			  "are required");
		return true;
	}
	return cap_does_not_map(d, de, f);
}
