/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- pure rules: a virtio-mmio transport without driver, or a waiting group */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "vd/base/strerror.h"

/*
 * Who waits for virtio-mmio: the group row speaks for every transport, a transport named
 * on the command line for itself.
 */
static void waiting(const struct vd_device *d, const struct vd_sys_ev *se, struct vd_finding *f,
		    char *who, size_t size)
{
	if (d->group > 1) {
		EVIDENCE(f,
			 "%s/sys/bus/platform/devices: %u virtio-mmio transports without a driver "
			 "(%s ... %s)",
			 se->root, d->group, d->group_first, d->group_last);
		snprintf(who, size, "%u virtio-mmio transports wait for it", d->group);
	} else if (d->group) {
		EVIDENCE(f, "%s/sys/bus/platform/devices/%s/driver: no link", se->root,
			 d->group_first);
		snprintf(who, size, "the transport %s waits for it", d->group_first);
	} else {
		EVIDENCE(f, "%s/sys/bus/platform/devices/%s/driver: no link", se->root, d->name);
		snprintf(who, size, "%s waits for it", d->name);
	}
}

/* The transport driver is not registered: mirrors the virtio-pci rules. */
static void no_mmio_driver(const struct vd_device *d, const struct vd_sys_ev *se,
			   struct vd_finding *f)
{
	const struct vd_mod_ev *m = &se->virtio_mmio;
	const bool builtin = m->info.builtin || m->kconfig_val == 'y';
	char who[160];

	waiting(d, se, f, who, sizeof(who));
	EVIDENCE(f,
		 "%s/sys/bus/platform/drivers/virtio-mmio: does not exist (driver not "
		 "registered)",
		 se->root);
	vd_rule_mod_evidence(m, se, f);
	if (se->mmio_initcall_blacklisted) {
		EVIDENCE(f, "%s/proc/cmdline: initcall_blacklist=...virtio_mmio_init...", se->root);
		verdict(f, VD_V_MMIO_DRIVER_INITCALL_BLACKLISTED,
			"the kernel command line blacklists virtio-mmio's init call: %s", who);
		REMEDY(f, "remove virtio_mmio_init from initcall_blacklist= on the kernel command "
			  "line and reboot (a later modprobe fails with EPERM)");
		return;
	}
	if (m->kconfig_val == 'n') {
		verdict(f, VD_V_MMIO_DRIVER_NOT_BUILT,
			"this kernel was built without virtio-mmio: %s", who);
		REMEDY(f, "use a kernel with CONFIG_VIRTIO_MMIO=y (or =m and install its modules)");
		return;
	}
	/* a blacklist keeps a module from loading; a built-in driver never loads */
	if (!builtin && m->info.cmdline_blacklisted) {
		verdict(f, VD_V_MMIO_DRIVER_BLACKLISTED,
			"virtio_mmio is blacklisted on the kernel command line: %s", who);
		REMEDY(f,
		       "remove virtio_mmio from module_blacklist= (or modprobe.blacklist=) on "
		       "the kernel command line and reboot: until then the kernel refuses to load it");
		return;
	}
	if (!builtin && (m->info.blacklisted || m->info.install_override)) {
		verdict(f, VD_V_MMIO_DRIVER_BLACKLISTED, "virtio_mmio is %s: %s",
			m->info.install_override ? "replaced by an install command in modprobe.d"
						 : "blacklisted in modprobe.d",
			who);
		REMEDY(f,
		       "remove the modprobe.d entry for virtio_mmio, then run: virtio-doctor bind "
		       "virtio-mmio (loads it; its registration probes every transport)");
		return;
	}
	if (!builtin && (m->info.on_disk || m->kconfig_val == 'm')) {
		if (!m->info.on_disk) {
			if (!se->kmod_index)
				EVIDENCE(f, "libkmod: %s", se->kmod_problem);
			verdict(f, VD_V_MMIO_DRIVER_MISSING,
				"virtio_mmio is a module of this kernel but is not installed: %s",
				who);
			REMEDY(f, "install the modules of the running kernel, then: virtio-doctor "
				  "bind virtio-mmio");
			return;
		}
		verdict(f, VD_V_MMIO_DRIVER_NOT_LOADED,
			"the virtio_mmio module is installed but nothing loaded it: %s", who);
		REMEDY(f, "virtio-doctor bind virtio-mmio (loads virtio_mmio; its registration "
			  "probes every transport)");
		REMEDY(f, "at boot: load virtio_mmio from /etc/modules (or the initramfs)");
		return;
	}
	verdict(f, VD_V_MMIO_UNBOUND,
		"virtio-mmio is not registered and neither the kernel config nor the module tree "
		"says why: %s",
		who);
	if (!se->kconfig_loaded)
		UNCHECKED(f, "kernel config: no /proc/config.gz or /boot/config-RELEASE");
	if (!se->kmod_index)
		UNCHECKED(f, "modules: %s", se->kmod_problem);
	if (builtin)
		REMEDY(f, "virtio-mmio is built in yet did not register: read the boot log for "
			  "virtio_mmio");
	else
		REMEDY(f, "modprobe virtio_mmio, then: virtio-doctor bind virtio-mmio");
}

/* A probe failure, a foreign magic or version: the log names the transport. */
static bool probe_logged(const struct vd_dev_ev *de, struct vd_finding *f)
{
	size_t ev;

	if (vd_rule_has_event(de, VD_KLOG_MMIO_REJECTED, &ev)) {
		verdict(f, VD_V_MMIO_UNBOUND,
			"virtio-mmio rejected the transport: no virtio device answers there (wrong "
			"magic value or an unsupported version)");
		REMEDY(f, "fix the device tree, ACPI table or virtio_mmio.device= entry that "
			  "declares this transport (hypervisor configuration)");
		return true;
	}
	if (vd_rule_has_event(de, VD_KLOG_PROBE_FAILED, &ev)) {
		verdict(f, VD_V_MMIO_UNBOUND, "virtio-mmio's probe failed with %d (%s)",
			de->events[ev].error, vd_rule_errno_name(de->events[ev].error));
		REMEDY(f, "read the kernel log around the transport; the hypervisor's device model "
			  "or its declaration is the likely cause");
		return true;
	}
	return false;
}

void vd_diagnose_mmio_transport(const struct vd_device *d, const struct vd_dev_ev *de,
				const struct vd_sys_ev *se, struct vd_finding *f)
{
	char dir[400];

	if (d->group || d->in_group || !se->virtio_mmio.registered) {
		no_mmio_driver(d, se, f);
		return;
	}
	vd_rule_devdir(d, se, dir, sizeof(dir));
	if (d->state == VD_STATE_EMPTY) {
		EVIDENCE(f, "%s/driver: no link, and no virtio device under it", dir);
		EVIDENCE(f,
			 "%s/sys/bus/platform/drivers/virtio-mmio: registered; nothing in %s "
			 "says its probe of %s failed",
			 se->root, se->klog_source, d->name);
		verdict(f, VD_V_MMIO_EMPTY,
			"an empty virtio-mmio slot: virtio-mmio's probe found device ID 0 (a "
			"placeholder) and left it without a word");
		if (se->klog_err)
			UNCHECKED(f, "kernel log: %s (%s): a failed probe would be logged there",
				  se->klog_source, vd_strerror(-se->klog_err));
		return;
	}
	EVIDENCE(f, "%s/driver: no link (no driver bound)", dir);
	EVIDENCE(f, "%s/sys/bus/platform/drivers/virtio-mmio: registered", se->root);
	vd_rule_log_evidence(de, se, f);
	if (de->have_override && de->override[0] && strcmp(de->override, VD_MMIO_DRIVER)) {
		EVIDENCE(f, "%s/driver_override: '%s'", dir, de->override);
		if (!strcmp(de->override, "none"))
			verdict(f, VD_V_OVERRIDE_NONE,
				"driver_override is 'none': the kernel lets no driver bind it");
		else
			verdict(f, VD_V_OVERRIDE_OTHER,
				"driver_override is '%s': only that driver may bind it",
				de->override);
		REMEDY(f, "virtio-doctor bind --force %s (sets driver_override to virtio-mmio)",
		       d->name);
		REMEDY(f, "or clear it: echo > %s/driver_override", dir);
		return;
	}
	if (se->platform_autoprobe == 0) {
		EVIDENCE(f, "%s/sys/bus/platform/drivers_autoprobe: 0", se->root);
		verdict(f, VD_V_AUTOPROBE_DISABLED,
			"automatic probing is disabled, so virtio-mmio was never offered the "
			"transport");
		REMEDY(f, "virtio-doctor bind %s", d->name);
		return;
	}
	if (probe_logged(de, f))
		return;
	verdict(f, VD_V_MMIO_UNBOUND, "no driver holds the virtio-mmio transport %s", d->name);
	REMEDY(f, "virtio-doctor bind %s (the bind write returns the probe's errno)", d->name);
}
