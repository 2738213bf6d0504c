/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- pure rules: a BAR that found no room, and the mechanism behind it */
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "vd/facts/pcicfg.h"

#define IORESOURCE_UNSET 0x20000000

/* Sized and typed, but no address: x86 (or probe-only) keeps the size, flags UNSET. */
static bool bar_unset(const struct vd_dev_ev *de, unsigned int b)
{
	const struct vd_resource *r = &de->bar[b];

	return de->have_bars &&
	       ((r->flags & IORESOURCE_UNSET) || (r->start == 0 && r->end > 0 && r->flags));
}

/* Structures the driver maps on BAR b (the pci_cfg window names BAR 0 but maps nothing). */
static unsigned int caps_on_bar(const struct vd_device *d, unsigned int b)
{
	unsigned int n = 0;

	for (size_t i = 0; d->cfg && i < d->cfg->n_caps; i++) {
		const struct vd_virtio_cap *c = &d->cfg->caps[i];

		n += c->bar == b && c->cfg_type >= VD_CAP_COMMON && c->cfg_type <= VD_CAP_DEVICE;
	}
	return n;
}

/*
 * Zeroed: start, end and flags all 0 where the device has a BAR. arm64 has no firmware
 * address to fall back to (pcibios_retrieve_fw_addr() is the weak 0), so a BAR that finds
 * no room is cleared by reset_resource(). The capabilities still point at it; without
 * them (non-root) a modern virtio function with no resource at all tells the same. The
 * config-space BAR register cannot tell: crosvm's 32-bit BAR0 left at 0 reads 0 as well.
 */
static bool bar_zeroed(const struct vd_device *d, const struct vd_dev_ev *de, unsigned int b)
{
	const struct vd_resource *r = &de->bar[b];
	bool caps_known = d->cfg_len >= 256 && d->cfg && !d->cfg->incomplete;

	if (!de->have_bars || r->start || r->end || r->flags)
		return false;
	/*
	 * One stray capability on a BAR the device does not have is a device-model bug (no
	 * common cap); the structures of a device model sit together on the BAR that was reset.
	 */
	if (caps_known)
		return caps_on_bar(d, b) >= (de->host_bridge[0] ? 1u : 2u);
	for (unsigned int i = 0; i < 6; i++)
		if (de->bar[i].start || de->bar[i].end || de->bar[i].flags)
			return false;
	return d->cls.modern && b == 0;
}

static bool bar_logged(const struct vd_dev_ev *de)
{
	static const enum vd_klog_kind kinds[] = {
		VD_KLOG_BAR_NOT_ASSIGNED,  VD_KLOG_BAR_NOT_CLAIMED, VD_KLOG_BAR_NO_SPACE,
		VD_KLOG_BAR_FAILED_ASSIGN, VD_KLOG_BAR_CANT_CLAIM,
	};

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (vd_rule_has_event(de, kinds[i], NULL))
			return true;
	return false;
}

/* Behind a device-tree host bridge the window is the device tree's: only the VMM grows it. */
static void remedy_window(const struct vd_dev_ev *de, struct vd_finding *f)
{
	if (de->host_bridge[0]) {
		REMEDY(f, "give the VM a larger 32-bit PCI memory window: the ranges of the host "
			  "bridge's device-tree node (VMM configuration)");
		REMEDY(f, "pci=realloc does not help here: 6.1's pci_host_probe() never reassigns "
			  "root-bus resources, and the window is fixed by the device tree");
	} else {
		REMEDY(f,
		       "boot with pci=realloc so the kernel re-sizes bridge windows, or give the "
		       "VM more MMIO space (hypervisor configuration)");
	}
}

bool vd_diagnose_bar(const struct vd_device *d, const struct vd_dev_ev *de,
		     const struct vd_sys_ev *se, struct vd_finding *f)
{
	bool probe_only = se->pci_probe_only || vd_rule_has_event(de, VD_KLOG_BAR_CANT_CLAIM, NULL);
	int zeroed = -1, unset = -1;
	char dir[400];

	for (unsigned int b = 0; b < 6; b++) {
		if (zeroed < 0 && bar_zeroed(d, de, b))
			zeroed = (int)b;
		else if (unset < 0 && bar_unset(de, b))
			unset = (int)b;
	}
	if (zeroed < 0 && unset < 0 && !bar_logged(de))
		return false;
	vd_rule_devdir(d, se, dir, sizeof(dir));
	if (zeroed >= 0)
		EVIDENCE(f,
			 "%s/resource: BAR %d reads 0 (start, end and flags) while the virtio "
			 "capabilities point at it: no room was found and the resource was reset",
			 dir, zeroed);
	if (unset >= 0)
		EVIDENCE(f, "%s/resource: BAR %d has a size but no address (flags 0x%llx)", dir,
			 unset, (unsigned long long)de->bar[unset].flags);
	if (de->host_bridge[0])
		EVIDENCE(f,
			 "PCI root bus under the platform device %s: a device-tree generic host "
			 "bridge (no firmware address to fall back to)",
			 de->host_bridge);
	if (se->pci_probe_only)
		EVIDENCE(f, "%s: \"PCI: OF: PROBE_ONLY enabled\"", se->klog_source);

	if (probe_only) {
		int b = unset >= 0 ? unset : zeroed >= 0 ? zeroed : 0;

		verdict(f, VD_V_PROBE_BAR_UNASSIGNED,
			"BAR %d lies in no host bridge window and the kernel runs in probe-only mode: "
			"it claims what the VMM programmed and assigns nothing, so pci_enable_device() "
			"fails (-EINVAL, probe -22; a bind answers EINVAL)",
			b);
		REMEDY(f,
		       "the VMM must program BAR %d inside the host bridge's ranges, or boot the "
		       "guest without linux,pci-probe-only in its device tree",
		       b);
		REMEDY(f, "pci=realloc is ignored in probe-only mode");
		return true;
	}
	if (zeroed >= 0) {
		verdict(f, VD_V_PROBE_BAR_UNASSIGNED,
			"BAR %d found no room and was zeroed: pci_enable_device() has nothing to "
			"enable, virtio-pci skips the common capability on a BAR of length 0 "
			"('leaving for legacy driver') and the probe ends in a silent -ENODEV (a bind "
			"answers ENODEV); the capabilities are intact",
			zeroed);
		remedy_window(de, f);
		return true;
	}
	if (unset >= 0)
		verdict(f, VD_V_PROBE_BAR_UNASSIGNED,
			"BAR %d is not assigned: pci_enable_device() fails before any virtio check "
			"(-EINVAL)",
			unset);
	else
		verdict(f, VD_V_PROBE_BAR_UNASSIGNED,
			"the kernel log says a BAR of the device has no address");
	remedy_window(de, f);
	return true;
}
