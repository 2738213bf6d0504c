/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "report": one JSON document for collectors */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/base/strerror.h"
#include "vd/cli/cmd.h"
#include "vd/diagnose/diagnosis.h"
#include "vd/cli/output.h"

static int cmd_report(struct vd_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "kmsg", required_argument, NULL, 'k' },
		VD_CLI_LONGOPTS,
	};
	/* every column, and config space only where a rule reads it (not a column) */
	struct vd_scan_opts so = { .want = VD_WANT_ALL & ~VD_WANT_CONFIG,
				   .want_not_ok = VD_DIAGNOSE_WANT };
	struct vd_sysfs *s = NULL;
	_cleanup_(vd_diagnosis_freep) struct vd_diagnosis *dx = NULL;
	const struct vd_sys_ev *se;
	struct vd_model m = { 0 };
	struct vd_report_info info = { .version = VD_VERSION };
	struct vd_finding *findings = NULL;
	const char *kmsg = NULL;
	char release[128] = "", vendor[128] = "", product[128] = "";
	int c, r, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS("Jk:"), longopts, NULL)) != -1) {
		if (c == 'J')
			continue; /* the report is always JSON; -J is accepted for symmetry */
		if (c == 'k')
			kmsg = so.kmsg_file = optarg;
		else if ((c = vd_cli_common_option(cli, &vd_cmd_report, c, argv)) != VD_CLI_NEXT)
			return c;
	}
	if (optind < argc)
		return vd_cli_usage_error("unexpected argument '%s'", argv[optind]);
	rc = vd_cli_load_model(cli, &so, true, &s, &m);
	if (rc)
		return rc;
	findings = calloc(m.n + 1, sizeof(*findings));
	if (!findings || vd_diagnosis_new(s, &m, kmsg, &dx) < 0 || !(se = vd_diagnosis_sys(dx))) {
		warnx("cannot collect evidence");
		rc = VD_EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < m.n; i++) {
		if (m.dev[i].state == VD_STATE_NOT_VIRTIO)
			continue;
		if (vd_diagnosis_device(dx, &m.dev[i], &findings[i]) < 0) {
			warnx("cannot collect evidence");
			rc = VD_EXIT_USAGE;
			goto out;
		}
		if (vd_verdict_is_problem(findings[i].verdict))
			rc = vd_cli_state_rc(rc, m.dev[i].state == VD_STATE_OK ? VD_STATE_FAILED
									       : m.dev[i].state);
	}
	/* optional facts: a missing one is null in the report */
	if (vd_sysfs_read(s, "proc/sys/kernel/osrelease", release, sizeof(release)) > 0)
		info.release = release;
	info.cmdline = se->cmdline_loaded ? se->cmdline : NULL;
	if (vd_sysfs_read(s, "sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor)) > 0)
		info.sys_vendor = vendor;
	if (vd_sysfs_read(s, "sys/class/dmi/id/product_name", product, sizeof(product)) > 0)
		info.product_name = product;
	r = vd_output_report(stdout, &info, &m, findings);
	if (r < 0) {
		warnx("cannot print the report: %s", vd_strerror(-r));
		rc = VD_EXIT_USAGE;
	}
out:
	vd_findings_free(findings, m.n + 1);
	vd_model_done(&m);
	return rc;
}

static const char usage_report[] =
	" virtio-doctor report [options]\n"
	"\nOne JSON document for collectors: tool, kernel, machine, every device with its\n"
	"verdict and evidence; its JSON Schema is share/virtio-doctor/report.schema.json\n"
	"(virtio-doctor(8), REPORT).\n"
	"\nOptions:\n"
	" -J, --json           (the report is always JSON)\n"
	" -k, --kmsg <file>    read the kernel log from a saved dmesg text\n";

const struct vd_cmd vd_cmd_report = {
	.name = "report",
	.args = "",
	.usage = usage_report,
	.summary = "one JSON document: machine, devices, verdicts",
	.run = cmd_report,
};
