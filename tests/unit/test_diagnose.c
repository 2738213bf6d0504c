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

/* ---- rule tables: each rule at its boundaries, its exclusions, its order ---- */

/* not root: 64 bytes of config space, so the kernel log decides */
static void nonroot(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64;
}
static void ev_probe_failed(struct ctx *c, int err)
{
	char line[128];

	snprintf(line, sizeof(line),
		 "virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error %d", err);
	event(c, VD_KLOG_PROBE_FAILED, "0000:00:04.0", err, line);
}
static void ev_missing_caps(struct ctx *c)
{
	event(c, VD_KLOG_MISSING_CAPS, "0000:00:04.0", 0,
	      "virtio-pci 0000:00:04.0: virtio_pci: missing capabilities 64/0/112");
}
static void ev_bad_cap(struct ctx *c)
{
	event(c, VD_KLOG_BAD_CAP, "0000:00:04.0", 0,
	      "virtio-pci 0000:00:04.0: virtio_pci: bad capability len 4 (>=16 expected)");
}
static void ev_leaving(struct ctx *c)
{
	event(c, VD_KLOG_LEAVING_LEGACY, "0000:00:04.0", 0,
	      "virtio-pci 0000:00:04.0: virtio_pci: leaving for legacy driver");
}
static void ev_bar_log(struct ctx *c)
{
	event(c, VD_KLOG_BAR_NOT_ASSIGNED, "0000:00:04.0", 0,
	      "pci 0000:00:04.0: BAR 0 [mem size 0x00080000]: not assigned; can't enable device");
}
static void transitional_net(struct ctx *c)
{
	c->d.device = 0x1000;
	vd_classify_pci(0x1af4, 0x1000, 0x0001, true, &c->d.cls);
	c->d.type_id = 1;
	c->d.transport = VD_TRANSPORT_TRANSITIONAL;
}

/* the override rule: 'none', another driver; never virtio-pci itself or an empty one */
static void o_virtio_pci(struct ctx *c)
{
	unbind(c);
	strcpy(c->de.override, "virtio-pci");
}
static void o_empty(struct ctx *c)
{
	unbind(c);
	c->de.override[0] = '\0';
}
static void o_unreadable(struct ctx *c)
{
	unbind(c);
	c->de.have_override = false;
	strcpy(c->de.override, "pci-stub");
}
static void o_virtio_pci_nonroot(struct ctx *c)
{
	o_virtio_pci(c);
	c->d.cfg_len = 64;
	ev_probe_failed(c, -12);
}
static void o_other_before_autoprobe(struct ctx *c)
{
	m_override_other(c);
	c->se.pci_autoprobe = 0;
}
static void o_other_before_caps(struct ctx *c)
{
	m_override_other(c);
	set_cap_type(c, VD_CAP_ISR, VD_CAP_VENDOR);
}
static void o_none_before_log(struct ctx *c)
{
	m_override_none(c);
	c->d.cfg_len = 64;
	ev_missing_caps(c);
}

/* autoprobe: 0 only (-1 is unreadable, not off); a PF's only for a VF */
static void a_unreadable(struct ctx *c)
{
	unbind(c);
	c->se.pci_autoprobe = -1;
}
static void a_vf_pf_unreadable(struct ctx *c)
{
	unbind(c);
	c->de.is_vf = true;
	c->de.pf_autoprobe = -1;
}
static void a_vf_pf_on(struct ctx *c)
{
	unbind(c);
	c->de.is_vf = true;
	c->de.pf_autoprobe = 1;
}
static void a_not_vf_pf_off(struct ctx *c)
{
	unbind(c);
	c->de.pf_autoprobe = 0;
}
static void a_before_bar(struct ctx *c)
{
	m_bar_unset(c);
	c->se.pci_autoprobe = 0;
}

/* capabilities read as root: the length and offset limits, both sides */
static void k_common_len_16(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].cap_len = 16;
}
static void k_common_len_15(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].cap_len = 15;
}
static void k_common_56(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].length = 56;
}
static void k_common_55(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].length = 55;
}
static void k_notify_2(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[3].length = 2;
}
static void k_notify_1(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[3].length = 1;
}
static void k_isr_1(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[1].length = 1;
}
/* BAR 0 is 0x80000 bytes; the common area maps 56 */
static void k_ends_at_bar_end(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].offset = 0x80000 - 56;
}
static void k_ends_past_bar_end(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].offset = 0x80000 - 55;
}
static void k_isr_last_byte(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[1].offset = 0x80000 - 1;
}
static void k_isr_past_end(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[1].offset = 0x80000;
}
/* 256 bytes of config space is root's view; anything shorter leaves it to the log */
static void k_missing_isr_root(struct ctx *c)
{
	m_missing_isr(c);
	c->d.cfg_len = 256;
}
static void k_missing_isr_nonroot(struct ctx *c)
{
	m_missing_isr(c);
	c->d.cfg_len = 64;
}
static void k_missing_isr_255(struct ctx *c)
{
	m_missing_isr(c);
	c->d.cfg_len = 255;
}
/* root config space outranks the log: it names the cause, the log only the errno */
static void k_root_missing_isr_log_failed(struct ctx *c)
{
	m_missing_isr(c);
	ev_probe_failed(c, -22);
}
static void k_root_fine_log_failed(struct ctx *c)
{
	unbind(c);
	ev_probe_failed(c, -12);
}
static void k_bad_cap_before_missing(struct ctx *c)
{
	m_missing_isr(c);
	c->cfg.caps[0].cap_len = 12;
}
static void k_missing_before_bad_len(struct ctx *c)
{
	m_missing_isr(c);
	c->cfg.caps[3].length = 1;
}
static void k_bar_before_caps(struct ctx *c)
{
	m_bar_unset(c);
	set_cap_type(c, VD_CAP_ISR, VD_CAP_VENDOR);
}

/* legacy path: transitional IDs only, revision 0 only, where the kernel has it */
static void l_rev0_supported(struct ctx *c)
{
	legacy_balloon(c);
}
static void l_rev_unknown(struct ctx *c)
{
	legacy_balloon(c);
	c->d.revision = 1;
	c->d.have_rev = false;
}
static void l_rev_before_unsupported(struct ctx *c)
{
	m_legacy_no_support(c);
	c->d.revision = 2;
}
static void l_modern_no_common_rev0(struct ctx *c)
{
	m_no_common(c);
	c->d.revision = 0;
	c->se.kc_virtio_pci_legacy = 'n';
}

/* the log's rules (not root), in their order: BAR, missing caps, bad cap, legacy, errno */
static void g_missing_and_failed(struct ctx *c)
{
	nonroot(c);
	ev_missing_caps(c);
	ev_probe_failed(c, -22);
}
static void g_failed_then_missing(struct ctx *c)
{
	nonroot(c);
	ev_probe_failed(c, -22);
	ev_missing_caps(c);
}
static void g_bad_cap_and_failed(struct ctx *c)
{
	nonroot(c);
	ev_probe_failed(c, -22);
	ev_bad_cap(c);
}
static void g_bad_cap(struct ctx *c)
{
	nonroot(c);
	ev_bad_cap(c);
}
static void g_missing_before_bad(struct ctx *c)
{
	nonroot(c);
	ev_bad_cap(c);
	ev_missing_caps(c);
}
static void g_leaving_and_failed(struct ctx *c)
{
	nonroot(c);
	ev_probe_failed(c, -19);
	ev_leaving(c);
}
static void g_leaving_transitional(struct ctx *c)
{
	nonroot(c);
	transitional_net(c);
	ev_leaving(c);
	ev_probe_failed(c, -19);
}
static void g_bar_before_missing(struct ctx *c)
{
	nonroot(c);
	ev_missing_caps(c);
	ev_bar_log(c);
}
static void g_autoprobe_before_log(struct ctx *c)
{
	nonroot(c);
	ev_probe_failed(c, -22);
	c->se.pci_autoprobe = 0;
}

/* virtio level */
static void v_missing_by_index(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.kconfig_val = 0; /* no kernel config: the module index alone decides */
}
static void v_no_index_no_config(struct ctx *c)
{
	v_missing_by_index(c);
	c->se.kmod_index = false;
}
static void v_not_looked_up(struct ctx *c)
{
	v_missing_by_index(c);
	c->de.vdrv.looked_up = false;
}
static void v_builtin_blacklisted(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.kconfig_val = 'y';
	c->de.vdrv.info.builtin = true;
	c->de.vdrv.info.blacklisted = true;
}
static void v_vsock_ebusy_alone(struct ctx *c)
{
	virtio_failed(c);
	event(c, VD_KLOG_PROBE_FAILED, "virtio3", -16,
	      "vmw_vsock_virtio_transport: probe of virtio3 failed with error -16");
}
static void v_vsock_einval(struct ctx *c)
{
	virtio_failed(c);
	event(c, VD_KLOG_PROBE_FAILED, "virtio3", -22,
	      "vmw_vsock_virtio_transport: probe of virtio3 failed with error -22");
}
static void v_ebusy_not_vsock(struct ctx *c)
{
	v_vsock_ebusy_alone(c);
	c->d.device = 0x1041;
	vd_classify_pci(0x1af4, 0x1041, 0x1041, true, &c->d.cls);
	c->d.type_id = 1;
	strcpy(c->de.vdrv.info.name, "virtio_net");
}
static void v_reset_before_failed(struct ctx *c)
{
	virtio_failed(c);
	c->d.status |= 0x40;
}
static void v_platform_before_version(struct ctx *c)
{
	m_version_1(c);
	event(c, VD_KLOG_NEEDS_ACCESS_PLATFORM, "virtio3", 0,
	      "vmw_vsock_virtio_transport virtio3: device must provide VIRTIO_F_ACCESS_PLATFORM");
}
static void v_version_before_refuses(struct ctx *c)
{
	m_refuses(c);
	event(c, VD_KLOG_NEEDS_VERSION_1, "virtio3", 0,
	      "vmw_vsock_virtio_transport virtio3: device must provide VIRTIO_F_VERSION_1");
}

static const struct {
	const char *rule, *name;
	void (*mutate)(struct ctx *c);
	enum vd_verdict want;
} rule_cases[] = {
	{ "override", "virtio-pci itself (root)", o_virtio_pci, VD_V_PROBE_REJECTED },
	{ "override", "virtio-pci itself (not root)", o_virtio_pci_nonroot, VD_V_PROBE_FAILED },
	{ "override", "empty", o_empty, VD_V_PROBE_REJECTED },
	{ "override", "unreadable", o_unreadable, VD_V_PROBE_REJECTED },
	{ "override", "other", m_override_other, VD_V_OVERRIDE_OTHER },
	{ "override", "none", m_override_none, VD_V_OVERRIDE_NONE },
	{ "override", "ahead of autoprobe", o_other_before_autoprobe, VD_V_OVERRIDE_OTHER },
	{ "override", "ahead of caps (root)", o_other_before_caps, VD_V_OVERRIDE_OTHER },
	{ "override", "ahead of the log (not root)", o_none_before_log, VD_V_OVERRIDE_NONE },
	{ "autoprobe", "0", m_autoprobe, VD_V_AUTOPROBE_DISABLED },
	{ "autoprobe", "1", m_rejected, VD_V_PROBE_REJECTED },
	{ "autoprobe", "unreadable", a_unreadable, VD_V_PROBE_REJECTED },
	{ "autoprobe", "VF, PF off", m_vf_autoprobe, VD_V_AUTOPROBE_DISABLED },
	{ "autoprobe", "VF, PF unreadable", a_vf_pf_unreadable, VD_V_PROBE_REJECTED },
	{ "autoprobe", "VF, PF on", a_vf_pf_on, VD_V_PROBE_REJECTED },
	{ "autoprobe", "not a VF, PF value 0", a_not_vf_pf_off, VD_V_PROBE_REJECTED },
	{ "autoprobe", "ahead of BAR", a_before_bar, VD_V_AUTOPROBE_DISABLED },
	{ "autoprobe", "ahead of the log", g_autoprobe_before_log, VD_V_AUTOPROBE_DISABLED },
	{ "caps", "common cap_len 16", k_common_len_16, VD_V_PROBE_REJECTED },
	{ "caps", "common cap_len 15", k_common_len_15, VD_V_PROBE_BAD_CAP },
	{ "caps", "common length 56", k_common_56, VD_V_PROBE_REJECTED },
	{ "caps", "common length 55", k_common_55, VD_V_PROBE_BAD_CAP },
	{ "caps", "notify length 2", k_notify_2, VD_V_PROBE_REJECTED },
	{ "caps", "notify length 1", k_notify_1, VD_V_PROBE_BAD_CAP },
	{ "caps", "ISR length 1", k_isr_1, VD_V_PROBE_REJECTED },
	{ "caps", "common ends at the BAR's end", k_ends_at_bar_end, VD_V_PROBE_REJECTED },
	{ "caps", "common ends 1 past the BAR", k_ends_past_bar_end, VD_V_PROBE_BAD_CAP },
	{ "caps", "ISR in the BAR's last byte", k_isr_last_byte, VD_V_PROBE_REJECTED },
	{ "caps", "ISR at the BAR's size", k_isr_past_end, VD_V_PROBE_BAD_CAP },
	{ "caps", "missing ISR, 256 bytes", k_missing_isr_root, VD_V_PROBE_MISSING_CAPS },
	{ "caps", "missing ISR, 255 bytes", k_missing_isr_255, VD_V_PROBE_REJECTED },
	{ "caps", "missing ISR, 64 bytes", k_missing_isr_nonroot, VD_V_PROBE_REJECTED },
	{ "caps", "root caps ahead of the log's errno", k_root_missing_isr_log_failed,
	  VD_V_PROBE_MISSING_CAPS },
	{ "caps", "root caps fine, the log's errno", k_root_fine_log_failed, VD_V_PROBE_FAILED },
	{ "caps", "short common ahead of missing", k_bad_cap_before_missing, VD_V_PROBE_BAD_CAP },
	{ "caps", "missing ahead of short notify", k_missing_before_bad_len,
	  VD_V_PROBE_MISSING_CAPS },
	{ "caps", "BAR ahead of caps", k_bar_before_caps, VD_V_PROBE_BAR_UNASSIGNED },
	{ "legacy", "revision 0, supported", l_rev0_supported, VD_V_PROBE_REJECTED },
	{ "legacy", "revision 1", m_legacy_rev, VD_V_LEGACY_REVISION },
	{ "legacy", "revision unknown", l_rev_unknown, VD_V_PROBE_REJECTED },
	{ "legacy", "revision ahead of support", l_rev_before_unsupported, VD_V_LEGACY_REVISION },
	{ "legacy", "modern ID never legacy", l_modern_no_common_rev0, VD_V_PROBE_NO_COMMON_CAP },
	{ "log", "missing caps, then probe failed", g_missing_and_failed, VD_V_PROBE_MISSING_CAPS },
	{ "log", "probe failed, then missing caps", g_failed_then_missing,
	  VD_V_PROBE_MISSING_CAPS },
	{ "log", "bad cap and probe failed", g_bad_cap_and_failed, VD_V_PROBE_BAD_CAP },
	{ "log", "bad cap", g_bad_cap, VD_V_PROBE_BAD_CAP },
	{ "log", "missing ahead of bad cap", g_missing_before_bad, VD_V_PROBE_MISSING_CAPS },
	{ "log", "leaving (modern) and probe failed", g_leaving_and_failed,
	  VD_V_PROBE_NO_COMMON_CAP },
	{ "log", "leaving, transitional", g_leaving_transitional, VD_V_PROBE_FAILED },
	{ "log", "BAR ahead of missing caps", g_bar_before_missing, VD_V_PROBE_BAR_UNASSIGNED },
	{ "log", "probe failed alone", m_probe_failed, VD_V_PROBE_FAILED },
	{ "log", "nothing", m_rejected, VD_V_PROBE_REJECTED },
	{ "virtio", "module index, no kconfig", v_missing_by_index, VD_V_VIRTIO_DRIVER_MISSING },
	{ "virtio", "no index, no kconfig", v_no_index_no_config, VD_V_CANNOT_TELL },
	{ "virtio", "index, module not looked up", v_not_looked_up, VD_V_CANNOT_TELL },
	{ "virtio", "built-in ignores a blacklist", v_builtin_blacklisted, VD_V_CANNOT_TELL },
	{ "virtio", "vsock -EBUSY, none bound", v_vsock_ebusy_alone, VD_V_VSOCK_SECOND_DEVICE },
	{ "virtio", "vsock -EINVAL", v_vsock_einval, VD_V_VIRTIO_PROBE_FAILED },
	{ "virtio", "-EBUSY, not vsock", v_ebusy_not_vsock, VD_V_VIRTIO_PROBE_FAILED },
	{ "virtio", "NEEDS_RESET ahead of FAILED", v_reset_before_failed, VD_V_VIRTIO_NEEDS_RESET },
	{ "virtio", "ACCESS_PLATFORM ahead of VERSION_1", v_platform_before_version,
	  VD_V_VIRTIO_NEEDS_ACCESS_PLATFORM },
	{ "virtio", "VERSION_1 ahead of refused", v_version_before_refuses,
	  VD_V_VIRTIO_NEEDS_VERSION_1 },
};

static void test_rule_tables(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
		struct ctx c;
		struct vd_finding f;

		healthy(&c);
		rule_cases[i].mutate(&c);
		vd_diagnose(&c.d, &c.de, &c.se, &f);
		if (f.verdict != rule_cases[i].want) {
			print_error("%s: %s: got %s (%s), want %s\n", rule_cases[i].rule,
				    rule_cases[i].name, vd_verdict_code(f.verdict), f.summary,
				    vd_verdict_code(rule_cases[i].want));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* a problem is every verdict but ok and an empty mmio slot */
static void test_verdict_is_problem(void **state)
{
	(void)state;
	for (int v = 0; v < _VD_V_MAX; v++)
		assert_int_equal(vd_verdict_is_problem(v), v != VD_V_OK && v != VD_V_MMIO_EMPTY);
	assert_false(vd_verdict_is_problem(VD_V_MMIO_EMPTY));
	assert_true(vd_verdict_is_problem(VD_V_CANNOT_TELL));
}

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
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_non_null(strstr(f.evidence[1], "new_id would answer EEXIST"));
	assert_non_null(strstr(f.unchecked[0], "needs root"));
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
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_non_null(strstr(f.summary, "probe-only"));
	assert_true(remedy_has(&f, "linux,pci-probe-only"));
	assert_false(remedy_has(&f, "boot with pci=realloc"));
	/* on x86 (no device-tree host bridge) pci=realloc can re-size bridge windows */
	healthy(&c);
	m_bar_unset(&c);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_true(remedy_has(&f, "pci=realloc"));
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
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_false(remedy_has(&f, "modprobe"));

	/* a modern-only device is never blamed on force_legacy */
	healthy(&c);
	m_rejected(&c);
	c.se.force_legacy = 'Y';
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
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_int_equal(f.verdict, VD_V_OK);
	assert_non_null(strstr(f.evidence[f.n_evidence - 1], "force_legacy: Y"));
}

/* Plain text of one roff line: the escapes a meaning may use, nothing else. */
static void unroff(const char *in, char *out, size_t size)
{
	size_t n = 0;

	while (*in && n + 1 < size) {
		if (in[0] == '\\' && in[1] == '-') {
			out[n++] = '-';
			in += 2;
		} else if (in[0] == '\\' && in[1] == '&') {
			in += 2;
		} else if (!strncmp(in, "\\(aq", 4)) {
			out[n++] = '\'';
			in += 4;
		} else if (in[0] == '\\' && in[1] == 'e') {
			out[n++] = '\\';
			in += 2;
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = '\0';
}

/*
 * man/virtio-doctor.8's VERDICTS section against the catalogue, word for word: each
 * ".TP" / ".B code" entry's first sentence (its text lines up to the first that ends in
 * '.') is vd_verdict_help() and a '.'; every verdict has one entry, and no entry is extra.
 */
static void test_man_verdicts_match_catalogue(void **state)
{
	FILE *f = fopen(VD_SRCDIR "/man/virtio-doctor.8", "r");
	char line[1024], meaning[4096], code[1024];
	int seen[_VD_V_MAX] = { 0 }, v;
	bool in_section = false, after_tp = false;
	int bad = 0, entries = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, ".SH ", 4)) {
			in_section = !strcmp(line, ".SH VERDICTS");
			continue;
		}
		if (!in_section)
			continue;
		if (!strcmp(line, ".TP")) {
			after_tp = true;
			continue;
		}
		if (!after_tp)
			continue;
		after_tp = false;
		if (strncmp(line, ".B ", 3)) {
			print_error("VERDICTS: a .TP entry not of the form '.B code': '%s'\n",
				    line);
			bad++;
			continue;
		}
		strcpy(code, line + 3);
		entries++;
		meaning[0] = '\0';
		while (fgets(line, sizeof(line), f)) {
			char plain[1024];
			size_t len;

			line[strcspn(line, "\n")] = '\0';
			if (line[0] == '.' || line[0] == '\0') {
				print_error(
					"VERDICTS: %s: the meaning must be plain text lines ending "
					"in '.', found '%s'\n",
					code, line);
				bad++;
				break;
			}
			unroff(line, plain, sizeof(plain));
			len = strlen(meaning);
			assert_true(len + 1 + strlen(plain) < sizeof(meaning));
			if (len)
				meaning[len++] = ' ';
			strcpy(meaning + len, plain);
			len = strlen(meaning);
			if (meaning[len - 1] == '.') {
				meaning[len - 1] = '\0';
				break;
			}
		}
		for (v = 0; v < _VD_V_MAX && strcmp(vd_verdict_code(v), code);)
			v++;
		if (v == _VD_V_MAX) {
			print_error("VERDICTS: '%s' is no verdict of the catalogue\n", code);
			bad++;
			continue;
		}
		if (seen[v]++) {
			print_error("VERDICTS: '%s' is documented twice\n", code);
			bad++;
		}
		if (strcmp(meaning, vd_verdict_help(v))) {
			print_error("VERDICTS: %s:\n  man page:  %s.\n  catalogue: %s.\n", code,
				    meaning, vd_verdict_help(v));
			bad++;
		}
	}
	fclose(f);
	for (v = 0; v < _VD_V_MAX; v++)
		if (!seen[v]) {
			print_error("VERDICTS: verdict '%s' is not documented\n",
				    vd_verdict_code(v));
			bad++;
		}
	assert_int_equal(entries, _VD_V_MAX);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_rule),
		cmocka_unit_test(test_verdict_table),
		cmocka_unit_test(test_rule_tables),
		cmocka_unit_test(test_verdict_is_problem),
		cmocka_unit_test(test_remedies_name_the_device),
		cmocka_unit_test(test_arm64_bar_fixes),
		cmocka_unit_test(test_builtin_and_force_legacy),
		cmocka_unit_test(test_man_verdicts_match_catalogue),
	};
	return cmocka_run_group_tests_name("diagnose", tests, NULL, NULL);
}
