/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- command line: the only layer that prints */
#ifndef VD_CLI_H
#define VD_CLI_H

#include <stdio.h>

#include "vd/macro.h"

/* Exit codes of every command (man page, EXIT STATUS). */
enum {
	VD_EXIT_OK = 0,	     /* healthy, or done */
	VD_EXIT_PROBLEM = 1, /* problems found, or the action failed */
	VD_EXIT_USAGE = 2,   /* usage or environment error */
};

/* Global options: the only state the program keeps outside its layers. */
struct vd_cli {
	const char *sysroot;
};

int vd_cli_main(int argc, char **argv);

/* One line naming what is wrong plus the pointer to --help; returns VD_EXIT_USAGE. */
int vd_cli_usage_error(const char *fmt, ...) VD_PRINTF(1, 2);

int vd_cmd_scan(const struct vd_cli *cli, int argc, char **argv);
int vd_cmd_decode(const struct vd_cli *cli, int argc, char **argv);

void vd_cli_print_help(FILE *out);

#endif
