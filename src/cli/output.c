/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- libsmartcols tables over the model: text, -J, -P, -r, -n, -o */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "vd/cli/output.h"

/*
 * The text escaped into one buffer and written with one fwrite(): stderr is unbuffered,
 * where a fputc() per character was a write() per character, and a line written whole
 * does not interleave with another process's on a shared log.
 */
VD_PRINTF(4, 0)
static int vput_escaped(FILE *out, const char *prefix, const char *end, const char *fmt, va_list ap)
{
	char *text = NULL, *esc;
	size_t len = strlen(prefix), endlen = strlen(end);
	int n = vasprintf(&text, fmt, ap);

	if (n < 0)
		return -ENOMEM;
	esc = malloc(len + (size_t)n * 4 + endlen + 1);
	if (!esc) {
		free(text);
		return -ENOMEM;
	}
	memcpy(esc, prefix, len);
	for (int i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && !(c == '\n' && i == n - 1)) || c == 0x7f)
			len += (size_t)sprintf(esc + len, "\\x%02x", c);
		else
			esc[len++] = (char)c;
	}
	memcpy(esc + len, end, endlen + 1); /* its NUL too: fwrite() takes the length */
	fwrite(esc, 1, len + endlen, out);
	free(esc);
	free(text);
	return 0;
}

int vd_output_printf(FILE *out, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vput_escaped(out, "", "", fmt, ap);
	va_end(ap);
	return r;
}

void vd_output_warnx(const char *fmt, ...)
{
	char prefix[128];
	va_list ap;

	fflush(stdout);
	snprintf(prefix, sizeof(prefix), "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vput_escaped(stderr, prefix, "\n", fmt, ap);
	va_end(ap);
}

static const struct vd_colinfo cols[_VD_COL_MAX] = {
	[VD_COL_DEVICE] = { "DEVICE", 12, 0, SCOLS_JSON_STRING, 0,
			    "PCI address, or the virtio-mmio platform device", false },
	[VD_COL_ID] = { "ID", 9, 0, SCOLS_JSON_STRING, 0, "PCI vendor:device", false },
	[VD_COL_SUBSYS] = { "SUBSYS", 9, 0, SCOLS_JSON_STRING, VD_WANT_SUBSYS,
			    "PCI subsystem vendor:device", false },
	[VD_COL_REV] = { "REV", 3, 0, SCOLS_JSON_STRING, VD_WANT_REV, "PCI revision", false },
	[VD_COL_CLASS] = { "CLASS", 6, 0, SCOLS_JSON_STRING, VD_WANT_CLASS, "PCI class code",
			   false },
	[VD_COL_TRANSPORT] = { "TRANSPORT", 9, 0, SCOLS_JSON_STRING, 0,
			       "modern, transitional, legacy, unknown (needs root) or mmio",
			       false },
	[VD_COL_TYPE] = { "TYPE", 6, 0, SCOLS_JSON_STRING, 0, "virtio device type", false },
	[VD_COL_TYPEID] = { "TYPEID", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0,
			    "virtio device type number", false },
	[VD_COL_NAME] = { "NAME", 16, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, 0,
			  "the spec's name for the type", false },
	[VD_COL_PCIDRV] = { "PCIDRV", 10, 0, SCOLS_JSON_STRING, 0,
			    "driver bound to the PCI function (platform driver for mmio)", false },
	[VD_COL_VIRTIO] = { "VIRTIO", 7, 0, SCOLS_JSON_STRING, 0, "the virtio bus device under it",
			    false },
	[VD_COL_DRIVER] = { "DRIVER", 12, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, 0,
			    "driver bound to the virtio device", false },
	[VD_COL_STATUS] = { "STATUS", 20, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, 0,
			    "virtio status bits", false },
	[VD_COL_STATUSRAW] = { "STATUSRAW", 10, 0, SCOLS_JSON_STRING, 0, "virtio status as hex",
			       false },
	[VD_COL_FEATURES] = { "FEATURES", 10, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, VD_WANT_FEATURES,
			      "negotiated transport features (VERSION_1, ACCESS_PLATFORM, ...)",
			      false },
	[VD_COL_STATE] = { "STATE", 7, 0, SCOLS_JSON_STRING, 0,
			   "ok, unbound, foreign, no-driver, failed or not-virtio", false },
	[VD_COL_PROBLEM] = { "PROBLEM", 30, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, 0,
			     "what is wrong, in one line (explain's verdict summary)", true },
	[VD_COL_VERDICT] = { "VERDICT", 16, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, 0,
			     "explain's verdict code (see VERDICTS in virtio-doctor(8))", true },
	[VD_COL_NETDEV] = { "NETDEV", 6, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, VD_WANT_ATTACH,
			    "network interfaces of the device, '*' when up", false },
	[VD_COL_BLKDEV] = { "BLKDEV", 6, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, VD_WANT_ATTACH,
			    "disks of the device, '*' when it or a partition is mounted", false },
	[VD_COL_OVERRIDE] = { "OVERRIDE", 8, 0, SCOLS_JSON_STRING, VD_WANT_ATTACH,
			      "driver_override of the PCI function or mmio device", false },
};

const struct vd_colinfo *vd_output_colinfo(enum vd_col c)
{
	return (unsigned)c < _VD_COL_MAX ? &cols[c] : NULL;
}

int vd_output_parse_columns(const char *list, int *out, size_t *nout, size_t max, char **ret_bad)
{
	char *copy, *tok, *save = NULL;
	size_t n = *nout;

	if (*list == '+')
		list++;
	else
		n = 0;
	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int c;

		for (c = 0; c < _VD_COL_MAX; c++)
			if (!strcasecmp(tok, cols[c].name))
				break;
		if (c == _VD_COL_MAX) {
			*ret_bad = strdup(tok);
			free(copy);
			return -EINVAL;
		}
		if (n >= max) {
			free(copy);
			return -E2BIG;
		}
		out[n++] = c;
	}
	free(copy);
	if (n == 0) {
		*ret_bad = strdup("");
		return -EINVAL;
	}
	*nout = n;
	return 0;
}

unsigned int vd_output_want(const int *c, size_t n)
{
	unsigned int want = 0;

	for (size_t i = 0; i < n; i++)
		want |= cols[c[i]].want;
	return want;
}

bool vd_output_needs_diagnosis(const int *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cols[c[i]].diagnose)
			return true;
	return false;
}

static const char *feature_names(const struct vd_device *d, char *buf, size_t size)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} f[] = {
		{ VD_F_VERSION_1, "VERSION_1" },
		{ VD_F_ACCESS_PLATFORM, "ACCESS_PLATFORM" },
		{ VD_F_RING_PACKED, "RING_PACKED" },
		{ 35, "IN_ORDER" },
		{ 36, "ORDER_PLATFORM" },
		{ 37, "SR_IOV" },
		{ 40, "RING_RESET" },
	};
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		int k;

		if (!vd_feature_has(d->features, f[i].bit))
			continue;
		k = snprintf(buf + len, size - len, "%s%s", len ? "," : "", f[i].name);
		if (k < 0 || (size_t)k >= size - len)
			break;
		len += (size_t)k;
	}
	return buf;
}

/* "eth0*,eth1": the names of one kind, '*' on the active ones; NULL when none. */
static const char *attached(const struct vd_device *d, bool disk, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < d->nattached; i++) {
		const struct vd_attached *a = &d->attached[i];
		int k;

		if (a->disk != disk)
			continue;
		k = snprintf(buf + len, size - len, "%s%s%s", len ? "," : "", a->name,
			     a->active ? "*" : "");
		if (k < 0 || (size_t)k >= size - len)
			break;
		len += (size_t)k;
	}
	return len ? buf : NULL;
}

/* The text of one cell; NULL leaves it empty (JSON null). */
static const char *cell(const struct vd_device *d, int c, char *buf, size_t size)
{
	const struct vd_virtio_type *t;

	switch (c) {
	case VD_COL_DEVICE:
		return d->name;
	case VD_COL_ID:
		if (!d->have_id)
			return NULL;
		vd_device_id(d, buf, size);
		return buf;
	case VD_COL_SUBSYS:
		if (!d->have_subsys)
			return NULL;
		snprintf(buf, size, "%04x:%04x", d->subvendor, d->subdevice);
		return buf;
	case VD_COL_REV:
		if (!d->have_rev)
			return NULL;
		snprintf(buf, size, "%02x", d->revision);
		return buf;
	case VD_COL_CLASS:
		if (!d->have_class)
			return NULL;
		snprintf(buf, size, "%06x", d->class);
		return buf;
	case VD_COL_TRANSPORT:
		return d->transport == VD_TRANSPORT_NONE ? NULL : vd_transport_name(d->transport);
	case VD_COL_TYPE:
		if (d->type_id < 0)
			return NULL;
		return vd_virtio_type_short((unsigned)d->type_id, buf, size);
	case VD_COL_TYPEID:
		if (d->type_id < 0)
			return NULL;
		snprintf(buf, size, "%d", d->type_id);
		return buf;
	case VD_COL_NAME:
		t = d->type_id >= 0 ? vd_virtio_type_by_id((unsigned)d->type_id) : NULL;
		return t ? t->spec_name : NULL;
	case VD_COL_PCIDRV:
		return d->pcidrv[0] ? d->pcidrv : NULL;
	case VD_COL_VIRTIO:
		return d->virtio[0] ? d->virtio : NULL;
	case VD_COL_DRIVER:
		return d->driver[0] ? d->driver : NULL;
	case VD_COL_STATUS:
		if (!d->have_status || vd_status_decode(d->status, buf, size) < 0)
			return NULL;
		return buf;
	case VD_COL_STATUSRAW:
		if (!d->have_status)
			return NULL;
		snprintf(buf, size, "0x%08x", d->status);
		return buf;
	case VD_COL_FEATURES:
		return d->have_features ? feature_names(d, buf, size) : NULL;
	case VD_COL_STATE:
		return vd_state_name(d->state);
	case VD_COL_PROBLEM:
		return d->problem;
	case VD_COL_VERDICT:
		return d->verdict;
	case VD_COL_NETDEV:
	case VD_COL_BLKDEV:
		return attached(d, c == VD_COL_BLKDEV, buf, size);
	case VD_COL_OVERRIDE:
		return d->override[0] ? d->override : NULL;
	}
	return NULL;
}

/* STATE's colour: ok green, no working driver red, another driver or unknown yellow. */
static const char *state_color(const struct vd_device *d, const struct vd_colors *co)
{
	switch (d->state) {
	case VD_STATE_OK:
		return co->seq[VD_COLOR_STATE_OK];
	case VD_STATE_UNBOUND:
	case VD_STATE_NO_DRIVER:
	case VD_STATE_FAILED:
		return co->seq[VD_COLOR_STATE_BAD];
	case VD_STATE_FOREIGN:
	case VD_STATE_UNKNOWN:
		return co->seq[VD_COLOR_STATE_WARN];
	default:
		return NULL;
	}
}

static int add_columns(struct libscols_table *tb, const struct vd_output_opts *o)
{
	for (size_t i = 0; i < o->ncols; i++) {
		const struct vd_colinfo *ci = &cols[o->cols[i]];
		struct libscols_column *cl;

		cl = scols_table_new_column(tb, ci->name, ci->whint, ci->flags);
		if (!cl)
			return -ENOMEM;
		scols_column_set_json_type(cl, ci->json_type);
	}
	return 0;
}

static int add_line(struct libscols_table *tb, const struct vd_device *d,
		    const struct vd_output_opts *o)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	bool color = o->colors && o->colors->on && o->mode == VD_OUT_TEXT;

	if (!ln)
		return -ENOMEM;
	for (size_t i = 0; i < o->ncols; i++) {
		char buf[256];
		const char *v = cell(d, o->cols[i], buf, sizeof(buf)), *seq;

		if (!v || !*v)
			continue;
		if (scols_line_set_data(ln, i, v) < 0)
			return -ENOMEM;
		if (color && o->cols[i] == VD_COL_STATE && (seq = state_color(d, o->colors)) &&
		    scols_cell_set_color(scols_line_get_cell(ln, i), seq) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * On a terminal libsmartcols cuts the SCOLS_FL_TRUNC columns to fit its width, silently.
 * A dry run to a string tells each column's width; a cell that does not fit then ends
 * in "..." so that a cut PROBLEM (or DRIVER) shows it was cut.
 */
static int mark_cut(struct libscols_table *tb, const struct vd_output_opts *o, size_t n)
{
	char *dry = NULL;

	/* libsmartcols cuts only when stdout is a terminal (SCOLS_TERMFORCE_AUTO) */
	if (o->mode != VD_OUT_TEXT || !isatty(STDOUT_FILENO) ||
	    scols_print_table_to_string(tb, &dry) < 0)
		return 0;
	free(dry);
	for (size_t i = 0; i < o->ncols; i++) {
		struct libscols_column *cl = scols_table_get_column(tb, i);
		size_t w = scols_column_get_width(cl);

		if (!scols_column_is_trunc(cl) || w < 4)
			continue;
		for (size_t k = 0; k < n; k++) {
			struct libscols_cell *ce =
				scols_line_get_cell(scols_table_get_line(tb, k), i);
			const char *v = scols_cell_get_data(ce);
			char *cut;

			if (!v || strlen(v) <= w)
				continue;
			if (asprintf(&cut, "%.*s...", (int)(w - 3), v) < 0)
				return -ENOMEM;
			scols_cell_refer_data(ce, cut);
		}
	}
	return 0;
}

int vd_output_devices(FILE *out, const struct vd_device *const *devs, size_t n,
		      const struct vd_output_opts *o)
{
	struct libscols_table *tb;
	int r;

	tb = scols_new_table();
	if (!tb)
		return -ENOMEM;
	scols_table_set_name(tb, "devices");
	scols_table_enable_json(tb, o->mode == VD_OUT_JSON);
	scols_table_enable_export(tb, o->mode == VD_OUT_PAIRS);
	scols_table_enable_raw(tb, o->mode == VD_OUT_RAW);
	scols_table_enable_noheadings(tb, o->noheadings);
	scols_table_enable_colors(tb, o->colors && o->colors->on && o->mode == VD_OUT_TEXT);

	r = add_columns(tb, o);
	for (size_t k = 0; k < n && r == 0; k++)
		r = add_line(tb, devs[k], o);
	if (r == 0)
		r = mark_cut(tb, o, n);
	if (r == 0 && scols_print_table(tb) < 0)
		r = -EIO;
	scols_unref_table(tb);
	return r;
}

/* Lines joined by '\n' for an array-of-strings cell; caller frees. */
char *vd_output_join_lines(char *const *lines, size_t n)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(lines[i]) + 1;
	s = p = malloc(len);
	if (!s)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "\n" : "", lines[i]);
	return s;
}

int vd_output_findings_json(FILE *out, const struct vd_device *const *devs,
			    const struct vd_finding *const *findings, size_t n)
{
	static const char *const names[] = { "DEVICE",	"ID",	    "TYPE",   "STATE",	  "VERDICT",
					     "SUMMARY", "EVIDENCE", "REMEDY", "UNCHECKED" };
	struct libscols_table *tb = scols_new_table();
	int r = 0;

	if (!tb)
		return -ENOMEM;
	scols_table_set_stream(tb, out);
	scols_table_set_name(tb, "devices");
	scols_table_enable_json(tb, 1);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct libscols_column *cl =
			scols_table_new_column(tb, names[i], 0, i >= 6 ? SCOLS_FL_WRAP : 0);

		if (!cl) {
			r = -ENOMEM;
			goto out;
		}
		if (i >= 6) {
			/* lsblk's MOUNTPOINTS idiom: one string per line of the cell */
			scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
						  scols_wrapnl_nextchunk, NULL);
			scols_column_set_safechars(cl, "\n");
			scols_column_set_json_type(cl, SCOLS_JSON_ARRAY_STRING);
		}
	}
	for (size_t k = 0; k < n; k++) {
		const struct vd_device *d = devs[k];
		const struct vd_finding *f = findings[k];
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char buf[64];
		char *arr[3];

		if (!ln) {
			r = -ENOMEM;
			goto out;
		}
		scols_line_set_data(ln, 0, d->name);
		const char *v;

		if ((v = cell(d, VD_COL_ID, buf, sizeof(buf))))
			scols_line_set_data(ln, 1, v);
		if ((v = cell(d, VD_COL_TYPE, buf, sizeof(buf))))
			scols_line_set_data(ln, 2, v);
		scols_line_set_data(ln, 3, vd_state_name(d->state));
		scols_line_set_data(ln, 4, vd_verdict_code(f->verdict));
		scols_line_set_data(ln, 5, f->summary);
		arr[0] = vd_output_join_lines(f->evidence, f->n_evidence);
		arr[1] = vd_output_join_lines(f->remedy, f->n_remedy);
		arr[2] = vd_output_join_lines(f->unchecked, f->n_unchecked);
		for (int i = 0; i < 3; i++) {
			if (!arr[i]) {
				r = -ENOMEM;
				continue;
			}
			/* the line owns the string from here on; "" prints as [] (print_fixed) */
			scols_line_refer_data(ln, (size_t)(6 + i), arr[i]);
		}
		if (r < 0)
			goto out;
	}
	r = vd_output_json_table(out, tb, false);
out:
	scols_unref_table(tb);
	return r;
}

/* One cell's text for output_report.c (the report carries every column). */
const char *vd_output_cell(const struct vd_device *d, int c, char *buf, size_t size)
{
	return cell(d, c, buf, size);
}
