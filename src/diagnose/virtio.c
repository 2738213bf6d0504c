/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- rules: the virtio level, a transport bound but its device not running */
#include <errno.h>
#include <string.h>

#include "rules.h"
#include "vd/base/strerror.h"

/*
 * force_legacy makes virtio-pci try the legacy probe first: a transitional device then
 * runs legacy (no VERSION_1). A modern-only ID fails that probe with -ENODEV and the
 * modern one takes it (6.1 and later), so the parameter is never why a device is unbound.
 */
void vd_rule_force_legacy_note(const struct vd_device *d, const struct vd_sys_ev *se,
			       struct vd_finding *f)
{
	if (se->force_legacy != 'Y' || d->bus != VD_BUS_PCI || d->cls.modern ||
	    d->transport != VD_TRANSPORT_TRANSITIONAL || !d->have_features ||
	    vd_feature_has(d->features, VD_F_VERSION_1))
		return;
	EVIDENCE(f,
		 "%s/sys/module/virtio_pci/parameters/force_legacy: Y: this transitional device "
		 "runs in legacy mode (no VIRTIO_F_VERSION_1) because of virtio_pci.force_legacy=1",
		 se->root);
}

static bool other_vsock_bound(const struct vd_device *d, const struct vd_sys_ev *se)
{
	return d->type_id == VD_VIRTIO_ID_VSOCK && se->vsock_bound > 0 && !d->driver[0];
}

void vd_rule_vsock_evidence(const struct vd_sys_ev *se, struct vd_finding *f)
{
	if (se->vsock_err == 0)
		EVIDENCE(f, "%s/dev/vsock: IOCTL_VM_SOCKETS_GET_LOCAL_CID answers %u%s", se->root,
			 se->vsock_cid,
			 se->vsock_cid == 0xffffffffu
				 ? " (VMADDR_CID_ANY: no transport has a device)"
			 : se->vsock_cid >= 3 ? " (a guest CID: vsock works)"
					      : "");
	else if (se->vsock_err == -ENOENT && !se->root[0])
		EVIDENCE(f, "/dev/vsock: absent (the vsock core is not loaded)");
	if (se->vmci_loaded)
		EVIDENCE(f, "%s/sys/module/vmw_vsock_vmci_transport: loaded", se->root);
	if (se->hv_sock_loaded)
		EVIDENCE(f, "%s/sys/module/hv_sock: loaded", se->root);
}

/* Both links, the status and the log: evidence whatever the verdict. */
static void virtio_evidence(const struct vd_device *d, const struct vd_dev_ev *de,
			    const struct vd_sys_ev *se, struct vd_finding *f)
{
	char dir[400];

	EVIDENCE(f, "%s/driver -> %s", vd_rule_devdir(d, se, dir, sizeof(dir)), d->pcidrv);
	if (d->have_status)
		EVIDENCE(f, "%s/sys/bus/virtio/devices/%s/status: 0x%08x", se->root, d->virtio,
			 d->status);
	if (d->driver[0])
		EVIDENCE(f, "%s/sys/bus/virtio/devices/%s/driver -> %s", se->root, d->virtio,
			 d->driver);
	else
		EVIDENCE(f, "%s/sys/bus/virtio/devices/%s/driver: no link", se->root, d->virtio);
	vd_rule_log_evidence(de, se, f);
	if (d->type_id == VD_VIRTIO_ID_VSOCK)
		vd_rule_vsock_evidence(se, f);
	vd_rule_force_legacy_note(d, se, f);
}

/* Feature negotiation failed: the log says which side lacks what. false if it does not. */
static bool features_failed(const struct vd_dev_ev *de, struct vd_finding *f)
{
	if (vd_rule_has_event(de, VD_KLOG_NEEDS_ACCESS_PLATFORM, NULL)) {
		verdict(f, VD_V_VIRTIO_NEEDS_ACCESS_PLATFORM,
			"this guest needs VIRTIO_F_ACCESS_PLATFORM (protected/CoCo guest) "
			"and the device does not offer it");
		REMEDY(f, "offer ACCESS_PLATFORM from the hypervisor (crosvm: protected VM "
			  "mode; QEMU: iommu_platform=on)");
		return true;
	}
	if (vd_rule_has_event(de, VD_KLOG_NEEDS_VERSION_1, NULL) ||
	    vd_rule_has_event(de, VD_KLOG_MODERN_NO_VERSION_1, NULL)) {
		verdict(f, VD_V_VIRTIO_NEEDS_VERSION_1,
			"the device does not offer VIRTIO_F_VERSION_1, which this path needs");
		REMEDY(f, "offer VIRTIO_F_VERSION_1 from the hypervisor's device model");
		return true;
	}
	if (vd_rule_has_event(de, VD_KLOG_REFUSES_FEATURES, NULL)) {
		verdict(f, VD_V_VIRTIO_FEATURES_REFUSED,
			"the device cleared FEATURES_OK: it refused the driver's features");
		REMEDY(f, "compare the features the hypervisor offers with what the driver "
			  "needs; update the device model or the kernel");
		return true;
	}
	return false;
}

/* Status FAILED: a virtio driver's probe failed. */
static void status_failed(const struct vd_device *d, const struct vd_dev_ev *de,
			  const struct vd_sys_ev *se, struct vd_finding *f)
{
	size_t ev;

	if (features_failed(de, f))
		return;
	if (d->type_id == VD_VIRTIO_ID_VSOCK &&
	    (se->vsock_bound > 0 || (vd_rule_has_event(de, VD_KLOG_PROBE_FAILED, &ev) &&
				     de->events[ev].error == -EBUSY))) {
		verdict(f, VD_V_VSOCK_SECOND_DEVICE,
			"another virtio vsock device already holds the transport: only one "
			"is supported (-EBUSY)");
		REMEDY(f, "give the guest a single vsock device");
		return;
	}
	if (vd_rule_has_event(de, VD_KLOG_PROBE_FAILED, &ev))
		verdict(f, VD_V_VIRTIO_PROBE_FAILED, "%s's probe failed with %d (%s)",
			de->events[ev].driver[0] ? de->events[ev].driver : "the driver",
			de->events[ev].error, vd_rule_errno_name(de->events[ev].error));
	else
		verdict(f, VD_V_VIRTIO_PROBE_FAILED,
			"a virtio driver's probe failed (status FAILED) and the log does not "
			"say why");
	if (se->klog_err)
		UNCHECKED(f, "kernel log: %s (%s)", se->klog_source, vd_strerror(-se->klog_err));
	REMEDY(f, "read the kernel log around %s; rebind with: virtio-doctor bind --force %s",
	       d->virtio, d->name);
}

/* Another vsock transport or device holds what virtio's vsock needs. */
static bool vsock_taken(const struct vd_device *d, const struct vd_sys_ev *se,
			const struct vd_virtio_type *t, bool builtin, struct vd_finding *f)
{
	if (d->type_id == VD_VIRTIO_ID_VSOCK && (se->vmci_loaded || se->hv_sock_loaded)) {
		verdict(f, VD_V_VSOCK_COMPETING_TRANSPORT,
			"%s is loaded and holds the guest-to-host vsock slot, so virtio's transport "
			"cannot register",
			se->vmci_loaded ? "vmw_vsock_vmci_transport" : "hv_sock");
		if (builtin)
			REMEDY(f,
			       "keep %s from loading (blacklist it) and reboot: the built-in %s "
			       "registers only at boot",
			       se->vmci_loaded ? "vmw_vsock_vmci_transport" : "hv_sock", t->driver);
		else
			REMEDY(f, "unload or blacklist %s, then: modprobe %s",
			       se->vmci_loaded ? "vmw_vsock_vmci_transport" : "hv_sock", t->driver);
		return true;
	}
	if (other_vsock_bound(d, se)) {
		verdict(f, VD_V_VSOCK_SECOND_DEVICE,
			"another virtio vsock device is already bound: only one is supported");
		REMEDY(f, "give the guest a single vsock device");
		return true;
	}
	return false;
}

/* The driver's module: registered, not built, blacklisted, not loaded, not installed. */
static bool module_decides(const struct vd_device *d, const struct vd_mod_ev *m,
			   const struct vd_sys_ev *se, const struct vd_virtio_type *t, bool builtin,
			   struct vd_finding *f)
{
	if (m->registered) {
		verdict(f, VD_V_VIRTIO_DRIVER_NOT_BOUND, "%s is registered but did not take %s",
			t->driver, d->virtio);
		REMEDY(f, "echo %s > %s/sys/bus/virtio/drivers/%s/bind", d->virtio, se->root,
		       t->driver);
		return true;
	}
	if (m->kconfig_val == 'n') {
		verdict(f, VD_V_VIRTIO_DRIVER_NOT_BUILT,
			"this kernel was built without %s (CONFIG_%s)", t->driver, t->kconfig);
		REMEDY(f, "use a kernel with CONFIG_%s=y or =m", t->kconfig);
		return true;
	}
	/* a blacklist only keeps a module from loading: a built-in driver ignores it */
	if (!builtin &&
	    (m->info.blacklisted || m->info.cmdline_blacklisted || m->info.install_override)) {
		verdict(f, VD_V_VIRTIO_DRIVER_BLACKLISTED, "%s is %s", t->driver,
			m->info.cmdline_blacklisted ? "blacklisted on the kernel command line"
			: m->info.install_override  ? "replaced by an install command in modprobe.d"
						    : "blacklisted in modprobe.d");
		REMEDY(f, "remove the blacklist entry, then: modprobe %s", t->driver);
		return true;
	}
	if (m->info.on_disk) {
		verdict(f, VD_V_VIRTIO_DRIVER_NOT_LOADED,
			"%s is installed but not loaded (without udev or mdev nothing loads it after "
			"a runtime bind)",
			t->driver);
		REMEDY(f, "modprobe %s (or: virtio-doctor bind %s, which loads it)", t->driver,
		       d->name);
		return true;
	}
	/* a built-in driver is in no module tree: never 'not installed' */
	if (!builtin && (m->kconfig_val == 'm' || (se->kmod_index && m->looked_up))) {
		verdict(f, VD_V_VIRTIO_DRIVER_MISSING,
			"%s is a module of this kernel but is not installed", t->driver);
		if (!se->kmod_index)
			EVIDENCE(f, "modules: %s", se->kmod_problem);
		REMEDY(f, "install the modules of the running kernel, then: modprobe %s",
		       t->driver);
		return true;
	}
	return false;
}

/* No driver, and nothing read says why: what was not checked, and where to look. */
static void driver_cannot_tell(const struct vd_device *d, const struct vd_sys_ev *se,
			       const struct vd_virtio_type *t, bool builtin, struct vd_finding *f)
{
	verdict(f, VD_V_CANNOT_TELL, "no driver is bound to %s and the evidence does not say why",
		d->virtio);
	if (!se->kconfig_loaded)
		UNCHECKED(f, "kernel config: no /proc/config.gz or /boot/config-RELEASE");
	if (!se->kmod_index)
		UNCHECKED(f, "modules: %s", se->kmod_problem);
	if (builtin)
		REMEDY(f,
		       "%s is built in, so modprobe cannot help: its registration failed at boot; "
		       "read the boot log for %s%s",
		       t->driver, t->driver,
		       se->cmdline[0] && strstr(se->cmdline, "initcall_blacklist=")
			       ? " and initcall_blacklist= on the kernel command line"
			       : "");
	else
		REMEDY(f, "modprobe %s", t->driver);
}

/* No driver at the virtio level. */
static void no_virtio_driver(const struct vd_device *d, const struct vd_dev_ev *de,
			     const struct vd_sys_ev *se, struct vd_finding *f)
{
	const struct vd_virtio_type *t =
		d->type_id >= 0 ? vd_virtio_type_by_id((unsigned)d->type_id) : NULL;
	const struct vd_mod_ev *m = &de->vdrv;
	const bool builtin = m->info.builtin || m->kconfig_val == 'y';

	if (!t || !t->driver) {
		verdict(f, VD_V_VIRTIO_DRIVER_NONE, "Linux has no driver for virtio type %d",
			d->type_id);
		return;
	}
	vd_rule_mod_evidence(m, se, f);
	if (m->registered)
		EVIDENCE(f, "%s/sys/bus/virtio/drivers/%s: registered", se->root, t->driver);
	else
		EVIDENCE(f, "%s/sys/bus/virtio/drivers/%s: does not exist", se->root, t->driver);
	if (vsock_taken(d, se, t, builtin, f) || module_decides(d, m, se, t, builtin, f))
		return;
	driver_cannot_tell(d, se, t, builtin, f);
}

void vd_diagnose_virtio(const struct vd_device *d, const struct vd_dev_ev *de,
			const struct vd_sys_ev *se, struct vd_finding *f)
{
	virtio_evidence(d, de, se, f);
	if (d->have_status && (d->status & VD_STATUS_NEEDS_RESET)) {
		verdict(f, VD_V_VIRTIO_NEEDS_RESET, "%s set NEEDS_RESET: the device gave up",
			d->virtio);
		REMEDY(f, "unbind and bind the device again; check the hypervisor's log");
		return;
	}
	if (d->have_status && (d->status & VD_STATUS_FAILED)) {
		status_failed(d, de, se, f);
		return;
	}
	if (d->driver[0]) {
		verdict(f, VD_V_VIRTIO_NOT_READY,
			"'%s' is bound to %s but the device is not DRIVER_OK", d->driver,
			d->virtio);
		REMEDY(f, "read the kernel log for %s; rebind the device", d->virtio);
		return;
	}
	no_virtio_driver(d, de, se, f);
}
