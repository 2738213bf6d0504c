/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the device model: every virtio device, both binding levels */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/base/strerror.h"
#include "scan.h"
#include "vd/model/attach.h"

const char *vd_state_name(enum vd_state s)
{
	static const char *const names[_VD_STATE_MAX] = {
		[VD_STATE_OK] = "ok",		[VD_STATE_UNBOUND] = "unbound",
		[VD_STATE_FOREIGN] = "foreign", [VD_STATE_NO_DRIVER] = "no-driver",
		[VD_STATE_FAILED] = "failed",	[VD_STATE_NOT_VIRTIO] = "not-virtio",
		[VD_STATE_UNKNOWN] = "unknown", [VD_STATE_EMPTY] = "empty",
	};
	return (unsigned)s < _VD_STATE_MAX ? names[s] : "";
}

void vd_device_id(const struct vd_device *d, char *buf, size_t size)
{
	if (d->have_id)
		snprintf(buf, size, "%04x:%04x", d->vendor, d->device);
	else if (size)
		buf[0] = '\0';
}

int vd_model_scan(struct vd_sysfs *s, const struct vd_scan_opts *o, struct vd_model *ret)
{
	static const struct vd_scan_opts defaults = { 0 };
	struct vd_model m = { 0 };
	struct scan sc = { .s = s, .o = o ? o : &defaults, .m = &m, .platform_autoprobe = -1 };
	struct vd_attach attach = { .s = s, .pool = &m.strings };
	struct vd_names pci = { 0 };
	size_t npci = 0;
	int rp, rv, r = 0;

	if (sc.o->want & VD_WANT_ATTACH)
		sc.attach = &attach;

	rv = vd_scan_load_virtio_bus(&sc);
	if (rv < 0 && rv != -ENOENT) {
		vd_scan_warn_file(&sc, "sys/bus/virtio/devices", rv);
		if (rv == -ENOMEM) {
			r = rv;
			goto out;
		}
		if (vd_sysfs_failed(rv)) {
			sc.vbus_unread = "sys/bus/virtio/devices";
			sc.vbus_err = rv;
		}
	}
	rp = vd_sysfs_list(s, "sys/bus/pci/devices", &pci);
	if (rp < 0 && rp != -ENOENT)
		vd_scan_warn_file(&sc, "sys/bus/pci/devices", rp);
	if (vd_sysfs_failed(rp)) {
		/* which PCI functions exist is unknown: no row, no answer */
		r = rp;
		goto out;
	}
	/* every row comes from one of the two listings, but for unbound mmio transports */
	sc.cap = pci.n + sc.vnames.n + 4;
	m.dev = calloc(sc.cap, sizeof(*m.dev));
	if (!m.dev) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < pci.n && r >= 0; i++)
		r = vd_scan_pci_function(&sc, pci.v[i]);
	npci = m.n; /* the rows of PCI functions, attached as they were read */
	for (size_t i = 0; i < sc.vnames.n && r >= 0; i++)
		if (!sc.vused[i] && sc.vpaths[i])
			r = vd_scan_add_nonpci(&sc, i);
	if (r >= 0)
		r = vd_scan_unbound_mmio(&sc);
	for (size_t i = npci; sc.attach && i < m.n && r >= 0; i++)
		vd_attach_device(sc.attach, &m.dev[i]);
	if (r >= 0 && (sc.nomem || attach.err))
		r = -ENOMEM;
	if (r >= 0 && rp < 0 && rv < 0 && m.n == 0)
		r = -ENOENT;
out:
	vd_sysfs_hold_dir(s, NULL);
	vd_attach_done(&attach);
	vd_names_done(&pci);
	free(sc.vpaths);
	free(sc.vused);
	free(sc.vbyparent);
	vd_names_done(&sc.vnames);
	for (size_t i = 0; i < ARRAY_SIZE(sc.drivers); i++)
		vd_names_done(&sc.drivers[i]);
	if (sc.have_klog)
		vd_klog_done(&sc.klog);
	if (r < 0 && r != -ENOENT) {
		vd_model_done(&m);
		return r;
	}
	*ret = m;
	return r;
}

void vd_model_done(struct vd_model *m)
{
	for (size_t i = 0; m->dev && i < m->n; i++)
		vd_device_done(&m->dev[i]);
	free(m->dev);
	m->dev = NULL;
	m->n = 0;
	vd_names_done(&m->warnings);
	vd_strpool_done(&m->strings);
}

void vd_device_done(struct vd_device *d)
{
	free(d->cfg);
	d->cfg = NULL;
	free(d->problem);
	d->problem = NULL;
	free(d->attached);
	d->attached = NULL;
	d->nattached = 0;
}

int vd_device_set_problem(struct vd_device *d, const char *fmt, ...)
{
	va_list ap;
	int r;

	free(d->problem);
	d->problem = NULL;
	if (!fmt)
		return 0;
	va_start(ap, fmt);
	r = vasprintf(&d->problem, fmt, ap);
	va_end(ap);
	if (r < 0) {
		d->problem = NULL;
		return -ENOMEM;
	}
	return 0;
}

int vd_device_evaluate(struct vd_device *d)
{
	const char *level = d->bus == VD_BUS_PCI ? "PCI function" : "transport device";
	const struct vd_virtio_type *t =
		d->type_id >= 0 ? vd_virtio_type_by_id((unsigned)d->type_id) : NULL;

	vd_device_set_problem(d, NULL);
	if (d->unread_err) {
		d->state = VD_STATE_UNKNOWN;
		return vd_device_set_problem(d, "cannot read '%s': %s", d->unread,
					     vd_strerror(-d->unread_err));
	}
	if (!d->cls.virtio) {
		d->state = VD_STATE_NOT_VIRTIO;
		return 0;
	}
	if (d->group) {
		d->state = VD_STATE_UNBOUND;
		return vd_device_set_problem(d,
					     "virtio-mmio is not registered: %u transport%s wait%s "
					     "for it",
					     d->group, d->group == 1 ? "" : "s",
					     d->group == 1 ? "s" : "");
	}
	if (!d->pcidrv[0] && d->empty_slot) {
		d->state = VD_STATE_EMPTY;
		return 0;
	}
	if (!d->pcidrv[0]) {
		d->state = VD_STATE_UNBOUND;
		return vd_device_set_problem(d, "no driver bound to the %s", level);
	}
	if (d->bus == VD_BUS_PCI && strcmp(d->pcidrv, VD_PCI_DRIVER)) {
		d->state = VD_STATE_FOREIGN;
		return vd_device_set_problem(d, "PCI function held by '%s', not by virtio-pci",
					     d->pcidrv);
	}
	if (!d->virtio[0]) {
		d->state = VD_STATE_FAILED;
		return vd_device_set_problem(
			d, "'%s' holds the %s but no virtio device was registered", d->pcidrv,
			level);
	}
	if (d->have_status && (d->status & (VD_STATUS_FAILED | VD_STATUS_NEEDS_RESET))) {
		d->state = VD_STATE_FAILED;
		return vd_device_set_problem(d, "%s status has %s", d->virtio,
					     d->status & VD_STATUS_FAILED
						     ? "FAILED: a driver's probe failed"
						     : "NEEDS_RESET: the device gave up");
	}
	if (!d->driver[0]) {
		d->state = VD_STATE_NO_DRIVER;
		if (t && t->driver)
			return vd_device_set_problem(d, "no driver bound to %s (needs %s)",
						     d->virtio, t->driver);
		return vd_device_set_problem(d, "no driver bound to %s", d->virtio);
	}
	/* a working legacy device reads 0x07: FEATURES_OK did not exist before virtio 1.0 */
	if (d->have_status && !(d->status & VD_STATUS_DRIVER_OK)) {
		d->state = VD_STATE_FAILED;
		return vd_device_set_problem(d, "'%s' is bound to %s but status lacks DRIVER_OK",
					     d->driver, d->virtio);
	}
	d->state = VD_STATE_OK;
	return 0;
}

bool vd_device_is_problem(const struct vd_device *d)
{
	return d->state != VD_STATE_OK && d->state != VD_STATE_NOT_VIRTIO &&
	       d->state != VD_STATE_EMPTY && !d->in_group;
}

bool vd_device_listed(const struct vd_device *d, bool all)
{
	return all || (d->state != VD_STATE_EMPTY && !d->in_group);
}

int vd_device_matches(const struct vd_device *d, const char *arg)
{
	const struct vd_virtio_type *t;
	struct vd_bdf b;
	unsigned int vn;
	uint16_t v, dev;
	size_t len = strlen(arg);

	if (len == 0 || len > 63)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (arg[i] <= 0x20 || arg[i] >= 0x7f || arg[i] == '/')
			return -EINVAL;
	if (vd_parse_bdf(arg, true, &b) == 0)
		return d->bus == VD_BUS_PCI && b.domain == d->bdf.domain && b.bus == d->bdf.bus &&
		       b.dev == d->bdf.dev && b.func == d->bdf.func;
	if (vd_parse_virtio_name(arg, &vn) == 0)
		return !strcmp(d->virtio, arg);
	if (vd_parse_pci_id(arg, &v, &dev) == 0)
		return d->have_id && d->vendor == v && d->device == dev;
	t = vd_virtio_type_by_name(arg);
	if (t)
		return d->type_id >= 0 && (unsigned)d->type_id == t->id;
	for (size_t i = 0; i < d->nattached; i++)
		if (!strcmp(d->attached[i].name, arg))
			return 1;
	return !strcmp(d->name, arg);
}
