/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "report -J": the machine and every virtio device in one JSON tree */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "vd/cli/output.h"

/*
 * The document is the one a libsmartcols tree table prints (lsblk -J's shape, and this
 * report's until 2026-12): the machine is the root line, each device a child line, every
 * key on every line, a key that does not apply null. It is written here a line at a time:
 * a table of thousands of lines cost more memory and time than reading the devices did.
 * tests/unit/test_report_json.c holds it to what libsmartcols prints.
 */

/* The machine's keys, then every scan column, then explain's (see doc/report.schema.json). */
static const char *const report_machine_keys[] = { "TOOL",	  "VERSION", "SCHEMA",
						   "RELEASE",	  "CMDLINE", "SYS_VENDOR",
						   "PRODUCT_NAME" };
static const char *const report_finding_keys[] = { "SUMMARY", "EVIDENCE", "REMEDY", "UNCHECKED" };
#define NM ARRAY_SIZE(report_machine_keys)
#define NF ARRAY_SIZE(report_finding_keys)
#define COL_SUMMARY (NM + _VD_COL_MAX)
#define COL_ARRAYS (COL_SUMMARY + 1) /* evidence, remedy, unchecked */

const char *vd_report_key(size_t i, int *ret_json_type)
{
	if (i >= VD_REPORT_KEYS)
		return NULL;
	if (i < NM) {
		*ret_json_type = i == 2 ? SCOLS_JSON_NUMBER : SCOLS_JSON_STRING;
		return report_machine_keys[i];
	}
	if (i < COL_SUMMARY) {
		*ret_json_type = vd_output_colinfo(i - NM)->json_type;
		return vd_output_colinfo(i - NM)->name;
	}
	*ret_json_type = i >= COL_ARRAYS ? SCOLS_JSON_ARRAY_STRING : SCOLS_JSON_STRING;
	return report_finding_keys[i - COL_SUMMARY];
}

void vd_report_line_done(struct vd_report_line *l)
{
	for (size_t i = 0; i < ARRAY_SIZE(l->arr); i++)
		free(l->arr[i]);
	memset(l, 0, sizeof(*l));
}

int vd_report_machine_line(const struct vd_report_info *info, struct vd_report_line *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->v[0] = "virtio-doctor";
	ret->v[1] = info->version;
	snprintf(ret->buf[0], sizeof(ret->buf[0]), "%d", VD_REPORT_SCHEMA);
	ret->v[2] = ret->buf[0];
	ret->v[3] = info->release;
	ret->v[4] = info->cmdline;
	ret->v[5] = info->sys_vendor;
	ret->v[6] = info->product_name;
	return 0;
}

int vd_report_device_line(const struct vd_device *d, const struct vd_finding *f,
			  struct vd_report_line *ret)
{
	char *const *lines[] = { f->evidence, f->remedy, f->unchecked };
	const size_t n[] = { f->n_evidence, f->n_remedy, f->n_unchecked };

	memset(ret, 0, sizeof(*ret));
	for (int c = 0; c < _VD_COL_MAX; c++)
		ret->v[NM + (size_t)c] = vd_output_cell(d, c, ret->buf[c], sizeof(ret->buf[c]));
	ret->v[COL_SUMMARY] = f->summary;
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		/* one element a line: the cell libsmartcols split at each '\n' */
		ret->arr[i] = vd_output_join_lines(lines[i], n[i]);
		if (!ret->arr[i]) {
			vd_report_line_done(ret);
			return -ENOMEM;
		}
		ret->v[COL_ARRAYS + i] = ret->arr[i];
	}
	return 0;
}

/* The text a line is put together in, then written whole. */
struct text {
	char *p;
	size_t len, cap;
	int err;
};

static void add(struct text *t, const char *s, size_t n)
{
	if (t->len + n > t->cap) {
		size_t cap = (t->len + n) * 2;
		char *p = realloc(t->p, cap);

		if (!p) {
			t->err = -ENOMEM;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

static void adds(struct text *t, const char *s)
{
	add(t, s, strlen(s));
}

static void indent(struct text *t, int level)
{
	static const char spaces[] = "                              ";

	add(t, "\n", 1);
	for (; level > 10; level -= 10)
		add(t, spaces, 30);
	add(t, spaces, 3 * (size_t)level);
}

/*
 * A JSON string as libsmartcols quotes one: '"' and '\' escaped, bytes from 0x20 up as
 * they are (UTF-8 or not), the five short escapes, any other control byte as \u00XX.
 */
static void quoted(struct text *t, const char *s, size_t n)
{
	static const char short_escape[] = { ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f',
					     ['\r'] = 'r', ['"'] = '"',	 ['\\'] = '\\' };
	size_t run = 0;

	add(t, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8] = { '\\' };

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		add(t, s + run, i - run);
		run = i + 1;
		if (c < sizeof(short_escape) && short_escape[c]) {
			esc[1] = short_escape[c];
			add(t, esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u00%02x", c);
			add(t, esc, 6);
		}
	}
	add(t, s + run, n - run);
	add(t, "\"", 1);
}

/* One element a line of the cell; an empty cell is []. */
static void array(struct text *t, const char *v, int level)
{
	if (!v || !*v) {
		adds(t, "[]");
		return;
	}
	adds(t, "[");
	indent(t, level + 1);
	for (const char *p = v, *nl;; p = nl + 1) {
		nl = strchr(p, '\n');
		add(t, p == v ? " " : ", ", p == v ? 1 : 2);
		if (nl == p || !*p)
			adds(t, "null");
		else
			quoted(t, p, nl ? (size_t)(nl - p) : strlen(p));
		if (!nl)
			break;
	}
	indent(t, level);
	adds(t, "]");
}

/* A line's keys at level, the '{' before them written by the caller. */
static void keys(struct text *t, const struct vd_report_line *l, const char *const *names,
		 int level)
{
	for (size_t i = 0; i < VD_REPORT_KEYS; i++) {
		const char *v = l->v[i];
		int type;

		vd_report_key(i, &type);
		if (i)
			adds(t, ",");
		indent(t, level);
		add(t, "\"", 1);
		adds(t, names[i]);
		adds(t, "\": ");
		if (type == SCOLS_JSON_ARRAY_STRING)
			array(t, v, level);
		else if (!v || !*v)
			adds(t, "null");
		else if (type == SCOLS_JSON_NUMBER)
			adds(t, v);
		else
			quoted(t, v, strlen(v));
	}
}

static int flush(FILE *out, struct text *t)
{
	if (t->err)
		return t->err;
	if (fwrite(t->p, 1, t->len, out) != t->len)
		return -EIO;
	t->len = 0;
	return 0;
}

int vd_output_report(FILE *out, const struct vd_report_info *info, const struct vd_model *m,
		     const struct vd_finding *findings)
{
	char names[VD_REPORT_KEYS][32];
	const char *namep[VD_REPORT_KEYS];
	struct vd_report_line l;
	struct text t = { 0 };
	size_t nchildren = 0;
	int r, type;

	/* keys are the column names in lower case, as -J prints them */
	for (size_t i = 0; i < VD_REPORT_KEYS; i++) {
		const char *k = vd_report_key(i, &type);
		size_t j;

		for (j = 0; j < sizeof(names[i]) - 1 && k[j]; j++)
			names[i][j] = (char)(k[j] >= 'A' && k[j] <= 'Z' ? k[j] + 32 : k[j]);
		names[i][j] = '\0';
		namep[i] = names[i];
	}
	adds(&t, "{");
	indent(&t, 1);
	adds(&t, "\"report\": [");
	indent(&t, 2);
	adds(&t, "{");
	vd_report_machine_line(info, &l);
	keys(&t, &l, namep, 3);
	r = flush(out, &t);
	for (size_t k = 0; r == 0 && k < m->n; k++) {
		if (m->dev[k].state == VD_STATE_NOT_VIRTIO)
			continue;
		if (nchildren++ == 0) {
			adds(&t, ",");
			indent(&t, 3);
			adds(&t, "\"children\": [");
			indent(&t, 4);
			adds(&t, "{");
		} else {
			adds(&t, "},{");
		}
		r = vd_report_device_line(&m->dev[k], &findings[k], &l);
		if (r < 0)
			break;
		keys(&t, &l, namep, 5);
		indent(&t, 4);
		vd_report_line_done(&l);
		r = flush(out, &t);
	}
	if (r == 0) {
		if (nchildren) {
			adds(&t, "}");
			indent(&t, 3);
			adds(&t, "]");
		} else {
			adds(&t, ",");
			indent(&t, 3);
			adds(&t, "\"children\": []");
		}
		indent(&t, 2);
		adds(&t, "}");
		indent(&t, 1);
		adds(&t, "]");
		indent(&t, 0);
		adds(&t, "}\n");
		r = flush(out, &t);
	}
	free(t.p);
	return r;
}
