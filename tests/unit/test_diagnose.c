/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- every diagnosis rule on hand-built evidence (no files) */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vd_test.h"

#include "vd/diagnose/diagnose.h"

struct ctx {
	struct vd_device d;
	struct vd_pcicfg cfg;
	struct vd_dev_ev de;
	struct vd_sys_ev se;
};

/* A healthy modern vsock function with root-readable config space and a 6.18 kernel. */
static void healthy(struct ctx *c)
{
	struct vd_virtio_cap caps[] = {
		{ 0x40, 16, VD_CAP_COMMON, 0, 0, 0x0000, 0x38 },
		{ 0x50, 16, VD_CAP_ISR, 0, 0, 0x1000, 0x01 },
		{ 0x60, 16, VD_CAP_DEVICE, 0, 0, 0x2000, 0x100 },
		{ 0x70, 20, VD_CAP_NOTIFY, 0, 0, 0x3000, 0x1000 },
	};

	memset(c, 0, sizeof(*c));
	c->d = (struct vd_device)VD_DEVICE_INIT;
	c->d.bus = VD_BUS_PCI;
	c->d.name = "0000:00:04.0";
	c->d.path = "sys/bus/pci/devices/0000:00:04.0";
	c->d.have_id = c->d.have_rev = true;
	c->d.vendor = 0x1af4;
	c->d.device = 0x1053;
	c->d.revision = 1;
	vd_classify_pci(0x1af4, 0x1053, 0x1053, true, &c->d.cls);
	c->d.type_id = 19;
	c->d.transport = VD_TRANSPORT_MODERN;
	c->d.pcidrv = "virtio-pci";
	c->d.virtio = "virtio3";
	c->d.driver = "vmw_vsock_virtio_transport";
	c->d.have_status = true;
	c->d.status = 0x0f;
	c->d.cfg_len = 256;
	c->d.cfg = &c->cfg;
	c->cfg.len = 256;
	c->cfg.has_cap_list = true;
	c->cfg.n_caps = 4;
	memcpy(c->cfg.caps, caps, sizeof(caps));

	c->de.have_override = true;
	c->de.enable = 1;
	c->de.have_bars = true;
	c->de.bar[0] = (struct vd_resource){ 0x4000180000ULL, 0x40001fffffULL, 0x140204 };
	c->de.vdrv.looked_up = true;
	strcpy(c->de.vdrv.info.name, "vmw_vsock_virtio_transport");
	c->de.vdrv.kconfig = "VIRTIO_VSOCKETS";
	c->de.vdrv.kconfig_val = 'm';
	c->de.vdrv.registered = true;
	c->de.pf_autoprobe = -1;

	c->se.pci_autoprobe = 1;
	c->se.virtio_pci.registered = true;
	c->se.virtio_pci.looked_up = true;
	c->se.virtio_pci.kconfig = "VIRTIO_PCI";
	c->se.virtio_pci.kconfig_val = 'm';
	strcpy(c->se.virtio_pci.info.name, "virtio_pci");
	c->se.virtio_pci.info.loaded = true;
	c->se.kconfig_loaded = true;
	strcpy(c->se.kconfig_source, "/boot/config-6.1.0");
	c->se.kc_virtio_pci_legacy = 'y';
	c->se.kmod_index = true;
	strcpy(c->se.klog_source, "/dev/kmsg");
	c->se.vsock_err = 0;
	c->se.vsock_cid = 42;
	c->se.vsock_bound = 1;
}

static void unbind(struct ctx *c)
{
	c->d.pcidrv = c->d.virtio = c->d.driver = "";
	c->d.have_status = false;
	c->d.state = VD_STATE_UNBOUND;
	c->se.vsock_bound = 0;
}

static void no_pci_driver(struct ctx *c)
{
	unbind(c);
	c->se.virtio_pci.registered = false;
	c->se.virtio_pci.info.loaded = false;
}

static void virtio_unbound(struct ctx *c)
{
	c->d.driver = "";
	c->d.status = 0x01;
	c->d.state = VD_STATE_NO_DRIVER;
	c->de.vdrv.registered = false;
	c->se.vsock_bound = 0;
}

static void virtio_failed(struct ctx *c)
{
	c->d.driver = "";
	c->d.status = 0x8b;
	c->d.state = VD_STATE_FAILED;
	c->se.vsock_bound = 0;
}

static void event(struct ctx *c, enum vd_klog_kind k, const char *dev, int err, const char *line)
{
	struct vd_klog_event *e = &c->de.events[c->de.n_events];

	e->kind = k;
	strcpy(e->device, dev);
	e->error = err;
	strcpy(c->de.event_lines[c->de.n_events++], line);
}

static void set_cap_type(struct ctx *c, uint8_t from, uint8_t to)
{
	for (size_t i = 0; i < c->cfg.n_caps; i++)
		if (c->cfg.caps[i].cfg_type == from)
			c->cfg.caps[i].cfg_type = to;
}

/* one case per rule: how to break the healthy device, and the verdict */
static void m_ok(struct ctx *c)
{
	(void)c;
}
static void m_not_built(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.kconfig_val = 'n';
}
static void m_initcall(struct ctx *c)
{
	no_pci_driver(c);
	c->se.initcall_blacklisted = true;
}
static void m_pci_blacklisted(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.info.on_disk = true;
	c->se.virtio_pci.info.blacklisted = true;
}
static void m_pci_cmdline_blacklisted(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.info.cmdline_blacklisted = true;
}
static void m_pci_install(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.info.install_override = true;
	strcpy(c->se.virtio_pci.info.install_cmd, "/bin/false");
}
static void m_pci_not_loaded(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.info.on_disk = true;
}
static void m_pci_missing(struct ctx *c)
{
	no_pci_driver(c);
}
static void m_pci_missing_noindex(struct ctx *c)
{
	no_pci_driver(c);
	c->se.kmod_index = false;
}
static void m_pci_unknown(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.kconfig_val = 0;
	c->se.virtio_pci.looked_up = false;
	c->se.kconfig_loaded = false;
	c->se.kmod_index = false;
}
static void m_override_none(struct ctx *c)
{
	unbind(c);
	strcpy(c->de.override, "none");
}
static void m_override_other(struct ctx *c)
{
	unbind(c);
	strcpy(c->de.override, "pci-stub");
}
static void m_autoprobe(struct ctx *c)
{
	unbind(c);
	c->se.pci_autoprobe = 0;
}
static void m_vf_autoprobe(struct ctx *c)
{
	unbind(c);
	c->de.is_vf = true;
	c->de.pf_autoprobe = 0;
}
static void m_no_common(struct ctx *c)
{
	unbind(c);
	set_cap_type(c, VD_CAP_COMMON, VD_CAP_VENDOR);
}
static void m_common_bad_bar(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].bar = 7;
}
static void m_common_zero_bar(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].bar = 2; /* BAR 2 has no size */
}
static void m_missing_isr(struct ctx *c)
{
	unbind(c);
	set_cap_type(c, VD_CAP_ISR, VD_CAP_VENDOR);
}
static void m_missing_notify(struct ctx *c)
{
	unbind(c);
	set_cap_type(c, VD_CAP_NOTIFY, VD_CAP_VENDOR);
}
static void m_short_common(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].cap_len = 12;
}
static void m_cap_past_bar(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].offset = 0x7fff0;
}
/* a notify area longer than the BAR is trimmed by the kernel, not refused */
static void m_long_notify_ok(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[3].length = 0x100000;
}
static void m_short_isr(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[1].length = 0;
}
static void m_bar_unset(struct ctx *c)
{
	unbind(c);
	c->de.bar[0] = (struct vd_resource){ 0, 0x7ffff, 0x20000200 };
}
static void m_bar_log(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64; /* not root: the log decides */
	event(c, VD_KLOG_BAR_NOT_ASSIGNED, "0000:00:04.0", 0,
	      "pci 0000:00:04.0: BAR 0 [mem size 0x00080000]: not assigned; can't enable device");
}
static void legacy_balloon(struct ctx *c)
{
	unbind(c);
	c->d.device = 0x1002;
	vd_classify_pci(0x1af4, 0x1002, 0x0005, true, &c->d.cls);
	c->d.type_id = 5;
	c->d.revision = 0;
	c->cfg.n_caps = 0;
	c->cfg.has_cap_list = false;
}
static void m_legacy_no_support(struct ctx *c)
{
	legacy_balloon(c);
	c->se.kc_virtio_pci_legacy = 'n';
}
static void m_legacy_rev(struct ctx *c)
{
	legacy_balloon(c);
	c->d.revision = 1;
}
static void m_probe_failed(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64;
	event(c, VD_KLOG_PROBE_FAILED, "0000:00:04.0", -12,
	      "virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error -12");
}
static void m_log_missing_caps(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64;
	event(c, VD_KLOG_MISSING_CAPS, "0000:00:04.0", 0,
	      "virtio-pci 0000:00:04.0: virtio_pci: missing capabilities 64/0/112");
}
static void m_log_leaving(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64;
	event(c, VD_KLOG_LEAVING_LEGACY, "0000:00:04.0", 0,
	      "virtio-pci 0000:00:04.0: virtio_pci: leaving for legacy driver");
}
static void m_rejected(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64;
}
static void m_foreign(struct ctx *c)
{
	unbind(c);
	c->d.state = VD_STATE_FOREIGN;
	c->d.pcidrv = "vfio-pci";
}
static void m_no_virtio_dev(struct ctx *c)
{
	c->d.virtio = c->d.driver = "";
	c->d.state = VD_STATE_FAILED;
}
static void m_virtio_not_built(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.kconfig_val = 'n';
	c->de.vdrv.looked_up = false;
}
static void m_virtio_blacklisted(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.info.on_disk = true;
	c->de.vdrv.info.blacklisted = true;
}
static void m_virtio_not_loaded(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.info.on_disk = true;
}
static void m_virtio_missing(struct ctx *c)
{
	virtio_unbound(c);
}
static void m_virtio_none(struct ctx *c)
{
	virtio_unbound(c);
	c->d.type_id = 35; /* watchdog: no Linux driver */
}
static void m_virtio_not_bound(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.registered = true;
}
static void m_refuses(struct ctx *c)
{
	virtio_failed(c);
	event(c, VD_KLOG_REFUSES_FEATURES, "virtio3", 0,
	      "vmw_vsock_virtio_transport virtio3: virtio: device refuses features: b");
}
static void m_access_platform(struct ctx *c)
{
	virtio_failed(c);
	event(c, VD_KLOG_NEEDS_ACCESS_PLATFORM, "virtio3", 0,
	      "vmw_vsock_virtio_transport virtio3: device must provide VIRTIO_F_ACCESS_PLATFORM");
}
static void m_version_1(struct ctx *c)
{
	virtio_failed(c);
	event(c, VD_KLOG_NEEDS_VERSION_1, "virtio3", 0,
	      "vmw_vsock_virtio_transport virtio3: device must provide VIRTIO_F_VERSION_1");
}
static void m_virtio_failed(struct ctx *c)
{
	virtio_failed(c);
}
static void m_needs_reset(struct ctx *c)
{
	c->d.status = 0x4f;
	c->d.state = VD_STATE_FAILED;
}
static void m_not_ready(struct ctx *c)
{
	c->d.status = 0x0b;
	c->d.state = VD_STATE_FAILED;
}
static void m_vsock_no_cid(struct ctx *c)
{
	c->se.vsock_cid = 0xffffffffu;
}
static void m_vsock_competing(struct ctx *c)
{
	virtio_unbound(c);
	c->se.vmci_loaded = true;
}
static void m_vsock_second(struct ctx *c)
{
	virtio_failed(c);
	c->se.vsock_bound = 1;
	event(c, VD_KLOG_PROBE_FAILED, "virtio3", -16,
	      "vmw_vsock_virtio_transport: probe of virtio3 failed with error -16");
}
static void m_vsock_second_unbound(struct ctx *c)
{
	virtio_unbound(c);
	c->se.vsock_bound = 1;
}
/* a virtio-mmio transport of QEMU's virt machine, no driver, virtio-mmio registered */
static void mmio_transport(struct ctx *c)
{
	unbind(c);
	c->d.bus = VD_BUS_PLATFORM;
	c->d.name = "a003e00.virtio_mmio";
	c->d.path = "sys/devices/platform/a003e00.virtio_mmio";
	c->d.transport = VD_TRANSPORT_MMIO;
	c->d.type_id = -1;
	c->d.cfg_len = 0;
	c->d.cfg = NULL;
	c->se.virtio_mmio.registered = true;
	c->se.platform_autoprobe = 1;
}
/* the group row: 32 transports wait for an unregistered virtio-mmio */
static void mmio_group(struct ctx *c)
{
	mmio_transport(c);
	c->d.name = "virtio-mmio";
	c->d.path = "sys/bus/platform/drivers/virtio-mmio";
	c->d.group = 32;
	c->d.group_first = "a000000.virtio_mmio";
	c->d.group_last = "a003e00.virtio_mmio";
	c->se.virtio_mmio.registered = false;
	c->se.virtio_mmio.looked_up = true;
	c->se.virtio_mmio.kconfig = "VIRTIO_MMIO";
	c->se.virtio_mmio.kconfig_val = 'm';
	strcpy(c->se.virtio_mmio.info.name, "virtio_mmio");
}
static void m_mmio_unbound(struct ctx *c)
{
	mmio_transport(c);
	event(c, VD_KLOG_PROBE_FAILED, "a003e00.virtio_mmio", -22,
	      "virtio-mmio: probe of a003e00.virtio_mmio failed with error -22");
}
static void m_mmio_empty(struct ctx *c)
{
	mmio_transport(c);
	c->d.empty_slot = true;
	c->d.state = VD_STATE_EMPTY;
}
static void m_mmio_override(struct ctx *c)
{
	mmio_transport(c);
	strcpy(c->de.override, "none");
}
static void m_mmio_not_built(struct ctx *c)
{
	mmio_group(c);
	c->se.virtio_mmio.kconfig_val = 'n';
}
static void m_mmio_initcall(struct ctx *c)
{
	mmio_group(c);
	c->se.mmio_initcall_blacklisted = true;
}
static void m_mmio_blacklisted(struct ctx *c)
{
	mmio_group(c);
	c->se.virtio_mmio.info.on_disk = true;
	c->se.virtio_mmio.info.blacklisted = true;
}
static void m_mmio_not_loaded(struct ctx *c)
{
	mmio_group(c);
	c->se.virtio_mmio.info.on_disk = true;
}
static void m_mmio_missing(struct ctx *c)
{
	mmio_group(c);
}
/* a virtio device on virtio-mmio without its virtio driver: evidence on the platform bus */
static void m_mmio_virtio_not_loaded(struct ctx *c)
{
	virtio_unbound(c);
	c->d.bus = VD_BUS_PLATFORM;
	c->d.name = "a003e00.virtio_mmio";
	c->d.pcidrv = "virtio-mmio";
	c->d.transport = VD_TRANSPORT_MMIO;
	c->de.vdrv.info.on_disk = true;
}
/* arm64's generic host bridge, assigning mode: BAR0 zeroed, capabilities intact, no log */
static void m_bar_zeroed(struct ctx *c)
{
	unbind(c);
	c->de.bar[0] = (struct vd_resource){ 0, 0, 0 };
	strcpy(c->de.host_bridge, "10000.pci");
}
static void m_bar_probe_only(struct ctx *c)
{
	unbind(c);
	c->de.bar[0] = (struct vd_resource){ 0, 0x7fff, 0x20040200 };
	strcpy(c->de.host_bridge, "10000.pci");
	c->se.pci_probe_only = true;
}
/* virtio-mmio built in yet not registered: the fix cannot be a modprobe */
static void m_mmio_group_builtin(struct ctx *c)
{
	mmio_group(c);
	c->se.virtio_mmio.kconfig_val = 'y';
	c->se.virtio_mmio.info.builtin = true;
}
static void m_cannot_tell(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.kconfig_val = 0;
	c->de.vdrv.looked_up = false;
	c->se.kmod_index = false;
	c->se.kconfig_loaded = false;
}

static const struct {
	const char *name;
	void (*mutate)(struct ctx *c);
	enum vd_verdict want;
	const char *evidence; /* a fragment one evidence line must contain */
} cases[] = {
	{ "ok", m_ok, VD_V_OK, "answers 42" },
	{ "not built", m_not_built, VD_V_PCI_DRIVER_NOT_BUILT, "CONFIG_VIRTIO_PCI=n" },
	{ "initcall", m_initcall, VD_V_PCI_DRIVER_INITCALL_BLACKLISTED, "initcall_blacklist" },
	{ "pci blacklisted", m_pci_blacklisted, VD_V_PCI_DRIVER_BLACKLISTED,
	  "blacklist virtio_pci" },
	{ "pci cmdline bl", m_pci_cmdline_blacklisted, VD_V_PCI_DRIVER_BLACKLISTED,
	  "module_blacklist" },
	{ "pci install", m_pci_install, VD_V_PCI_DRIVER_BLACKLISTED, "install virtio_pci" },
	{ "pci not loaded", m_pci_not_loaded, VD_V_PCI_DRIVER_NOT_LOADED,
	  "drivers/virtio-pci: does not exist" },
	{ "pci missing", m_pci_missing, VD_V_PCI_DRIVER_MISSING, "CONFIG_VIRTIO_PCI=m" },
	{ "pci missing noindex", m_pci_missing_noindex, VD_V_PCI_DRIVER_MISSING, "modules: " },
	{ "pci unknown", m_pci_unknown, VD_V_PCI_DRIVER_NOT_REGISTERED, "does not exist" },
	{ "override none", m_override_none, VD_V_OVERRIDE_NONE, "driver_override: 'none'" },
	{ "override other", m_override_other, VD_V_OVERRIDE_OTHER, "'pci-stub'" },
	{ "autoprobe", m_autoprobe, VD_V_AUTOPROBE_DISABLED, "drivers_autoprobe: 0" },
	{ "vf autoprobe", m_vf_autoprobe, VD_V_AUTOPROBE_DISABLED, "sriov_drivers_autoprobe: 0" },
	{ "no common", m_no_common, VD_V_PROBE_NO_COMMON_CAP,
	  "virtio capabilities: vendor@bar0 isr@bar0" },
	{ "common bar 7", m_common_bad_bar, VD_V_PROBE_NO_COMMON_CAP, "unusable BAR" },
	{ "common zero bar", m_common_zero_bar, VD_V_PROBE_NO_COMMON_CAP, "unusable BAR" },
	{ "missing isr", m_missing_isr, VD_V_PROBE_MISSING_CAPS, "config: virtio capabilities" },
	{ "missing notify", m_missing_notify, VD_V_PROBE_MISSING_CAPS, "config:" },
	{ "short common", m_short_common, VD_V_PROBE_BAD_CAP, "config:" },
	{ "cap past bar", m_cap_past_bar, VD_V_PROBE_BAD_CAP, "end of BAR 0" },
	{ "long notify", m_long_notify_ok, VD_V_PROBE_REJECTED, "config: virtio capabilities" },
	{ "short isr", m_short_isr, VD_V_PROBE_BAD_CAP, "config:" },
	{ "bar unset", m_bar_unset, VD_V_PROBE_BAR_UNASSIGNED, "resource: BAR 0" },
	{ "bar log", m_bar_log, VD_V_PROBE_BAR_UNASSIGNED, "not assigned" },
	{ "legacy no support", m_legacy_no_support, VD_V_LEGACY_UNSUPPORTED,
	  "CONFIG_VIRTIO_PCI_LEGACY" },
	{ "legacy revision", m_legacy_rev, VD_V_LEGACY_REVISION, "revision: 0x01" },
	{ "probe failed", m_probe_failed, VD_V_PROBE_FAILED, "failed with error -12" },
	{ "log missing caps", m_log_missing_caps, VD_V_PROBE_MISSING_CAPS, "missing capabilities" },
	{ "log leaving", m_log_leaving, VD_V_PROBE_NO_COMMON_CAP, "leaving for legacy" },
	{ "rejected", m_rejected, VD_V_PROBE_REJECTED, "new_id would answer EEXIST" },
	{ "foreign", m_foreign, VD_V_FOREIGN_DRIVER, "driver -> vfio-pci" },
	{ "no virtio device", m_no_virtio_dev, VD_V_NO_VIRTIO_DEVICE, "no virtio* child" },
	{ "virtio not built", m_virtio_not_built, VD_V_VIRTIO_DRIVER_NOT_BUILT,
	  "CONFIG_VIRTIO_VSOCKETS=n" },
	{ "virtio blacklisted", m_virtio_blacklisted, VD_V_VIRTIO_DRIVER_BLACKLISTED,
	  "blacklist vmw_vsock" },
	{ "virtio not loaded", m_virtio_not_loaded, VD_V_VIRTIO_DRIVER_NOT_LOADED, "not loaded" },
	{ "virtio missing", m_virtio_missing, VD_V_VIRTIO_DRIVER_MISSING,
	  "CONFIG_VIRTIO_VSOCKETS=m" },
	{ "virtio none", m_virtio_none, VD_V_VIRTIO_DRIVER_NONE, "status: 0x00000001" },
	{ "virtio not bound", m_virtio_not_bound, VD_V_VIRTIO_DRIVER_NOT_BOUND, "registered" },
	{ "refuses", m_refuses, VD_V_VIRTIO_FEATURES_REFUSED, "refuses features" },
	{ "access platform", m_access_platform, VD_V_VIRTIO_NEEDS_ACCESS_PLATFORM,
	  "ACCESS_PLATFORM" },
	{ "version 1", m_version_1, VD_V_VIRTIO_NEEDS_VERSION_1, "VERSION_1" },
	{ "virtio failed", m_virtio_failed, VD_V_VIRTIO_PROBE_FAILED, "status: 0x0000008b" },
	{ "needs reset", m_needs_reset, VD_V_VIRTIO_NEEDS_RESET, "0x0000004f" },
	{ "not ready", m_not_ready, VD_V_VIRTIO_NOT_READY, "0x0000000b" },
	{ "vsock no cid", m_vsock_no_cid, VD_V_VSOCK_NO_DEVICE, "4294967295" },
	{ "vsock competing", m_vsock_competing, VD_V_VSOCK_COMPETING_TRANSPORT,
	  "vmw_vsock_vmci_transport" },
	{ "vsock second", m_vsock_second, VD_V_VSOCK_SECOND_DEVICE, "error -16" },
	{ "vsock second unbound", m_vsock_second_unbound, VD_V_VSOCK_SECOND_DEVICE, "no link" },
	{ "mmio unbound", m_mmio_unbound, VD_V_MMIO_UNBOUND, "failed with error -22" },
	{ "mmio empty", m_mmio_empty, VD_V_MMIO_EMPTY, "virtio-mmio: registered; nothing in" },
	{ "mmio override", m_mmio_override, VD_V_OVERRIDE_NONE,
	  "sys/bus/platform/devices/a003e00.virtio_mmio/driver_override: 'none'" },
	{ "mmio not built", m_mmio_not_built, VD_V_MMIO_DRIVER_NOT_BUILT, "CONFIG_VIRTIO_MMIO=n" },
	{ "mmio initcall", m_mmio_initcall, VD_V_MMIO_DRIVER_INITCALL_BLACKLISTED,
	  "virtio_mmio_init" },
	{ "mmio blacklisted", m_mmio_blacklisted, VD_V_MMIO_DRIVER_BLACKLISTED,
	  "blacklist virtio_mmio" },
	{ "mmio not loaded", m_mmio_not_loaded, VD_V_MMIO_DRIVER_NOT_LOADED,
	  "32 virtio-mmio transports without a driver (a000000.virtio_mmio ... a003e00" },
	{ "mmio missing", m_mmio_missing, VD_V_MMIO_DRIVER_MISSING, "CONFIG_VIRTIO_MMIO=m" },
	{ "mmio virtio not loaded", m_mmio_virtio_not_loaded, VD_V_VIRTIO_DRIVER_NOT_LOADED,
	  "sys/bus/platform/devices/a003e00.virtio_mmio/driver -> virtio-mmio" },
	{ "bar zeroed", m_bar_zeroed, VD_V_PROBE_BAR_UNASSIGNED, "BAR 0 reads 0" },
	{ "bar probe-only", m_bar_probe_only, VD_V_PROBE_BAR_UNASSIGNED, "PROBE_ONLY enabled" },
	{ "cannot tell", m_cannot_tell, VD_V_CANNOT_TELL, "no link" },
};

static void test_every_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctx c;
		struct vd_finding f;
		bool found = false;

		healthy(&c);
		cases[i].mutate(&c);
		vd_diagnose(&c.d, &c.de, &c.se, &f);
		if (f.verdict != cases[i].want)
			fail_msg("case '%s': got %s (%s), want %s", cases[i].name,
				 vd_verdict_code(f.verdict), f.summary,
				 vd_verdict_code(cases[i].want));
		for (size_t k = 0; k < f.n_evidence; k++)
			if (strstr(f.evidence[k], cases[i].evidence))
				found = true;
		if (!found) {
			for (size_t k = 0; k < f.n_evidence; k++)
				print_error("  evidence: %s\n", f.evidence[k]);
			fail_msg("case '%s': no evidence line mentions '%s'", cases[i].name,
				 cases[i].evidence);
		}
		/* no verdict without evidence, and a problem always comes with a fix */
		assert_true(f.n_evidence > 0);
		assert_true(f.summary[0] != '\0');
		if (vd_verdict_is_problem(f.verdict) && f.verdict != VD_V_VIRTIO_DRIVER_NONE)
			assert_true(f.n_remedy > 0);
		vd_finding_done(&f);
	}
}

/* every verdict has a case above, a code and a help line */
static void test_verdict_table(void **state)
{
	(void)state;
	for (int v = 0; v < _VD_V_MAX; v++) {
		bool covered = false;

		assert_true(vd_verdict_code(v)[0] != '\0');
		assert_true(vd_verdict_help(v)[0] != '\0');
		for (int w = 0; w < v; w++)
			assert_string_not_equal(vd_verdict_code(v), vd_verdict_code(w));
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			if (cases[i].want == (enum vd_verdict)v)
				covered = true;
		if (!covered)
			fail_msg("verdict %s has no test case", vd_verdict_code(v));
	}
}

static void test_remedies_name_the_device(void **state)
{
	struct ctx c;
	struct vd_finding f;

	(void)state;
	healthy(&c);
	m_override_none(&c);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_string_equal(f.remedy[0], "virtio-doctor bind --force 0000:00:04.0 (sets "
					 "driver_override to virtio-pci)");
	/* where someone might reach for new_id, say why it cannot help */
	healthy(&c);
	m_rejected(&c);
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_non_null(strstr(f.evidence[1], "new_id would answer EEXIST"));
	assert_non_null(strstr(f.unchecked[0], "needs root"));
	vd_finding_done(&f);
}

static bool remedy_has(const struct vd_finding *f, const char *what)
{
	for (size_t k = 0; k < f->n_remedy; k++)
		if (strstr(f->remedy[k], what))
			return true;
	return false;
}

/*
 * Behind arm64's generic host bridge pci=realloc is read on neither path: the fix names the
 * device tree's window (assigning mode) or the VMM's BAR programming (probe-only), and
 * the zeroed BAR is never taken for a missing capability.
 */
static void test_arm64_bar_fixes(void **state)
{
	struct ctx c;
	struct vd_finding f;

	(void)state;
	healthy(&c);
	m_bar_zeroed(&c);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_int_equal(f.verdict, VD_V_PROBE_BAR_UNASSIGNED);
	assert_non_null(strstr(f.summary, "silent -ENODEV"));
	assert_true(remedy_has(&f, "ranges"));
	assert_false(remedy_has(&f, "boot with pci=realloc"));
	healthy(&c);
	m_bar_probe_only(&c);
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_non_null(strstr(f.summary, "probe-only"));
	assert_true(remedy_has(&f, "linux,pci-probe-only"));
	assert_false(remedy_has(&f, "boot with pci=realloc"));
	/* on x86 (no device-tree host bridge) pci=realloc can re-size bridge windows */
	healthy(&c);
	m_bar_unset(&c);
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_true(remedy_has(&f, "pci=realloc"));
	vd_finding_done(&f);
}

/* A built-in driver is never told to modprobe; force_legacy only ever explains legacy mode. */
static void test_builtin_and_force_legacy(void **state)
{
	struct ctx c;
	struct vd_finding f;

	(void)state;
	healthy(&c);
	m_cannot_tell(&c);
	c.de.vdrv.kconfig_val = 'y';
	c.de.vdrv.looked_up = true;
	c.de.vdrv.info.builtin = true;
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_int_equal(f.verdict, VD_V_CANNOT_TELL);
	assert_false(remedy_has(&f, "modprobe vmw"));
	healthy(&c);
	m_mmio_group_builtin(&c);
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_false(remedy_has(&f, "modprobe"));

	/* a modern-only device is never blamed on force_legacy */
	healthy(&c);
	m_rejected(&c);
	c.se.force_legacy = 'Y';
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	for (size_t k = 0; k < f.n_evidence; k++)
		assert_null(strstr(f.evidence[k], "force_legacy"));
	assert_null(strstr(f.summary, "force_legacy"));
	/* a transitional device running legacy because of it is told so */
	healthy(&c);
	c.d.device = 0x1000;
	vd_classify_pci(0x1af4, 0x1000, 0x0001, true, &c.d.cls);
	c.d.type_id = 1;
	c.d.transport = VD_TRANSPORT_TRANSITIONAL;
	c.d.have_features = true;
	c.d.status = 0x07;
	c.se.force_legacy = 'Y';
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_int_equal(f.verdict, VD_V_OK);
	assert_non_null(strstr(f.evidence[f.n_evidence - 1], "force_legacy: Y"));
	vd_finding_done(&f);
}

/* the man page documents every verdict code (a code added without docs fails here) */
static void test_man_page_lists_verdicts(void **state)
{
	FILE *f = fopen(VD_SRCDIR "/man/virtio-doctor.8", "r");
	static char text[1 << 17];
	size_t n;

	(void)state;
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (int v = 0; v < _VD_V_MAX; v++) {
		char needle[80];

		snprintf(needle, sizeof(needle), "\n.B %s\n", vd_verdict_code(v));
		if (!strstr(text, needle))
			fail_msg("man/virtio-doctor.8 does not document verdict '%s'",
				 vd_verdict_code(v));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_rule),
		cmocka_unit_test(test_verdict_table),
		cmocka_unit_test(test_remedies_name_the_device),
		cmocka_unit_test(test_arm64_bar_fixes),
		cmocka_unit_test(test_builtin_and_force_legacy),
		cmocka_unit_test(test_man_page_lists_verdicts),
	};
	return cmocka_run_group_tests_name("diagnose", tests, NULL, NULL);
}
