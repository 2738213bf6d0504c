/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "scan": one row per virtio device, both binding levels */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/base/strerror.h"
#include "vd/cli/cmd.h"
#include "vd/diagnose/diagnosis.h"
#include "vd/model/model.h"
#include "vd/cli/output.h"
#include "vd/base/sysfs.h"

static const int default_cols[] = {
	VD_COL_DEVICE, VD_COL_ID,     VD_COL_TRANSPORT, VD_COL_TYPE,
	VD_COL_PCIDRV, VD_COL_VIRTIO, VD_COL_DRIVER,	VD_COL_STATE,
};

enum {
	OPT_OUTPUT_ALL = 0x100,
};

/* Each column and its meaning, as lsblk --list-columns prints them. */
static void list_columns(FILE *out)
{
	for (int c = 0; c < _VD_COL_MAX; c++) {
		const struct vd_colinfo *ci = vd_output_colinfo(c);

		fprintf(out, " %10s  %s\n", ci->name, ci->help);
	}
}

/* -J, -P and -r pick one output format, as in lsblk. */
static int set_mode(struct vd_output_opts *o, enum vd_output_mode m, char *seen, int opt)
{
	if (*seen && *seen != opt)
		return vd_cli_usage_error(
			"options --json, --pairs and --raw are mutually exclusive");
	*seen = (char)opt;
	o->mode = m;
	return 0;
}

/*
 * VERDICT and PROBLEM come from explain's rules. Evidence (modules, config, log) is
 * collected only when a row is not ok: a healthy machine pays nothing for the column.
 */
static void diagnose_rows(struct vd_sysfs *s, struct vd_model *m)
{
	_cleanup_(vd_diagnosis_freep) struct vd_diagnosis *dx = NULL;

	if (vd_diagnosis_new(s, m, NULL, &dx) < 0)
		return;
	for (size_t i = 0; i < m->n; i++)
		if (m->dev[i].state != VD_STATE_NOT_VIRTIO &&
		    vd_diagnosis_device(dx, &m->dev[i], NULL) < 0)
			return;
}

/* What the options ask for; the device arguments stay in argv[optind..]. */
struct scan_args {
	int cols[64];
	struct vd_output_opts out;
	struct vd_scan_opts so;
	char mode_seen;
	bool all;
};

/* One option of scan's own; VD_CLI_NEXT to go on, or the exit code. */
static int scan_option(struct scan_args *a, int c)
{
	char *bad = NULL;
	int r, rc;

	switch (c) {
	case 'a':
		a->so.all_pci = a->all = true;
		return VD_CLI_NEXT;
	case 'J':
		return set_mode(&a->out, VD_OUT_JSON, &a->mode_seen, c) ? VD_EXIT_USAGE
									: VD_CLI_NEXT;
	case 'P':
		return set_mode(&a->out, VD_OUT_PAIRS, &a->mode_seen, c) ? VD_EXIT_USAGE
									 : VD_CLI_NEXT;
	case 'r':
		return set_mode(&a->out, VD_OUT_RAW, &a->mode_seen, c) ? VD_EXIT_USAGE
								       : VD_CLI_NEXT;
	case 'n':
		a->out.noheadings = true;
		return VD_CLI_NEXT;
	case 'H':
		list_columns(stdout);
		return VD_EXIT_OK;
	case OPT_OUTPUT_ALL:
		for (a->out.ncols = 0; a->out.ncols < _VD_COL_MAX; a->out.ncols++)
			a->cols[a->out.ncols] = (int)a->out.ncols;
		return VD_CLI_NEXT;
	}
	/* 'o' */
	r = vd_output_parse_columns(optarg, a->cols, &a->out.ncols, ARRAY_SIZE(a->cols), &bad);
	if (r == -EINVAL) {
		rc = vd_cli_usage_error("unknown column: '%s'", bad ? bad : "");
		free(bad);
		return rc;
	}
	if (r < 0)
		return vd_cli_usage_error("too many columns in '%s'", optarg);
	return VD_CLI_NEXT;
}

static int parse_scan_args(struct vd_cli *cli, int argc, char **argv, struct scan_args *a)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'J' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "pairs", no_argument, NULL, 'P' },
		{ "raw", no_argument, NULL, 'r' },
		{ "list-columns", no_argument, NULL, 'H' },
		{ "output-all", no_argument, NULL, OPT_OUTPUT_ALL },
		VD_CLI_LONGOPTS,
	};
	int c, r;

	memcpy(a->cols, default_cols, sizeof(default_cols));
	a->out.cols = a->cols;
	a->out.ncols = ARRAY_SIZE(default_cols);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS("aJno:PrH"), longopts, NULL)) != -1) {
		if ((c > 0 && c < 0x80 && strchr("aJnoPrH", c)) || c == OPT_OUTPUT_ALL)
			r = scan_option(a, c);
		else
			r = vd_cli_common_option(cli, &vd_cmd_scan, c, argv);
		if (r != VD_CLI_NEXT)
			return r;
	}
	r = vd_cli_check_filters("scan", argc - optind, argv + optind);
	return r ? r : VD_CLI_NEXT;
}

/*
 * The rows: without filters every listed device; with filters every device one of them
 * matches (any virtio device, a not-virtio one with --all). The exit status counts the
 * rows a filter picked, or every device (a waiting group once, by its own row). False
 * when a filter matches no device (said on stderr).
 */
static bool pick_rows(const struct vd_model *m, const struct scan_args *a, char **filters,
		      size_t nf, const struct vd_device **rows, size_t *ret_n, int *ret_rc)
{
	size_t n = 0;
	int rc = VD_EXIT_OK;

	for (size_t i = 0; i < m->n; i++) {
		const struct vd_device *d = &m->dev[i];

		if (nf) {
			if ((d->state == VD_STATE_NOT_VIRTIO && !a->all) ||
			    !vd_cli_filter_matches(d, filters, nf))
				continue;
			rows[n++] = d;
			rc = vd_cli_state_rc(rc, d->state);
			continue;
		}
		if (vd_device_listed(d, a->all))
			rows[n++] = d;
		if (!d->in_group)
			rc = vd_cli_state_rc(rc, d->state);
	}
	*ret_n = n;
	*ret_rc = rc;
	return vd_cli_filters_found("scan", rows, n, filters, nf);
}

static int cmd_scan(struct vd_cli *cli, int argc, char **argv)
{
	struct scan_args a = { 0 };
	struct vd_sysfs *s = NULL;
	struct vd_model m = { 0 };
	_cleanup_free_ const struct vd_device **rows = NULL;
	struct vd_colors colors;
	size_t nrows = 0, nf;
	int r, rc;

	rc = parse_scan_args(cli, argc, argv, &a);
	if (rc != VD_CLI_NEXT)
		return rc;
	nf = (size_t)(argc - optind);
	a.so.want = vd_output_want(a.cols, a.out.ncols) | (nf ? VD_WANT_ATTACH : 0);
	/* VERDICT and PROBLEM run explain's rules: they read what explain reads */
	if (vd_output_needs_diagnosis(a.cols, a.out.ncols))
		a.so.want_not_ok = VD_DIAGNOSE_WANT;
	rc = vd_cli_load_model(cli, &a.so, false, &s, &m);
	if (rc)
		return rc;
	if (vd_output_needs_diagnosis(a.cols, a.out.ncols))
		diagnose_rows(s, &m);
	rows = calloc(m.n + 1, sizeof(*rows));
	if (!rows) {
		vd_model_done(&m);
		warnx("cannot allocate memory");
		return VD_EXIT_USAGE;
	}
	if (!pick_rows(&m, &a, argv + optind, nf, rows, &nrows, &rc)) {
		rc = VD_EXIT_USAGE;
	} else {
		vd_cli_colors(cli, &colors);
		a.out.colors = &colors;
		r = vd_output_devices(stdout, rows, nrows, &a.out);
		if (r < 0) {
			warnx("cannot print the table: %s", vd_strerror(-r));
			rc = VD_EXIT_USAGE;
		}
	}
	vd_model_done(&m);
	return rc;
}

static void print_columns(FILE *out)
{
	fputs("\nAvailable output columns:\n", out);
	list_columns(out);
}

static const char usage_scan[] =
	" virtio-doctor [scan] [options] [DEVICE...]\n"
	"\nOne row per virtio device (PCI and virtio-mmio): IDs decoded, the driver of the\n"
	"transport (virtio-pci, virtio-mmio) and of the virtio device, and the state.\n"
	"DEVICE keeps the rows it names: 0000:00:04.0, 00:04.0, virtio3, 1af4:1053, a type\n"
	"(vsock, net, ...), a virtio-mmio device name, an interface (eth0) or a disk (vda).\n"
	"\nOptions:\n"
	" -a, --all            also list non-virtio PCI functions and empty virtio-mmio\n"
	"                      slots\n"
	" -J, --json           use JSON output format\n"
	" -n, --noheadings     don't print headings\n"
	" -o, --output <list>  output columns (a leading '+' appends to the default)\n"
	" -P, --pairs          use key=\"value\" output format\n"
	" -r, --raw            use raw output format\n"
	"     --output-all     output all columns\n"
	" -H, --list-columns   list the available columns\n";

const struct vd_cmd vd_cmd_scan = {
	.name = "scan",
	.args = " [DEVICE...]",
	.usage = usage_scan,
	.summary = "list every virtio device and its drivers (default)",
	.run = cmd_scan,
	.help_extra = print_columns,
};
