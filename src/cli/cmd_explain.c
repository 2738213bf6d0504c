/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "explain": why a virtio device has no working driver, and the fix */
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

static void print_lines(const char *label, char *const *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vd_output_printf(stdout, "  %-10s%s\n", i ? "" : label, lines[i]);
}

static void print_finding(const struct vd_device *d, const struct vd_finding *f)
{
	char id[16] = "", tbuf[32];
	const char *type = d->type_id >= 0
				   ? vd_virtio_type_short((unsigned)d->type_id, tbuf, sizeof(tbuf))
				   : "";

	vd_device_id(d, id, sizeof(id));
	vd_output_printf(stdout, "%s%s%s%s%s: %s\n", d->name, id[0] ? " " : "", id,
			 type[0] ? " " : "", type, vd_state_name(d->state));
	vd_output_printf(stdout, "  %-10s%s: %s\n", "verdict", vd_verdict_code(f->verdict),
			 f->summary);
	print_lines("evidence", f->evidence, f->n_evidence);
	print_lines("fix", f->remedy, f->n_remedy);
	print_lines("unchecked", f->unchecked, f->n_unchecked);
}

static int cmd_explain(struct vd_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'J' },
		{ "kmsg", required_argument, NULL, 'k' },
		VD_CLI_LONGOPTS,
	};
	struct vd_scan_opts so = { .want = VD_WANT_ALL };
	struct vd_sysfs *s = NULL;
	_cleanup_(vd_diagnosis_freep) struct vd_diagnosis *dx = NULL;
	const struct vd_sys_ev *se = NULL;
	struct vd_model m = { 0 };
	const struct vd_device **devs = NULL;
	const struct vd_finding **fps = NULL;
	struct vd_finding *findings = NULL;
	const char *kmsg = NULL;
	bool all = false, json = false;
	size_t n = 0;
	int c, r, rc = VD_EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS("aJk:"), longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'J':
			json = true;
			break;
		case 'k':
			kmsg = so.kmsg_file = optarg;
			break;
		default:
			c = vd_cli_common_option(cli, &vd_cmd_explain, c, argv);
			if (c != VD_CLI_NEXT)
				return c;
		}
	}
	/* arguments are checked before anything is read */
	for (int i = optind; i < argc; i++) {
		struct vd_device none = VD_DEVICE_INIT;

		if (vd_device_matches(&none, argv[i]) < 0)
			return vd_cli_usage_error("explain: '%s' is not a device name", argv[i]);
	}
	rc = vd_cli_load_model(cli, &so, false, &s, &m);
	if (rc)
		return rc;
	devs = calloc(m.n + 1, sizeof(*devs));
	fps = calloc(m.n + 1, sizeof(*fps));
	findings = calloc(m.n + 1, sizeof(*findings));
	if (!devs || !fps || !findings) {
		rc = VD_EXIT_USAGE;
		warnx("cannot allocate memory");
		goto out;
	}
	for (size_t i = 0; i < m.n; i++) {
		const struct vd_device *d = &m.dev[i];
		bool pick = false;

		if (d->state == VD_STATE_NOT_VIRTIO)
			continue;
		if (optind < argc) {
			for (int k = optind; k < argc; k++)
				if (vd_device_matches(d, argv[k]) > 0)
					pick = true;
		} else {
			pick = all ? vd_device_listed(d, true) : vd_device_is_problem(d);
		}
		if (pick)
			devs[n++] = d;
	}
	for (int k = optind; k < argc; k++) {
		bool found = false;

		for (size_t i = 0; i < n; i++)
			if (vd_device_matches(devs[i], argv[k]) > 0)
				found = true;
		if (!found) {
			warnx("explain: no virtio device matches '%s'", argv[k]);
			rc = VD_EXIT_USAGE;
			goto out;
		}
	}
	r = vd_diagnosis_new(s, &m, kmsg, &dx);
	for (size_t i = 0; i < n && r == 0; i++) {
		r = vd_diagnosis_device(dx, &m.dev[devs[i] - m.dev], &findings[i]);
		fps[i] = &findings[i];
		if (vd_verdict_is_problem(findings[i].verdict))
			rc = vd_cli_state_rc(rc, devs[i]->state == VD_STATE_OK ? VD_STATE_FAILED
									       : devs[i]->state);
	}
	if (r < 0) {
		warnx("cannot collect evidence: %s", vd_strerror(-r));
		rc = VD_EXIT_USAGE;
		goto out;
	}
	if (n > 0)
		se = vd_diagnosis_sys(dx);
	if (json) {
		if (vd_output_findings_json(stdout, devs, fps, n) < 0)
			rc = VD_EXIT_USAGE;
	} else {
		for (size_t i = 0; i < n; i++) {
			if (i)
				putchar('\n');
			print_finding(devs[i], &findings[i]);
		}
		/* said once, not per device: lspci -k would print an error here */
		if (se && !se->kmod_index) {
			putchar('\n');
			vd_output_printf(stdout,
					 "note: %s; module facts come from /sys/module and the "
					 "kernel config\n",
					 se->kmod_problem);
		}
	}
out:
	vd_findings_free(findings, m.n + 1);
	free(fps);
	free(devs);
	vd_model_done(&m);
	return rc;
}

static const char usage_explain[] =
	" virtio-doctor explain [options] [DEVICE...]\n"
	"\nWhy a device has no working driver: a verdict code, the evidence (each line\n"
	"names its file or log line), the fix, and what could not be checked. Without\n"
	"DEVICE, every device that is not ok. DEVICE: 0000:00:04.0, 00:04.0, virtio3,\n"
	"1af4:1053, a type (vsock, net, ...) or a virtio-mmio device name.\n"
	"\nOptions:\n"
	" -a, --all            explain the ok devices and empty slots too\n"
	" -J, --json           use JSON output format\n"
	" -k, --kmsg <file>    read the kernel log from a saved dmesg text\n";

const struct vd_cmd vd_cmd_explain = {
	.name = "explain",
	.args = " [DEVICE...]",
	.usage = usage_explain,
	.summary = "why a device has no working driver: verdict, evidence, fix",
	.run = cmd_explain,
};
