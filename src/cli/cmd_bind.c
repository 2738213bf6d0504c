/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "bind": put virtio-pci on virtio PCI functions, verify, or show the plan */
#include <err.h>
#include <errno.h>
#include <getopt.h>
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
	char id[16], tb[32], sh[VD_BIND_MAX_STEPS][512];
	/* read once: the printing below must walk the steps whose paths were checked */
	const size_t nsteps = r->nsteps < VD_BIND_MAX_STEPS ? r->nsteps : VD_BIND_MAX_STEPS;

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
				r->name, VD_PCI_DRIVER, r->why, r->name);
	else
		vd_output_warnx("cannot bind '%s' to '%s': %s", r->name, VD_PCI_DRIVER, r->why);
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

/* --vsock found nothing on PCI: is there a virtio-mmio one? */
static int no_vsock(const struct vd_model *m)
{
	if (unknown_type(m, "a virtio vsock device"))
		return VD_EXIT_USAGE;
	for (size_t i = 0; i < m->n; i++) {
		const struct vd_device *d = &m->dev[i];

		if (d->bus != VD_BUS_PCI && d->type_id == VD_VIRTIO_ID_VSOCK) {
			warnx("no virtio vsock PCI function; this guest has a virtio-mmio vsock "
			      "device ('%s', %s), which bind does not handle (state %s)",
			      d->name, d->virtio[0] ? d->virtio : "no virtio device",
			      vd_state_name(d->state));
			return VD_EXIT_USAGE;
		}
	}
	warnx("no virtio vsock device: no 1af4:1053 or transitional vsock PCI function, and no "
	      "virtio-mmio vsock");
	return VD_EXIT_USAGE;
}

static int parse_types(const char *arg, bool *types, size_t ntypes)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int rc = 0;

	if (!copy) {
		warnx("cannot allocate memory");
		return VD_EXIT_USAGE;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct vd_virtio_type *t = vd_virtio_type_by_name(tok);
		char sb[64];

		if (!t || t->id >= ntypes) {
			rc = vd_cli_usage_error("unknown virtio type '%s'",
						shown_arg(tok, sb, sizeof(sb)));
			break;
		}
		types[t->id] = true;
	}
	free(copy);
	return rc;
}

static int cmd_bind(struct vd_cli *cli, int argc, char **argv)
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
	struct vd_bind_opts bo = { 0 };
	bool vsock = false, all = false, any_type = false, types[64] = { false };
	struct vd_sysfs *s = NULL;
	_cleanup_free_ char(*names)[16] = NULL;
	_cleanup_free_ bool *picked = NULL;
	struct vd_bind_real real = { 0 };
	struct vd_bind_ops ops;
	struct vd_scan_opts so = { .skip_transport = true };
	struct vd_model m = { 0 };
	struct vd_klog klog = { 0 };
	bool klog_loaded = false;
	size_t nnames = 0, ntargets = 0;
	int c, r, rc = VD_EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS("t:anfw:"), longopts, NULL)) != -1) {
		char *end;
		unsigned long v;

		switch (c) {
		case OPT_VSOCK:
			vsock = true;
			break;
		case 't':
			if (parse_types(optarg, types, ARRAY_SIZE(types)))
				return VD_EXIT_USAGE;
			any_type = true;
			break;
		case 'a':
			all = true;
			break;
		case 'n':
			bo.dry_run = true;
			break;
		case 'f':
			bo.force++;
			break;
		case OPT_CLEAR_OVERRIDE:
			bo.clear_override = true;
			break;
		case 'w':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || v > MAX_WAIT_S)
				return vd_cli_usage_error("invalid --wait '%s': seconds, 0 to %d",
							  optarg, MAX_WAIT_S);
			bo.wait_ms = (unsigned)v * 1000;
			break;
		default:
			c = vd_cli_common_option(cli, &vd_cmd_bind, c, argv);
			if (c != VD_CLI_NEXT)
				return c;
		}
	}

	/* device arguments: strict addresses, checked before any path is built */
	names = calloc((size_t)(argc - optind) + 1, sizeof(*names));
	if (!names) {
		warnx("cannot allocate memory");
		return VD_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		struct vd_bdf bdf;
		char sb[64];

		if (vd_parse_bdf(argv[i], true, &bdf) < 0)
			return vd_cli_usage_error("invalid PCI address '%s' (expected DDDD:BB:DD.F "
						  "or BB:DD.F)",
						  shown_arg(argv[i], sb, sizeof(sb)));
		vd_bdf_format(&bdf, names[nnames++], sizeof(names[0]));
	}
	if (!nnames && !vsock && !all && !any_type)
		return vd_cli_usage_error("no device given: name one, or use --vsock, --type or "
					  "--all");

	rc = vd_cli_load_model(cli, &so, true, &s, &m);
	if (rc)
		return rc;

	picked = calloc(m.n + 1, sizeof(*picked));
	if (!picked) {
		warnx("cannot allocate memory");
		rc = VD_EXIT_USAGE;
		goto out;
	}
	for (size_t k = 0; k < nnames; k++) {
		bool hit = false;

		for (size_t i = 0; i < m.n && !hit; i++)
			if (m.dev[i].bus == VD_BUS_PCI && !strcmp(m.dev[i].name, names[k]))
				picked[i] = hit = true;
		if (hit)
			continue;
		if (vd_sysfs_accessf(s, "sys/bus/pci/devices/%s", names[k]) == 0)
			warnx("'%s' is not a virtio device", names[k]);
		else
			warnx("no PCI device '%s'", names[k]);
		rc = VD_EXIT_USAGE;
		goto out;
	}
	if (vsock) {
		bool hit = false;

		for (size_t i = 0; i < m.n; i++)
			if (m.dev[i].bus == VD_BUS_PCI && m.dev[i].type_id == VD_VIRTIO_ID_VSOCK)
				picked[i] = hit = true;
		if (!hit) {
			rc = no_vsock(&m);
			goto out;
		}
	}
	for (size_t t = 0; t < ARRAY_SIZE(types); t++) {
		bool hit = false;
		char tb[32];

		if (!types[t])
			continue;
		for (size_t i = 0; i < m.n; i++)
			if (m.dev[i].bus == VD_BUS_PCI && m.dev[i].type_id == (int)t)
				picked[i] = hit = true;
		if (!hit && unknown_type(&m, "of that type")) {
			rc = VD_EXIT_USAGE;
			goto out;
		}
		if (!hit) {
			warnx("no virtio PCI function of type '%s'",
			      vd_virtio_type_short((unsigned)t, tb, sizeof(tb)));
			rc = VD_EXIT_USAGE;
			goto out;
		}
	}
	if (all)
		for (size_t i = 0; i < m.n; i++)
			if (m.dev[i].bus == VD_BUS_PCI && m.dev[i].cls.virtio &&
			    m.dev[i].state != VD_STATE_OK)
				picked[i] = true;
	for (size_t i = 0; i < m.n; i++)
		ntargets += picked[i];
	if (!ntargets) {
		printf("%snothing to bind: every virtio PCI function is bound at both levels\n",
		       bo.dry_run ? "# " : "");
		goto out;
	}

	vd_bind_ops_real(&real, &ops);
	for (size_t i = 0; i < m.n; i++) {
		struct vd_bind_result res;

		if (!picked[i])
			continue;
		if (m.dev[i].state == VD_STATE_UNKNOWN) {
			/* what it is and what holds it are not known: nothing is planned */
			vd_output_warnx("cannot bind '%s': %s", m.dev[i].name, m.dev[i].problem);
			rc = VD_EXIT_PROBLEM;
			continue;
		}
		r = vd_bind_device(s, &m.dev[i], &bo, &ops, &res);
		if (r < 0) {
			warnx("cannot bind '%s': %s", m.dev[i].name, vd_strerror(-r));
			rc = VD_EXIT_PROBLEM;
			continue;
		}
		if (report(s, &m.dev[i], &res, bo.dry_run, &klog, &klog_loaded) != VD_EXIT_OK)
			rc = VD_EXIT_PROBLEM;
	}
out:
	if (klog_loaded)
		vd_klog_done(&klog);
	vd_bind_real_done(&real);
	vd_model_done(&m);
	return rc;
}

static const char usage_bind[] =
	" virtio-doctor bind [options] --vsock | --type <list> | --all | DEVICE...\n"
	"\nPut the transport driver on a device at runtime (driver_override, then bind),\n"
	"load the virtio driver's module if needed, verify both levels (and the vsock\n"
	"CID), roll back on failure. A device bound at both levels is left alone.\n"
	"DEVICE is DDDD:BB:DD.F or BB:DD.F.\n"
	"\nOptions:\n"
	"     --vsock          the virtio vsock device(s)\n"
	" -t, --type <list>    devices of these virtio types (net,block,rng,...)\n"
	" -a, --all            every virtio PCI function not bound at both levels\n"
	" -n, --dry-run        print the writes as shell lines, change nothing\n"
	" -f, --force          take a device from another driver or override\n"
	"                      (twice: even when its disk or interface is in use)\n"
	"     --clear-override clear driver_override after a successful bind\n"
	" -w, --wait <secs>    wait up to <secs> for the virtio driver (and vsock CID)\n";

const struct vd_cmd vd_cmd_bind = {
	.name = "bind",
	.args = " [DEVICE...]",
	.usage = usage_bind,
	.summary = "bind virtio-pci, verify both levels",
	.run = cmd_bind,
};
