/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "bind": put virtio-pci on virtio PCI functions, verify, or show the plan */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/act/bind.h"
#include "vd/base/strerror.h"
#include "vd/cli/cmd.h"
#include "vd/cli/output.h"
#include "vd/base/ids.h"
#include "vd/facts/klog.h"
#include "vd/model/model.h"
#include "vd/base/parse.h"
#include "vd/base/sysfs.h"

#define MAX_WAIT_S 3600

enum {
	OPT_VSOCK = 0x100,
	OPT_CLEAR_OVERRIDE,
};

/* An argument as it may be shown: printable ASCII only, and not too long. */
static const char *shown_arg(const char *a, char *buf, size_t size)
{
	size_t i = 0;

	for (; *a && i + 4 < size && i < 40; a++)
		buf[i++] = (*a >= 0x20 && *a < 0x7f) ? *a : '?';
	if (*a && i + 4 <= size) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* A path for a shell line: quoted when it holds anything but the usual characters. */
static void print_shell_path(FILE *out, const char *p)
{
	if (strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._:+-") ==
	    strlen(p)) {
		fputs(p, out);
		return;
	}
	fputc('\'', out);
	for (; *p; p++)
		if (*p == '\'')
			fputs("'\\''", out);
		else
			fputc(*p, out);
	fputc('\'', out);
}

/*
 * The path a plan line writes to. Under --sysroot a shell resolves it on this machine:
 * where a link in the tree leaves the root (absolute, or ".." above it), the line names
 * the file it resolves to inside the root instead, with no link left to follow; what
 * cannot be resolved inside the root is refused. 0, or -errno.
 */
static int plan_path(struct vd_sysfs *s, const char *path, char *buf, size_t size)
{
	int r = vd_sysfs_beneath(s, path);

	if (r == -EXDEV)
		return vd_sysfs_real_path(s, path, buf, size);
	if (r < 0 && r != -ENOENT && r != -ENOTDIR)
		return r;
	vd_sysfs_shown_path(s, path, buf, size);
	return 0;
}

static int print_plan(FILE *out, struct vd_sysfs *s, const struct vd_device *d,
		      const struct vd_bind_result *r)
{
	char id[16], tb[32];
	/* read once: the printing below must walk the steps whose paths were checked */
	const size_t nsteps = r->nsteps;
	_cleanup_free_ char(*sh)[512] = calloc(nsteps + 1, sizeof(*sh));

	if (!sh) {
		vd_output_warnx("cannot plan '%s': %s", r->name, vd_strerror(ENOMEM));
		return VD_EXIT_PROBLEM;
	}
	for (size_t i = 0; i < nsteps; i++) {
		const struct vd_bind_step *st = &r->steps[i];
		int e;

		sh[i][0] = '\0';
		if (st->kind != VD_STEP_WRITE)
			continue;
		e = plan_path(s, st->path, sh[i], sizeof(sh[i]));
		if (e < 0) {
			vd_output_warnx("cannot plan '%s': '%s' does not resolve inside the "
					"sysroot: %s",
					r->name,
					vd_sysfs_shown_path(s, st->path, sh[i], sizeof(sh[i])),
					vd_strerror(-e));
			return VD_EXIT_PROBLEM;
		}
	}
	vd_device_id(d, id, sizeof(id));
	vd_output_printf(
		out, "# %s %s %s: %s\n", r->name,
		d->type_id >= 0 ? vd_virtio_type_short((unsigned)d->type_id, tb, sizeof(tb)) : "?",
		id, d->problem ? d->problem : vd_state_name(d->state));
	for (size_t i = 0; i < nsteps; i++) {
		const struct vd_bind_step *st = &r->steps[i];

		if (st->kind == VD_STEP_MODPROBE) {
			fprintf(out, "modprobe %s\n", st->value);
			continue;
		}
		/* echo adds the newline; "echo > file" writes just "\n", which clears */
		if (!strcmp(st->value, "\n"))
			fputs("echo > ", out);
		else
			fprintf(out, "echo %s > ", st->value);
		print_shell_path(out, sh[i]);
		fputc('\n', out);
	}
	return VD_EXIT_OK;
}

/* Recognised kernel log lines about this device or its virtio child. */
static void print_klog(struct vd_sysfs *s, struct vd_klog *klog, bool *loaded,
		       const struct vd_bind_result *r)
{
	size_t shown = 0;

	if (!*loaded) {
		*loaded = true;
		if (vd_klog_load(s, NULL, klog) < 0)
			memset(klog, 0, sizeof(*klog));
	}
	for (size_t i = klog->n; i-- > 0 && shown < 4;) {
		struct vd_klog_event ev;

		if (vd_klog_match(klog->lines[i], &ev) < 0 || ev.kind == VD_KLOG_NONE)
			continue;
		if (strcmp(ev.device, r->name) && (!r->virtio[0] || strcmp(ev.device, r->virtio)))
			continue;
		vd_output_printf(stderr, "  kernel: %s\n", klog->lines[i]);
		shown++;
	}
}

static int report(struct vd_sysfs *s, const struct vd_device *d, const struct vd_bind_result *r,
		  bool dry_run, struct vd_klog *klog, bool *klog_loaded)
{
	const char *hash = dry_run ? "# " : "";
	const char *drv = d->bus == VD_BUS_PCI ? VD_PCI_DRIVER : VD_MMIO_DRIVER;

	if (d->group && (r->outcome == VD_BIND_ALREADY || r->outcome == VD_BIND_DONE)) {
		vd_output_printf(stdout, "%s%s: %s%s%s\n", hash, r->name,
				 r->outcome == VD_BIND_DONE ? "registered" : "already registered",
				 r->note[0] ? "; " : "", r->note);
		return VD_EXIT_OK;
	}
	switch (r->outcome) {
	case VD_BIND_ALREADY:
		vd_output_printf(stdout, "%s%s: already bound (%s, %s)\n", hash, r->name, r->pcidrv,
				 r->driver);
		return VD_EXIT_OK;
	case VD_BIND_DONE:
		vd_output_printf(stdout, "%s: bound (%s, %s", r->name, r->pcidrv, r->driver);
		if (r->have_cid)
			printf(", cid %u", r->cid);
		vd_output_printf(stdout, ")%s%s\n", r->note[0] ? "; " : "", r->note);
		return VD_EXIT_OK;
	case VD_BIND_PLANNED:
		return print_plan(stdout, s, d, r);
	case VD_BIND_REFUSED:
	case VD_BIND_FAILED:
	default:
		break;
	}
	if (r->explain)
		vd_output_warnx("cannot bind '%s' to '%s': %s: see 'virtio-doctor explain %s'",
				r->name, drv, r->why, r->name);
	else
		vd_output_warnx("cannot bind '%s' to '%s': %s", r->name, drv, r->why);
	if (r->rollback[0])
		vd_output_warnx("'%s' was not left as it was: %s", r->name, r->rollback);
	if (r->outcome == VD_BIND_FAILED && r->explain && !dry_run)
		print_klog(s, klog, klog_loaded, r);
	return VD_EXIT_PROBLEM;
}

/* A device whose state could not be read may be of any type: "none found" cannot be said. */
static bool unknown_type(const struct vd_model *m, const char *what)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct vd_device *d = &m->dev[i];

		if (d->state == VD_STATE_UNKNOWN && d->type_id < 0) {
			vd_output_warnx("cannot tell whether '%s' is %s: %s", d->name, what,
					d->problem);
			return true;
		}
	}
	return false;
}

/*
 * What to bind: names (normalized), --vsock, --type, --all. Any other device argument
 * (virtio3, eth0, vda, an ID, a type) is a filter, turned into the names of the devices it
 * matches once the model is read.
 */
struct pick {
	char (*names)[64];
	size_t nnames;
	char **filters;
	size_t nfilters;
	bool vsock, all, any_type, types[64];
};

/* A device bind can act on: a virtio PCI function, a virtio-mmio transport, the group. */
static bool bindable(const struct vd_device *d)
{
	return d->cls.virtio && (d->bus == VD_BUS_PCI || d->bus == VD_BUS_PLATFORM);
}

/*
 * Mark the targets. The group of transports waiting for virtio-mmio stands for them: it is
 * picked by --all, and by --vsock or --type when no device of the type is known yet (the
 * types behind those transports are known once virtio-mmio probed them). Returns 0, or the
 * exit code after saying what is missing (first pass only: the second one, after the
 * group registered virtio-mmio, stays quiet about what the first one said).
 */
static int select_targets(struct vd_sysfs *s, const struct vd_model *m, const struct pick *p,
			  bool first, bool *picked)
{
	size_t group = SIZE_MAX; /* the waiting group's index, when there is one */

	for (size_t i = 0; i < m->n; i++)
		if (m->dev[i].group && first)
			group = i;
	for (size_t k = 0; k < p->nnames; k++) {
		bool hit = false;

		for (size_t i = 0; i < m->n && !hit; i++)
			if (bindable(&m->dev[i]) && !strcmp(m->dev[i].name, p->names[k]))
				picked[i] = hit = true;
		if (hit || !first)
			continue;
		if (vd_sysfs_accessf(s, "sys/bus/pci/devices/%s", p->names[k]) == 0)
			warnx("'%s' is not a virtio device", p->names[k]);
		else
			warnx("no virtio PCI function or virtio-mmio transport '%s'", p->names[k]);
		return VD_EXIT_USAGE;
	}
	for (size_t t = 0; t < ARRAY_SIZE(p->types); t++) {
		bool hit = false;
		char tb[32];

		if (!p->types[t] && !(p->vsock && t == VD_VIRTIO_ID_VSOCK))
			continue;
		for (size_t i = 0; i < m->n; i++)
			if (bindable(&m->dev[i]) && m->dev[i].type_id == (int)t)
				picked[i] = hit = true;
		if (!hit && group != SIZE_MAX) {
			picked[group] = true;
			continue;
		}
		if (!hit && first &&
		    unknown_type(m, p->vsock && t == VD_VIRTIO_ID_VSOCK ? "a virtio vsock device"
									: "of that type"))
			return VD_EXIT_USAGE;
		if (!hit && first) {
			warnx("no virtio %s device: no PCI function and no virtio-mmio transport of "
			      "that type",
			      vd_virtio_type_short((unsigned)t, tb, sizeof(tb)));
			return VD_EXIT_USAGE;
		}
	}
	if (p->all)
		for (size_t i = 0; i < m->n; i++)
			if (bindable(&m->dev[i]) && !m->dev[i].in_group &&
			    vd_device_is_problem(&m->dev[i]) && (first || !m->dev[i].group))
				picked[i] = true;
	return 0;
}

/* Bind every picked device; sets *group_bound when the virtio-mmio group registered. */
static int bind_picked(struct vd_sysfs *s, const struct vd_model *m, const bool *picked,
		       const struct vd_bind_opts *bo, const struct vd_bind_ops *ops,
		       struct vd_klog *klog, bool *klog_loaded, bool *group_bound)
{
	int rc = VD_EXIT_OK;

	for (size_t i = 0; i < m->n; i++) {
		struct vd_bind_result res;
		int r;

		if (!picked[i])
			continue;
		if (m->dev[i].state == VD_STATE_UNKNOWN) {
			/* what it is and what holds it are not known: nothing is planned */
			vd_output_warnx("cannot bind '%s': %s", m->dev[i].name, m->dev[i].problem);
			rc = VD_EXIT_PROBLEM;
			continue;
		}
		r = vd_bind_device(s, &m->dev[i], bo, ops, &res);
		if (r < 0) {
			vd_bind_result_done(&res);
			warnx("cannot bind '%s': %s", m->dev[i].name, vd_strerror(-r));
			rc = VD_EXIT_PROBLEM;
			continue;
		}
		if (m->dev[i].group && res.outcome == VD_BIND_DONE)
			*group_bound = true;
		if (report(s, &m->dev[i], &res, bo->dry_run, klog, klog_loaded) != VD_EXIT_OK)
			rc = VD_EXIT_PROBLEM;
		vd_bind_result_done(&res);
	}
	return rc;
}

/*
 * Device arguments: strict PCI addresses and virtio-mmio names are kept as names; any
 * other form vd_device_matches() knows is a filter. Checked before any path is built.
 */
static int parse_names(int argc, char **argv, struct pick *p)
{
	p->names = calloc((size_t)argc + 1, sizeof(*p->names));
	p->filters = calloc((size_t)argc + 1, sizeof(*p->filters));
	if (!p->names || !p->filters) {
		warnx("cannot allocate memory");
		return VD_EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		struct vd_device none = VD_DEVICE_INIT;
		struct vd_bdf bdf;
		char sb[64];
		int r = vd_device_matches(&none, argv[i]);

		if (vd_parse_bdf(argv[i], true, &bdf) == 0) {
			vd_bdf_format(&bdf, p->names[p->nnames++], sizeof(p->names[0]));
			continue;
		}
		if (r >= 0 && (vd_is_mmio_name(argv[i]) || !strcmp(argv[i], VD_MMIO_DRIVER))) {
			snprintf(p->names[p->nnames++], sizeof(p->names[0]), "%s", argv[i]);
			continue;
		}
		if (r >= 0) {
			p->filters[p->nfilters++] = argv[i];
			continue;
		}
		return vd_cli_usage_error(
			"invalid device '%s' (expected a PCI address DDDD:BB:DD.F or BB:DD.F, a "
			"virtio-mmio name, virtio-mmio, virtioN, an ID, a type, an interface or "
			"a disk)",
			shown_arg(argv[i], sb, sizeof(sb)));
	}
	return 0;
}

/* Each filter: the names of the devices it matches (bind checks each one as named). */
static int resolve_filters(const struct vd_model *m, struct pick *p)
{
	char(*names)[64];

	if (!p->nfilters)
		return 0;
	names = realloc(p->names, (p->nnames + m->n + 1) * sizeof(*names));
	if (!names) {
		warnx("cannot allocate memory");
		return VD_EXIT_USAGE;
	}
	p->names = names;
	for (size_t k = 0; k < p->nfilters; k++) {
		bool found = false;

		for (size_t i = 0; i < m->n; i++) {
			const struct vd_device *d = &m->dev[i];
			bool seen = false;

			if (d->state == VD_STATE_NOT_VIRTIO ||
			    vd_device_matches(d, p->filters[k]) <= 0)
				continue;
			found = true;
			for (size_t j = 0; j < p->nnames; j++)
				seen |= !strcmp(p->names[j], d->name);
			if (!seen)
				snprintf(p->names[p->nnames++], sizeof(p->names[0]), "%s", d->name);
		}
		if (!found) {
			vd_output_warnx("bind: no virtio device matches '%s'", p->filters[k]);
			return VD_EXIT_USAGE;
		}
	}
	return 0;
}

/* virtio-mmio probed its transports: bind what now shows up, as asked. */
static int second_pass(struct vd_sysfs *s, const struct vd_model *m, const bool *picked,
		       const struct vd_scan_opts *so, const struct pick *pk,
		       const struct vd_bind_opts *bo, const struct vd_bind_ops *ops,
		       struct vd_klog *klog, bool *klog_loaded)
{
	struct vd_model m2 = { 0 };
	bool *picked2 = NULL, group_bound = false;
	int rc = VD_EXIT_OK;

	if (vd_model_scan(s, so, &m2) >= 0 && (picked2 = calloc(m2.n + 1, sizeof(bool))) &&
	    select_targets(s, &m2, pk, false, picked2) == 0) {
		for (size_t i = 0; i < m2.n; i++)
			for (size_t k = 0; k < m->n; k++)
				if (picked[k] && !strcmp(m->dev[k].name, m2.dev[i].name))
					picked2[i] = false;
		rc = bind_picked(s, &m2, picked2, bo, ops, klog, klog_loaded, &group_bound);
	}
	free(picked2);
	vd_model_done(&m2);
	return rc;
}

/* One option of bind's own; VD_CLI_NEXT to go on, or the exit code. */
static int bind_option(int c, struct vd_bind_opts *bo, struct pick *pk)
{
	const struct vd_virtio_type *tl[64];
	size_t nt = 0;
	unsigned long v;
	char *end;
	int rc;

	switch (c) {
	case OPT_VSOCK:
		pk->vsock = true;
		return VD_CLI_NEXT;
	case 'a':
		pk->all = true;
		return VD_CLI_NEXT;
	case 'n':
		bo->dry_run = true;
		return VD_CLI_NEXT;
	case 'f':
		bo->force++;
		return VD_CLI_NEXT;
	case OPT_CLEAR_OVERRIDE:
		bo->clear_override = true;
		return VD_CLI_NEXT;
	case 'w':
		errno = 0;
		v = strtoul(optarg, &end, 10);
		if (errno || end == optarg || *end || optarg[0] == '-' || v > MAX_WAIT_S)
			return vd_cli_usage_error("invalid --wait '%s': seconds, 0 to %d", optarg,
						  MAX_WAIT_S);
		bo->wait_ms = (unsigned)v * 1000;
		return VD_CLI_NEXT;
	}
	/* 't' */
	rc = vd_cli_parse_types("--type", optarg, tl, ARRAY_SIZE(tl), &nt);
	if (rc)
		return rc;
	for (size_t k = 0; k < nt; k++)
		if (tl[k]->id < ARRAY_SIZE(pk->types))
			pk->types[tl[k]->id] = true;
	pk->any_type = true;
	return VD_CLI_NEXT;
}

static int parse_bind_args(struct vd_cli *cli, int argc, char **argv, struct vd_bind_opts *bo,
			   struct pick *pk)
{
	static const struct option longopts[] = {
		{ "vsock", no_argument, NULL, OPT_VSOCK },
		{ "type", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "clear-override", no_argument, NULL, OPT_CLEAR_OVERRIDE },
		{ "wait", required_argument, NULL, 'w' },
		VD_CLI_LONGOPTS,
	};
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS("t:anfw:"), longopts, NULL)) != -1) {
		if ((c > 0 && c < 0x80 && strchr("tanfw", c)) || c == OPT_VSOCK ||
		    c == OPT_CLEAR_OVERRIDE)
			r = bind_option(c, bo, pk);
		else
			r = vd_cli_common_option(cli, &vd_cmd_bind, c, argv);
		if (r != VD_CLI_NEXT)
			return r;
	}
	r = parse_names(argc - optind, argv + optind, pk);
	if (r)
		return r;
	if (!pk->nnames && !pk->nfilters && !pk->vsock && !pk->all && !pk->any_type)
		return vd_cli_usage_error("no device given: name one, or use --vsock, --type or "
					  "--all");
	return VD_CLI_NEXT;
}

/* Pick, bind, and bind what a registered virtio-mmio brought. */
static int bind_model(struct vd_sysfs *s, const struct vd_model *m, struct pick *pk,
		      const struct vd_scan_opts *so, const struct vd_bind_opts *bo)
{
	_cleanup_free_ bool *picked = calloc(m->n + 1, sizeof(*picked));
	struct vd_bind_real real = { 0 };
	struct vd_bind_ops ops;
	struct vd_klog klog = { 0 };
	bool klog_loaded = false, group_bound = false;
	size_t ntargets = 0;
	int rc;

	if (!picked) {
		warnx("cannot allocate memory");
		return VD_EXIT_USAGE;
	}
	rc = select_targets(s, m, pk, true, picked);
	if (rc)
		return rc;
	for (size_t i = 0; i < m->n; i++)
		ntargets += picked[i];
	if (!ntargets) {
		printf("%snothing to bind: every virtio device is bound at both levels\n",
		       bo->dry_run ? "# " : "");
		return VD_EXIT_OK;
	}
	vd_bind_ops_real(&real, &ops);
	rc = bind_picked(s, m, picked, bo, &ops, &klog, &klog_loaded, &group_bound);
	if (group_bound &&
	    second_pass(s, m, picked, so, pk, bo, &ops, &klog, &klog_loaded) != VD_EXIT_OK)
		rc = VD_EXIT_PROBLEM;
	if (klog_loaded)
		vd_klog_done(&klog);
	vd_bind_real_done(&real);
	return rc;
}

static int cmd_bind(struct vd_cli *cli, int argc, char **argv)
{
	struct vd_bind_opts bo = { 0 };
	struct pick pk = { 0 };
	struct vd_sysfs *s = NULL;
	struct vd_scan_opts so = { .skip_transport = true };
	struct vd_model m = { 0 };
	int rc;

	rc = parse_bind_args(cli, argc, argv, &bo, &pk);
	if (rc != VD_CLI_NEXT)
		goto out;
	if (pk.nfilters)
		so.want |= VD_WANT_ATTACH;
	rc = vd_cli_load_model(cli, &so, true, &s, &m);
	if (rc == 0)
		rc = resolve_filters(&m, &pk);
	if (rc == 0)
		rc = bind_model(s, &m, &pk, &so, &bo);
out:
	free(pk.names);
	free(pk.filters);
	vd_model_done(&m);
	return rc;
}

static const char usage_bind[] =
	" virtio-doctor bind [options] --vsock | --type <list> | --all | DEVICE...\n"
	"\nPut the transport driver on a device at runtime (driver_override, then bind),\n"
	"load the virtio driver's module if needed, verify both levels (and the vsock\n"
	"CID), roll back on failure. A device bound at both levels is left alone.\n"
	"DEVICE is DDDD:BB:DD.F or BB:DD.F, a virtio-mmio transport (a003e00.virtio_mmio),\n"
	"or virtio-mmio: the transports waiting for that driver (loads virtio_mmio); or\n"
	"what names a device (virtio3, 1af4:1053, a type, an interface eth0, a disk vda).\n"
	"\nOptions:\n"
	"     --vsock          the virtio vsock device(s)\n"
	" -t, --type <list>    devices of these virtio types (net,block,rng,...)\n"
	" -a, --all            every virtio device not bound at both levels\n"
	" -n, --dry-run        print the writes as shell lines, change nothing\n"
	" -f, --force          take a device from another driver or override\n"
	"                      (twice: even when its disk or interface is in use)\n"
	"     --clear-override clear driver_override after a successful bind\n"
	" -w, --wait <secs>    wait up to <secs> for the virtio driver (and vsock CID)\n";

const struct vd_cmd vd_cmd_bind = {
	.name = "bind",
	.args = " [DEVICE...]",
	.usage = usage_bind,
	.summary = "bind virtio-pci or virtio-mmio, verify both levels",
	.run = cmd_bind,
};
