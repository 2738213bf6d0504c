/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- command line: the only layer that prints */
#ifndef VD_CLI_H
#define VD_CLI_H

#include <stdio.h>

#include "vd/base/macro.h"
#include "vd/model/model.h"
#include "vd/base/sysfs.h"

/* The Makefile passes the version; a build without it still says something. */
#ifndef VD_VERSION
#define VD_VERSION "0.0.0"
#endif

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
int vd_cmd_explain(const struct vd_cli *cli, int argc, char **argv);
int vd_cmd_snapshot(const struct vd_cli *cli, int argc, char **argv);
int vd_cmd_check(const struct vd_cli *cli, int argc, char **argv);
int vd_cmd_report(const struct vd_cli *cli, int argc, char **argv);
int vd_cmd_decode(const struct vd_cli *cli, int argc, char **argv);
int vd_cmd_bind(const struct vd_cli *cli, int argc, char **argv);

void vd_cli_print_help(FILE *out);

/*
 * The getopt cases every command shares: 'h' prints the help (exit 0), ':' and '?' are
 * usage errors. Returns the exit code.
 */
int vd_cli_option_end(int c, char **argv);

/*
 * Open the sysroot and build the model, printing its warnings. allow_empty keeps going
 * when nothing virtio can be read (the caller says what that means for it). Returns 0, or
 * the exit code after saying what failed.
 */
int vd_cli_load_model(const struct vd_cli *cli, const struct vd_scan_opts *so, bool allow_empty,
		      struct vd_sysfs **ret_s, struct vd_model *ret_m);

#endif
