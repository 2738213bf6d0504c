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

/* What explain picked and found: row k is m.dev[idx[k]], its finding found[k]. */
struct picked {
	size_t *idx;
	const struct vd_device **devs;
	const struct vd_finding **fps;
	struct vd_finding *found;
	size_t n;
};

static int parse_explain_args(struct vd_cli *cli, int argc, char **argv, bool *all, bool *json,
			      const char **kmsg)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'J' },
		{ "kmsg", required_argument, NULL, 'k' },
		VD_CLI_LONGOPTS,
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS("aJk:"), longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			*all = true;
			break;
		case 'J':
			*json = true;
			break;
		case 'k':
			*kmsg = optarg;
			break;
		default:
			c = vd_cli_common_option(cli, &vd_cmd_explain, c, argv);
			if (c != VD_CLI_NEXT)
				return c;
		}
	}
	/* arguments are checked before anything is read */
	c = vd_cli_check_filters("explain", argc - optind, argv + optind);
	return c ? c : VD_CLI_NEXT;
}

/* The devices named, or every one not ok (every listed one with --all). */
static int pick(const struct vd_model *m, char **args, size_t nargs, bool all, struct picked *p)
{
	p->idx = calloc(m->n + 1, sizeof(*p->idx));
	p->devs = calloc(m->n + 1, sizeof(*p->devs));
	p->fps = calloc(m->n + 1, sizeof(*p->fps));
	p->found = calloc(m->n + 1, sizeof(*p->found));
	if (!p->idx || !p->devs || !p->fps || !p->found) {
		warnx("cannot allocate memory");
		return VD_EXIT_USAGE;
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct vd_device *d = &m->dev[i];
		bool want;

		if (d->state == VD_STATE_NOT_VIRTIO)
			continue;
		if (nargs)
			want = vd_cli_filter_matches(d, args, nargs);
		else
			want = all ? vd_device_listed(d, true) : vd_device_is_problem(d);
		if (want) {
			p->idx[p->n] = i;
			p->devs[p->n++] = d;
		}
	}
	return vd_cli_filters_found("explain", p->devs, p->n, args, nargs) ? 0 : VD_EXIT_USAGE;
}

/* Diagnose every picked device: *ret_rc is the exit code of what was found; -1 on failure. */
static int diagnose_picked(struct vd_diagnosis *dx, struct vd_model *m, struct picked *p,
			   int *ret_rc)
{
	int r = 0, rc = VD_EXIT_OK;

	for (size_t k = 0; k < p->n && r == 0; k++) {
		struct vd_device *d = &m->dev[p->idx[k]];

		r = vd_diagnosis_device(dx, d, &p->found[k]);
		p->fps[k] = &p->found[k];
		if (vd_verdict_is_problem(p->found[k].verdict))
			rc = vd_cli_state_rc(rc,
					     d->state == VD_STATE_OK ? VD_STATE_FAILED : d->state);
	}
	*ret_rc = rc;
	if (r < 0) {
		warnx("cannot collect evidence: %s", vd_strerror(-r));
		*ret_rc = VD_EXIT_USAGE;
		return -1;
	}
	return 0;
}

static int print_picked(const struct picked *p, const struct vd_sys_ev *se, bool json)
{
	if (json)
		return vd_output_findings_json(stdout, p->devs, p->fps, p->n) < 0 ? VD_EXIT_USAGE
										  : 0;
	for (size_t k = 0; k < p->n; k++) {
		if (k)
			putchar('\n');
		print_finding(p->devs[k], &p->found[k]);
	}
	/* said once, not per device, and not on stdout: it is no finding about a device */
	if (se && se->logs_and_modules_read && !se->kmod_index)
		vd_output_warnx("note: %s; module facts come from /sys/module and the kernel "
				"config",
				se->kmod_problem);
	return 0;
}

static int cmd_explain(struct vd_cli *cli, int argc, char **argv)
{
	/* an ok device shows its links and status only: the rest is for the others' rules */
	struct vd_scan_opts so = { .want_not_ok = VD_DIAGNOSE_WANT };
	struct vd_sysfs *s = NULL;
	_cleanup_(vd_diagnosis_freep) struct vd_diagnosis *dx = NULL;
	struct vd_model m = { 0 };
	struct picked p = { 0 };
	const char *kmsg = NULL;
	bool all = false, json = false;
	int r, rc, prc;

	rc = parse_explain_args(cli, argc, argv, &all, &json, &kmsg);
	if (rc != VD_CLI_NEXT)
		return rc;
	so.kmsg_file = kmsg;
	if (optind < argc)
		so.want = VD_WANT_ATTACH; /* a filter can name an interface or a disk */
	rc = vd_cli_load_model(cli, &so, false, &s, &m);
	if (rc)
		return rc;
	rc = pick(&m, argv + optind, (size_t)(argc - optind), all, &p);
	if (rc == 0 && (r = vd_diagnosis_new(s, &m, kmsg, &dx)) < 0) {
		warnx("cannot collect evidence: %s", vd_strerror(-r));
		rc = VD_EXIT_USAGE;
	}
	if (rc == 0 && diagnose_picked(dx, &m, &p, &rc) == 0) {
		prc = print_picked(&p, p.n ? vd_diagnosis_sys(dx) : NULL, json);
		rc = prc ? prc : rc;
	}
	if (p.found)
		vd_findings_free(p.found, m.n + 1);
	free(p.fps);
	free(p.devs);
	free(p.idx);
	vd_model_done(&m);
	return rc;
}

static const char usage_explain[] =
	" virtio-doctor explain [options] [DEVICE...]\n"
	"\nWhy a device has no working driver: a verdict code, the evidence (each line\n"
	"names its file or log line), the fix, and what could not be checked. Without\n"
	"DEVICE, every device that is not ok. DEVICE: 0000:00:04.0, 00:04.0, virtio3,\n"
	"1af4:1053, a type (vsock, net, ...), a virtio-mmio device name, an interface\n"
	"(eth0) or a disk (vda).\n"
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
