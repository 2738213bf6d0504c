/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor -- "metrics": Prometheus' text exposition format (version 0.0.4), as
 * node_exporter's textfile collector and a scrape read it. Every sample is a gauge; every
 * name starts with virtio_doctor_ so that it never meets another exporter's.
 */
#include <errno.h>
#include <stdio.h>

#include "vd/base/ids.h"
#include "vd/cli/metrics.h"

/* The states a listed device can have: each is counted, zero included (a 0 is news too). */
static const enum vd_state counted[] = {
	VD_STATE_OK,	    VD_STATE_UNBOUND, VD_STATE_FOREIGN,
	VD_STATE_NO_DRIVER, VD_STATE_FAILED,  VD_STATE_UNKNOWN,
};

int vd_metrics_label_value(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '"')
			fputs("\\\"", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	return ferror(out) ? -EIO : 0;
}

static void family(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void label(FILE *out, const char *sep, const char *name, const char *value)
{
	fprintf(out, "%s%s=\"", sep, name);
	vd_metrics_label_value(out, value);
	fputc('"', out);
}

/* The labels both per-device families carry: what identifies the device and its verdict. */
static void device_labels(FILE *out, const struct vd_device *d)
{
	char id[16] = "", tbuf[32];
	const char *type = "";

	if (d->have_id)
		vd_device_id(d, id, sizeof(id));
	if (d->type_id >= 0)
		type = vd_virtio_type_short((unsigned)d->type_id, tbuf, sizeof(tbuf));
	label(out, "{", "device", d->name);
	label(out, ",", "id", id);
	label(out, ",", "type", type);
	label(out, ",", "transport",
	      d->transport == VD_TRANSPORT_NONE ? "" : vd_transport_name(d->transport));
	label(out, ",", "verdict", d->verdict ? d->verdict : "");
}

static bool shown(const struct vd_device *d)
{
	return d->state != VD_STATE_NOT_VIRTIO && vd_device_listed(d, false);
}

static void devices(FILE *out, const struct vd_model *m)
{
	family(out, "virtio_doctor_device_ok",
	       "Whether the virtio device works at both driver levels (1) or not (0).");
	for (size_t i = 0; i < m->n; i++) {
		const struct vd_device *d = &m->dev[i];

		if (!shown(d))
			continue;
		fputs("virtio_doctor_device_ok", out);
		device_labels(out, d);
		/* a vsock device bound at both levels can still be blocked above its driver */
		fprintf(out, "} %d\n", d->state == VD_STATE_OK && !d->problem);
	}
	family(out, "virtio_doctor_device_info",
	       "The virtio device's drivers (PCI or platform, virtio) and state; always 1.");
	for (size_t i = 0; i < m->n; i++) {
		const struct vd_device *d = &m->dev[i];

		if (!shown(d))
			continue;
		fputs("virtio_doctor_device_info", out);
		device_labels(out, d);
		label(out, ",", "pcidrv", d->pcidrv);
		label(out, ",", "driver", d->driver);
		label(out, ",", "state", vd_state_name(d->state));
		fputs("} 1\n", out);
	}
	family(out, "virtio_doctor_devices", "Virtio devices by state.");
	for (size_t k = 0; k < ARRAY_SIZE(counted); k++) {
		unsigned int n = 0;

		for (size_t i = 0; i < m->n; i++)
			n += shown(&m->dev[i]) && m->dev[i].state == counted[k];
		fprintf(out, "virtio_doctor_devices{state=\"%s\"} %u\n", vd_state_name(counted[k]),
			n);
	}
}

int vd_metrics_print(FILE *out, const struct vd_model *m, const char *version)
{
	family(out, "virtio_doctor_scrape_success",
	       "Whether virtio-doctor could read the devices (1) or not (0).");
	fprintf(out, "virtio_doctor_scrape_success %d\n", m != NULL);
	family(out, "virtio_doctor_build_info", "The virtio-doctor version; always 1.");
	fputs("virtio_doctor_build_info", out);
	label(out, "{", "version", version);
	fputs("} 1\n", out);
	if (m)
		devices(out, m);
	return ferror(out) ? -EIO : 0;
}
