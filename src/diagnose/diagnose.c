/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- pure rules: from a device and its evidence to one verdict */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "vd/base/strerror.h"
#include "vd/diagnose/diagnose.h"

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

/*
 * A read that failed decides nothing: not the state, not the verdict. true when the
 * verdict is cannot-tell for that reason.
 */
static bool unreadable(const struct vd_device *d, const struct vd_dev_ev *de,
		       const struct vd_sys_ev *se, struct vd_finding *f)
{
	if (d->state == VD_STATE_UNKNOWN) {
		verdict(f, VD_V_CANNOT_TELL, "%s", d->problem ? d->problem : "state unknown");
		REMEDY(f, "run again; if the read keeps failing, check the kernel log for I/O "
			  "errors");
		return true;
	}
	if (d->state != VD_STATE_OK && d->state != VD_STATE_NOT_VIRTIO &&
	    d->state != VD_STATE_EMPTY && (de->unread[0] || se->unread[0])) {
		verdict(f, VD_V_CANNOT_TELL,
			"%s, but the evidence that decides why is not "
			"readable: cannot read '%s",
			vd_state_name(d->state), de->unread[0] ? de->unread : se->unread);
		REMEDY(f, "run again; if the read keeps failing, check the kernel log for I/O "
			  "errors");
		return true;
	}
	return false;
}

/* Bound at both levels; a vsock device must also have given the core a CID. */
static void diagnose_ok(const struct vd_device *d, const struct vd_sys_ev *se, const char *dir,
			struct vd_finding *f)
{
	if (d->type_id == VD_VIRTIO_ID_VSOCK && se->vsock_err == 0 &&
	    se->vsock_cid == 0xffffffffu) {
		vd_rule_vsock_evidence(se, f);
		verdict(f, VD_V_VSOCK_NO_DEVICE,
			"the vsock device is bound but the vsock core reports no CID");
		REMEDY(f, "check for a competing vsock transport and the kernel log");
		return;
	}
	verdict(f, VD_V_OK, "bound at both levels (%s, %s)", d->pcidrv, d->driver);
	EVIDENCE(f, "%s/driver -> %s", dir, d->pcidrv);
	EVIDENCE(f, "%s/sys/bus/virtio/devices/%s/driver -> %s", se->root, d->virtio, d->driver);
	if (d->have_status)
		EVIDENCE(f, "%s/sys/bus/virtio/devices/%s/status: 0x%08x", se->root, d->virtio,
			 d->status);
	if (d->type_id == VD_VIRTIO_ID_VSOCK)
		vd_rule_vsock_evidence(se, f);
	vd_rule_force_legacy_note(d, se, f);
}

static void diagnose_foreign(const struct vd_device *d, const struct vd_dev_ev *de, const char *dir,
			     struct vd_finding *f)
{
	EVIDENCE(f, "%s/driver -> %s", dir, d->pcidrv);
	if (de->have_override && de->override[0])
		EVIDENCE(f, "%s/driver_override: '%s'", dir, de->override);
	verdict(f, VD_V_FOREIGN_DRIVER, "'%s' holds the PCI function, not virtio-pci", d->pcidrv);
	REMEDY(f, "virtio-doctor bind --force %s (refuses while the device is in use)", d->name);
}

/* The transport driver is bound but registered no virtio device under it. */
static void diagnose_no_child(const struct vd_device *d, const struct vd_dev_ev *de,
			      const struct vd_sys_ev *se, const char *dir, struct vd_finding *f)
{
	EVIDENCE(f, "%s/driver -> %s", dir, d->pcidrv);
	EVIDENCE(f, "%s: no virtio* child", dir);
	vd_rule_log_evidence(de, se, f);
	verdict(f, VD_V_NO_VIRTIO_DEVICE,
		"%s holds the transport but register_virtio_device() failed", d->pcidrv);
	REMEDY(f, "read the kernel log; rebind: virtio-doctor bind --force %s", d->name);
}

bool vd_diagnose_needs_evidence(const struct vd_device *d)
{
	return d->state != VD_STATE_OK; /* diagnose_ok() and unreadable() for ok read no de */
}

void vd_diagnose(const struct vd_device *d, const struct vd_dev_ev *de, const struct vd_sys_ev *se,
		 struct vd_finding *f)
{
	char dir[400];

	memset(f, 0, sizeof(*f));
	vd_rule_devdir(d, se, dir, sizeof(dir));
	if (unreadable(d, de, se, f))
		return;
	if (d->bus != VD_BUS_PCI && (!d->pcidrv[0] || d->group)) {
		vd_diagnose_mmio_transport(d, de, se, f);
		return;
	}
	switch (d->state) {
	case VD_STATE_OK:
		diagnose_ok(d, se, dir, f);
		return;
	case VD_STATE_UNBOUND:
		vd_diagnose_unbound_pci(d, de, se, f);
		return;
	case VD_STATE_FOREIGN:
		diagnose_foreign(d, de, dir, f);
		return;
	case VD_STATE_FAILED:
		if (!d->virtio[0])
			diagnose_no_child(d, de, se, dir, f);
		else
			vd_diagnose_virtio(d, de, se, f);
		return;
	case VD_STATE_NO_DRIVER:
		vd_diagnose_virtio(d, de, se, f);
		return;
	case VD_STATE_EMPTY:
	case VD_STATE_NOT_VIRTIO:
	case VD_STATE_UNKNOWN:
	case _VD_STATE_MAX:
		break;
	}
	verdict(f, VD_V_CANNOT_TELL, "not a virtio device");
}
