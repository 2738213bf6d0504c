/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- command line: global options before the command, dispatch, summary help */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/base/strerror.h"
#include "vd/cli/cli.h"
#include "vd/cli/cmd.h"

static const struct vd_cmd *const cmds[] = {
	&vd_cmd_scan,	&vd_cmd_explain, &vd_cmd_check, &vd_cmd_snapshot,
	&vd_cmd_report, &vd_cmd_decode,	 &vd_cmd_bind,	&vd_cmd_metrics,
};

static void print_summary(FILE *out)
{
	fputs("\nUsage:\n"
	      " virtio-doctor [options] [<command>] [<command options>]\n"
	      "\nFind every virtio device of a Linux guest, with the driver at both levels:\n"
	      "the PCI function (virtio-pci) and the virtio device (virtio_net, ...).\n"
	      "\nCommands:\n",
	      out);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		char left[32];

		snprintf(left, sizeof(left), "%s%s", cmds[i]->name, cmds[i]->args);
		fprintf(out, " %-20s %s\n", left, cmds[i]->summary);
	}
	vd_cli_print_global_options(out);
	fputs("\nRun 'virtio-doctor <command> --help' for a command's options\n"
	      "('virtio-doctor scan --help' also lists the output columns).\n"
	      "\nExit status: 0 every virtio device ok (or done), 1 problems found,\n"
	      "2 usage or environment error.\n"
	      "\nFor more details see virtio-doctor(8).\n",
	      out);
}

/* util-linux close_stdout: a write error on stdout (> /dev/full) must not exit 0. */
static int close_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno != EPIPE) {
			warnx("write error: %s", vd_strerror(errno));
			return VD_EXIT_USAGE;
		}
	}
	return rc;
}

/* The default command sees "scan" as its argv[0]. */
static int run_default(struct vd_cli *cli, int argc, char **argv)
{
	char **sub = calloc((size_t)argc + 2, sizeof(*sub));
	int rc;

	if (!sub) {
		warnx("cannot allocate memory: %s", vd_strerror(errno));
		return VD_EXIT_USAGE;
	}
	sub[0] = (char *)"scan";
	for (int k = 0; k < argc; k++)
		sub[k + 1] = argv[k];
	rc = vd_cmd_scan.run(cli, argc + 1, sub);
	free(sub);
	return rc;
}

static int run_command(struct vd_cli *cli, int argc, char **argv)
{
	if (argc == 0 || argv[0][0] == '-')
		return run_default(cli, argc, argv);
	for (size_t k = 0; k < ARRAY_SIZE(cmds); k++)
		if (!strcmp(argv[0], cmds[k]->name))
			return cmds[k]->run(cli, argc, argv);
	return vd_cli_usage_error("unknown command '%s'", argv[0]);
}

static int dispatch(int argc, char **argv)
{
	struct vd_cli cli = { .sysroot = "/" };
	int i, rc;

	/*
	 * Global options before the command are picked here; after it, the command's own
	 * getopt takes them (VD_CLI_OPTS). Anything else starting with '-' belongs to the
	 * default command, so that "virtio-doctor -J" means "virtio-doctor scan -J".
	 */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-s") || !strcmp(a, "--sysroot")) {
			if (i + 1 >= argc)
				return vd_cli_usage_error("option '%s' requires an argument", a);
			cli.sysroot = argv[++i];
		} else if (!strncmp(a, "--sysroot=", 10)) {
			cli.sysroot = a + 10;
		} else if (!strcmp(a, "--color") || !strncmp(a, "--color=", 8)) {
			if (vd_cli_set_color(&cli, a[7] ? a + 8 : NULL))
				return VD_EXIT_USAGE;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_summary(stdout);
			return VD_EXIT_OK;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("virtio-doctor %s\n", VD_VERSION);
			return VD_EXIT_OK;
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else {
			break;
		}
	}
	rc = run_command(&cli, argc - i, argv + i);
	i = vd_cli_done(&cli);
	return rc ? rc : i;
}

int vd_cli_main(int argc, char **argv)
{
	return close_stdout(dispatch(argc, argv));
}
