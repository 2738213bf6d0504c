/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "decode": what a PCI ID means, as lscpu-like lines or JSON */
#include <errno.h>
#include <stdio.h>

#include <libsmartcols.h>

#include "vd/cli/output.h"

static const struct {
	const char *key, *label;
	int json_type;
} fields[] = {
	{ "ID", "ID", SCOLS_JSON_STRING },
	{ "SUBSYS", "Subsystem", SCOLS_JSON_STRING },
	{ "VIRTIO", "Virtio", SCOLS_JSON_BOOLEAN },
	{ "TRANSPORT", "Transport", SCOLS_JSON_STRING },
	{ "TYPE", "Type", SCOLS_JSON_STRING },
	{ "TYPEID", "Type ID", SCOLS_JSON_NUMBER },
	{ "NAME", "Name", SCOLS_JSON_STRING },
	{ "PCIDRV", "PCI driver", SCOLS_JSON_STRING },
	{ "DRIVER", "Virtio driver", SCOLS_JSON_STRING },
	{ "KCONFIG", "Kernel option", SCOLS_JSON_STRING },
	{ "NOTE", "Note", SCOLS_JSON_STRING },
};

#define NFIELDS ARRAY_SIZE(fields)

/* Each field's text, "" when it does not apply. */
static void decode_values(const struct vd_id_info *info, bool json, char vals[][256])
{
	const struct vd_virtio_type *t =
		info->cls.type_id >= 0 ? vd_virtio_type_by_id((unsigned)info->cls.type_id) : NULL;

	snprintf(vals[0], 256, "%04x:%04x", info->vendor, info->device);
	if (info->have_subsys)
		snprintf(vals[1], 256, "%04x:%04x", info->subvendor, info->subdevice);
	/* libsmartcols reads a boolean cell by its first letter: "no" is false */
	snprintf(vals[2], 256, "%s", info->cls.virtio ? "yes" : "no");
	snprintf(vals[3], 256, "%s", vd_transport_name(info->transport));
	if (info->cls.type_id >= 0) {
		char tmp[32];

		snprintf(vals[4], 256, "%s%s",
			 vd_virtio_type_short((unsigned)info->cls.type_id, tmp, sizeof(tmp)),
			 json || !info->type_conventional
				 ? ""
				 : " (conventional; the subsystem decides)");
		snprintf(vals[5], 256, "%d", info->cls.type_id);
	}
	if (t)
		snprintf(vals[6], 256, "%s", t->spec_name);
	else if (info->cls.not_virtio)
		snprintf(vals[6], 256, "%s", info->cls.not_virtio);
	if (info->cls.virtio)
		snprintf(vals[7], 256, "%s", VD_PCI_DRIVER);
	if (t && t->driver)
		snprintf(vals[8], 256, "%s", t->driver);
	if (t && t->kconfig)
		snprintf(vals[9], 256, "CONFIG_%s", t->kconfig);
	if (info->note)
		snprintf(vals[10], 256, "%s", info->note);
}

/* {"ids": [{...}]}: every key, null where it does not apply */
static int decode_json(struct libscols_table *tb, char vals[][256])
{
	struct libscols_line *ln;

	scols_table_set_name(tb, "ids");
	scols_table_enable_json(tb, 1);
	for (size_t i = 0; i < NFIELDS; i++) {
		struct libscols_column *cl = scols_table_new_column(tb, fields[i].key, 0, 0);

		if (!cl)
			return -ENOMEM;
		scols_column_set_json_type(cl, fields[i].json_type);
	}
	ln = scols_table_new_line(tb, NULL);
	if (!ln)
		return -ENOMEM;
	for (size_t i = 0; i < NFIELDS; i++)
		if (vals[i][0] && scols_line_set_data(ln, i, vals[i]) < 0)
			return -ENOMEM;
	return 0;
}

/* lscpu's layout: a label column and a value column, no headings */
static int decode_text(struct libscols_table *tb, char vals[][256])
{
	scols_table_enable_noheadings(tb, 1);
	if (!scols_table_new_column(tb, "FIELD", 0, 0) ||
	    !scols_table_new_column(tb, "VALUE", 0, SCOLS_FL_WRAP))
		return -ENOMEM;
	for (size_t i = 0; i < NFIELDS; i++) {
		struct libscols_line *ln;
		char label[64];

		if (!vals[i][0])
			continue;
		ln = scols_table_new_line(tb, NULL);
		if (!ln)
			return -ENOMEM;
		snprintf(label, sizeof(label), "%s:", fields[i].label);
		if (scols_line_set_data(ln, 0, label) < 0 ||
		    scols_line_set_data(ln, 1, vals[i]) < 0)
			return -ENOMEM;
	}
	return 0;
}

int vd_output_decode(FILE *out, const struct vd_id_info *info, bool json)
{
	char vals[NFIELDS][256] = { { 0 } };
	struct libscols_table *tb;
	int r;

	decode_values(info, json, vals);
	tb = scols_new_table();
	if (!tb)
		return -ENOMEM;
	scols_table_set_stream(tb, out);
	r = json ? decode_json(tb, vals) : decode_text(tb, vals);
	if (r == 0 && scols_print_table(tb) < 0)
		r = -EIO;
	scols_unref_table(tb);
	return r;
}
