/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "report -J": the machine and every virtio device in one JSON tree */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "vd/cli/output.h"

/* Lines joined by '\n' for an array-of-strings cell; caller frees. */
static char *join_lines(const char *base, size_t stride, size_t n)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(base + i * stride) + 1;
	s = p = malloc(len);
	if (!s)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "\n" : "", base + i * stride);
	return s;
}

/* The machine's keys, then every scan column, then explain's. */
static const char *const report_machine_keys[] = { "TOOL",	  "VERSION", "SCHEMA",
						   "RELEASE",	  "CMDLINE", "SYS_VENDOR",
						   "PRODUCT_NAME" };

int vd_output_report(FILE *out, const struct vd_report_info *info, const struct vd_model *m,
		     const struct vd_finding *findings)
{
	const size_t nm = ARRAY_SIZE(report_machine_keys);
	static const char *const fkeys[] = { "SUMMARY", "EVIDENCE", "REMEDY", "UNCHECKED" };
	struct libscols_table *tb = scols_new_table();
	struct libscols_line *root;
	char schema[16];
	int r = 0;

	if (!tb)
		return -ENOMEM;
	scols_table_set_stream(tb, out);
	scols_table_set_name(tb, "report");
	scols_table_enable_json(tb, 1);
	for (size_t i = 0; i < nm + _VD_COL_MAX + ARRAY_SIZE(fkeys); i++) {
		const char *name = i < nm		  ? report_machine_keys[i]
				   : i < nm + _VD_COL_MAX ? vd_output_colinfo(i - nm)->name
							  : fkeys[i - nm - _VD_COL_MAX];
		struct libscols_column *cl;

		/* the first column carries the tree, so that lines nest under "children" */
		cl = scols_table_new_column(tb, name, 0,
					    i == 0		   ? SCOLS_FL_TREE
					    : i > nm + _VD_COL_MAX ? SCOLS_FL_WRAP
								   : 0);
		if (!cl) {
			r = -ENOMEM;
			goto out;
		}
		if (i == 2)
			scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
		else if (i >= nm && i < nm + _VD_COL_MAX)
			scols_column_set_json_type(cl, vd_output_colinfo(i - nm)->json_type);
		else if (i > nm + _VD_COL_MAX) {
			scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
						  scols_wrapnl_nextchunk, NULL);
			scols_column_set_safechars(cl, "\n");
			scols_column_set_json_type(cl, SCOLS_JSON_ARRAY_STRING);
		}
	}
	root = scols_table_new_line(tb, NULL);
	if (!root) {
		r = -ENOMEM;
		goto out;
	}
	snprintf(schema, sizeof(schema), "%d", VD_REPORT_SCHEMA);
	scols_line_set_data(root, 0, "virtio-doctor");
	scols_line_set_data(root, 1, info->version);
	scols_line_set_data(root, 2, schema);
	if (info->release)
		scols_line_set_data(root, 3, info->release);
	if (info->cmdline)
		scols_line_set_data(root, 4, info->cmdline);
	if (info->sys_vendor)
		scols_line_set_data(root, 5, info->sys_vendor);
	if (info->product_name)
		scols_line_set_data(root, 6, info->product_name);
	for (size_t k = 0; k < m->n; k++) {
		const struct vd_device *d = &m->dev[k];
		const struct vd_finding *f = &findings[k];
		struct libscols_line *ln;
		char *arr[3];

		if (d->state == VD_STATE_NOT_VIRTIO)
			continue;
		ln = scols_table_new_line(tb, root);
		if (!ln) {
			r = -ENOMEM;
			goto out;
		}
		for (int c = 0; c < _VD_COL_MAX; c++) {
			char buf[256];
			const char *v = vd_output_cell(d, c, buf, sizeof(buf));

			if (v && *v)
				scols_line_set_data(ln, nm + (size_t)c, v);
		}
		scols_line_set_data(ln, nm + _VD_COL_MAX, f->summary);
		arr[0] = join_lines(f->evidence[0], sizeof(f->evidence[0]), f->n_evidence);
		arr[1] = join_lines(f->remedy[0], sizeof(f->remedy[0]), f->n_remedy);
		arr[2] = join_lines(f->unchecked[0], sizeof(f->unchecked[0]), f->n_unchecked);
		for (int i = 0; i < 3; i++) {
			if (arr[i] && arr[i][0]) {
				scols_line_refer_data(ln, nm + _VD_COL_MAX + 1 + (size_t)i, arr[i]);
				continue;
			}
			free(arr[i]);
		}
	}
	if (scols_print_table(tb) < 0)
		r = -EIO;
out:
	scols_unref_table(tb);
	return r;
}
