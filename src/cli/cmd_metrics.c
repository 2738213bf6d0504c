/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "metrics": the fleet's view, for Prometheus (src/cli/metrics.c) */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/act/textfile.h"
#include "vd/base/strerror.h"
#include "vd/cli/cmd.h"
#include "vd/cli/metrics.h"
#include "vd/diagnose/diagnosis.h"

/* node_exporter's textfile collector reads every *.prom file of its directory */
#define TEXTFILE_NAME "virtio_doctor.prom"

/*
 * The devices scan lists, each with its verdict. Returns 0, or VD_EXIT_USAGE after saying
 * why the scan could not read (the metrics then say scrape_success 0).
 */
static int diagnose_all(struct vd_cli *cli, struct vd_model *m)
{
	_cleanup_(vd_diagnosis_freep) struct vd_diagnosis *dx = NULL;
	/* every file the diagnosis may weigh (the revision, config space), as explain reads */
	struct vd_scan_opts so = { .want_not_ok = VD_DIAGNOSE_WANT };
	struct vd_sysfs *s = NULL;
	int r;

	r = vd_cli_load_model(cli, &so, false, &s, m);
	if (r)
		return r;
	r = vd_diagnosis_new(s, m, NULL, &dx);
	for (size_t i = 0; i < m->n && r == 0; i++)
		if (vd_device_listed(&m->dev[i], false))
			r = vd_diagnosis_device(dx, &m->dev[i], NULL);
	if (r < 0) {
		warnx("cannot collect evidence: %s", vd_strerror(-r));
		vd_model_done(m);
		return VD_EXIT_USAGE;
	}
	return 0;
}

static int emit(const char *textfile, const char *buf, size_t len)
{
	int r;

	if (!textfile)
		return fwrite(buf, 1, len, stdout) == len ? 0 : VD_EXIT_USAGE;
	r = vd_textfile_write(textfile, TEXTFILE_NAME, buf, len);
	if (r < 0) {
		warnx("cannot write '%s/%s': %s", textfile, TEXTFILE_NAME, vd_strerror(-r));
		return VD_EXIT_USAGE;
	}
	return 0;
}

static int cmd_metrics(struct vd_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "textfile", required_argument, NULL, 'T' },
		VD_CLI_LONGOPTS,
	};
	struct vd_model m = { 0 };
	const char *textfile = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	bool scanned;
	int c, rc, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS(""), longopts, NULL)) != -1) {
		if (c == 'T')
			textfile = optarg;
		else if ((c = vd_cli_common_option(cli, &vd_cmd_metrics, c, argv)) != VD_CLI_NEXT)
			return c;
	}
	if (optind < argc)
		return vd_cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (textfile && !*textfile)
		return vd_cli_usage_error("option '--textfile' requires a directory");

	/* a scan that could not read still gives a valid exposition: scrape_success 0 */
	rc = diagnose_all(cli, &m);
	scanned = rc == 0;
	out = open_memstream(&buf, &len);
	if (!out) {
		warnx("cannot allocate memory");
		if (scanned)
			vd_model_done(&m);
		return VD_EXIT_USAGE;
	}
	r = vd_metrics_print(out, scanned ? &m : NULL, VD_VERSION);
	if (fclose(out) != 0 || r < 0) {
		warnx("cannot format the metrics");
		rc = VD_EXIT_USAGE;
	} else {
		r = emit(textfile, buf, len);
		rc = rc ? rc : r;
	}
	free(buf);
	if (scanned)
		vd_model_done(&m);
	return rc;
}

static const char usage_metrics[] =
	" virtio-doctor metrics [options]\n"
	"\nThe devices in Prometheus' text format: virtio_doctor_device_ok and\n"
	"virtio_doctor_device_info per device, virtio_doctor_devices by state,\n"
	"virtio_doctor_scrape_success. Exit 0 when written, whatever the devices' state.\n"
	"\nOptions:\n"
	"     --textfile <dir> write <dir>/virtio_doctor.prom atomically (node_exporter's\n"
	"                      textfile collector) instead of standard output\n";

const struct vd_cmd vd_cmd_metrics = {
	.name = "metrics",
	.args = "",
	.usage = usage_metrics,
	.summary = "Prometheus metrics: one gauge per device, counts by state",
	.run = cmd_metrics,
};
