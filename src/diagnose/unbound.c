/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- rules: a PCI function without a driver */
#include <string.h>

#include "rules.h"
#include "vd/base/strerror.h"

static void remedy_bind(const struct vd_device *d, struct vd_finding *f, const char *extra)
{
	REMEDY(f, "virtio-doctor bind %s%s", extra, d->name);
}

static void diagnose_no_pci_driver(const struct vd_device *d, const struct vd_dev_ev *de,
				   const struct vd_sys_ev *se, struct vd_finding *f)
{
	const struct vd_mod_ev *m = &se->virtio_pci;

	EVIDENCE(f, "%s/sys/bus/pci/drivers/virtio-pci: does not exist (driver not registered)",
		 se->root);
	vd_rule_mod_evidence(m, se, f);
	if (se->initcall_blacklisted) {
		EVIDENCE(f, "%s/proc/cmdline: initcall_blacklist=...virtio_pci_driver_init...",
			 se->root);
		verdict(f, VD_V_PCI_DRIVER_INITCALL_BLACKLISTED,
			"the kernel command line blacklists virtio-pci's init call");
		REMEDY(f, "remove virtio_pci_driver_init from initcall_blacklist= on the kernel "
			  "command line and reboot (a later modprobe fails with EPERM)");
		return;
	}
	if (m->kconfig_val == 'n') {
		verdict(f, VD_V_PCI_DRIVER_NOT_BUILT, "this kernel was built without virtio-pci");
		REMEDY(f, "use a kernel with CONFIG_VIRTIO_PCI=y (or =m and install its modules)");
		return;
	}
	if (m->info.cmdline_blacklisted || m->info.blacklisted || m->info.install_override) {
		verdict(f, VD_V_PCI_DRIVER_BLACKLISTED, "virtio_pci is %s",
			m->info.cmdline_blacklisted ? "blacklisted on the kernel command line"
			: m->info.install_override  ? "replaced by an install command in modprobe.d"
						    : "blacklisted in modprobe.d");
		REMEDY(f,
		       "remove the blacklist entry for virtio_pci, then run: virtio-doctor bind "
		       "%s",
		       d->name);
		return;
	}
	if (m->info.on_disk || m->kconfig_val == 'm') {
		if (!m->info.on_disk && se->kmod_index) {
			verdict(f, VD_V_PCI_DRIVER_MISSING,
				"virtio_pci is built as a module but this kernel's module tree lacks "
				"it");
			REMEDY(f,
			       "install the modules of the running kernel (Alpine: is the modloop "
			       "mounted?)");
			return;
		}
		if (!m->info.on_disk && !se->kmod_index) {
			EVIDENCE(f, "modules: %s", se->kmod_problem);
			verdict(f, VD_V_PCI_DRIVER_MISSING,
				"virtio_pci is a module (CONFIG_VIRTIO_PCI=m) but no module tree "
				"for this kernel is installed");
			REMEDY(f,
			       "install the modules of the running kernel (Alpine: mount the "
			       "modloop), then: virtio-doctor bind %s",
			       d->name);
			return;
		}
		verdict(f, VD_V_PCI_DRIVER_NOT_LOADED,
			"the virtio_pci module is installed but nothing loaded it");
		if (se->noautodetect)
			EVIDENCE(f,
				 "%s/proc/cmdline: noautodetect (Alpine's hwdrivers loads no "
				 "modules)",
				 se->root);
		REMEDY(f, "virtio-doctor bind %s (loads virtio_pci and binds)", d->name);
		REMEDY(f, "at boot: load virtio_pci from /etc/modules, or run OpenRC's hwdrivers");
		return;
	}
	verdict(f, VD_V_PCI_DRIVER_NOT_REGISTERED,
		"virtio-pci is not registered and neither the kernel config nor the module tree "
		"says why");
	if (!se->kconfig_loaded)
		UNCHECKED(f, "kernel config: no /proc/config.gz or /boot/config-RELEASE");
	if (!se->kmod_index)
		UNCHECKED(f, "modules: %s", se->kmod_problem);
	if (m->info.builtin || m->kconfig_val == 'y')
		REMEDY(f, "virtio-pci is built in yet did not register: read the kernel log from "
			  "boot for virtio_pci");
	else
		REMEDY(f, "modprobe virtio_pci, then: virtio-doctor bind %s", d->name);
	(void)de;
}

/* driver_override names another driver (or none): virtio-pci is never offered it. */
static bool override_blocks(const struct vd_device *d, const struct vd_dev_ev *de,
			    const struct vd_sys_ev *se, struct vd_finding *f)
{
	if (!de->have_override || !de->override[0] || !strcmp(de->override, VD_PCI_DRIVER))
		return false;
	EVIDENCE(f, "%s/sys/bus/pci/devices/%s/driver_override: '%s'", se->root, d->name,
		 de->override);
	if (!strcmp(de->override, "none")) {
		verdict(f, VD_V_OVERRIDE_NONE,
			"driver_override is 'none': the kernel lets no driver bind it");
	} else {
		verdict(f, VD_V_OVERRIDE_OTHER,
			"driver_override is '%s': only that driver may bind it", de->override);
	}
	REMEDY(f, "virtio-doctor bind --force %s (sets driver_override to virtio-pci)", d->name);
	REMEDY(f, "or clear it: echo > %s/sys/bus/pci/devices/%s/driver_override", se->root,
	       d->name);
	vd_rule_log_evidence(de, se, f);
	return true;
}

/* Automatic probing off, for the bus or for the VFs of this function's PF. */
static bool autoprobe_off(const struct vd_device *d, const struct vd_dev_ev *de,
			  const struct vd_sys_ev *se, struct vd_finding *f)
{
	if (se->pci_autoprobe != 0 && !(de->is_vf && de->pf_autoprobe == 0))
		return false;
	if (se->pci_autoprobe == 0)
		EVIDENCE(f, "%s/sys/bus/pci/drivers_autoprobe: 0", se->root);
	else
		EVIDENCE(f, "%s/sys/bus/pci/devices/%s/physfn/sriov_drivers_autoprobe: 0", se->root,
			 d->name);
	verdict(f, VD_V_AUTOPROBE_DISABLED,
		"automatic probing is disabled, so virtio-pci was never offered the device");
	remedy_bind(d, f, "");
	vd_rule_log_evidence(de, se, f);
	return true;
}

/* What the kernel logged about the probe, when config space did not decide. */
static bool probe_logged(const struct vd_device *d, const struct vd_dev_ev *de,
			 struct vd_finding *f)
{
	size_t ev;

	if (vd_rule_has_event(de, VD_KLOG_MISSING_CAPS, NULL)) {
		verdict(f, VD_V_PROBE_MISSING_CAPS,
			"the kernel log says the ISR or notify capability is missing (-EINVAL)");
		REMEDY(f, "fix the device model in the hypervisor");
		return true;
	}
	if (vd_rule_has_event(de, VD_KLOG_BAD_CAP, NULL)) {
		verdict(f, VD_V_PROBE_BAD_CAP,
			"the kernel log shows a virtio capability that does not map (-EINVAL)");
		REMEDY(f, "fix the capability layout in the hypervisor's device model");
		return true;
	}
	if (vd_rule_has_event(de, VD_KLOG_LEAVING_LEGACY, NULL) && d->cls.modern) {
		verdict(f, VD_V_PROBE_NO_COMMON_CAP,
			"virtio-pci found no usable common capability ('leaving for legacy "
			"driver'); the legacy path cannot take a modern ID");
		REMEDY(f, "fix the device model in the hypervisor (common capability, BAR)");
		return true;
	}
	if (vd_rule_has_event(de, VD_KLOG_PROBE_FAILED, &ev)) {
		int e = de->events[ev].error;

		verdict(f, VD_V_PROBE_FAILED, "virtio-pci's probe failed with %d (%s)", e,
			vd_rule_errno_name(e));
		remedy_bind(d, f, "");
		return true;
	}
	return false;
}

/* Nothing explains it: a silent -ENODEV, and what could not be checked. */
static void probe_rejected(const struct vd_device *d, const struct vd_sys_ev *se,
			   struct vd_finding *f)
{
	verdict(f, VD_V_PROBE_REJECTED,
		"nothing keeps virtio-pci from matching, yet it holds nothing: its probe most "
		"likely returned -ENODEV, which the kernel logs only at debug level");
	if (d->cfg_len > 0 && d->cfg_len < 256)
		UNCHECKED(f, "virtio capabilities: config space beyond 64 bytes needs root");
	else if (d->cfg_len < 0)
		UNCHECKED(f, "virtio capabilities: %s/sys/bus/pci/devices/%s/config is unreadable",
			  se->root, d->name);
	if (se->klog_err)
		UNCHECKED(f, "kernel log: %s (%s)", se->klog_source, vd_strerror(-se->klog_err));
	REMEDY(f, "virtio-doctor bind %s (the bind write returns the probe's errno)", d->name);
	REMEDY(f, "boot with dyndbg=\"file drivers/base/dd.c +p\" to see 'rejects match'");
}

void vd_diagnose_unbound_pci(const struct vd_device *d, const struct vd_dev_ev *de,
			     const struct vd_sys_ev *se, struct vd_finding *f)
{
	EVIDENCE(f, "%s/sys/bus/pci/devices/%s/driver: no link (no driver bound)", se->root,
		 d->name);
	if (!se->virtio_pci.registered) {
		diagnose_no_pci_driver(d, de, se, f);
		vd_rule_log_evidence(de, se, f);
		return;
	}
	EVIDENCE(f,
		 "%s/sys/bus/pci/drivers/virtio-pci: registered; its ID table matches every "
		 "1af4 device (new_id would answer EEXIST, so new_id cannot help)",
		 se->root);
	if (override_blocks(d, de, se, f) || autoprobe_off(d, de, se, f))
		return;
	vd_rule_log_evidence(de, se, f);
	if (vd_diagnose_bar(d, de, se, f) || vd_diagnose_caps(d, de, se, f) ||
	    probe_logged(d, de, f))
		return;
	probe_rejected(d, se, f);
}
