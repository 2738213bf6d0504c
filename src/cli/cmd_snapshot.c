/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "snapshot": a support bundle, as a directory or a tar.gz */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd/act/bundle.h"
#include "vd/base/strerror.h"
#include "vd/cli/cmd.h"
#include "vd/cli/snapshot_msg.h"

static bool is_archive_name(const char *p)
{
	size_t l = strlen(p);

	return (l > 7 && !strcasecmp(p + l - 7, ".tar.gz")) ||
	       (l > 4 && !strcasecmp(p + l - 4, ".tgz"));
}

/* "foo.tar", "b.zip": an extension with a letter that is no archive this tool writes */
static bool is_other_extension(const char *base)
{
	const char *dot = strrchr(base, '.');

	return dot && dot != base && dot[1] &&
	       strpbrk(dot + 1, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
	       !is_archive_name(base);
}

/* "dir/name" -> parent "dir" and base "name" (parent "." for a bare name). */
static int split(const char *dest, char *parent, size_t psize, const char **ret_base)
{
	const char *slash = strrchr(dest, '/');

	if (!slash) {
		snprintf(parent, psize, ".");
		*ret_base = dest;
	} else {
		if ((size_t)(slash - dest) + 1 >= psize)
			return -ENAMETOOLONG;
		snprintf(parent, psize, "%.*s", slash == dest ? 1 : (int)(slash - dest), dest);
		*ret_base = slash + 1;
	}
	return **ret_base && strcmp(*ret_base, ".") && strcmp(*ret_base, "..") ? 0 : -EINVAL;
}

static int fail(const char *what, const char *dest, int r)
{
	warnx("cannot write snapshot '%s': %s: %s", dest, what, vd_strerror(-r));
	return VD_EXIT_USAGE;
}

static int cmd_snapshot(struct vd_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "redact", no_argument, NULL, 'R' },
		VD_CLI_LONGOPTS,
	};
	struct vd_sysfs *src = NULL;
	_cleanup_(vd_sysfs_freep) struct vd_sysfs *dir = NULL;
	struct vd_bundle_writer *w = NULL;
	struct vd_snapshot_msg msg;
	long long arc_size = -1;
	const char *dest, *base;
	char parent[1024], tmp[300];
	bool force = false, archive;
	unsigned int flags = 0;
	int c, r, fd = -1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS("f"), longopts, NULL)) != -1) {
		if (c == 'f')
			force = true;
		else if (c == 'R')
			flags |= VD_SNAPSHOT_REDACT;
		else if ((c = vd_cli_common_option(cli, &vd_cmd_snapshot, c, argv)) != VD_CLI_NEXT)
			return c;
	}
	if (optind >= argc)
		return vd_cli_usage_error("snapshot: no destination given (FILE.tar.gz, DIR or -)");
	if (optind + 1 < argc)
		return vd_cli_usage_error("unexpected argument '%s'", argv[optind + 1]);
	dest = argv[optind];

	r = vd_cli_root(cli, &src);
	if (r)
		return r;
	vd_snapshot_msg_init(&msg, stderr, isatty(STDERR_FILENO), 1000);
	if (!strcmp(dest, "-")) {
		if (isatty(STDOUT_FILENO)) {
			warnx("refusing to write a tar.gz to a terminal; redirect standard output");
			return VD_EXIT_USAGE;
		}
		r = vd_bundle_writer_tar(STDOUT_FILENO, &w);
		if (r < 0)
			return fail("libarchive", dest, r);
		vd_bundle_writer_set_progress(w, &msg.p);
		r = vd_bundle_snapshot(src, w, VD_VERSION, flags);
		r = r < 0 ? r : 0;
		c = vd_bundle_writer_close(w);
		vd_snapshot_msg_clear(&msg);
		if (r < 0 || c < 0)
			return fail("standard output", dest, r < 0 ? r : c);
		vd_snapshot_msg_done(&msg, NULL, -1);
		return VD_EXIT_OK;
	}

	if (split(dest, parent, sizeof(parent), &base) < 0)
		return vd_cli_usage_error("snapshot: '%s' is not a usable destination", dest);
	r = vd_sysfs_open(parent, &dir);
	if (r < 0)
		return fail("its directory", dest, r);
	r = vd_sysfs_kind(dir, base);
	if (r != 'd' && is_other_extension(base))
		return vd_cli_usage_error(
			"snapshot: '%s': unknown bundle extension; give FILE.tar.gz, FILE.tgz, "
			"a directory name without an extension, or -",
			dest);
	if (r >= 0 && !force) {
		warnx("cannot write snapshot '%s': it exists (use --force to replace it)", dest);
		return VD_EXIT_USAGE;
	}
	archive = is_archive_name(base);
	/* everything goes to a temporary name first: no half-written bundle is ever left */
	snprintf(tmp, sizeof(tmp), ".%.200s.tmp-%ld", base, (long)getpid());
	if (archive) {
		/* the kernel log it carries is root-only on most machines */
		fd = vd_sysfs_create(dir, tmp, 0600);
		if (fd < 0)
			return fail("cannot create a temporary file", dest, fd);
		r = vd_bundle_writer_tar(fd, &w);
	} else {
		struct vd_sysfs *tree = NULL;
		char p[1400];

		r = vd_sysfs_mkdir(dir, tmp, 0700);
		if (r < 0)
			return fail("cannot create a temporary directory", dest, r);
		snprintf(p, sizeof(p), "%s/%s", parent, tmp);
		r = vd_sysfs_open(p, &tree);
		if (r == 0)
			r = vd_bundle_writer_dir(tree, &w);
		if (r == 0) {
			vd_bundle_writer_set_progress(w, &msg.p);
			r = vd_bundle_snapshot(src, w, VD_VERSION, flags);
			c = vd_bundle_writer_close(w);
			w = NULL;
			r = r < 0 ? r : c;
		}
		vd_sysfs_free(tree);
		goto finish;
	}
	if (r == 0) {
		vd_bundle_writer_set_progress(w, &msg.p);
		r = vd_bundle_snapshot(src, w, VD_VERSION, flags);
		c = vd_bundle_writer_close(w);
		w = NULL;
		r = r < 0 ? r : c;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0) {
		struct stat st;

		arc_size = fstat(fd, &st) == 0 ? (long long)st.st_size : -1;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
finish:
	if (r == 0 && force && vd_sysfs_kind(dir, base) == 'd')
		r = vd_sysfs_remove_tree(dir, base);
	if (r == 0)
		r = vd_sysfs_rename(dir, tmp, base);
	vd_snapshot_msg_clear(&msg);
	if (r < 0) {
		vd_sysfs_remove_tree(dir, tmp);
		return fail(r == -ENOSPC ? "disk full" : "write failed", dest, r);
	}
	vd_snapshot_msg_done(&msg, dest, arc_size);
	return VD_EXIT_OK;
}

static const char usage_snapshot[] =
	" virtio-doctor snapshot [options] FILE.tar.gz|DIR|-\n"
	"\nWrite a support bundle of what the diagnosis reads (sysfs, config space, the\n"
	"kernel log, modules and their configuration); it is itself a valid --sysroot.\n"
	"A name ending in .tar.gz or .tgz (any case) is a tar.gz, another extension is\n"
	"refused, any other name is a directory. Says on stderr what it wrote.\n"
	"\nOptions:\n"
	" -f, --force          replace an existing destination\n"
	"     --redact         mask addresses, host name, command line values\n";

const struct vd_cmd vd_cmd_snapshot = {
	.name = "snapshot",
	.args = " DEST",
	.usage = usage_snapshot,
	.summary = "write a support bundle (FILE.tar.gz, DIR or -)",
	.run = cmd_snapshot,
};
