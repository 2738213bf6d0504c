/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "check": one question, one exit code, for init scripts and monitors */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/cli/cmd.h"
#include "vd/cli/output.h"
#include "vd/diagnose/diagnosis.h"

#define MAX_REQUIRE 32

/* The explain verdict's one line, for --verbose. */
static void say_why(struct vd_diagnosis *dx, struct vd_device *d, const char *type)
{
	int r = vd_diagnosis_device(dx, d, NULL);

	vd_output_printf(stdout, "%s: %s %s: %s%s%s\n", type, d->name, vd_state_name(d->state),
			 r == 0 ? d->verdict : "", r == 0 ? ": " : "",
			 d->problem ? d->problem : "");
}

struct check_opts {
	const struct vd_virtio_type *req[MAX_REQUIRE];
	size_t nreq;
	bool verbose;
};

/* The options. VD_CLI_NEXT to go on, or the exit code. */
static int parse_options(struct vd_cli *cli, int argc, char **argv, struct check_opts *o)
{
	static const struct option longopts[] = {
		{ "require", required_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		VD_CLI_LONGOPTS,
	};
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS("R:v"), longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			o->verbose = true;
			break;
		case 'R':
			rc = vd_cli_parse_types("--require", optarg, o->req, MAX_REQUIRE, &o->nreq);
			if (rc)
				return rc;
			break;
		default:
			c = vd_cli_common_option(cli, &vd_cmd_check, c, argv);
			if (c != VD_CLI_NEXT)
				return c;
		}
	}
	if (optind < argc)
		return vd_cli_usage_error("unexpected argument '%s'", argv[optind]);
	return VD_CLI_NEXT;
}

/* Nothing required: every device that has a problem counts. */
static int check_all(struct vd_diagnosis *dx, struct vd_model *m, bool verbose, int rc)
{
	for (size_t i = 0; i < m->n; i++) {
		struct vd_device *d = &m->dev[i];
		char tbuf[32];

		if (!vd_device_is_problem(d))
			continue;
		rc = vd_cli_state_rc(rc, d->state);
		if (verbose)
			say_why(dx, d,
				d->type_id >= 0 ? vd_virtio_type_short((unsigned)d->type_id, tbuf,
								       sizeof(tbuf))
						: "virtio");
	}
	return rc;
}

/*
 * One required type: every device of it must be ok, and one must be there. A device
 * whose state and type are unknown (untyped) may be the one that seems absent.
 */
static int check_required(struct vd_diagnosis *dx, struct vd_model *m,
			  const struct vd_virtio_type *req, const struct vd_device *untyped,
			  bool verbose, int rc)
{
	bool present = false;

	for (size_t i = 0; i < m->n; i++) {
		struct vd_device *d = &m->dev[i];

		if (d->type_id < 0 || (unsigned)d->type_id != req->id)
			continue;
		present = true;
		if (d->state != VD_STATE_OK) {
			rc = vd_cli_state_rc(rc, d->state);
			if (verbose)
				say_why(dx, d, req->name);
		}
	}
	if (!present && untyped) {
		/* a device whose type could not be read may be this one */
		rc = vd_cli_state_rc(rc, VD_STATE_UNKNOWN);
		if (verbose)
			vd_output_printf(stdout,
					 "%s: unknown: cannot tell whether a %s is present: "
					 "%s\n",
					 req->name, req->spec_name, untyped->problem);
	} else if (!present) {
		rc = VD_EXIT_PROBLEM;
		if (verbose)
			printf("%s: absent: no virtio %s device on this machine\n", req->name,
			       req->name);
	}
	return rc;
}

static int cmd_check(struct vd_cli *cli, int argc, char **argv)
{
	struct check_opts o = { .nreq = 0 };
	struct vd_scan_opts so = { 0 };
	struct vd_sysfs *s = NULL;
	_cleanup_(vd_diagnosis_freep) struct vd_diagnosis *dx = NULL;
	struct vd_model m = { 0 };
	const struct vd_device *untyped = NULL; /* unknown state and type: could be any */
	int rc;

	rc = parse_options(cli, argc, argv, &o);
	if (rc != VD_CLI_NEXT)
		return rc;
	rc = vd_cli_load_model(cli, &so, true, &s, &m);
	if (rc)
		return rc;
	if (vd_diagnosis_new(s, &m, NULL, &dx) < 0) {
		vd_model_done(&m);
		warnx("cannot allocate memory");
		return VD_EXIT_USAGE;
	}

	rc = VD_EXIT_OK;
	if (o.nreq == 0)
		rc = check_all(dx, &m, o.verbose, rc);
	for (size_t i = 0; i < m.n; i++)
		if (m.dev[i].state == VD_STATE_UNKNOWN && m.dev[i].type_id < 0 && !untyped)
			untyped = &m.dev[i];
	for (size_t k = 0; k < o.nreq; k++)
		rc = check_required(dx, &m, o.req[k], untyped, o.verbose, rc);
	if (o.verbose && rc == VD_EXIT_OK)
		printf("ok\n");
	vd_model_done(&m);
	return rc;
}

static const char usage_check[] =
	" virtio-doctor check [options]\n"
	"\nFor init scripts and monitors: silent, the exit status answers (0 every device,\n"
	"or every required one, is ok; 1 not).\n"
	"\nOptions:\n"
	" -R, --require <list> these virtio types must be present and ok (vsock,net,...)\n"
	" -v, --verbose        say what is wrong\n";

const struct vd_cmd vd_cmd_check = {
	.name = "check",
	.args = "",
	.usage = usage_check,
	.summary = "exit 0 if every (or every required) device is ok",
	.run = cmd_check,
};
