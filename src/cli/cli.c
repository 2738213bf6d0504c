/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- command line: global options, dispatch, help, exit codes */
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/act/bundle.h"
#include "vd/cli/cli.h"
#include "vd/cli/output.h"

struct vd_cmd {
	const char *name;
	int (*run)(const struct vd_cli *cli, int argc, char **argv);
	const char *args;
	const char *help;
};

static const struct vd_cmd cmds[] = {
	{ "scan", vd_cmd_scan, "", "list every virtio device and its drivers (default)" },
	{ "explain", vd_cmd_explain, " [DEVICE...]",
	  "why a device has no working driver: verdict, evidence, fix" },
	{ "check", vd_cmd_check, "", "exit 0 if every (or every required) device is ok" },
	{ "snapshot", vd_cmd_snapshot, " DEST", "write a support bundle (FILE.tar.gz, DIR or -)" },
	{ "report", vd_cmd_report, "", "one JSON document: machine, devices, verdicts" },
	{ "decode", vd_cmd_decode, " ID", "what a PCI ID (vvvv:dddd) means, offline" },
	{ "bind", vd_cmd_bind, " [DEVICE...]", "bind virtio-pci, verify both levels" },
};

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

void vd_cli_print_help(FILE *out)
{
	fputs("\nUsage:\n"
	      " virtio-doctor [options] [<command>] [<command options>]\n"
	      "\nFind every virtio device of a Linux guest, with the driver at both levels:\n"
	      "the PCI function (virtio-pci) and the virtio device (virtio_net, ...).\n"
	      "\nCommands:\n",
	      out);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		char left[32];

		snprintf(left, sizeof(left), "%s%s", cmds[i].name, cmds[i].args);
		fprintf(out, " %-20s %s\n", left, cmds[i].help);
	}
	fputs("\nOptions:\n"
	      " -s, --sysroot <dir>  read sys/, proc/ and lib/modules/ under <dir>\n"
	      " -h, --help           display this help\n"
	      " -V, --version        display version\n"
	      "\nscan options:\n"
	      " -a, --all            also list PCI functions that are not virtio\n"
	      " -J, --json           use JSON output format\n"
	      " -n, --noheadings     don't print headings\n"
	      " -o, --output <list>  output columns (a leading '+' appends to the default)\n"
	      " -P, --pairs          use key=\"value\" output format\n"
	      " -r, --raw            use raw output format\n"
	      "\nexplain options (DEVICE: 0000:00:04.0, 00:04.0, virtio3, 1af4:1053, vsock, ...):\n"
	      " -a, --all            explain the ok devices too\n"
	      " -J, --json           use JSON output format\n"
	      "     --kmsg <file>    read the kernel log from a saved dmesg text\n"
	      "\ncheck options (silent; the exit status answers):\n"
	      " -R, --require <list> these virtio types must be present and ok (vsock,net,...)\n"
	      " -v, --verbose        say what is wrong\n"
	      "\nsnapshot options:\n"
	      " -f, --force          replace an existing destination\n"
	      "\nreport options:\n"
	      " -J, --json           (the report is always JSON)\n"
	      "     --kmsg <file>    read the kernel log from a saved dmesg text\n"
	      "\ndecode options:\n"
	      " -J, --json           use JSON output format\n"
	      "\nbind options (DEVICE is DDDD:BB:DD.F or BB:DD.F):\n"
	      "     --vsock          the virtio vsock device(s)\n"
	      " -t, --type <list>    devices of these virtio types (net,block,rng,...)\n"
	      " -a, --all            every virtio PCI function not bound at both levels\n"
	      " -n, --dry-run        print the writes as shell lines, change nothing\n"
	      " -f, --force          take a device from another driver or override\n"
	      "                      (twice: even when its disk or interface is in use)\n"
	      "     --clear-override clear driver_override after a successful bind\n"
	      " -w, --wait <secs>    wait up to <secs> for the virtio driver (and vsock CID)\n"
	      "\nAvailable output columns:\n",
	      out);
	for (int c = 0; c < _VD_COL_MAX; c++) {
		const struct vd_colinfo *ci = vd_output_colinfo(c);

		fprintf(out, " %10s  %s\n", ci->name, ci->help);
	}
	fputs("\nExit status: 0 every virtio device ok (or done), 1 problems found,\n"
	      "2 usage or environment error.\n"
	      "\nFor more details see virtio-doctor(8).\n",
	      out);
}

int vd_cli_option_end(int c, char **argv)
{
	switch (c) {
	case 'h':
		vd_cli_print_help(stdout);
		return VD_EXIT_OK;
	case ':':
		return vd_cli_usage_error("option '%s' requires an argument", argv[optind - 1]);
	default:
		return vd_cli_usage_error("unrecognized option '%s'", argv[optind - 1]);
	}
}

int vd_cli_load_model(const struct vd_cli *cli, const struct vd_scan_opts *so, bool allow_empty,
		      struct vd_sysfs **ret_s, struct vd_model *ret_m)
{
	struct vd_sysfs *s;
	int r;

	r = vd_sysfs_open(cli->sysroot, &s);
	if (r < 0) {
		warnx("cannot open sysroot '%s': %s", cli->sysroot, strerror(-r));
		return VD_EXIT_USAGE;
	}
	r = vd_model_scan(s, so, ret_m);
	for (size_t i = 0; i < ret_m->warnings.n; i++)
		warnx("%s", ret_m->warnings.v[i]);
	if (r == -ENOENT && !allow_empty)
		warnx("nothing to read under '%s': no sys/bus/pci, sys/bus/virtio or virtio-mmio "
		      "device",
		      cli->sysroot);
	else if (r < 0 && r != -ENOENT)
		warnx("cannot scan '%s': %s", cli->sysroot, strerror(-r));
	if (r < 0 && !(r == -ENOENT && allow_empty)) {
		vd_model_done(ret_m);
		vd_sysfs_free(s);
		return VD_EXIT_USAGE;
	}
	*ret_s = s;
	return 0;
}

/* util-linux close_stdout: a write error on stdout (> /dev/full) must not exit 0. */
static int close_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno != EPIPE) {
			warn("write error");
			return VD_EXIT_USAGE;
		}
	}
	return rc;
}

/*
 * A bundle given as --sysroot FILE.tar.gz is unpacked into a private temporary directory
 * for the run and removed afterwards. Returns 0 with *ret_tmp set, or an exit code.
 */
static int unpack_sysroot(struct vd_cli *cli, char *tmp, size_t size)
{
	struct vd_sysfs *s = NULL, *probe = NULL;
	const char *tmpdir = getenv("TMPDIR");
	int r;

	r = vd_sysfs_open(cli->sysroot, &probe);
	vd_sysfs_free(probe);
	if (r != -ENOTDIR)
		return 0; /* a directory (or an error the command reports) */
	snprintf(tmp, size, "%s/virtio-doctor-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(tmp)) {
		warn("cannot create a directory to unpack '%s'", cli->sysroot);
		return VD_EXIT_USAGE;
	}
	r = vd_sysfs_open(tmp, &s);
	if (r == 0)
		r = vd_bundle_unpack(cli->sysroot, s);
	vd_sysfs_free(s);
	if (r < 0) {
		warnx("cannot unpack bundle '%s': %s", cli->sysroot,
		      r == -EINVAL ? "not a tar.gz bundle, or an unsafe member" : strerror(-r));
		return VD_EXIT_USAGE;
	}
	cli->sysroot = tmp;
	return 0;
}

static void remove_unpacked(const char *tmp)
{
	struct vd_sysfs *s = NULL;

	if (!tmp[0] || vd_sysfs_open("/", &s) < 0)
		return;
	vd_sysfs_remove_tree(s, tmp);
	vd_sysfs_free(s);
}

static int run_command(struct vd_cli *cli, int argc, char **argv, int i);

static int dispatch(int argc, char **argv)
{
	struct vd_cli cli = { .sysroot = "/" };
	char tmp[4096] = "";
	int i, rc;

	/*
	 * Global options come before the command. They are few and fixed, so they are
	 * picked by hand: anything else starting with '-' belongs to the default command,
	 * so that "virtio-doctor -J" means "virtio-doctor scan -J".
	 */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-s") || !strcmp(a, "--sysroot")) {
			if (i + 1 >= argc)
				return vd_cli_usage_error("option '%s' requires an argument", a);
			cli.sysroot = argv[++i];
		} else if (!strncmp(a, "--sysroot=", 10)) {
			cli.sysroot = a + 10;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			vd_cli_print_help(stdout);
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
	if (!*cli.sysroot)
		return vd_cli_usage_error("option '--sysroot' requires a directory");
	rc = unpack_sysroot(&cli, tmp, sizeof(tmp));
	if (rc == 0)
		rc = run_command(&cli, argc, argv, i);
	remove_unpacked(tmp);
	return rc;
}

static int run_command(struct vd_cli *cli, int argc, char **argv, int i)
{
	if (i >= argc || argv[i][0] == '-') {
		/* the default command sees "scan" as its argv[0] */
		char **sub = calloc((size_t)(argc - i) + 2, sizeof(*sub));
		int rc;

		if (!sub)
			err(VD_EXIT_USAGE, "cannot allocate memory");
		sub[0] = (char *)"scan";
		for (int k = i; k < argc; k++)
			sub[k - i + 1] = argv[k];
		rc = vd_cmd_scan(cli, argc - i + 1, sub);
		free(sub);
		return rc;
	}
	for (size_t k = 0; k < ARRAY_SIZE(cmds); k++)
		if (!strcmp(argv[i], cmds[k].name))
			return cmds[k].run(cli, argc - i, argv + i);
	return vd_cli_usage_error("unknown command '%s'", argv[i]);
}

int vd_cli_main(int argc, char **argv)
{
	return close_stdout(dispatch(argc, argv));
}
