/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- collect what the diagnosis rules need, read once per machine/device */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/base/strerror.h"
#include "vd/facts/cmdline.h"
#include "vd/diagnose/diagnose.h"
#include "vd/facts/kconfig.h"
#include "vd/facts/klog.h"
#include "vd/facts/kmod.h"
#include "vd/facts/vsock.h"

struct vd_evidence {
	struct vd_sysfs *s;
	struct vd_sys_ev sys;
	struct vd_kconfig *kc;
	struct vd_cmdline *cl;
	struct vd_kmod *km;
	struct vd_klog klog;
	/* indexes of the lines vd_klog_match() recognises, found at the first device's turn */
	size_t *klog_hits;
	size_t n_klog_hits;
	bool klog_scanned, klog_hits_ok;
	const char *kmsg_file;
};

static int read_int(struct vd_sysfs *s, const char *path, int *ret)
{
	char buf[32], *end;
	long v;
	int r = vd_sysfs_read(s, path, buf, sizeof(buf));

	if (r < 0)
		return r;
	v = strtol(buf, &end, 10);
	if (end == buf || *end || v < -1 || v > 1000000)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

/* Remember the first read that failed: a verdict must not rest on it. */
static int note_unread(char *buf, size_t size, const char *root, const char *path, int r)
{
	if (vd_sysfs_failed(r) && !buf[0])
		snprintf(buf, size, "%s/%s': %s", root, path, vd_strerror(-r));
	return r;
}

static void module_ev(struct vd_evidence *e, const char *name, const char *kconfig,
		      struct vd_mod_ev *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->kconfig = kconfig;
	if (e->kc && kconfig)
		ret->kconfig_val = vd_kconfig_get(e->kc, kconfig);
	if (e->km && vd_kmod_module(e->km, name, &ret->info) == 0)
		ret->looked_up = true;
	else
		snprintf(ret->info.name, sizeof(ret->info.name), "%s", name);
}

/* What virtio_pci's force_legacy parameter says (visible when built in too). */
static void platform_facts(struct vd_evidence *e)
{
	char buf[16];

	if (vd_sysfs_read(e->s, "sys/module/virtio_pci/parameters/force_legacy", buf, sizeof(buf)) >
		    0 &&
	    (buf[0] == 'Y' || buf[0] == 'N'))
		e->sys.force_legacy = buf[0];
}

/* The kernel config (/proc/config.gz or /boot/config-RELEASE): the options rules ask for. */
static void kernel_config(struct vd_evidence *e)
{
	struct vd_sys_ev *se = &e->sys;
	char kc_rel[128];

	se->kconfig_loaded = vd_kconfig_load(e->s, &e->kc, kc_rel, sizeof(kc_rel)) == 0;
	if (se->kconfig_loaded) {
		snprintf(se->kconfig_source, sizeof(se->kconfig_source), "%s/%s", se->root, kc_rel);
		se->kc_virtio_pci_legacy = vd_kconfig_get(e->kc, "VIRTIO_PCI_LEGACY");
		se->kc_virtio_mmio = vd_kconfig_get(e->kc, "VIRTIO_MMIO");
	} else {
		snprintf(se->kconfig_source, sizeof(se->kconfig_source), "kernel config");
	}
}

/* The kernel command line: blacklisted init calls, Alpine's noautodetect, pci=nomsi. */
static void kernel_cmdline(struct vd_evidence *e)
{
	struct vd_sys_ev *se = &e->sys;

	if (vd_cmdline_load(e->s, &e->cl) < 0)
		return;
	se->cmdline_loaded = true;
	snprintf(se->cmdline, sizeof(se->cmdline), "%s", vd_cmdline_text(e->cl));
	se->initcall_blacklisted =
		vd_cmdline_list_has(e->cl, "initcall_blacklist", "virtio_pci_driver_init");
	se->mmio_initcall_blacklisted =
		vd_cmdline_list_has(e->cl, "initcall_blacklist", "virtio_mmio_init");
	se->noautodetect = vd_cmdline_has(e->cl, "noautodetect");
	se->pci_nomsi = vd_cmdline_list_has(e->cl, "pci", "nomsi");
}

/* The module tree, and the two transport drivers: module facts, registered or not. */
static void transport_modules(struct vd_evidence *e)
{
	struct vd_sys_ev *se = &e->sys;
	int r = vd_kmod_open(e->s, e->cl, &e->km);

	if (r < 0) {
		e->km = NULL;
		snprintf(se->kmod_problem, sizeof(se->kmod_problem), "modules: %s",
			 vd_strerror(-r));
	} else {
		se->kmod_index = vd_kmod_has_index(e->km);
		if (vd_kmod_skipped_config(e->km))
			snprintf(se->kmod_skipped, sizeof(se->kmod_skipped), "%s",
				 vd_kmod_skipped_config(e->km));
		if (!se->kmod_index)
			snprintf(se->kmod_problem, sizeof(se->kmod_problem), "%s",
				 vd_kmod_index_problem(e->km));
	}
	module_ev(e, "virtio_pci", "VIRTIO_PCI", &se->virtio_pci);
	r = vd_sysfs_access(e->s, "sys/bus/pci/drivers/" VD_PCI_DRIVER);
	se->virtio_pci.registered = r == 0;
	note_unread(se->unread, sizeof(se->unread), se->root, "sys/bus/pci/drivers/" VD_PCI_DRIVER,
		    r);
	module_ev(e, "virtio_mmio", "VIRTIO_MMIO", &se->virtio_mmio);
	se->virtio_mmio.registered =
		vd_sysfs_access(e->s, "sys/bus/platform/drivers/" VD_MMIO_DRIVER) == 0;
}

/* The kernel log, where it came from, and the one line that changes BAR rules. */
static void kernel_log(struct vd_evidence *e, const char *kmsg_file)
{
	struct vd_sys_ev *se = &e->sys;

	se->klog_err = vd_klog_load(e->s, kmsg_file, &e->klog);
	if (kmsg_file)
		snprintf(se->klog_source, sizeof(se->klog_source), "%s", kmsg_file);
	else if (e->klog.source[0] && e->klog.source[0] != '/')
		snprintf(se->klog_source, sizeof(se->klog_source), "%s/%.*s", se->root,
			 (int)(sizeof(se->klog_source) - sizeof(se->root) - 2), e->klog.source);
	else
		snprintf(se->klog_source, sizeof(se->klog_source), "/dev/kmsg");

	for (size_t i = 0; se->klog_err == 0 && i < e->klog.n; i++)
		if (strstr(e->klog.lines[i], "PCI: OF: PROBE_ONLY enabled"))
			se->pci_probe_only = true;
}

/* The vsock core's CID, competing transports, how many vsock devices are bound. */
static void vsock_facts(struct vd_evidence *e, const struct vd_model *m)
{
	struct vd_sys_ev *se = &e->sys;
	int r;

	se->vsock_err = vd_vsock_local_cid(e->s, &se->vsock_cid);
	r = vd_sysfs_access(e->s, "sys/module/vmw_vsock_vmci_transport");
	se->vmci_loaded = r == 0;
	note_unread(se->unread, sizeof(se->unread), se->root, "sys/module/vmw_vsock_vmci_transport",
		    r);
	r = vd_sysfs_access(e->s, "sys/module/hv_sock");
	se->hv_sock_loaded = r == 0;
	note_unread(se->unread, sizeof(se->unread), se->root, "sys/module/hv_sock", r);
	for (size_t i = 0; m && i < m->n; i++)
		if (m->dev[i].type_id == VD_VIRTIO_ID_VSOCK && m->dev[i].driver[0])
			se->vsock_bound++;
}

int vd_evidence_open(struct vd_sysfs *s, const struct vd_model *m, const char *kmsg_file,
		     struct vd_evidence **ret)
{
	struct vd_evidence *e = calloc(1, sizeof(*e));
	struct vd_sys_ev *se;
	const char *root = vd_sysfs_root(s);
	int r;

	if (!e)
		return -ENOMEM;
	e->s = s;
	e->kmsg_file = kmsg_file;
	se = &e->sys;
	snprintf(se->root, sizeof(se->root), "%s", vd_sysfs_is_live(s) ? "" : root);

	r = read_int(s, "sys/bus/pci/drivers_autoprobe", &se->pci_autoprobe);
	if (r < 0)
		se->pci_autoprobe = -1;
	note_unread(se->unread, sizeof(se->unread), se->root, "sys/bus/pci/drivers_autoprobe", r);
	kernel_cmdline(e);
	if (read_int(s, "sys/bus/platform/drivers_autoprobe", &se->platform_autoprobe) < 0)
		se->platform_autoprobe = -1;
	platform_facts(e);
	vsock_facts(e, m);
	*ret = e;
	return 0;
}

/*
 * The kernel config, the module tree and the kernel log: only the rules for a device that
 * is not ok read them, and they cost more than the rest together (a decompressed config,
 * libkmod, one read per log record), so they are read at the first such device.
 */
static void machine_logs_and_modules(struct vd_evidence *e)
{
	if (e->sys.logs_and_modules_read)
		return;
	kernel_config(e);
	transport_modules(e);
	kernel_log(e, e->kmsg_file);
	e->sys.logs_and_modules_read = true;
}

void vd_evidence_free(struct vd_evidence *e)
{
	if (!e)
		return;
	vd_kconfig_free(e->kc);
	vd_cmdline_free(e->cl);
	vd_kmod_free(e->km);
	vd_klog_done(&e->klog);
	free(e->klog_hits);
	free(e);
}

const struct vd_sys_ev *vd_evidence_sys(const struct vd_evidence *e)
{
	return &e->sys;
}

/* A PCI root bus under a platform device: a device-tree generic host bridge. */
static void host_bridge(struct vd_evidence *e, const struct vd_device *d, struct vd_dev_ev *de)
{
	char real[512];
	const char *p, *end;

	if (vd_sysfs_link_path(e->s, d->path, real, sizeof(real)) < 0)
		return;
	p = strstr(real, "/platform/");
	if (!p)
		return;
	p += strlen("/platform/");
	end = strchr(p, '/');
	if (end && !strncmp(end, "/pci", 4) && (size_t)(end - p) < sizeof(de->host_bridge))
		snprintf(de->host_bridge, sizeof(de->host_bridge), "%.*s", (int)(end - p), p);
}

static void read_bars(struct vd_evidence *e, const struct vd_device *d, struct vd_dev_ev *de)
{
	char path[400], *text = NULL, *line, *save = NULL;
	int i = 0;

	snprintf(path, sizeof(path), "%s/resource", d->path);
	if (vd_sysfs_read_alloc(e->s, path, VD_ATTR_MAX, &text, NULL) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line && i < 6; line = strtok_r(NULL, "\n", &save))
		if (vd_parse_resource_line(line, &de->bar[i]) == 0)
			i++;
	de->have_bars = i == 6;
	free(text);
}

/*
 * The lines that can be an event for some device, in log order: a boot log has thousands
 * of lines and few of them are recognised, so each device looks at those only instead of
 * searching every line for its name. Without memory for the list every line is looked at.
 */
static void find_klog_hits(struct vd_evidence *e)
{
	size_t cap = 0;

	e->klog_scanned = true;
	for (size_t i = 0; i < e->klog.n; i++) {
		struct vd_klog_event ev;

		if (vd_klog_match(e->klog.lines[i], &ev) < 0 || ev.kind == VD_KLOG_NONE)
			continue;
		if (e->n_klog_hits == cap) {
			size_t *nh;

			cap = cap ? cap * 2 : 64;
			nh = realloc(e->klog_hits, cap * sizeof(*nh));
			if (!nh)
				return;
			e->klog_hits = nh;
		}
		e->klog_hits[e->n_klog_hits++] = i;
	}
	e->klog_hits_ok = true;
}

/*
 * Log lines about this device: its PCI address or its virtio name, exactly. The event's
 * device is copied from the line, so a line that does not contain the name cannot match.
 */
static void collect_events(struct vd_evidence *e, const struct vd_device *d, struct vd_dev_ev *de)
{
	size_t n;

	if (!e->klog_scanned)
		find_klog_hits(e);
	n = e->klog_hits_ok ? e->n_klog_hits : e->klog.n;
	for (size_t j = 0; j < n && de->n_events < VD_EV_EVENTS; j++) {
		const char *line = e->klog.lines[e->klog_hits_ok ? e->klog_hits[j] : j];
		struct vd_klog_event ev;

		if (!strstr(line, d->name) && !(d->virtio[0] && strstr(line, d->virtio)))
			continue;
		if (vd_klog_match(line, &ev) < 0 || ev.kind == VD_KLOG_NONE)
			continue;
		if (strcmp(ev.device, d->name) && (!d->virtio[0] || strcmp(ev.device, d->virtio)))
			continue;
		de->events[de->n_events] = ev;
		snprintf(de->event_lines[de->n_events], sizeof(de->event_lines[0]), "%s", line);
		de->n_events++;
	}
}

void vd_evidence_none(struct vd_dev_ev *de)
{
	memset(de, 0, sizeof(*de));
	de->enable = de->irq = de->msi_count = de->pf_autoprobe = -1;
}

int vd_evidence_device(struct vd_evidence *e, const struct vd_device *d, struct vd_dev_ev *de)
{
	const struct vd_virtio_type *t =
		d->type_id >= 0 ? vd_virtio_type_by_id((unsigned)d->type_id) : NULL;
	const char *root = e->sys.root;
	char path[400], buf[128];
	struct vd_names msi;
	int r;

	machine_logs_and_modules(e);
	vd_evidence_none(de);
	if ((d->bus == VD_BUS_PCI || d->bus == VD_BUS_PLATFORM) && !d->group) {
		snprintf(path, sizeof(path), "%s/driver_override", d->path);
		r = vd_sysfs_read(e->s, path, buf, sizeof(buf));
		note_unread(de->unread, sizeof(de->unread), root, path, r);
		if (r >= 0) {
			de->have_override = true;
			/* the kernel prints an unset override as "(null)" */
			snprintf(de->override, sizeof(de->override), "%s",
				 strcmp(buf, "(null)") ? buf : "");
		}
	}
	if (d->bus == VD_BUS_PCI) {
		host_bridge(e, d, de);
		snprintf(path, sizeof(path), "%s/enable", d->path);
		read_int(e->s, path, &de->enable);
		snprintf(path, sizeof(path), "%s/irq", d->path);
		read_int(e->s, path, &de->irq);
		snprintf(path, sizeof(path), "%s/msi_irqs", d->path);
		if (vd_sysfs_list(e->s, path, &msi) == 0) {
			de->msi_count = (int)msi.n;
			vd_names_done(&msi);
		}
		read_bars(e, d, de);
		snprintf(path, sizeof(path), "%s/physfn", d->path);
		r = vd_sysfs_access(e->s, path);
		de->is_vf = r == 0;
		note_unread(de->unread, sizeof(de->unread), root, path, r);
		if (de->is_vf) {
			snprintf(path, sizeof(path), "%s/physfn/sriov_drivers_autoprobe", d->path);
			r = read_int(e->s, path, &de->pf_autoprobe);
			note_unread(de->unread, sizeof(de->unread), root, path, r);
		}
	}
	if (t && t->driver) {
		module_ev(e, t->driver, t->kconfig, &de->vdrv);
		snprintf(path, sizeof(path), "sys/bus/virtio/drivers/%s", t->driver);
		r = vd_sysfs_access(e->s, path);
		de->vdrv.registered = r == 0;
		note_unread(de->unread, sizeof(de->unread), root, path, r);
	}
	collect_events(e, d, de);
	return 0;
}
