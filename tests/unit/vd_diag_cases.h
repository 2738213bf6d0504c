/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor tests -- hand-built evidence for the diagnosis rules: a healthy device and
 * the ways to break it, shared by test_diagnose.c (one case per verdict) and
 * test_diagnose_rules.c (each rule at its boundaries, exclusions and order)
 */
#ifndef VD_DIAG_CASES_H
#define VD_DIAG_CASES_H

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
static inline void healthy(struct ctx *c)
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

static inline void unbind(struct ctx *c)
{
	c->d.pcidrv = c->d.virtio = c->d.driver = "";
	c->d.have_status = false;
	c->d.state = VD_STATE_UNBOUND;
	c->se.vsock_bound = 0;
}

static inline void no_pci_driver(struct ctx *c)
{
	unbind(c);
	c->se.virtio_pci.registered = false;
	c->se.virtio_pci.info.loaded = false;
}

static inline void virtio_unbound(struct ctx *c)
{
	c->d.driver = "";
	c->d.status = 0x01;
	c->d.state = VD_STATE_NO_DRIVER;
	c->de.vdrv.registered = false;
	c->se.vsock_bound = 0;
}

static inline void virtio_failed(struct ctx *c)
{
	c->d.driver = "";
	c->d.status = 0x8b;
	c->d.state = VD_STATE_FAILED;
	c->se.vsock_bound = 0;
}

static inline void event(struct ctx *c, enum vd_klog_kind k, const char *dev, int err,
			 const char *line)
{
	struct vd_klog_event *e = &c->de.events[c->de.n_events];

	e->kind = k;
	strcpy(e->device, dev);
	e->error = err;
	strcpy(c->de.event_lines[c->de.n_events++], line);
}

static inline void set_cap_type(struct ctx *c, uint8_t from, uint8_t to)
{
	for (size_t i = 0; i < c->cfg.n_caps; i++)
		if (c->cfg.caps[i].cfg_type == from)
			c->cfg.caps[i].cfg_type = to;
}

/* one case per rule: how to break the healthy device, and the verdict */
static inline void m_ok(struct ctx *c)
{
	(void)c;
}
static inline void m_not_built(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.kconfig_val = 'n';
}
static inline void m_initcall(struct ctx *c)
{
	no_pci_driver(c);
	c->se.initcall_blacklisted = true;
}
static inline void m_pci_blacklisted(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.info.on_disk = true;
	c->se.virtio_pci.info.blacklisted = true;
}
static inline void m_pci_cmdline_blacklisted(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.info.cmdline_blacklisted = true;
}
static inline void m_pci_install(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.info.install_override = true;
	strcpy(c->se.virtio_pci.info.install_cmd, "/bin/false");
}
static inline void m_pci_not_loaded(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.info.on_disk = true;
}
static inline void m_pci_missing(struct ctx *c)
{
	no_pci_driver(c);
}
static inline void m_pci_missing_noindex(struct ctx *c)
{
	no_pci_driver(c);
	c->se.kmod_index = false;
}
static inline void m_pci_unknown(struct ctx *c)
{
	no_pci_driver(c);
	c->se.virtio_pci.kconfig_val = 0;
	c->se.virtio_pci.looked_up = false;
	c->se.kconfig_loaded = false;
	c->se.kmod_index = false;
}
static inline void m_override_none(struct ctx *c)
{
	unbind(c);
	strcpy(c->de.override, "none");
}
static inline void m_override_other(struct ctx *c)
{
	unbind(c);
	strcpy(c->de.override, "pci-stub");
}
static inline void m_autoprobe(struct ctx *c)
{
	unbind(c);
	c->se.pci_autoprobe = 0;
}
static inline void m_vf_autoprobe(struct ctx *c)
{
	unbind(c);
	c->de.is_vf = true;
	c->de.pf_autoprobe = 0;
}
static inline void m_no_common(struct ctx *c)
{
	unbind(c);
	set_cap_type(c, VD_CAP_COMMON, VD_CAP_VENDOR);
}
static inline void m_common_bad_bar(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].bar = 7;
}
static inline void m_common_zero_bar(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].bar = 2; /* BAR 2 has no size */
}
static inline void m_missing_isr(struct ctx *c)
{
	unbind(c);
	set_cap_type(c, VD_CAP_ISR, VD_CAP_VENDOR);
}
static inline void m_missing_notify(struct ctx *c)
{
	unbind(c);
	set_cap_type(c, VD_CAP_NOTIFY, VD_CAP_VENDOR);
}
static inline void m_short_common(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].cap_len = 12;
}
static inline void m_cap_past_bar(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].offset = 0x7fff0;
}
/* a notify area longer than the BAR is trimmed by the kernel, not refused */
static inline void m_long_notify_ok(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[3].length = 0x100000;
}
static inline void m_short_isr(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[1].length = 0;
}
static inline void m_bar_unset(struct ctx *c)
{
	unbind(c);
	c->de.bar[0] = (struct vd_resource){ 0, 0x7ffff, 0x20000200 };
}
static inline void m_bar_log(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64; /* not root: the log decides */
	event(c, VD_KLOG_BAR_NOT_ASSIGNED, "0000:00:04.0", 0,
	      "pci 0000:00:04.0: BAR 0 [mem size 0x00080000]: not assigned; can't enable device");
}
static inline void legacy_balloon(struct ctx *c)
{
	unbind(c);
	c->d.device = 0x1002;
	vd_classify_pci(0x1af4, 0x1002, 0x0005, true, &c->d.cls);
	c->d.type_id = 5;
	c->d.revision = 0;
	c->cfg.n_caps = 0;
	c->cfg.has_cap_list = false;
}
static inline void m_legacy_no_support(struct ctx *c)
{
	legacy_balloon(c);
	c->se.kc_virtio_pci_legacy = 'n';
}
static inline void m_legacy_rev(struct ctx *c)
{
	legacy_balloon(c);
	c->d.revision = 1;
}
static inline void m_probe_failed(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64;
	event(c, VD_KLOG_PROBE_FAILED, "0000:00:04.0", -12,
	      "virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error -12");
}
static inline void m_log_missing_caps(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64;
	event(c, VD_KLOG_MISSING_CAPS, "0000:00:04.0", 0,
	      "virtio-pci 0000:00:04.0: virtio_pci: missing capabilities 64/0/112");
}
static inline void m_log_leaving(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64;
	event(c, VD_KLOG_LEAVING_LEGACY, "0000:00:04.0", 0,
	      "virtio-pci 0000:00:04.0: virtio_pci: leaving for legacy driver");
}
static inline void m_rejected(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64;
}
static inline void m_foreign(struct ctx *c)
{
	unbind(c);
	c->d.state = VD_STATE_FOREIGN;
	c->d.pcidrv = "vfio-pci";
}
static inline void m_no_virtio_dev(struct ctx *c)
{
	c->d.virtio = c->d.driver = "";
	c->d.state = VD_STATE_FAILED;
}
static inline void m_virtio_not_built(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.kconfig_val = 'n';
	c->de.vdrv.looked_up = false;
}
static inline void m_virtio_blacklisted(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.info.on_disk = true;
	c->de.vdrv.info.blacklisted = true;
}
static inline void m_virtio_not_loaded(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.info.on_disk = true;
}
static inline void m_virtio_missing(struct ctx *c)
{
	virtio_unbound(c);
}
static inline void m_virtio_none(struct ctx *c)
{
	virtio_unbound(c);
	c->d.type_id = 35; /* watchdog: no Linux driver */
}
static inline void m_virtio_not_bound(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.registered = true;
}
static inline void m_refuses(struct ctx *c)
{
	virtio_failed(c);
	event(c, VD_KLOG_REFUSES_FEATURES, "virtio3", 0,
	      "vmw_vsock_virtio_transport virtio3: virtio: device refuses features: b");
}
static inline void m_access_platform(struct ctx *c)
{
	virtio_failed(c);
	event(c, VD_KLOG_NEEDS_ACCESS_PLATFORM, "virtio3", 0,
	      "vmw_vsock_virtio_transport virtio3: device must provide VIRTIO_F_ACCESS_PLATFORM");
}
static inline void m_version_1(struct ctx *c)
{
	virtio_failed(c);
	event(c, VD_KLOG_NEEDS_VERSION_1, "virtio3", 0,
	      "vmw_vsock_virtio_transport virtio3: device must provide VIRTIO_F_VERSION_1");
}
static inline void m_virtio_failed(struct ctx *c)
{
	virtio_failed(c);
}
static inline void m_needs_reset(struct ctx *c)
{
	c->d.status = 0x4f;
	c->d.state = VD_STATE_FAILED;
}
static inline void m_not_ready(struct ctx *c)
{
	c->d.status = 0x0b;
	c->d.state = VD_STATE_FAILED;
}
static inline void m_vsock_no_cid(struct ctx *c)
{
	c->se.vsock_cid = 0xffffffffu;
}
static inline void m_vsock_competing(struct ctx *c)
{
	virtio_unbound(c);
	c->se.vmci_loaded = true;
}
static inline void m_vsock_second(struct ctx *c)
{
	virtio_failed(c);
	c->se.vsock_bound = 1;
	event(c, VD_KLOG_PROBE_FAILED, "virtio3", -16,
	      "vmw_vsock_virtio_transport: probe of virtio3 failed with error -16");
}
static inline void m_vsock_second_unbound(struct ctx *c)
{
	virtio_unbound(c);
	c->se.vsock_bound = 1;
}
/* a virtio-mmio transport of QEMU's virt machine, no driver, virtio-mmio registered */
static inline void mmio_transport(struct ctx *c)
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
static inline void mmio_group(struct ctx *c)
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
static inline void m_mmio_unbound(struct ctx *c)
{
	mmio_transport(c);
	event(c, VD_KLOG_PROBE_FAILED, "a003e00.virtio_mmio", -22,
	      "virtio-mmio: probe of a003e00.virtio_mmio failed with error -22");
}
static inline void m_mmio_empty(struct ctx *c)
{
	mmio_transport(c);
	c->d.empty_slot = true;
	c->d.state = VD_STATE_EMPTY;
}
static inline void m_mmio_override(struct ctx *c)
{
	mmio_transport(c);
	strcpy(c->de.override, "none");
}
static inline void m_mmio_not_built(struct ctx *c)
{
	mmio_group(c);
	c->se.virtio_mmio.kconfig_val = 'n';
}
static inline void m_mmio_initcall(struct ctx *c)
{
	mmio_group(c);
	c->se.mmio_initcall_blacklisted = true;
}
static inline void m_mmio_blacklisted(struct ctx *c)
{
	mmio_group(c);
	c->se.virtio_mmio.info.on_disk = true;
	c->se.virtio_mmio.info.blacklisted = true;
}
static inline void m_mmio_not_loaded(struct ctx *c)
{
	mmio_group(c);
	c->se.virtio_mmio.info.on_disk = true;
}
static inline void m_mmio_missing(struct ctx *c)
{
	mmio_group(c);
}
/* a virtio device on virtio-mmio without its virtio driver: evidence on the platform bus */
static inline void m_mmio_virtio_not_loaded(struct ctx *c)
{
	virtio_unbound(c);
	c->d.bus = VD_BUS_PLATFORM;
	c->d.name = "a003e00.virtio_mmio";
	c->d.pcidrv = "virtio-mmio";
	c->d.transport = VD_TRANSPORT_MMIO;
	c->de.vdrv.info.on_disk = true;
}
/* arm64's generic host bridge, assigning mode: BAR0 zeroed, capabilities intact, no log */
static inline void m_bar_zeroed(struct ctx *c)
{
	unbind(c);
	c->de.bar[0] = (struct vd_resource){ 0, 0, 0 };
	strcpy(c->de.host_bridge, "10000.pci");
}
static inline void m_bar_probe_only(struct ctx *c)
{
	unbind(c);
	c->de.bar[0] = (struct vd_resource){ 0, 0x7fff, 0x20040200 };
	strcpy(c->de.host_bridge, "10000.pci");
	c->se.pci_probe_only = true;
}
/* virtio-mmio built in yet not registered: the fix cannot be a modprobe */
static inline void m_mmio_group_builtin(struct ctx *c)
{
	mmio_group(c);
	c->se.virtio_mmio.kconfig_val = 'y';
	c->se.virtio_mmio.info.builtin = true;
}
static inline void m_cannot_tell(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.kconfig_val = 0;
	c->de.vdrv.looked_up = false;
	c->se.kmod_index = false;
	c->se.kconfig_loaded = false;
}

#endif
