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

struct snapshot_opts {
	bool force;
	unsigned int flags;
	const char *dest;
};

/* The options and the one destination: true to go on, false with the exit code. */
static bool parse_options(struct vd_cli *cli, int argc, char **argv, struct snapshot_opts *o,
			  int *ret_exit)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "redact", no_argument, NULL, 'R' },
		VD_CLI_LONGOPTS,
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS("f"), longopts, NULL)) != -1) {
		if (c == 'f')
			o->force = true;
		else if (c == 'R')
			o->flags |= VD_SNAPSHOT_REDACT;
		else if ((c = vd_cli_common_option(cli, &vd_cmd_snapshot, c, argv)) !=
			 VD_CLI_NEXT) {
			*ret_exit = c;
			return false;
		}
	}
	if (optind >= argc) {
		*ret_exit = vd_cli_usage_error("snapshot: no destination given (FILE.tar.gz, DIR "
					       "or -)");
		return false;
	}
	if (optind + 1 < argc) {
		*ret_exit = vd_cli_usage_error("unexpected argument '%s'", argv[optind + 1]);
		return false;
	}
	o->dest = argv[optind];
	return true;
}

/* The bundle through w, which is closed, with progress on msg: 0 or the first -errno. */
static int write_bundle(struct vd_sysfs *src, struct vd_bundle_writer *w, unsigned int flags,
			struct vd_snapshot_msg *msg)
{
	int r, c;

	vd_bundle_writer_set_progress(w, &msg->p);
	r = vd_bundle_snapshot(src, w, VD_VERSION, flags);
	c = vd_bundle_writer_close(w);
	return r < 0 ? r : c;
}
/* "-": a tar.gz on standard output, never on a terminal. */
static int write_stdout(struct vd_sysfs *src, const char *dest, unsigned int flags,
			struct vd_snapshot_msg *msg)
{
	struct vd_bundle_writer *w = NULL;
	int r;

	if (isatty(STDOUT_FILENO)) {
		warnx("refusing to write a tar.gz to a terminal; redirect standard output");
		return VD_EXIT_USAGE;
	}
	r = vd_bundle_writer_tar(STDOUT_FILENO, &w);
	if (r < 0)
		return fail("libarchive", dest, r);
	r = write_bundle(src, w, flags, msg);
	vd_snapshot_msg_clear(msg);
	if (r < 0)
		return fail("standard output", dest, r);
	vd_snapshot_msg_done(msg, NULL, -1);
	return VD_EXIT_OK;
}

/*
 * A tar.gz under the temporary name tmp in dir, synced. 0 or -errno; *ret_what is set
 * when not even the file could be created (there is then nothing to remove).
 */
static int write_temp_archive(struct vd_sysfs *src, struct vd_sysfs *dir, const char *tmp,
			      unsigned int flags, struct vd_snapshot_msg *msg, long long *ret_size,
			      const char **ret_what)
{
	struct vd_bundle_writer *w = NULL;
	struct stat st;
	int fd, r;

	/* the kernel log it carries is root-only on most machines */
	fd = vd_sysfs_create(dir, tmp, 0600);
	if (fd < 0) {
		*ret_what = "cannot create a temporary file";
		return fd;
	}
	r = vd_bundle_writer_tar(fd, &w);
	if (r == 0)
		r = write_bundle(src, w, flags, msg);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && fstat(fd, &st) == 0)
		*ret_size = st.st_size;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* A directory tree under the temporary name tmp in dir; as write_temp_archive(). */
static int write_temp_dir(struct vd_sysfs *src, struct vd_sysfs *dir, const char *parent,
			  const char *tmp, unsigned int flags, struct vd_snapshot_msg *msg,
			  const char **ret_what)
{
	struct vd_bundle_writer *w = NULL;
	struct vd_sysfs *tree = NULL;
	char p[1400];
	int r;

	r = vd_sysfs_mkdir(dir, tmp, 0700);
	if (r < 0) {
		*ret_what = "cannot create a temporary directory";
		return r;
	}
	snprintf(p, sizeof(p), "%s/%s", parent, tmp);
	r = vd_sysfs_open(p, &tree);
	if (r == 0)
		r = vd_bundle_writer_dir(tree, &w);
	if (r == 0)
		r = write_bundle(src, w, flags, msg);
	vd_sysfs_free(tree);
	return r;
}

/* The finished bundle takes its name; after any failure the temporary one goes. */
static int put_in_place(struct vd_sysfs *dir, const char *tmp, const char *base,
			const struct snapshot_opts *o, int r, struct vd_snapshot_msg *msg,
			long long size)
{
	if (r == 0 && o->force && vd_sysfs_kind(dir, base) == 'd')
		r = vd_sysfs_remove_tree(dir, base);
	if (r == 0)
		r = vd_sysfs_rename(dir, tmp, base);
	vd_snapshot_msg_clear(msg);
	if (r < 0) {
		vd_sysfs_remove_tree(dir, tmp);
		return fail(r == -ENOSPC ? "disk full" : "write failed", o->dest, r);
	}
	vd_snapshot_msg_done(msg, o->dest, size);
	return VD_EXIT_OK;
}

static int cmd_snapshot(struct vd_cli *cli, int argc, char **argv)
{
	struct snapshot_opts o = { 0 };
	struct vd_sysfs *src = NULL;
	_cleanup_(vd_sysfs_freep) struct vd_sysfs *dir = NULL;
	struct vd_snapshot_msg msg;
	const char *base, *what = NULL;
	char parent[1024], tmp[300];
	long long size = -1;
	int r;

	if (!parse_options(cli, argc, argv, &o, &r))
		return r;
	r = vd_cli_root(cli, &src);
	if (r)
		return r;
	vd_snapshot_msg_init(&msg, stderr, isatty(STDERR_FILENO), 1000);
	if (!strcmp(o.dest, "-"))
		return write_stdout(src, o.dest, o.flags, &msg);

	if (split(o.dest, parent, sizeof(parent), &base) < 0)
		return vd_cli_usage_error("snapshot: '%s' is not a usable destination", o.dest);
	r = vd_sysfs_open(parent, &dir);
	if (r < 0)
		return fail("its directory", o.dest, r);
	r = vd_sysfs_kind(dir, base);
	if (r != 'd' && is_other_extension(base))
		return vd_cli_usage_error("snapshot: '%s': unknown bundle extension; give "
					  "FILE.tar.gz, FILE.tgz, a directory name without an "
					  "extension, or -",
					  o.dest);
	if (r >= 0 && !o.force) {
		warnx("cannot write snapshot '%s': it exists (use --force to replace it)", o.dest);
		return VD_EXIT_USAGE;
	}
	/* everything goes to a temporary name first: no half-written bundle is ever left */
	snprintf(tmp, sizeof(tmp), ".%.200s.tmp-%ld", base, (long)getpid());
	if (is_archive_name(base))
		r = write_temp_archive(src, dir, tmp, o.flags, &msg, &size, &what);
	else
		r = write_temp_dir(src, dir, parent, tmp, o.flags, &msg, &what);
	if (what) {
		vd_snapshot_msg_clear(&msg);
		return fail(what, o.dest, r);
	}
	return put_in_place(dir, tmp, base, &o, r, &msg, size);
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
