/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- model scan: one PCI function, its IDs, type, driver and transport */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"
#include "vd/facts/pci.h"

static void read_config(struct scan *sc, struct vd_device *d)
{
	uint8_t cfg[256];
	int r;

	r = vd_pci_read_config(sc->s, &d->bdf, cfg, sizeof(cfg));
	d->cfg_len = r;
	if (r < 0) {
		char path[400];

		snprintf(path, sizeof(path), "%s/config", d->path);
		vd_scan_warn_file(sc, path, r);
		return;
	}
	/* on the heap: most devices never need their config space decoded */
	d->cfg = malloc(sizeof(*d->cfg));
	if (!d->cfg) {
		d->cfg_len = -ENOMEM;
	} else if (vd_pcicfg_parse(cfg, (size_t)r, d->cfg) < 0) {
		free(d->cfg);
		d->cfg = NULL;
		d->cfg_len = -ENODATA;
	}
}

static void decide_transport(struct scan *sc, struct vd_device *d)
{
	if (!d->cls.virtio) {
		d->transport = VD_TRANSPORT_NONE;
		return;
	}
	if (d->cls.modern) {
		d->transport = VD_TRANSPORT_MODERN;
		return;
	}
	d->transport = VD_TRANSPORT_UNKNOWN;
	if (d->have_features && vd_feature_has(d->features, VD_F_VERSION_1)) {
		d->transport = VD_TRANSPORT_TRANSITIONAL;
		return;
	}
	if (sc->o->skip_transport)
		return;
	if (!d->cfg_len)
		read_config(sc, d);
	if (d->cfg_len <= 0)
		return;
	if (vd_pcicfg_find(d->cfg, VD_CAP_COMMON))
		d->transport = VD_TRANSPORT_TRANSITIONAL;
	else if (!d->cfg->has_cap_list || (!d->cfg->incomplete && !d->cfg->loop))
		d->transport = VD_TRANSPORT_LEGACY; /* the whole chain was seen: no virtio cap */
}

static struct vd_device *new_pci_device(struct scan *sc, const char *name, struct vd_bdf bdf,
					const char *path)
{
	struct vd_device *d = vd_scan_new_device(sc);

	if (!d)
		return NULL;
	d->bus = VD_BUS_PCI;
	d->bdf = bdf;
	d->name = vd_scan_keep(sc, name);
	d->path = vd_scan_keep(sc, path);
	return d;
}

/*
 * Neither the modalias nor the IDs could be read, and a read failed (rather than finding
 * garbage): the function may be a virtio device, so it gets a row whose state is unknown,
 * and its virtio child is not taken for a device of another transport.
 */
static int unidentified(struct scan *sc, const char *name, struct vd_bdf bdf, const char *path,
			const char *attr, int r)
{
	struct vd_device *d = new_pci_device(sc, name, bdf, path);
	char file[160];
	long vi;

	if (!d)
		return -ENOMEM;
	snprintf(file, sizeof(file), "%s/%s", path, attr);
	vd_scan_unread(sc, d, file, r);
	d->cls.virtio = true; /* as far as anyone can tell */
	vi = vd_scan_child_of(sc, name);
	if (vi >= 0) {
		sc->vused[vi] = true;
		d->virtio = vd_scan_keep(sc, sc->vnames.v[vi]);
		d->vpath = sc->vpaths[vi];
	}
	d->pcidrv = vd_scan_read_driver(sc, d, path, VD_BUS_PCI);
	if (sc->attach)
		vd_attach_device(sc->attach, d);
	return vd_device_evaluate(d);
}

/*
 * The modalias: the kernel prints it from the very fields the vendor, device, subsystem_*
 * and class files show, and one file read instead of up to five is most of what a
 * function costs under a tree (four syscalls a file there). 1 with ids; 0 when there is
 * none (a tree made by hand); -errno when it cannot be read, -EBADMSG when it is garbage.
 */
static int read_modalias(struct scan *sc, const char *mpath, struct vd_pci_modalias *ids)
{
	char buf[1200];
	int r;

	r = vd_sysfs_read(sc->s, mpath, buf, sizeof(buf));
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	if (vd_parse_pci_modalias(buf, ids) < 0 || ids->vendor > 0xffff || ids->device > 0xffff ||
	    ids->subvendor > 0xffff || ids->subdevice > 0xffff)
		return -EBADMSG;
	return 1;
}

/*
 * The IDs, from the modalias, else from the vendor and device files. A bad modalias is
 * named when the files serve; when they fail too, what they say is the news. Returns 1
 * with ids (*ret_all: subsystem and class too), 0 when the function is skipped (warned
 * about, or a row of unknown state was added), -ENOMEM.
 */
static int read_ids(struct scan *sc, const char *name, struct vd_bdf bdf, const char *path,
		    struct vd_pci_modalias *ids, bool *ret_all)
{
	char mpath[160], buf[1200];
	int rm, rv, rd, r;

	snprintf(mpath, sizeof(mpath), "%s/modalias", path);
	rm = read_modalias(sc, mpath, ids);
	*ret_all = rm > 0;
	if (rm > 0)
		return 1;
	rv = vd_scan_read_hex(sc, path, "vendor", 0xffff, false, &ids->vendor);
	rd = vd_scan_read_hex(sc, path, "device", 0xffff, false, &ids->device);
	if (rv >= 0 && rd >= 0) {
		if (rm == -EBADMSG)
			vd_scan_warn(sc, "ignoring '%s': not a PCI modalias",
				     vd_scan_shown(sc, mpath, buf, sizeof(buf)));
		else if (rm < 0)
			vd_scan_warn_file(sc, mpath, rm);
		return 1;
	}
	if (vd_sysfs_failed(rv) || vd_sysfs_failed(rd)) {
		r = unidentified(sc, name, bdf, path, vd_sysfs_failed(rv) ? "vendor" : "device",
				 vd_sysfs_failed(rv) ? rv : rd);
		return r < 0 ? r : 0;
	}
	vd_scan_warn(sc, "skipping '%s': its vendor and device IDs cannot be read",
		     vd_scan_shown(sc, path, buf, sizeof(buf)));
	return 0;
}

/* Transitional devices take their type from the subsystem device ID. */
static void read_subsystem(struct scan *sc, struct vd_device *d, const char *path,
			   unsigned int want)
{
	char buf[1200];
	uint32_t x;
	int r;

	if (d->have_subsys || (!(d->cls.virtio && !d->cls.modern) && !(want & VD_WANT_SUBSYS)))
		return;
	r = vd_scan_read_hex(sc, path, "subsystem_device", 0xffff, false, &x);
	snprintf(buf, sizeof(buf), "%s/subsystem_device", path);
	if (d->cls.virtio && !d->cls.modern)
		vd_scan_unread(sc, d, buf, r); /* it gives a transitional device its type */
	if (r == 0) {
		d->subdevice = (uint16_t)x;
		if (vd_scan_read_hex(sc, path, "subsystem_vendor", 0xffff, false, &x) == 0) {
			d->subvendor = (uint16_t)x;
			d->have_subsys = true;
		}
	}
	vd_classify_pci(d->vendor, d->device, d->subdevice, d->have_subsys || d->subdevice,
			&d->cls);
}

/* Revision and class: read only when a column or a rule wants them. */
static void read_wanted(struct scan *sc, struct vd_device *d, const char *path, unsigned int want)
{
	uint32_t x;

	if ((want & VD_WANT_REV) && vd_scan_read_hex(sc, path, "revision", 0xff, false, &x) == 0) {
		d->revision = (uint8_t)x;
		d->have_rev = true;
	}
	if ((want & VD_WANT_CLASS) && !d->have_class &&
	    vd_scan_read_hex(sc, path, "class", 0xffffff, false, &x) == 0) {
		d->class = x;
		d->have_class = true;
	}
}

/*
 * What only the rules of a device that is not ok read, read once its state is known (no
 * detail read here decides the state). A transitional device's subsystem and features
 * were read already: its type and transport need them.
 */
static void read_for_rules(struct scan *sc, struct vd_device *d, const char *path,
			   unsigned int want)
{
	if (d->cls.modern)
		read_subsystem(sc, d, path, want);
	read_wanted(sc, d, path, want);
	if ((want & VD_WANT_FEATURES) && d->vpath[0] && d->cls.modern)
		vd_scan_read_features(sc, d);
	if ((want & VD_WANT_CONFIG) && d->cls.virtio && !d->cfg_len)
		read_config(sc, d);
}

/* The virtio device under the function, and the transport it speaks. */
static void read_virtio_side(struct scan *sc, struct vd_device *d, const char *name)
{
	d->transport = d->cls.modern ? VD_TRANSPORT_MODERN : VD_TRANSPORT_UNKNOWN;
	long vi = vd_scan_child_of(sc, name);

	if (vi >= 0)
		vd_scan_read_virtio_child(sc, d, (size_t)vi);
	else if (sc->vbus_err && !d->unread_err)
		vd_scan_unread(sc, d, sc->vbus_unread, sc->vbus_err);
	if (sc->o->want & VD_WANT_CONFIG)
		read_config(sc, d);
	decide_transport(sc, d);
}

int vd_scan_pci_function(struct scan *sc, const char *name)
{
	struct vd_device *d;
	struct vd_bdf bdf;
	char path[128], buf[1200];
	struct vd_pci_modalias ids;
	bool all;
	int r;

	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s", name);
	if (vd_parse_bdf(name, false, &bdf) < 0) {
		vd_scan_warn(sc, "ignoring '%s': not a PCI address",
			     vd_scan_shown(sc, path, buf, sizeof(buf)));
		return 0;
	}
	vd_sysfs_hold_dir(sc->s, path); /* its files: modalias, revision, driver, ... */
	r = read_ids(sc, name, bdf, path, &ids, &all);
	if (r <= 0)
		return r;
	d = new_pci_device(sc, name, bdf, path);
	if (!d)
		return -ENOMEM;
	d->have_id = true;
	d->vendor = (uint16_t)ids.vendor;
	d->device = (uint16_t)ids.device;
	if (all) {
		d->subvendor = (uint16_t)ids.subvendor;
		d->subdevice = (uint16_t)ids.subdevice;
		d->have_subsys = true;
		d->class = (uint32_t)ids.base_class << 16 | (uint32_t)ids.sub_class << 8 |
			   ids.prog_if;
		d->have_class = true;
	}
	vd_classify_pci(d->vendor, d->device, d->subdevice, d->have_subsys, &d->cls);
	if (!d->cls.virtio && !sc->o->all_pci) {
		sc->m->n--;
		return 0;
	}
	read_subsystem(sc, d, path, sc->o->want);
	d->type_id = d->cls.type_id;
	read_wanted(sc, d, path, sc->o->want);
	d->pcidrv = vd_scan_read_driver(sc, d, path, VD_BUS_PCI);
	if (sc->attach)
		vd_attach_override(sc->attach, d); /* in the function's held directory */
	if (d->cls.virtio)
		read_virtio_side(sc, d, name);
	if (sc->attach)
		vd_attach_walk(sc->attach, d); /* from the virtio device's held directory */
	r = vd_device_evaluate(d);
	if (r == 0 && d->state != VD_STATE_OK)
		read_for_rules(sc, d, path, sc->o->want_not_ok & ~sc->o->want);
	return r;
}
