/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- libsmartcols tables over the model: text, -J, -P, -r, -n, -o */
#ifndef VD_OUTPUT_H
#define VD_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vd/diagnose/diagnose.h"
#include "vd/base/ids.h"
#include "vd/base/termcolors.h"
#include "vd/model/model.h"

struct libscols_table;

enum vd_col {
	VD_COL_DEVICE,
	VD_COL_ID,
	VD_COL_SUBSYS,
	VD_COL_REV,
	VD_COL_CLASS,
	VD_COL_TRANSPORT,
	VD_COL_TYPE,
	VD_COL_TYPEID,
	VD_COL_NAME,
	VD_COL_PCIDRV,
	VD_COL_VIRTIO,
	VD_COL_DRIVER,
	VD_COL_STATUS,
	VD_COL_STATUSRAW,
	VD_COL_FEATURES,
	VD_COL_STATE,
	VD_COL_PROBLEM,
	VD_COL_VERDICT,
	VD_COL_NETDEV,
	VD_COL_BLKDEV,
	VD_COL_OVERRIDE,
	_VD_COL_MAX,
};

struct vd_colinfo {
	const char *name;
	double whint;
	int flags;	   /* SCOLS_FL_* */
	int json_type;	   /* SCOLS_JSON_* */
	unsigned int want; /* VD_WANT_* the column needs read */
	const char *help;
	bool diagnose; /* the column needs explain's diagnosis of rows that are not ok */
};

const struct vd_colinfo *vd_output_colinfo(enum vd_col c);
/* The text of one cell (buf holds it when computed); NULL when empty. */
const char *vd_output_cell(const struct vd_device *d, int c, char *buf, size_t size);

enum vd_output_mode {
	VD_OUT_TEXT,
	VD_OUT_JSON,
	VD_OUT_PAIRS,
	VD_OUT_RAW,
};

struct vd_output_opts {
	enum vd_output_mode mode;
	bool noheadings;
	const int *cols; /* enum vd_col */
	size_t ncols;
	/* text only: STATE coloured, NULL or !on for none (vd/base/termcolors.h) */
	const struct vd_colors *colors;
};

/*
 * Parse an -o list: "DEVICE,TYPE,STATE" replaces the columns, "+COL,..." appends to
 * those already in cols. Case-insensitive. Returns -EINVAL with ret_bad set to the
 * unknown name (pointer into a copy the caller frees with free()).
 */
int vd_output_parse_columns(const char *list, int *cols, size_t *ncols, size_t max, char **ret_bad);

/* What the chosen columns need read. */
unsigned int vd_output_want(const int *cols, size_t ncols);
/* Whether they need explain's diagnosis (VERDICT, PROBLEM). */
bool vd_output_needs_diagnosis(const int *cols, size_t ncols);

/*
 * printf to out, every control character of the result but a final newline shown as \xNN,
 * as libsmartcols shows them in a table: text read from the tree (a driver_override, a
 * link name, a log line) cannot move the cursor, set a title, or start a line that looks
 * like one of ours. Every text line that carries such text goes through here (or the
 * warning below); JSON needs none of it, libsmartcols escapes it there.
 */
int vd_output_printf(FILE *out, const char *fmt, ...) VD_PRINTF(2, 3);
/* n lines joined by '\n' (a JSON array-of-strings cell); NULL without memory; caller frees. */
char *vd_output_join_lines(char *const *lines, size_t n);
/* warnx() through the same escaping: "virtio-doctor: TEXT" on stderr. */
void vd_output_warnx(const char *fmt, ...) VD_PRINTF(1, 2);

/* Print devices (as selected by the caller) as a table named "devices". */
int vd_output_devices(FILE *out, const struct vd_device *const *devs, size_t n,
		      const struct vd_output_opts *o);

/*
 * "decode": text as "Field: value" lines, or JSON {"ids": [{...}]} with the keys id,
 * subsys, virtio, transport, type, typeid, name, pcidrv, driver, kconfig, note.
 */
int vd_output_decode(FILE *out, const struct vd_id_info *info, bool json);

/*
 * "explain -J": {"devices": [{"device", "id", "type", "state", "verdict", "summary",
 * "evidence": [...], "remedy": [...], "unchecked": [...]}]}.
 */
int vd_output_findings_json(FILE *out, const struct vd_device *const *devs,
			    const struct vd_finding *const *findings, size_t n);

/*
 * A JSON table printed with the shape the documents promise: an empty array cell as []
 * (libsmartcols 2.38 prints [null]) and, with no_children, "children": [] on the report's
 * machine line. output_json.c.
 */
int vd_output_json_table(FILE *out, struct libscols_table *tb, bool no_children);

/* The report's schema version: bump it when a field changes meaning. */
#define VD_REPORT_SCHEMA 1

struct vd_report_info {
	const char *version;
	const char *release, *cmdline, *sys_vendor, *product_name; /* NULL: unknown */
};

/* The report's keys: the machine's 7, every column, then summary and the three arrays. */
#define VD_REPORT_KEYS (7 + _VD_COL_MAX + 4)
/* Key i's name (upper case, as a column's) and its SCOLS_JSON_* type; NULL past the end. */
const char *vd_report_key(size_t i, int *ret_json_type);

/* One line of the report: key i's text (NULL: null); an array's elements one a line. */
struct vd_report_line {
	const char *v[VD_REPORT_KEYS];
	char buf[_VD_COL_MAX][256];
	char *arr[3];
};
int vd_report_machine_line(const struct vd_report_info *info, struct vd_report_line *ret);
int vd_report_device_line(const struct vd_device *d, const struct vd_finding *f,
			  struct vd_report_line *ret);
void vd_report_line_done(struct vd_report_line *l);

/*
 * "report": {"report": [{machine keys..., "children": [{device keys...}]}]}, the shape
 * of a libsmartcols tree: the machine is the root line, each virtio device a child line.
 * Keys that do not apply to a line are null. See virtio-doctor(8), REPORT.
 */
int vd_output_report(FILE *out, const struct vd_report_info *info, const struct vd_model *m,
		     const struct vd_finding *findings);

#endif
