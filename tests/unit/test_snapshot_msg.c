/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- what snapshot says (progress, what it wrote), the names it takes */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vd_run.h"

#include "vd/cli/snapshot_msg.h"

static void test_size(void **state)
{
	static const struct {
		unsigned long long bytes;
		const char *text;
	} c[] = {
		{ 0, "0 B" },
		{ 1023, "1023 B" },
		{ 1536, "1.5 KiB" },
		{ 5ULL << 20, "5.0 MiB" },
		{ 3ULL << 30, "3.0 GiB" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		vd_snapshot_msg_size(c[i].bytes, buf, sizeof(buf));
		assert_string_equal(buf, c[i].text);
	}
}

/* as the writer does after each file */
static void wrote(struct vd_snapshot_msg *m, size_t len)
{
	m->p.files++;
	m->p.bytes += len;
	m->p.update(&m->p);
}

/* On a terminal past the delay: a progress line, taken off before the closing line. */
static void test_progress_terminal(void **state)
{
	struct vd_snapshot_msg m;
	char *text = NULL;
	size_t size = 0;
	FILE *err = open_memstream(&text, &size);

	(void)state;
	assert_non_null(err);
	vd_snapshot_msg_init(&m, err, true, 0);
	wrote(&m, 1000);
	wrote(&m, 1048);
	vd_snapshot_msg_done(&m, "b.tar.gz", 100);
	fclose(err);
	assert_non_null(strstr(text, "\r\033[Kvirtio-doctor: snapshot: 1 files, 1000 B ..."));
	/* redrawn at most every 100 ms: the second file came sooner */
	assert_null(strstr(text, "2 files, 2.0 KiB ..."));
	assert_non_null(
		strstr(text, "...\r\033[Kvirtio-doctor: wrote 'b.tar.gz': 2 files, 100 B (2.0 KiB "
			     "uncompressed)\n"));
	free(text);
}

/* Not a terminal, or not slow yet: the closing line only. */
static void test_progress_quiet(void **state)
{
	for (int k = 0; k < 2; k++) {
		struct vd_snapshot_msg m;
		char *text = NULL;
		size_t size = 0;
		FILE *err = open_memstream(&text, &size);

		(void)state;
		assert_non_null(err);
		vd_snapshot_msg_init(&m, err, k == 0 ? false : true, k == 0 ? 0 : 60000);
		wrote(&m, 10);
		vd_snapshot_msg_done(&m, "dir", -1);
		vd_snapshot_msg_done(&m, NULL, -1);
		fclose(err);
		assert_string_equal(text,
				    "virtio-doctor: wrote 'dir': 1 files, 10 B\n"
				    "virtio-doctor: wrote 1 files, 10 B, to standard output\n");
		free(text);
	}
}

/* regular files under dir, and their bytes */
static void count_tree(const char *dir, size_t *files, unsigned long long *bytes)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		assert_int_equal(lstat(p, &st), 0);
		if (S_ISDIR(st.st_mode))
			count_tree(p, files, bytes);
		else if (S_ISREG(st.st_mode)) {
			(*files)++;
			*bytes += (unsigned long long)st.st_size;
		}
	}
	closedir(d);
}

/* The closing line counts what is really in the bundle. */
static void test_snapshot_says_what_it_wrote(void **state)
{
	char tmp[] = "/tmp/vd-snapmsg-XXXXXX", dir[64], tgz[64], want[256], sz[32], arc[32],
	     cmd[128];
	char *to_dir[] = { "--sysroot", VD_FIXTURE("qemu-6.1-mixed"), "snapshot", dir, NULL };
	char *to_tgz[] = { "--sysroot", VD_FIXTURE("qemu-6.1-mixed"), "snapshot", tgz, NULL };
	size_t files = 0;
	unsigned long long bytes = 0;
	struct stat st;
	struct run r;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	snprintf(dir, sizeof(dir), "%s/tree", tmp);
	snprintf(tgz, sizeof(tgz), "%s/b.tar.gz", tmp);
	run(to_dir, &r);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "");
	count_tree(dir, &files, &bytes);
	assert_true(files > 100);
	vd_snapshot_msg_size(bytes, sz, sizeof(sz));
	snprintf(want, sizeof(want), "virtio-doctor: wrote '%s': %zu files, %s\n", dir, files, sz);
	assert_string_equal(r.err, want);
	run_done(&r);

	run(to_tgz, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(stat(tgz, &st), 0);
	vd_snapshot_msg_size((unsigned long long)st.st_size, arc, sizeof(arc));
	snprintf(want, sizeof(want), "virtio-doctor: wrote '%s': %zu files, %s (%s uncompressed)\n",
		 tgz, files, arc, sz);
	assert_string_equal(r.err, want);
	run_done(&r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

/* A name with an extension that is no tar.gz is an error, and nothing is created. */
static void test_snapshot_names(void **state)
{
	static const char *const refused[] = { "foo.tar", "b.zip", "x.tar.bz2", "c.gz" };
	static const char *const archives[] = { "b.TAR.GZ", "c.TGZ", "d.tgz" };
	char tmp[] = "/tmp/vd-snapmsg-XXXXXX", dest[96], cmd[160];
	char *args[] = { "--sysroot", VD_FIXTURE("firecracker-6.18"), "snapshot", dest, NULL };
	char *force[] = { "--sysroot", VD_FIXTURE("firecracker-6.18"), "snapshot", "--force", dest,
			  NULL };
	struct stat st;
	struct run r;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(dest, sizeof(dest), "%s/%s", tmp, refused[i]);
		run(args, &r);
		assert_int_equal(r.rc, 2);
		assert_non_null(strstr(r.err, refused[i]));
		assert_non_null(
			strstr(r.err, "unknown bundle extension; give FILE.tar.gz, FILE.tgz"));
		assert_int_not_equal(lstat(dest, &st), 0);
		run_done(&r);
	}
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s')\"", tmp);
	assert_int_equal(system(cmd), 0);
	/* the archive names, in any case: a gzip file */
	for (size_t i = 0; i < sizeof(archives) / sizeof(archives[0]); i++) {
		FILE *f;

		snprintf(dest, sizeof(dest), "%s/%s", tmp, archives[i]);
		run(args, &r);
		assert_int_equal(r.rc, 0);
		run_done(&r);
		f = fopen(dest, "rb");
		assert_non_null(f);
		assert_int_equal(fgetc(f), 0x1f);
		assert_int_equal(fgetc(f), 0x8b);
		fclose(f);
	}
	/* an existing directory may carry a dot; so may a date */
	snprintf(dest, sizeof(dest), "%s/bundle.old", tmp);
	assert_int_equal(mkdir(dest, 0700), 0);
	run(force, &r);
	assert_int_equal(r.rc, 0);
	run_done(&r);
	assert_int_equal(stat(dest, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	snprintf(dest, sizeof(dest), "%s/snap-2026.12.06", tmp);
	run(args, &r);
	assert_int_equal(r.rc, 0);
	run_done(&r);
	assert_int_equal(stat(dest, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

/* check names an absent type plainly, once: "no virtio gpu device", not "device device" */
static void test_check_type_names(void **state)
{
	char *args[] = { "--sysroot", VD_FIXTURE("qemu-6.1-vsock"),
			 "check",     "--require",
			 "vsock,gpu", "-v",
			 NULL };
	struct run r;

	(void)state;
	run(args, &r);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "gpu: absent: no virtio gpu device on this machine\n");
	run_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_progress_terminal),
		cmocka_unit_test(test_progress_quiet),
		cmocka_unit_test(test_snapshot_says_what_it_wrote),
		cmocka_unit_test(test_snapshot_names),
		cmocka_unit_test(test_check_type_names),
	};

	/* the lines name the program, as the tool's do */
	program_invocation_short_name = (char *)"virtio-doctor";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
