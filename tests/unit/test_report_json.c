/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor tests -- report -J is written by hand in the shape of a libsmartcols tree:
 * the same lines printed through a libsmartcols table (the way the report was printed
 * before) must give the very same bytes, for hostile strings in every key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "vd_test.h"

#include "vd/cli/output.h"
#include "vd/diagnose/diagnose.h"

/* The oracle: the report's lines in a libsmartcols tree, as output_report.c built it. */
static int add_columns(struct libscols_table *tb)
{
	for (size_t i = 0; i < VD_REPORT_KEYS; i++) {
		int type;
		const char *name = vd_report_key(i, &type);
		struct libscols_column *cl =
			scols_table_new_column(tb, name, 0,
					       i == 0				 ? SCOLS_FL_TREE
					       : type == SCOLS_JSON_ARRAY_STRING ? SCOLS_FL_WRAP
										 : 0);

		if (!cl)
			return -1;
		scols_column_set_json_type(cl, type);
		if (type == SCOLS_JSON_ARRAY_STRING) {
			scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
						  scols_wrapnl_nextchunk, NULL);
			scols_column_set_safechars(cl, "\n");
		}
	}
	return 0;
}

static void set_line(struct libscols_line *ln, const struct vd_report_line *l)
{
	for (size_t i = 0; i < VD_REPORT_KEYS; i++)
		if (l->v[i] && *l->v[i])
			assert_int_equal(scols_line_set_data(ln, i, l->v[i]), 0);
}

static char *oracle(const struct vd_report_info *info, const struct vd_model *m,
		    const struct vd_finding *f)
{
	struct libscols_table *tb = scols_new_table();
	struct libscols_line *root;
	struct vd_report_line l;
	size_t n = 0, size = 0;
	char *text = NULL;
	FILE *mem = open_memstream(&text, &size);

	assert_non_null(tb);
	assert_non_null(mem);
	scols_table_set_name(tb, "report");
	scols_table_enable_json(tb, 1);
	assert_int_equal(add_columns(tb), 0);
	root = scols_table_new_line(tb, NULL);
	assert_non_null(root);
	assert_int_equal(vd_report_machine_line(info, &l), 0);
	set_line(root, &l);
	for (size_t k = 0; k < m->n; k++) {
		struct libscols_line *ln;

		if (m->dev[k].state == VD_STATE_NOT_VIRTIO)
			continue;
		ln = scols_table_new_line(tb, root);
		assert_non_null(ln);
		assert_int_equal(vd_report_device_line(&m->dev[k], &f[k], &l), 0);
		set_line(ln, &l);
		vd_report_line_done(&l);
		n++;
	}
	assert_int_equal(vd_output_json_table(mem, tb, n == 0), 0);
	scols_unref_table(tb);
	fclose(mem);
	return text;
}

static char *written(const struct vd_report_info *info, const struct vd_model *m,
		     const struct vd_finding *f)
{
	size_t size = 0;
	char *text = NULL;
	FILE *mem = open_memstream(&text, &size);

	assert_non_null(mem);
	assert_int_equal(vd_output_report(mem, info, m, f), 0);
	fclose(mem);
	return text;
}

static void assert_same(const struct vd_report_info *info, const struct vd_model *m,
			const struct vd_finding *f)
{
	char *want = oracle(info, m, f), *got = written(info, m, f);

	if (strcmp(want, got)) {
		size_t i = 0;

		while (want[i] == got[i])
			i++;
		print_error("differs at byte %zu:\n--- libsmartcols\n%.200s\n--- written\n%.200s\n",
			    i, want + (i > 60 ? i - 60 : 0), got + (i > 60 ? i - 60 : 0));
	}
	assert_string_equal(got, want);
	free(want);
	free(got);
}

/* What a hostile tree or log can put in a string: every escape libsmartcols makes. */
static const char *const nasty[] = {
	"plain",
	"",
	"quote \" and backslash \\ and slash /",
	"controls \x01\x02\x1b[31m\x1f\x7f end",
	"tab\tnewline\nreturn\rformfeed\fbackspace\b",
	"UTF-8 \xc3\xa9\xe2\x82\xac and not \xff\xfe\x80",
	"  spaces around  ",
	"\n",
	"ends in a newline\n",
	"\\u0000 written out",
	"{\"json\": [\"inside\"]}",
};

#define NDEV ARRAY_SIZE(nasty)

static char *dup_line(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	return p;
}

/* Devices whose every string is one of the nasty ones, findings with every array shape. */
static void fill(struct vd_model *m, struct vd_device *dev, struct vd_finding *f,
		 struct vd_attached *att)
{
	memset(m, 0, sizeof(*m));
	m->dev = dev;
	m->n = NDEV + 1;
	for (size_t i = 0; i <= NDEV; i++) {
		struct vd_device *d = &dev[i];
		const char *s = nasty[i % NDEV], *t = nasty[(i + 3) % NDEV];

		memset(d, 0, sizeof(*d));
		memset(&f[i], 0, sizeof(f[i]));
		d->name = s;
		d->path = d->vpath = "";
		d->pcidrv = t;
		d->virtio = s;
		d->driver = nasty[(i + 5) % NDEV];
		d->override = t;
		d->problem = (char *)nasty[(i + 7) % NDEV];
		d->verdict = s;
		d->type_id = i % 3 ? (int)i : -1;
		d->have_id = i % 2;
		d->vendor = 0x1af4;
		d->device = (uint16_t)(0x1040 + i);
		d->have_status = i % 4 == 1;
		d->status = 0x0f;
		d->state = i == NDEV ? VD_STATE_NOT_VIRTIO : (enum vd_state)(i % 3);
		att[i] = (struct vd_attached){ .name = s, .disk = i % 2, .active = true };
		d->attached = &att[i];
		d->nattached = 1;
		snprintf(f[i].summary, sizeof(f[i].summary), "%s", t);
		/* no lines, one line each nasty string, and all of them */
		for (size_t k = 0; k < (i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : NDEV); k++)
			f[i].evidence[f[i].n_evidence++] = dup_line(nasty[(i + k) % NDEV]);
		f[i].remedy[f[i].n_remedy++] = dup_line(s);
		if (i % 2)
			f[i].unchecked[f[i].n_unchecked++] = dup_line(t);
	}
}

static void test_same_as_libsmartcols(void **state)
{
	struct vd_device dev[NDEV + 1];
	struct vd_finding f[NDEV + 1];
	struct vd_attached att[NDEV + 1];
	struct vd_model m;

	(void)state;
	fill(&m, dev, f, att);
	for (size_t i = 0; i < NDEV; i++) {
		struct vd_report_info info = { .version = nasty[i],
					       .release = nasty[(i + 1) % NDEV],
					       .cmdline = nasty[(i + 2) % NDEV],
					       .sys_vendor = i % 2 ? NULL : nasty[(i + 4) % NDEV],
					       .product_name = nasty[(i + 6) % NDEV] };

		assert_same(&info, &m, f);
	}
	for (size_t i = 0; i <= NDEV; i++)
		vd_finding_done(&f[i]);
}

/*
 * Hundreds of devices: libsmartcols writes the oracle's text in chunks, and the fixing of
 * its empty arrays (vd_output_json_table) must hold where a chunk ends inside one.
 */
static void test_many_devices(void **state)
{
	enum {
		N = 700
	};
	struct vd_report_info info = { .version = "0.1.0" };
	struct vd_device *dev = calloc(N, sizeof(*dev));
	struct vd_finding *f = calloc(N, sizeof(*f));
	struct vd_attached *att = calloc(N, sizeof(*att));
	struct vd_model m;

	(void)state;
	assert_true(dev && f && att);
	for (size_t k = 0; k + NDEV + 1 <= N; k += NDEV + 1)
		fill(&m, dev + k, f + k, att + k);
	m.dev = dev;
	m.n = N - N % (NDEV + 1);
	assert_same(&info, &m, f);
	for (size_t i = 0; i < m.n; i++)
		vd_finding_done(&f[i]);
	free(dev);
	free(f);
	free(att);
}

/* No virtio device at all: the machine's object ends in "children": []. */
static void test_no_devices(void **state)
{
	struct vd_report_info info = { .version = "0.1.0", .release = "6.18" };
	struct vd_device d = { .name = "0000:00:00.0", .state = VD_STATE_NOT_VIRTIO };
	struct vd_finding f = { 0 };
	struct vd_model m = { .dev = &d, .n = 1 };
	char *got;

	(void)state;
	d.path = d.vpath = d.pcidrv = d.virtio = d.driver = d.override = "";
	d.type_id = -1;
	assert_same(&info, &m, &f);
	m.n = 0;
	assert_same(&info, &m, &f);
	got = written(&info, &m, &f);
	assert_non_null(strstr(got, "\"children\": []\n      }\n   ]\n}\n"));
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_libsmartcols),
		cmocka_unit_test(test_many_devices),
		cmocka_unit_test(test_no_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
