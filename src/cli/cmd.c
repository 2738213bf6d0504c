/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what every command shares: global options, the root, the model */
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vd/act/unpack.h"
#include "vd/base/strerror.h"
#include "vd/cli/cmd.h"
#include "vd/cli/output.h"

int vd_cli_usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* the message quotes the argument: a newline or escape in it stays harmless */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	warnx("%s", msg);
	fprintf(stderr, "Try 'virtio-doctor --help' for more information.\n");
	return VD_EXIT_USAGE;
}

int vd_cli_set_color(struct vd_cli *cli, const char *arg)
{
	if (!arg) {
		cli->color = VD_COLORMODE_AUTO;
		return 0;
	}
	if (vd_colormode_parse(arg, &cli->color) < 0)
		return vd_cli_usage_error("unsupported color mode: '%s' (auto, always or never)",
					  arg);
	return 0;
}

void vd_cli_colors(const struct vd_cli *cli, struct vd_colors *ret)
{
	vd_colors_init(cli->color, isatty(STDOUT_FILENO), "virtio-doctor", ret);
}

void vd_cli_print_global_options(FILE *out)
{
	fputs("\nGlobal options (anywhere on the line):\n"
	      " -s, --sysroot <dir|file.tar.gz>\n"
	      "                      read sys/, proc/ and lib/modules/ under <dir>, or in a\n"
	      "                      bundle written by 'virtio-doctor snapshot'\n"
	      "     --color[=<when>] colorize STATE: auto (default), always or never\n"
	      " -h, --help           display this help\n"
	      " -V, --version        display version\n",
	      out);
}

void vd_cli_print_help(const struct vd_cmd *cmd, FILE *out)
{
	fprintf(out, "\nUsage:\n%s", cmd->usage);
	vd_cli_print_global_options(out);
	if (cmd->help_extra)
		cmd->help_extra(out);
	fputs("\nFor more details see virtio-doctor(8).\n", out);
}

int vd_cli_common_option(struct vd_cli *cli, const struct vd_cmd *cmd, int c, char **argv)
{
	switch (c) {
	case 's':
		cli->sysroot = optarg;
		return VD_CLI_NEXT;
	case VD_OPT_COLOR:
		return vd_cli_set_color(cli, optarg) ? VD_EXIT_USAGE : VD_CLI_NEXT;
	case 'V':
		printf("virtio-doctor %s\n", VD_VERSION);
		return VD_EXIT_OK;
	case 'h':
		vd_cli_print_help(cmd, stdout);
		return VD_EXIT_OK;
	case ':':
		/* the option is the last word: musl's getopt steps optind past the NULL */
		return vd_cli_usage_error("option '%s' requires an argument",
					  argv[optind - 1] ? argv[optind - 1] : argv[optind - 2]);
	default:
		if (optopt)
			return vd_cli_usage_error("invalid option -- '%c'", optopt);
		return vd_cli_usage_error("unrecognized option '%s'", argv[optind - 1]);
	}
}

/*
 * A bundle given as --sysroot FILE.tar.gz is unpacked into a private temporary directory
 * for the run and removed by vd_cli_done() (vd/act/unpack.h). Returns 0, or an exit code.
 */
static int unpack_sysroot(struct vd_cli *cli)
{
	struct vd_unpack_limits lim;
	const char *bad;
	char err[512];
	int r;

	if (vd_unpack_limits_env(&lim, &bad) < 0) {
		warnx("%s: not a positive number (with an optional K, M or G)", bad);
		return VD_EXIT_USAGE;
	}
	r = vd_unpack_sysroot(cli->sysroot, &lim, &cli->unpacked, err, sizeof(err));
	if (r < 0) {
		warnx("cannot unpack bundle '%s': %s", cli->sysroot, err);
		return VD_EXIT_USAGE;
	}
	if (r > 0)
		cli->sysroot = cli->unpacked.path;
	return 0;
}

static int remove_unpacked(struct vd_unpacked *u)
{
	int r = vd_unpack_remove(u);

	if (r < 0) {
		warnx("cannot remove the unpacked bundle '%s': %s", u->path, vd_strerror(-r));
		return VD_EXIT_USAGE;
	}
	return 0;
}

int vd_cli_parse_types(const char *opt, const char *arg, const struct vd_virtio_type **ret,
		       size_t max, size_t *ret_n)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *save = NULL;
	size_t n = 0;

	if (!copy)
		return vd_cli_usage_error("cannot allocate memory");
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct vd_virtio_type *t = vd_virtio_type_by_name(tok);
		bool seen = false;

		if (!t)
			return vd_cli_usage_error("unknown virtio type '%s' (see 'virtio-doctor "
						  "decode' or the man page, COLUMNS, TYPE)",
						  tok);
		for (size_t i = 0; i < n; i++)
			seen |= ret[i] == t;
		if (seen)
			continue;
		if (n == max)
			return vd_cli_usage_error("option '%s': too many types", opt);
		ret[n++] = t;
	}
	if (n == 0)
		return vd_cli_usage_error(
			"option '%s' needs a list of virtio types (vsock,net,...)", opt);
	*ret_n = n;
	return 0;
}

int vd_cli_check_filters(const char *cmd, int n, char **args)
{
	for (int i = 0; i < n; i++) {
		struct vd_device none = VD_DEVICE_INIT;

		if (vd_device_matches(&none, args[i]) < 0)
			return vd_cli_usage_error("%s: '%s' is not a device name", cmd, args[i]);
	}
	return 0;
}

bool vd_cli_filter_matches(const struct vd_device *d, char **args, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (vd_device_matches(d, args[k]) > 0)
			return true;
	return false;
}

bool vd_cli_filters_found(const char *cmd, const struct vd_device *const *rows, size_t nrows,
			  char **args, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		bool found = false;

		for (size_t i = 0; i < nrows && !found; i++)
			found = vd_device_matches(rows[i], args[k]) > 0;
		if (!found) {
			vd_output_warnx("%s: no virtio device matches '%s'", cmd, args[k]);
			return false;
		}
	}
	return true;
}

int vd_cli_root(struct vd_cli *cli, struct vd_sysfs **ret)
{
	int r;

	if (!cli->root) {
		if (!*cli->sysroot)
			return vd_cli_usage_error("option '--sysroot' requires a directory");
		r = unpack_sysroot(cli);
		if (r)
			return r;
		r = vd_sysfs_open(cli->sysroot, &cli->root);
		if (r < 0) {
			warnx("cannot open sysroot '%s': %s", cli->sysroot, vd_strerror(-r));
			return VD_EXIT_USAGE;
		}
	}
	*ret = cli->root;
	return 0;
}

int vd_cli_load_model(struct vd_cli *cli, const struct vd_scan_opts *so, bool allow_empty,
		      struct vd_sysfs **ret_s, struct vd_model *ret_m)
{
	struct vd_sysfs *s = NULL;
	int r;

	r = vd_cli_root(cli, &s);
	if (r)
		return r;
	r = vd_model_scan(s, so, ret_m);
	for (size_t i = 0; i < ret_m->warnings.n; i++)
		warnx("%s", ret_m->warnings.v[i]);
	if (r == -ENOENT && !allow_empty)
		warnx("nothing to read under '%s': no sys/bus/pci, sys/bus/virtio or virtio-mmio "
		      "device",
		      cli->sysroot);
	else if (r < 0 && r != -ENOENT)
		warnx("cannot scan '%s': %s", cli->sysroot, vd_strerror(-r));
	if (r < 0 && !(r == -ENOENT && allow_empty)) {
		vd_model_done(ret_m);
		return VD_EXIT_USAGE;
	}
	*ret_s = s;
	return 0;
}

int vd_cli_done(struct vd_cli *cli)
{
	vd_sysfs_free(cli->root);
	cli->root = NULL;
	return remove_unpacked(&cli->unpacked);
}
