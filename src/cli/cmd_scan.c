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

static int cmd_scan(struct vd_cli *cli, int argc, char **argv)
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
	int cols[64];
	struct vd_output_opts out = { .cols = cols };
	struct vd_scan_opts so = { 0 };
	struct vd_sysfs *s = NULL;
	struct vd_model m = { 0 };
	const struct vd_device **rows = NULL;
	size_t nrows = 0;
	char mode_seen = 0;
	bool all = false;
	int c, r, rc = VD_EXIT_OK;

	memcpy(cols, default_cols, sizeof(default_cols));
	out.ncols = ARRAY_SIZE(default_cols);

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS("aJno:PrH"), longopts, NULL)) != -1) {
		char *bad = NULL;

		switch (c) {
		case 'a':
			so.all_pci = all = true;
			break;
		case 'J':
			if (set_mode(&out, VD_OUT_JSON, &mode_seen, c))
				return VD_EXIT_USAGE;
			break;
		case 'P':
			if (set_mode(&out, VD_OUT_PAIRS, &mode_seen, c))
				return VD_EXIT_USAGE;
			break;
		case 'r':
			if (set_mode(&out, VD_OUT_RAW, &mode_seen, c))
				return VD_EXIT_USAGE;
			break;
		case 'n':
			out.noheadings = true;
			break;
		case 'H':
			list_columns(stdout);
			return VD_EXIT_OK;
		case OPT_OUTPUT_ALL:
			for (out.ncols = 0; out.ncols < _VD_COL_MAX; out.ncols++)
				cols[out.ncols] = (int)out.ncols;
			break;
		case 'o':
			r = vd_output_parse_columns(optarg, cols, &out.ncols, ARRAY_SIZE(cols),
						    &bad);
			if (r == -EINVAL) {
				rc = vd_cli_usage_error("unknown column: '%s'", bad ? bad : "");
				free(bad);
				return rc;
			}
			if (r < 0)
				return vd_cli_usage_error("too many columns in '%s'", optarg);
			break;
		default:
			c = vd_cli_common_option(cli, &vd_cmd_scan, c, argv);
			if (c != VD_CLI_NEXT)
				return c;
		}
	}
	if (optind < argc)
		return vd_cli_usage_error("unexpected argument '%s'", argv[optind]);

	so.want = vd_output_want(cols, out.ncols);
	rc = vd_cli_load_model(cli, &so, false, &s, &m);
	if (rc)
		return rc;

	if (vd_output_needs_diagnosis(cols, out.ncols))
		diagnose_rows(s, &m);

	rows = calloc(m.n + 1, sizeof(*rows));
	if (!rows) {
		vd_model_done(&m);
		warnx("cannot allocate memory");
		return VD_EXIT_USAGE;
	}
	/* empty slots and the members of a waiting group: --all only, never a problem */
	for (size_t i = 0; i < m.n; i++) {
		if (vd_device_listed(&m.dev[i], all))
			rows[nrows++] = &m.dev[i];
		/* a waiting group counts once, by its own row */
		if (!m.dev[i].in_group)
			rc = vd_cli_state_rc(rc, m.dev[i].state);
	}
	r = vd_output_devices(stdout, rows, nrows, &out);
	if (r < 0) {
		warnx("cannot print the table: %s", vd_strerror(-r));
		rc = VD_EXIT_USAGE;
	}
	free(rows);
	vd_model_done(&m);
	return rc;
}

static void print_columns(FILE *out)
{
	fputs("\nAvailable output columns:\n", out);
	list_columns(out);
}

static const char usage_scan[] =
	" virtio-doctor [scan] [options]\n"
	"\nOne row per virtio device (PCI and virtio-mmio): IDs decoded, the driver of the\n"
	"transport (virtio-pci, virtio-mmio) and of the virtio device, and the state.\n"
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
	.args = "",
	.usage = usage_scan,
	.summary = "list every virtio device and its drivers (default)",
	.run = cmd_scan,
	.help_extra = print_columns,
};
