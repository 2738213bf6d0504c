/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- bind: put the transport driver on a device, verify both levels, roll back */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind_job.h"
#include "vd/base/ids.h"
#include "vd/base/parse.h"
#include "vd/base/strerror.h"

static int bind_write(struct job *j, const char *path)
{
	const struct vd_bind_ops *ops = j->ops;
	uint64_t deadline = ops->now_ms(ops->ctx) + j->o->wait_ms;
	int r;

	for (;;) {
		uint64_t now;

		r = vd_bind_do_write(j, path, j->r->name, false);
		/* -EPROBE_DEFER comes back as EAGAIN: worth another try while we may wait */
		if (r != -EAGAIN || j->o->dry_run)
			break;
		now = ops->now_ms(ops->ctx);
		if (now >= deadline)
			break;
		ops->sleep_ms(ops->ctx,
			      (unsigned)(deadline - now < POLL_MS ? deadline - now : POLL_MS));
		j->r->nsteps--; /* the retry is the same step */
	}
	if (r == -EBUSY) {
		char drv[64];

		/* EBUSY: something bound it first; if that is virtio-pci, that is success */
		if (vd_sysfs_link_basef(j->s, drv, sizeof(drv), "%s/driver", j->dev) == 0 &&
		    !strcmp(drv, j->drv)) {
			snprintf(j->r->note, sizeof(j->r->note),
				 "%s had bound it before our write (EBUSY)", j->drv);
			r = 0;
		}
	}
	return r;
}

/*
 * Which bus and driver, and the name every path is built from: a strict PCI address, a
 * virtio-mmio platform device name, or the group of transports waiting for virtio-mmio.
 */
static int identify(struct job *j)
{
	const struct vd_device *d = j->d;
	struct vd_bdf bdf;

	if (!d || !d->cls.virtio)
		return -EINVAL;
	if (d->bus == VD_BUS_PCI) {
		if (!d->have_id || vd_parse_bdf(d->name, false, &bdf) < 0)
			return -EINVAL;
		vd_bdf_format(&bdf, j->r->name, sizeof(j->r->name));
		snprintf(j->id, sizeof(j->id), "%04x %04x", d->vendor, d->device);
		j->bus = "pci";
		j->drv = VD_PCI_DRIVER;
		j->module = "virtio_pci";
	} else if (d->bus == VD_BUS_PLATFORM &&
		   (d->group ? !strcmp(d->name, VD_MMIO_DRIVER)
			     : vd_is_mmio_name(d->name) && vd_bind_valid_name(d->name))) {
		snprintf(j->r->name, sizeof(j->r->name), "%s", d->name);
		j->bus = "platform";
		j->drv = VD_MMIO_DRIVER;
		j->module = "virtio_mmio";
	} else {
		return -EINVAL;
	}
	snprintf(j->dev, sizeof(j->dev), "sys/bus/%s/devices/%s", j->bus, j->r->name);
	return 0;
}

static bool registered(struct job *j)
{
	return vd_sysfs_accessf(j->s, "sys/bus/%s/drivers/%s", j->bus, j->drv) == 0;
}

/*
 * Load the transport driver's module; its registration probes every device it may take.
 * Returns 1 when the bind goes on, 0 when the job is over (done, planned or failed).
 */
static int load_transport(struct job *j, struct live *l)
{
	int r = vd_bind_load_module(j, j->module);

	if (r < 0)
		return vd_bind_fail_module(j, j->module, r, false), 0;
	if (j->o->dry_run)
		return 1;
	if (!registered(j)) {
		j->r->outcome = VD_BIND_FAILED;
		vd_bind_set_why(j, -ENOENT, NULL,
				"module '%s' is loaded but sys/bus/%s/drivers/%s did not appear",
				j->module, j->bus, j->drv);
		vd_bind_read_after(j);
		return 0;
	}
	vd_bind_read_live(j->s, j->dev, l);
	if (l->err)
		return vd_bind_cannot_read(j, l->err, l->err_path), 0;
	if (!strcmp(l->pcidrv, j->drv))
		return vd_bind_verify(j, false), 0;
	if (!strcmp(j->bus, "platform") && !l->pcidrv[0] &&
	    (!j->have_override || !strcmp(j->r->prev_override, "(null)"))) {
		/* the registration offered it to virtio-mmio, which said nothing and left it */
		j->r->outcome = VD_BIND_FAILED;
		vd_bind_set_why(
			j, -ENODEV, NULL,
			"virtio-mmio is registered now and left it without a driver: an empty "
			"virtio-mmio slot (device ID 0)");
		vd_bind_read_after(j);
		return 0;
	}
	return 1;
}

/* Count the transports virtio-mmio holds now. */
static unsigned int mmio_bound(struct job *j)
{
	struct vd_names names = { 0 };
	unsigned int n = 0;

	if (vd_sysfs_list(j->s, "sys/bus/platform/drivers/" VD_MMIO_DRIVER, &names) < 0)
		return 0;
	for (size_t i = 0; i < names.n; i++)
		n += vd_is_mmio_name(names.v[i]);
	vd_names_done(&names);
	return n;
}

/* The group: registering virtio-mmio is the whole action; it probes every transport. */
static int bind_group(struct job *j)
{
	unsigned int n;
	int r;

	if (registered(j)) {
		j->r->outcome = VD_BIND_ALREADY;
		snprintf(j->r->pcidrv, sizeof(j->r->pcidrv), "%s", j->drv);
		return 0;
	}
	r = vd_bind_load_module(j, j->module);
	if (r < 0)
		return vd_bind_fail_module(j, j->module, r, false);
	if (j->o->dry_run) {
		j->r->outcome = VD_BIND_PLANNED;
		return 0;
	}
	if (!registered(j)) {
		j->r->outcome = VD_BIND_FAILED;
		vd_bind_set_why(
			j, -ENOENT, NULL,
			"module '%s' is loaded but sys/bus/platform/drivers/%s did not appear",
			j->module, j->drv);
		return 0;
	}
	n = mmio_bound(j);
	j->r->outcome = VD_BIND_DONE;
	snprintf(j->r->pcidrv, sizeof(j->r->pcidrv), "%s", j->drv);
	snprintf(j->r->note, sizeof(j->r->note),
		 "%u of %u transports hold a virtio device, the other %u are empty slots", n,
		 j->d->group, j->d->group > n ? j->d->group - n : 0);
	return 0;
}

/*
 * 2. Already bound at both levels: write nothing (the boot-time common case). Also ends
 * the job when only the virtio level is left, or the driver link is not a driver's name.
 * Returns 1 when the bind goes on, 0 when the job is over.
 */
static int check_bound(struct job *j, struct live *l)
{
	struct vd_bind_result *ret = j->r;

	vd_bind_read_live(j->s, j->dev, l);
	if (l->err)
		return vd_bind_cannot_read(j, l->err, l->err_path), 0;
	memcpy(ret->prev_driver, l->pcidrv, sizeof(l->pcidrv));
	if (vd_bind_live_ok(l, j->drv)) {
		ret->outcome = VD_BIND_ALREADY;
		memcpy(ret->pcidrv, l->pcidrv, sizeof(l->pcidrv));
		memcpy(ret->virtio, l->virtio, sizeof(l->virtio));
		memcpy(ret->driver, l->driver, sizeof(l->driver));
		return 0;
	}
	if (!strcmp(l->pcidrv, j->drv))
		return vd_bind_virtio_level(j, l), 0;
	if (l->pcidrv[0] && !vd_bind_valid_name(l->pcidrv)) {
		ret->outcome = VD_BIND_FAILED;
		vd_bind_set_why(j, -EINVAL, NULL, "its driver link names '%s', not a driver",
				l->pcidrv);
		return 0;
	}
	return 1;
}

/* The override as it is, to put back after a failure. 1: go on, 0: the job is over. */
static int read_override(struct job *j)
{
	struct vd_bind_result *ret = j->r;
	char path[256], shown[200];
	int r;

	r = vd_sysfs_readf(j->s, ret->prev_override, sizeof(ret->prev_override),
			   "%s/driver_override", j->dev);
	if (r >= 0) {
		j->have_override = true;
	} else if (r != -ENOENT) {
		/* -EFBIG too: a value we could not put back after a failure */
		ret->prev_override[0] = '\0';
		snprintf(path, sizeof(path), "%s/driver_override", j->dev);
		ret->outcome = VD_BIND_FAILED;
		vd_bind_set_why(j, r, path, "cannot read '%s': %s",
				vd_sysfs_shown_path(j->s, path, shown, sizeof(shown)),
				vd_strerror(-r));
		return 0;
	}
	return 1;
}

/*
 * 4. Refusals first, before anything (a module included) is changed. Returns 1 when
 * nothing refuses, 0 when the job is over.
 */
static int check_refusals(struct job *j, const struct live *l)
{
	const struct vd_bind_result *ret = j->r;
	bool override_other = j->have_override && strcmp(ret->prev_override, "(null)") &&
			      strcmp(ret->prev_override, j->drv);
	char use[200];
	int r;

	if (l->pcidrv[0] && j->o->force < 1)
		return vd_bind_refuse(j, "held by '%s': --force takes it from its driver",
				      l->pcidrv),
		       0;
	if (override_other && j->o->force < 1)
		return vd_bind_refuse(j, "driver_override is '%s'%s: --force replaces it",
				      ret->prev_override,
				      strcmp(ret->prev_override, "none")
					      ? " (only that driver may bind it)"
					      : " (opted out of driver binding)"),
		       0;
	if (!l->pcidrv[0] || j->o->force >= 2)
		return 1;
	r = vd_bind_in_use(j->s, j->dev, use, sizeof(use));
	if (r > 0)
		return vd_bind_refuse(j,
				      "held by '%s' and in use: %s: --force twice unbinds it "
				      "anyway",
				      l->pcidrv, use),
		       0;
	if (r < 0)
		return vd_bind_refuse(j,
				      "held by '%s': cannot tell whether it is in use (%s): "
				      "--force twice unbinds it anyway",
				      l->pcidrv, vd_strerror(-r)),
		       0;
	return 1;
}

/*
 * 3. The transport driver not registered: load its module (its registration probes).
 * Returns 1 when the bind goes on, 0 when the job is over.
 */
static int ensure_transport(struct job *j, struct live *l)
{
	char path[256];
	int r;

	snprintf(path, sizeof(path), "sys/bus/%s/drivers/%s", j->bus, j->drv);
	r = vd_sysfs_access(j->s, path);
	if (vd_sysfs_failed(r))
		return vd_bind_cannot_read(j, r, path), 0;
	if (r < 0)
		return load_transport(j, l) > 0;
	return 1;
}

/*
 * Before 3.16 there is no driver_override: new_id adds the ID and probes at once. Returns
 * 0 or the write's -errno (EEXIST is no failure: the driver matches the ID already).
 */
static int add_new_id(struct job *j, char *path, size_t size)
{
	struct vd_bind_result *ret = j->r;
	char buf[80];
	int r;

	snprintf(path, size, "sys/bus/pci/drivers/%s/new_id", VD_PCI_DRIVER);
	r = vd_bind_do_write(j, path, j->id, false);
	if (r == -EEXIST) {
		snprintf(ret->note, sizeof(ret->note),
			 "no driver_override (kernel before 3.16); new_id: virtio-pci "
			 "already matches %04x:%04x (EEXIST)",
			 j->d->vendor, j->d->device);
		return 0;
	}
	if (r < 0)
		return r;
	j->added_id = true;
	if (!j->o->dry_run &&
	    vd_sysfs_link_basef(j->s, buf, sizeof(buf), "%s/driver", j->dev) == 0 &&
	    !strcmp(buf, VD_PCI_DRIVER))
		j->bound = true;
	return 0;
}

/*
 * 5. Take the device: the override (it makes matching independent of IDs and shuts out
 * other drivers), the old driver off, new_id where there is no override, the bind.
 * Returns 1 when it is bound (or planned), 0 when a write failed and was rolled back.
 */
static int take_device(struct job *j, const struct live *l)
{
	struct vd_bind_result *ret = j->r;
	char path[256];
	int r;

	if (j->have_override && strcmp(ret->prev_override, j->drv)) {
		snprintf(path, sizeof(path), "%s/driver_override", j->dev);
		r = vd_bind_do_write(j, path, j->drv, false);
		if (r < 0)
			return vd_bind_fail_write(j, path, r), 0;
		j->wrote_override = true;
	}
	if (l->pcidrv[0]) {
		snprintf(path, sizeof(path), "sys/bus/%s/drivers/%s/unbind", j->bus, l->pcidrv);
		r = vd_bind_do_write(j, path, ret->name, false);
		if (r < 0)
			return vd_bind_fail_write(j, path, r), 0;
		j->unbound_prev = true;
	}
	if (!j->have_override && j->d->bus == VD_BUS_PCI) {
		r = add_new_id(j, path, sizeof(path));
		if (r < 0)
			return vd_bind_fail_write(j, path, r), 0;
	}
	if (!j->bound) {
		/* bind, not drivers_probe: bind returns the probe's errno */
		snprintf(path, sizeof(path), "sys/bus/%s/drivers/%s/bind", j->bus, j->drv);
		r = bind_write(j, path);
		if (r < 0)
			return vd_bind_fail_write(j, path, r), 0;
		j->bound = true;
	}
	return 1;
}

/* A dry run ends with the plan: the override cleared last, as the real run would. */
static int finish_plan(struct job *j)
{
	char path[256];

	if (j->o->clear_override && j->have_override) {
		snprintf(path, sizeof(path), "%s/driver_override", j->dev);
		vd_bind_do_write(j, path, "\n", false);
	}
	j->r->outcome = VD_BIND_PLANNED;
	return 0;
}

/* One transport device (not the group), in the order of peer-tools' bind algorithm. */
static int bind_function(struct job *j)
{
	struct live l;

	if (!check_bound(j, &l) || !read_override(j) || !check_refusals(j, &l) ||
	    !ensure_transport(j, &l) || !take_device(j, &l))
		return 0;
	if (j->o->dry_run)
		return finish_plan(j);
	return vd_bind_verify(j, true);
}

/*
 * Room for the longest sequence (module, override, unbind, new_id, bind, module,
 * override cleared, four rollback writes), taken before anything is written: running out
 * of memory is then found while the device is as it was.
 */
#define STEPS_RESERVED 16

int vd_bind_device(struct vd_sysfs *s, const struct vd_device *d, const struct vd_bind_opts *o,
		   const struct vd_bind_ops *ops, struct vd_bind_result *ret)
{
	struct job j = { .s = s, .d = d, .o = o, .ops = ops, .r = ret };
	int r;

	memset(ret, 0, sizeof(*ret));
	r = identify(&j);
	if (r < 0)
		return r;
	r = vd_bind_reserve_steps(ret, STEPS_RESERVED);
	if (r < 0)
		return r;
	r = d->group ? bind_group(&j) : bind_function(&j);
	return j.nomem ? -ENOMEM : r;
}
