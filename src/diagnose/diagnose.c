/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- pure rules: from a device and its evidence to one verdict */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "vd/base/strerror.h"
#include "vd/diagnose/diagnose.h"
#include "vd/facts/pcicfg.h"

static const struct {
	const char *code, *help;
} verdicts[_VD_V_MAX] = {
	[VD_V_OK] = { "ok", "bound at both levels and running" },
	[VD_V_PCI_DRIVER_NOT_BUILT] = { "pci-driver-not-built",
					"this kernel has no virtio-pci (CONFIG_VIRTIO_PCI is not set)" },
	[VD_V_PCI_DRIVER_INITCALL_BLACKLISTED] = { "pci-driver-initcall-blacklisted",
						   "initcall_blacklist=virtio_pci_driver_init keeps virtio-pci from registering" },
	[VD_V_PCI_DRIVER_BLACKLISTED] = { "pci-driver-blacklisted",
					  "virtio_pci is blacklisted, so nothing loads it" },
	[VD_V_PCI_DRIVER_NOT_LOADED] = { "pci-driver-not-loaded",
					 "the virtio_pci module exists but is not loaded" },
	[VD_V_PCI_DRIVER_MISSING] = { "pci-driver-missing",
				      "virtio_pci is a module of this kernel but is not installed" },
	[VD_V_PCI_DRIVER_NOT_REGISTERED] = { "pci-driver-not-registered",
					     "virtio-pci is not registered; the reason is unclear" },
	[VD_V_OVERRIDE_NONE] = { "override-none",
				 "driver_override is 'none': no driver may bind the function" },
	[VD_V_OVERRIDE_OTHER] = { "override-other",
				  "driver_override names another driver, so virtio-pci never matches" },
	[VD_V_AUTOPROBE_DISABLED] = { "autoprobe-disabled",
				      "automatic probing is off (drivers_autoprobe or sriov)" },
	[VD_V_PROBE_NO_COMMON_CAP] = { "probe-no-common-cap",
				       "no usable virtio common capability: 'leaving for legacy driver', then -ENODEV" },
	[VD_V_PROBE_MISSING_CAPS] = { "probe-missing-caps",
				      "the ISR or notify capability is missing: -EINVAL" },
	[VD_V_PROBE_BAD_CAP] = { "probe-bad-cap",
				 "a virtio capability's length or offset does not fit: -EINVAL" },
	[VD_V_PROBE_BAR_UNASSIGNED] = { "probe-bar-unassigned",
					"a BAR has no address: pci_enable_device fails with -EINVAL" },
	[VD_V_LEGACY_UNSUPPORTED] = { "legacy-unsupported",
				      "a legacy-only device on a kernel without CONFIG_VIRTIO_PCI_LEGACY" },
	[VD_V_LEGACY_REVISION] = { "legacy-revision",
				   "legacy probing needs PCI revision 0, the device has another" },
	[VD_V_PROBE_FAILED] = { "probe-failed",
				"virtio-pci's probe failed with an error in the log" },
	[VD_V_PROBE_REJECTED] = { "probe-rejected",
				  "virtio-pci is registered and may match, but holds nothing: a silent -ENODEV" },
	[VD_V_FOREIGN_DRIVER] = { "foreign-driver", "another PCI driver holds the function" },
	[VD_V_NO_VIRTIO_DEVICE] = { "no-virtio-device",
				    "the transport driver is bound but registered no virtio device" },
	[VD_V_VIRTIO_DRIVER_NOT_BUILT] = { "virtio-driver-not-built",
					   "the kernel lacks the driver for this virtio type" },
	[VD_V_VIRTIO_DRIVER_BLACKLISTED] = { "virtio-driver-blacklisted",
					     "the virtio driver's module is blacklisted" },
	[VD_V_VIRTIO_DRIVER_NOT_LOADED] = { "virtio-driver-not-loaded",
					    "the virtio driver's module exists but is not loaded" },
	[VD_V_VIRTIO_DRIVER_MISSING] = { "virtio-driver-missing",
					 "the virtio driver's module is not installed" },
	[VD_V_VIRTIO_DRIVER_NONE] = { "virtio-driver-none", "Linux has no driver for this type" },
	[VD_V_VIRTIO_DRIVER_NOT_BOUND] = { "virtio-driver-not-bound",
					   "the virtio driver is registered but did not take the device" },
	[VD_V_VIRTIO_FEATURES_REFUSED] = { "virtio-features-refused",
					   "the device refused the negotiated features" },
	[VD_V_VIRTIO_NEEDS_ACCESS_PLATFORM] = { "virtio-needs-access-platform",
						"the guest requires VIRTIO_F_ACCESS_PLATFORM and the device does not offer it" },
	[VD_V_VIRTIO_NEEDS_VERSION_1] = { "virtio-needs-version-1",
					  "the device does not offer VIRTIO_F_VERSION_1" },
	[VD_V_VIRTIO_PROBE_FAILED] = { "virtio-probe-failed",
				       "the virtio driver's probe failed (status FAILED)" },
	[VD_V_VIRTIO_NEEDS_RESET] = { "virtio-needs-reset", "the device set NEEDS_RESET" },
	[VD_V_VIRTIO_NOT_READY] = { "virtio-not-ready",
				    "a driver is bound but status lacks DRIVER_OK" },
	[VD_V_VSOCK_NO_DEVICE] = { "vsock-no-device",
				   "the vsock transport is registered but no vsock device probed" },
	[VD_V_VSOCK_COMPETING_TRANSPORT] = { "vsock-competing-transport",
					     "another guest-to-host vsock transport (VMCI, Hyper-V) blocks virtio's" },
	[VD_V_VSOCK_SECOND_DEVICE] = { "vsock-second-device",
				       "only one virtio vsock device is supported: -EBUSY" },
	[VD_V_MMIO_UNBOUND] = { "mmio-unbound",
				"a virtio-mmio transport has no driver: its probe failed, or the evidence does not say why" },
	[VD_V_MMIO_DRIVER_NOT_BUILT] = { "mmio-driver-not-built",
					 "this kernel has no virtio-mmio (CONFIG_VIRTIO_MMIO is not set)" },
	[VD_V_MMIO_DRIVER_INITCALL_BLACKLISTED] = { "mmio-driver-initcall-blacklisted",
						    "initcall_blacklist=virtio_mmio_init keeps virtio-mmio from registering" },
	[VD_V_MMIO_DRIVER_BLACKLISTED] = { "mmio-driver-blacklisted",
					   "virtio_mmio is blacklisted, so nothing loads it" },
	[VD_V_MMIO_DRIVER_NOT_LOADED] = { "mmio-driver-not-loaded",
					  "the virtio_mmio module exists but is not loaded" },
	[VD_V_MMIO_DRIVER_MISSING] = { "mmio-driver-missing",
				       "virtio_mmio is a module of this kernel but is not installed" },
	[VD_V_MMIO_EMPTY] = { "mmio-empty",
			      "an empty virtio-mmio slot (device ID 0, a placeholder): not a problem" },
	[VD_V_CANNOT_TELL] = { "cannot-tell", "the evidence that would decide is not readable" },
};

const char *vd_verdict_code(enum vd_verdict v)
{
	return (unsigned)v < _VD_V_MAX ? verdicts[v].code : "";
}

const char *vd_verdict_help(enum vd_verdict v)
{
	return (unsigned)v < _VD_V_MAX ? verdicts[v].help : "";
}

bool vd_verdict_is_problem(enum vd_verdict v)
{
	return v != VD_V_OK && v != VD_V_MMIO_EMPTY;
}

const char *vd_rule_devdir(const struct vd_device *d, const struct vd_sys_ev *se, char *buf,
			   size_t size)
{
	if (d->bus == VD_BUS_PCI)
		snprintf(buf, size, "%s/sys/bus/pci/devices/%s", se->root, d->name);
	else if (d->bus == VD_BUS_PLATFORM && !d->group)
		snprintf(buf, size, "%s/sys/bus/platform/devices/%s", se->root, d->name);
	else
		snprintf(buf, size, "%s/%s", se->root, d->path);
	return buf;
}

/* ---- building a finding ---- */

void vd_rule_verdict(struct vd_finding *f, enum vd_verdict v, const char *fmt, ...)
{
	va_list ap;

	f->verdict = v;
	va_start(ap, fmt);
	vsnprintf(f->summary, sizeof(f->summary), fmt, ap);
	va_end(ap);
}

const char *vd_rule_errno_name(int e)
{
	const char *code = vd_errno_code(e);

	return code ? code : "error";
}

bool vd_rule_has_event(const struct vd_dev_ev *de, enum vd_klog_kind k, size_t *ret_i)
{
	for (size_t i = 0; i < de->n_events; i++)
		if (de->events[i].kind == k) {
			if (ret_i)
				*ret_i = i;
			return true;
		}
	return false;
}

void vd_rule_log_evidence(const struct vd_dev_ev *de, const struct vd_sys_ev *se,
			  struct vd_finding *f)
{
	for (size_t i = 0; i < de->n_events; i++)
		EVIDENCE(f, "%s: \"%s\"", se->klog_source, de->event_lines[i]);
}

/* ---- PCI level ---- */

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

/* Config space decides legacy vs modern probe outcomes; NULL verdict when it does not. */
static bool diagnose_caps(const struct vd_device *d, const struct vd_dev_ev *de,
			  const struct vd_sys_ev *se, struct vd_finding *f)
{
	const struct vd_virtio_cap *common, *isr, *notify;
	bool legacy_range = d->cls.virtio && !d->cls.modern;

	if (d->cfg_len < 256 || d->cfg->incomplete || d->cfg->loop)
		return false;
	cap_evidence(d, se, f);
	common = usable_cap(d, de, VD_CAP_COMMON);
	if (!common) {
		if (vd_pcicfg_find(d->cfg, VD_CAP_COMMON))
			EVIDENCE(f, "the common capability points to an unusable BAR (index > 5, "
				    "zero size, or neither I/O nor memory)");
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
			EVIDENCE(f,
				 "%s/sys/bus/pci/devices/%s/revision: 0x%02x (legacy needs 0x00)",
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
	/*
	 * vp_modern_map_capability() maps at least a minimum per type (common: the 56-byte
	 * virtio_pci_common_cfg, ISR 1, notify 2) and trims longer lengths to the BAR: only a
	 * capability shorter than its minimum, or whose offset + minimum leaves the BAR, fails.
	 */
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

static void remedy_bind(const struct vd_device *d, struct vd_finding *f, const char *extra)
{
	REMEDY(f, "virtio-doctor bind %s%s", extra, d->name);
}

void vd_rule_mod_evidence(const struct vd_mod_ev *m, const struct vd_sys_ev *se,
			  struct vd_finding *f)
{
	const struct vd_module_info *i = &m->info;

	if (m->kconfig && m->kconfig_val)
		EVIDENCE(f, "%s: CONFIG_%s=%c%s", se->kconfig_source, m->kconfig, m->kconfig_val,
			 m->kconfig_val == 'n' ? " (not set)" : "");
	if (se->kmod_skipped[0])
		UNCHECKED(
			f,
			"modprobe.d: not read, so a blacklist or install line there is unseen: %s",
			se->kmod_skipped);
	if (!m->looked_up)
		return;
	if (i->builtin)
		EVIDENCE(f, "%s is built into the kernel (modules.builtin or %s/sys/module/%s)",
			 i->name, se->root, i->name);
	else if (i->loaded)
		EVIDENCE(f, "%s/sys/module/%s/initstate: live (loaded)", se->root, i->name);
	else if (i->on_disk)
		EVIDENCE(f, "%s: on disk as %s, not loaded (no %s/sys/module/%s)", i->name, i->path,
			 se->root, i->name);
	if (i->blacklisted)
		EVIDENCE(f, "modprobe.d: 'blacklist %s' (modalias loading skips it)", i->name);
	if (i->cmdline_blacklisted)
		EVIDENCE(f, "%s/proc/cmdline: %s is in module_blacklist= or modprobe.blacklist=",
			 se->root, i->name);
	if (i->install_override)
		EVIDENCE(f, "modprobe.d: 'install %s %s' replaces loading", i->name,
			 i->install_cmd);
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

static void diagnose_unbound_pci(const struct vd_device *d, const struct vd_dev_ev *de,
				 const struct vd_sys_ev *se, struct vd_finding *f)
{
	size_t ev;

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
	if (de->have_override && de->override[0] && strcmp(de->override, VD_PCI_DRIVER)) {
		EVIDENCE(f, "%s/sys/bus/pci/devices/%s/driver_override: '%s'", se->root, d->name,
			 de->override);
		if (!strcmp(de->override, "none")) {
			verdict(f, VD_V_OVERRIDE_NONE,
				"driver_override is 'none': the kernel lets no driver bind it");
		} else {
			verdict(f, VD_V_OVERRIDE_OTHER,
				"driver_override is '%s': only that driver may bind it",
				de->override);
		}
		REMEDY(f, "virtio-doctor bind --force %s (sets driver_override to virtio-pci)",
		       d->name);
		REMEDY(f, "or clear it: echo > %s/sys/bus/pci/devices/%s/driver_override", se->root,
		       d->name);
		vd_rule_log_evidence(de, se, f);
		return;
	}
	if (se->pci_autoprobe == 0 || (de->is_vf && de->pf_autoprobe == 0)) {
		if (se->pci_autoprobe == 0)
			EVIDENCE(f, "%s/sys/bus/pci/drivers_autoprobe: 0", se->root);
		else
			EVIDENCE(f, "%s/sys/bus/pci/devices/%s/physfn/sriov_drivers_autoprobe: 0",
				 se->root, d->name);
		verdict(f, VD_V_AUTOPROBE_DISABLED,
			"automatic probing is disabled, so virtio-pci was never offered the device");
		remedy_bind(d, f, "");
		vd_rule_log_evidence(de, se, f);
		return;
	}
	vd_rule_log_evidence(de, se, f);
	if (vd_diagnose_bar(d, de, se, f))
		return;
	if (diagnose_caps(d, de, se, f))
		return;
	if (vd_rule_has_event(de, VD_KLOG_MISSING_CAPS, NULL)) {
		verdict(f, VD_V_PROBE_MISSING_CAPS,
			"the kernel log says the ISR or notify capability is missing (-EINVAL)");
		REMEDY(f, "fix the device model in the hypervisor");
		return;
	}
	if (vd_rule_has_event(de, VD_KLOG_BAD_CAP, NULL)) {
		verdict(f, VD_V_PROBE_BAD_CAP,
			"the kernel log shows a virtio capability that does not map (-EINVAL)");
		REMEDY(f, "fix the capability layout in the hypervisor's device model");
		return;
	}
	if (vd_rule_has_event(de, VD_KLOG_LEAVING_LEGACY, NULL) && d->cls.modern) {
		verdict(f, VD_V_PROBE_NO_COMMON_CAP,
			"virtio-pci found no usable common capability ('leaving for legacy "
			"driver'); the legacy path cannot take a modern ID");
		REMEDY(f, "fix the device model in the hypervisor (common capability, BAR)");
		return;
	}
	if (vd_rule_has_event(de, VD_KLOG_PROBE_FAILED, &ev)) {
		int e = de->events[ev].error;

		verdict(f, VD_V_PROBE_FAILED, "virtio-pci's probe failed with %d (%s)", e,
			vd_rule_errno_name(e));
		remedy_bind(d, f, "");
		return;
	}
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

/* ---- virtio level ---- */

/*
 * force_legacy makes virtio-pci try the legacy probe first: a transitional device then
 * runs legacy (no VERSION_1). A modern-only ID fails that probe with -ENODEV and the
 * modern one takes it (6.1 and later), so the parameter is never why a device is unbound.
 */
static void force_legacy_note(const struct vd_device *d, const struct vd_sys_ev *se,
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

static void vsock_evidence(const struct vd_sys_ev *se, struct vd_finding *f)
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

static void diagnose_virtio(const struct vd_device *d, const struct vd_dev_ev *de,
			    const struct vd_sys_ev *se, struct vd_finding *f)
{
	const struct vd_virtio_type *t =
		d->type_id >= 0 ? vd_virtio_type_by_id((unsigned)d->type_id) : NULL;
	const struct vd_mod_ev *m = &de->vdrv;
	const bool builtin = m->info.builtin || m->kconfig_val == 'y';
	char dir[400];
	size_t ev;

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
		vsock_evidence(se, f);
	force_legacy_note(d, se, f);

	if (d->have_status && (d->status & VD_STATUS_NEEDS_RESET)) {
		verdict(f, VD_V_VIRTIO_NEEDS_RESET, "%s set NEEDS_RESET: the device gave up",
			d->virtio);
		REMEDY(f, "unbind and bind the device again; check the hypervisor's log");
		return;
	}
	if (d->have_status && (d->status & VD_STATUS_FAILED)) {
		if (vd_rule_has_event(de, VD_KLOG_NEEDS_ACCESS_PLATFORM, NULL)) {
			verdict(f, VD_V_VIRTIO_NEEDS_ACCESS_PLATFORM,
				"this guest needs VIRTIO_F_ACCESS_PLATFORM (protected/CoCo guest) "
				"and the device does not offer it");
			REMEDY(f, "offer ACCESS_PLATFORM from the hypervisor (crosvm: protected VM "
				  "mode; QEMU: iommu_platform=on)");
			return;
		}
		if (vd_rule_has_event(de, VD_KLOG_NEEDS_VERSION_1, NULL) ||
		    vd_rule_has_event(de, VD_KLOG_MODERN_NO_VERSION_1, NULL)) {
			verdict(f, VD_V_VIRTIO_NEEDS_VERSION_1,
				"the device does not offer VIRTIO_F_VERSION_1, which this path needs");
			REMEDY(f, "offer VIRTIO_F_VERSION_1 from the hypervisor's device model");
			return;
		}
		if (vd_rule_has_event(de, VD_KLOG_REFUSES_FEATURES, NULL)) {
			verdict(f, VD_V_VIRTIO_FEATURES_REFUSED,
				"the device cleared FEATURES_OK: it refused the driver's features");
			REMEDY(f, "compare the features the hypervisor offers with what the driver "
				  "needs; update the device model or the kernel");
			return;
		}
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
			UNCHECKED(f, "kernel log: %s (%s)", se->klog_source,
				  vd_strerror(-se->klog_err));
		REMEDY(f,
		       "read the kernel log around %s; rebind with: virtio-doctor bind --force "
		       "%s",
		       d->virtio, d->name);
		return;
	}
	if (d->driver[0]) {
		verdict(f, VD_V_VIRTIO_NOT_READY,
			"'%s' is bound to %s but the device is not DRIVER_OK", d->driver,
			d->virtio);
		REMEDY(f, "read the kernel log for %s; rebind the device", d->virtio);
		return;
	}
	/* no driver at the virtio level */
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
		return;
	}
	if (other_vsock_bound(d, se)) {
		verdict(f, VD_V_VSOCK_SECOND_DEVICE,
			"another virtio vsock device is already bound: only one is supported");
		REMEDY(f, "give the guest a single vsock device");
		return;
	}
	if (m->registered) {
		verdict(f, VD_V_VIRTIO_DRIVER_NOT_BOUND, "%s is registered but did not take %s",
			t->driver, d->virtio);
		REMEDY(f, "echo %s > %s/sys/bus/virtio/drivers/%s/bind", d->virtio, se->root,
		       t->driver);
		return;
	}
	if (m->kconfig_val == 'n') {
		verdict(f, VD_V_VIRTIO_DRIVER_NOT_BUILT,
			"this kernel was built without %s (CONFIG_%s)", t->driver, t->kconfig);
		REMEDY(f, "use a kernel with CONFIG_%s=y or =m", t->kconfig);
		return;
	}
	/* a blacklist only keeps a module from loading: a built-in driver ignores it */
	if (!builtin &&
	    (m->info.blacklisted || m->info.cmdline_blacklisted || m->info.install_override)) {
		verdict(f, VD_V_VIRTIO_DRIVER_BLACKLISTED, "%s is %s", t->driver,
			m->info.cmdline_blacklisted ? "blacklisted on the kernel command line"
			: m->info.install_override  ? "replaced by an install command in modprobe.d"
						    : "blacklisted in modprobe.d");
		REMEDY(f, "remove the blacklist entry, then: modprobe %s", t->driver);
		return;
	}
	if (m->info.on_disk) {
		verdict(f, VD_V_VIRTIO_DRIVER_NOT_LOADED,
			"%s is installed but not loaded (without udev or mdev nothing loads it after "
			"a runtime bind)",
			t->driver);
		REMEDY(f, "modprobe %s (or: virtio-doctor bind %s, which loads it)", t->driver,
		       d->name);
		return;
	}
	if (m->kconfig_val == 'm' || (se->kmod_index && m->looked_up)) {
		verdict(f, VD_V_VIRTIO_DRIVER_MISSING,
			"%s is a module of this kernel but is not installed", t->driver);
		if (!se->kmod_index)
			EVIDENCE(f, "modules: %s", se->kmod_problem);
		REMEDY(f, "install the modules of the running kernel, then: modprobe %s",
		       t->driver);
		return;
	}
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

void vd_diagnose(const struct vd_device *d, const struct vd_dev_ev *de, const struct vd_sys_ev *se,
		 struct vd_finding *f)
{
	char dir[400];

	memset(f, 0, sizeof(*f));
	vd_rule_devdir(d, se, dir, sizeof(dir));
	/* a read that failed decides nothing: not the state, not the verdict */
	if (d->state == VD_STATE_UNKNOWN) {
		verdict(f, VD_V_CANNOT_TELL, "%s", d->problem ? d->problem : "state unknown");
		REMEDY(f, "run again; if the read keeps failing, check the kernel log for I/O "
			  "errors");
		return;
	}
	if (d->state != VD_STATE_OK && d->state != VD_STATE_NOT_VIRTIO &&
	    d->state != VD_STATE_EMPTY && (de->unread[0] || se->unread[0])) {
		verdict(f, VD_V_CANNOT_TELL,
			"%s, but the evidence that decides why is not "
			"readable: cannot read '%s",
			vd_state_name(d->state), de->unread[0] ? de->unread : se->unread);
		REMEDY(f, "run again; if the read keeps failing, check the kernel log for I/O "
			  "errors");
		return;
	}
	if (d->bus != VD_BUS_PCI && (!d->pcidrv[0] || d->group)) {
		vd_diagnose_mmio_transport(d, de, se, f);
		return;
	}
	switch (d->state) {
	case VD_STATE_OK:
		if (d->type_id == VD_VIRTIO_ID_VSOCK && se->vsock_err == 0 &&
		    se->vsock_cid == 0xffffffffu) {
			vsock_evidence(se, f);
			verdict(f, VD_V_VSOCK_NO_DEVICE,
				"the vsock device is bound but the vsock core reports no CID");
			REMEDY(f, "check for a competing vsock transport and the kernel log");
			return;
		}
		verdict(f, VD_V_OK, "bound at both levels (%s, %s)", d->pcidrv, d->driver);
		EVIDENCE(f, "%s/driver -> %s", dir, d->pcidrv);
		EVIDENCE(f, "%s/sys/bus/virtio/devices/%s/driver -> %s", se->root, d->virtio,
			 d->driver);
		if (d->have_status)
			EVIDENCE(f, "%s/sys/bus/virtio/devices/%s/status: 0x%08x", se->root,
				 d->virtio, d->status);
		if (d->type_id == VD_VIRTIO_ID_VSOCK)
			vsock_evidence(se, f);
		force_legacy_note(d, se, f);
		return;
	case VD_STATE_UNBOUND:
		diagnose_unbound_pci(d, de, se, f);
		return;
	case VD_STATE_FOREIGN:
		EVIDENCE(f, "%s/driver -> %s", dir, d->pcidrv);
		if (de->have_override && de->override[0])
			EVIDENCE(f, "%s/driver_override: '%s'", dir, de->override);
		verdict(f, VD_V_FOREIGN_DRIVER, "'%s' holds the PCI function, not virtio-pci",
			d->pcidrv);
		REMEDY(f, "virtio-doctor bind --force %s (refuses while the device is in use)",
		       d->name);
		return;
	case VD_STATE_FAILED:
		if (!d->virtio[0]) {
			EVIDENCE(f, "%s/driver -> %s", dir, d->pcidrv);
			EVIDENCE(f, "%s: no virtio* child", dir);
			vd_rule_log_evidence(de, se, f);
			verdict(f, VD_V_NO_VIRTIO_DEVICE,
				"%s holds the transport but register_virtio_device() failed",
				d->pcidrv);
			REMEDY(f, "read the kernel log; rebind: virtio-doctor bind --force %s",
			       d->name);
			return;
		}
		diagnose_virtio(d, de, se, f);
		return;
	case VD_STATE_NO_DRIVER:
		diagnose_virtio(d, de, se, f);
		return;
	case VD_STATE_EMPTY:
	case VD_STATE_NOT_VIRTIO:
	case VD_STATE_UNKNOWN:
	case _VD_STATE_MAX:
		break;
	}
	verdict(f, VD_V_CANNOT_TELL, "not a virtio device");
}
