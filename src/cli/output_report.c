/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "report -J": the machine and every virtio device in one JSON tree */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "vd/cli/output.h"

/* The machine's keys, then every scan column, then explain's (see doc/report.schema.json). */
static const char *const report_machine_keys[] = { "TOOL",	  "VERSION", "SCHEMA",
						   "RELEASE",	  "CMDLINE", "SYS_VENDOR",
						   "PRODUCT_NAME" };
static const char *const report_finding_keys[] = { "SUMMARY", "EVIDENCE", "REMEDY", "UNCHECKED" };
#define NM ARRAY_SIZE(report_machine_keys)
#define NF ARRAY_SIZE(report_finding_keys)
#define COL_SUMMARY (NM + _VD_COL_MAX)
#define COL_ARRAYS (COL_SUMMARY + 1) /* evidence, remedy, unchecked */

static int add_columns(struct libscols_table *tb)
{
	for (size_t i = 0; i < NM + _VD_COL_MAX + NF; i++) {
		const char *name = i < NM	     ? report_machine_keys[i]
				   : i < COL_SUMMARY ? vd_output_colinfo(i - NM)->name
						     : report_finding_keys[i - COL_SUMMARY];
		bool array = i >= COL_ARRAYS;
		struct libscols_column *cl;

		/* the first column carries the tree, so that lines nest under "children" */
		cl = scols_table_new_column(tb, name, 0,
					    i == 0  ? SCOLS_FL_TREE
					    : array ? SCOLS_FL_WRAP
						    : 0);
		if (!cl)
			return -ENOMEM;
		if (i == 2)
			scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
		else if (i >= NM && i < COL_SUMMARY)
			scols_column_set_json_type(cl, vd_output_colinfo(i - NM)->json_type);
		else if (array) {
			/* lsblk's MOUNTPOINTS idiom: one string per line of the cell */
			scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
						  scols_wrapnl_nextchunk, NULL);
			scols_column_set_safechars(cl, "\n");
			scols_column_set_json_type(cl, SCOLS_JSON_ARRAY_STRING);
		}
	}
	return 0;
}

static int add_machine(struct libscols_table *tb, const struct vd_report_info *info,
		       struct libscols_line **ret_root)
{
	const char *v[NM] = { "virtio-doctor",	 info->version, NULL,
			      info->release,	 info->cmdline, info->sys_vendor,
			      info->product_name };
	struct libscols_line *root = scols_table_new_line(tb, NULL);
	char schema[16];

	if (!root)
		return -ENOMEM;
	snprintf(schema, sizeof(schema), "%d", VD_REPORT_SCHEMA);
	v[2] = schema;
	for (size_t i = 0; i < NM; i++)
		if (v[i] && scols_line_set_data(root, i, v[i]) < 0)
			return -ENOMEM;
	*ret_root = root;
	return 0;
}

static int add_device(struct libscols_table *tb, struct libscols_line *root,
		      const struct vd_device *d, const struct vd_finding *f)
{
	struct libscols_line *ln = scols_table_new_line(tb, root);
	char *arr[3];
	int r = 0;

	if (!ln)
		return -ENOMEM;
	for (int c = 0; c < _VD_COL_MAX; c++) {
		char buf[256];
		const char *v = vd_output_cell(d, c, buf, sizeof(buf));

		if (v && *v && scols_line_set_data(ln, NM + (size_t)c, v) < 0)
			return -ENOMEM;
	}
	if (scols_line_set_data(ln, COL_SUMMARY, f->summary) < 0)
		return -ENOMEM;
	arr[0] = vd_output_join_lines(f->evidence, f->n_evidence);
	arr[1] = vd_output_join_lines(f->remedy, f->n_remedy);
	arr[2] = vd_output_join_lines(f->unchecked, f->n_unchecked);
	for (size_t i = 0; i < 3; i++) {
		if (!arr[i])
			r = -ENOMEM;
		else if (!arr[i][0])
			free(arr[i]); /* an empty cell: [null] from libsmartcols, [] once printed */
		else
			scols_line_refer_data(ln, COL_ARRAYS + i, arr[i]); /* the line owns it */
	}
	return r;
}

int vd_output_report(FILE *out, const struct vd_report_info *info, const struct vd_model *m,
		     const struct vd_finding *findings)
{
	struct libscols_table *tb = scols_new_table();
	struct libscols_line *root = NULL;
	size_t nchildren = 0;
	int r;

	if (!tb)
		return -ENOMEM;
	scols_table_set_name(tb, "report");
	scols_table_enable_json(tb, 1);
	r = add_columns(tb);
	if (r == 0)
		r = add_machine(tb, info, &root);
	for (size_t k = 0; r == 0 && k < m->n; k++) {
		if (m->dev[k].state == VD_STATE_NOT_VIRTIO)
			continue;
		r = add_device(tb, root, &m->dev[k], &findings[k]);
		nchildren++;
	}
	if (r == 0)
		r = vd_output_json_table(out, tb, nchildren == 0);
	scols_unref_table(tb);
	return r;
}
