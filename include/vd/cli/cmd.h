/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what every command shares: global options, exit codes, helpers */
#ifndef VD_CMD_H
#define VD_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "vd/act/unpack.h"
#include "vd/base/macro.h"
#include "vd/base/sysfs.h"
#include "vd/base/termcolors.h"
#include "vd/model/model.h"

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

/*
 * The exit code once one more device's state is counted: a problem found (1) outranks a
 * state that could not be read (2, an environment error), which outranks ok (0).
 */
static inline int vd_cli_state_rc(int rc, enum vd_state st)
{
	if (st == VD_STATE_OK || st == VD_STATE_NOT_VIRTIO || st == VD_STATE_EMPTY)
		return rc;
	if (st == VD_STATE_UNKNOWN)
		return rc == VD_EXIT_OK ? VD_EXIT_USAGE : rc;
	return VD_EXIT_PROBLEM;
}

/*
 * Global options, the only state the program keeps outside its layers, and the root they
 * name, opened once for the run by the first command that needs it (vd_cli_root()).
 */
struct vd_cli {
	const char *sysroot;
	enum vd_colormode color; /* --color[=WHEN] */
	struct vd_sysfs *root;
	/* a bundle given as --sysroot FILE, unpacked (.parent is NULL when none) */
	struct vd_unpacked unpacked;
};

/*
 * A command, as kmod's tools declare theirs: the dispatcher knows only this table entry;
 * the options and their help stay in the command's own file.
 */
struct vd_cmd {
	const char *name;
	const char *args;    /* what follows the name in the summary, " [DEVICE...]" */
	const char *summary; /* one line for 'virtio-doctor --help' */
	int (*run)(struct vd_cli *cli, int argc, char **argv);
	const char *usage;	       /* its --help: the usage line, what it does, its options */
	void (*help_extra)(FILE *out); /* more help after the global options, or NULL */
};

extern const struct vd_cmd vd_cmd_scan, vd_cmd_explain, vd_cmd_check, vd_cmd_snapshot,
	vd_cmd_report, vd_cmd_decode, vd_cmd_bind, vd_cmd_metrics;

/*
 * Global options are accepted anywhere on the line, as util-linux tools accept theirs:
 * each command's getopt string and option table end with these, and its default case
 * hands the rest to vd_cli_common_option(). The leading ':' makes a missing argument
 * its own case.
 */
#define VD_CLI_OPTS(s) ":" s "s:Vh"
#define VD_OPT_COLOR 0x1000 /* --color has no short form; commands' own codes stay below */
/* clang-format off */
#define VD_CLI_LONGOPTS                                                                   \
	{ "sysroot", required_argument, NULL, 's' },                                      \
	{ "color", optional_argument, NULL, VD_OPT_COLOR },                               \
	{ "version", no_argument, NULL, 'V' },                                            \
	{ "help", no_argument, NULL, 'h' },                                               \
	{ NULL, 0, NULL, 0 }
/* clang-format on */

/* vd_cli_common_option() took the option: go on parsing. */
#define VD_CLI_NEXT (-1)

/*
 * The options every command shares: 's' sets the sysroot, 'V' prints the version,
 * 'h' the command's help; ':' and '?' are usage errors. Returns VD_CLI_NEXT, or the exit
 * code to return.
 */
int vd_cli_common_option(struct vd_cli *cli, const struct vd_cmd *cmd, int c, char **argv);

/* --color's argument (NULL: auto) into cli->color; returns 0 or VD_EXIT_USAGE. */
int vd_cli_set_color(struct vd_cli *cli, const char *arg);

/* Whether and how to colour stdout, as --color and terminal-colors.d(5) say. */
void vd_cli_colors(const struct vd_cli *cli, struct vd_colors *ret);

/* One line naming what is wrong plus the pointer to --help; returns VD_EXIT_USAGE. */
int vd_cli_usage_error(const char *fmt, ...) VD_PRINTF(1, 2);

/* The global options' lines, in every help text. */
void vd_cli_print_global_options(FILE *out);
/* A command's --help. */
void vd_cli_print_help(const struct vd_cmd *cmd, FILE *out);

/*
 * The root the options name, opened on first use (a bundle file is unpacked first) and
 * kept for the run. Returns 0, or the exit code after saying what failed.
 */
int vd_cli_root(struct vd_cli *cli, struct vd_sysfs **ret);

/*
 * Open the root and build the model, printing its warnings. allow_empty keeps going
 * when nothing virtio can be read (the caller says what that means for it). *ret_s is
 * the run's root: the caller does not free it. Returns 0, or the exit code after saying
 * what failed.
 */
int vd_cli_load_model(struct vd_cli *cli, const struct vd_scan_opts *so, bool allow_empty,
		      struct vd_sysfs **ret_s, struct vd_model *ret_m);

/*
 * A comma-separated list of virtio type names (vsock,net,...) given to option opt: their
 * types in the order given, each once. An empty list or an unknown name is a usage
 * error. Returns 0, or the exit code after saying what is wrong.
 */
int vd_cli_parse_types(const char *opt, const char *arg, const struct vd_virtio_type **ret,
		       size_t max, size_t *ret_n);

/*
 * Device arguments (scan, explain, bind), in the forms vd_device_matches() knows: each
 * checked before anything is read (a usage error names the one that can name nothing),
 * then matched. Returns 0 or VD_EXIT_USAGE; filters_found says which argument matched
 * none of the rows and returns false then.
 */
int vd_cli_check_filters(const char *cmd, int n, char **args);
bool vd_cli_filter_matches(const struct vd_device *d, char **args, size_t n);
bool vd_cli_filters_found(const char *cmd, const struct vd_device *const *rows, size_t nrows,
			  char **args, size_t n);

/*
 * Close the root, remove what was unpacked. Returns 0, or VD_EXIT_USAGE after saying where
 * the unpacked tree is when it cannot be removed.
 */
int vd_cli_done(struct vd_cli *cli);

#endif
