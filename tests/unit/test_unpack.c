/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor tests -- hostile bundles given as --sysroot (tests/hostile/README.md): each
 * case its exit code and its one stderr line, and nothing left in a private $TMPDIR, also
 * when SIGINT, SIGTERM or SIGHUP stop an unpack or the command that runs on it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vd_run.h"

static char g_dir[] = "/tmp/vd-hostile-XXXXXX"; /* the generated bundles */
static char g_tmp[PATH_MAX];			/* the private $TMPDIR of one case */

static int setup(void **state)
{
	char cmd[PATH_MAX + 64];

	(void)state;
	if (!mkdtemp(g_dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s/tests/hostile/gen-bundles' '%s'", VD_SRCDIR, g_dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_unpack: tests/hostile/gen-bundles failed\n");
		return -1;
	}
	snprintf(g_tmp, sizeof(g_tmp), "%s/tmp", g_dir);
	return mkdir(g_tmp, 0700);
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Entries left in the private $TMPDIR (and they are removed for the next case). */
static int leftovers(void)
{
	DIR *d = opendir(g_tmp);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	if (n) {
		char cmd[2 * PATH_MAX + 32];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'/* '%s'/.??*", g_tmp, g_tmp);
		(void)!system(cmd);
	}
	return n;
}

static void bundle_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", g_dir, name);
}

static const struct hcase {
	const char *bundle; /* in g_dir, or an absolute path */
	const char *env;    /* NAME=VALUE or NULL */
	int rc;
	const char *line; /* what the one stderr line holds */
} hcases[] = {
	{ "bomb-bytes.tar.gz", "VD_BUNDLE_MAX_BYTES=4M", 2,
	  "bomb-bytes.tar.gz': it expands to more than 4194304 bytes (VD_BUNDLE_MAX_BYTES)" },
	{ "bomb-member.tar.gz", NULL, 2,
	  "member 'huge' is larger than 67108864 bytes (VD_BUNDLE_MAX_MEMBER)" },
	{ "member.tar.gz", "VD_BUNDLE_MAX_MEMBER=1M", 2,
	  "member 'big' is larger than 1048576 bytes (VD_BUNDLE_MAX_MEMBER)" },
	{ "deep.tar.gz", NULL, 2, "is nested more than 32 levels deep (VD_BUNDLE_MAX_DEPTH)" },
	/* allowed deeper: unpacked 101 levels deep, and still removed */
	{ "deep.tar.gz", "VD_BUNDLE_MAX_DEPTH=200", 2, "nothing to read under '" },
	/* the limit's both sides: the file at the bottom is 101 names deep */
	{ "deep.tar.gz", "VD_BUNDLE_MAX_DEPTH=101", 2, "nothing to read under '" },
	{ "deep.tar.gz", "VD_BUNDLE_MAX_DEPTH=100", 2,
	  "is nested more than 100 levels deep (VD_BUNDLE_MAX_DEPTH)" },
	/* ".." in any component, not only the first */
	{ "dotdot-late.tar.gz", NULL, 2, "unsafe member 'a/b/../../../evil'" },
	{ "entries.tar.gz", "VD_BUNDLE_MAX_ENTRIES=100", 2,
	  "more than 100 entries (VD_BUNDLE_MAX_ENTRIES)" },
	{ "plain.tar.gz", NULL, 2, "plain.tar.gz': not a gzip-compressed tar archive" },
	{ "gzip-not-tar.tar.gz", NULL, 2, "not a gzip-compressed tar archive" },
	{ "absolute.tar.gz", NULL, 2, "unsafe member '/etc/evil'" },
	{ "dotdot.tar.gz", NULL, 2, "unsafe member 'sys/../../evil'" },
	{ "dup-dir.tar.gz", NULL, 2, "member 'y' would replace a directory" },
	{ "fifo", NULL, 2, "fifo': neither a directory nor a regular file" },
	{ "/dev/null", NULL, 2, "'/dev/null': neither a directory nor a regular file" },
	{ "entries.tar.gz", "VD_BUNDLE_MAX_ENTRIES=lots", 2,
	  "VD_BUNDLE_MAX_ENTRIES: not a positive number" },
	{ "entries.tar.gz", "VD_BUNDLE_MAX_BYTES=0", 2,
	  "VD_BUNDLE_MAX_BYTES: not a positive number" },
};

static void run_env(const char *env, char *const *args, struct run *r)
{
	char name[64];
	const char *eq = env ? strchr(env, '=') : NULL;

	setenv("TMPDIR", g_tmp, 1);
	if (eq) {
		snprintf(name, sizeof(name), "%.*s", (int)(eq - env), env);
		setenv(name, eq + 1, 1);
	}
	alarm(60); /* a hang (the FIFO) fails the test instead of blocking it */
	run(args, r);
	alarm(0);
	if (eq)
		unsetenv(name);
	unsetenv("TMPDIR");
}

static void test_cases(void **state)
{
	char fifo[PATH_MAX];

	(void)state;
	bundle_path(fifo, sizeof(fifo), "fifo");
	if (access(fifo, F_OK) != 0)
		assert_int_equal(mkfifo(fifo, 0600), 0);
	for (size_t i = 0; i < sizeof(hcases) / sizeof(hcases[0]); i++) {
		const struct hcase *c = &hcases[i];
		char path[PATH_MAX];
		char *args[] = { "--sysroot", path, "scan", NULL };
		const char *nl;
		struct run r;
		int left;

		if (c->bundle[0] == '/')
			snprintf(path, sizeof(path), "%s", c->bundle);
		else
			bundle_path(path, sizeof(path), c->bundle);
		run_env(c->env, args, &r);
		left = leftovers();
		nl = strchr(r.err, '\n');
		if (r.rc != c->rc || !strstr(r.err, c->line) || !nl || nl[1] ||
		    strncmp(r.err, "virtio-doctor: ", 15) || r.out[0] || left)
			fail_msg("%s %s: exit %d (want %d), %d left in $TMPDIR, stdout '%s', "
				 "stderr (want one line with '%s'):\n%s",
				 c->bundle, c->env ? c->env : "", r.rc, c->rc, left, r.out, c->line,
				 r.err);
		run_done(&r);
	}
}

/* "a" and "b" the same once the roots they name are both ROOT */
static char *rooted(const char *s, const char *root)
{
	size_t rl = strlen(root);
	char *out = malloc(strlen(s) + 1), *o = out;

	assert_non_null(out);
	while (*s) {
		if (!strncmp(s, root, rl)) {
			memcpy(o, "ROOT", 4);
			o += 4;
			s += rl;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* The unpacked tree's name (virtio-doctor-XXXXXX) in output, made ROOT. */
static char *untemp(const char *s)
{
	char prefix[PATH_MAX + 32];
	char *out = strdup(s), *p;

	assert_non_null(out);
	snprintf(prefix, sizeof(prefix), "%s/virtio-doctor-", g_tmp);
	while ((p = strstr(out, prefix))) {
		size_t skip = strlen(prefix) + 6;

		memcpy(p, "ROOT", 4);
		memmove(p + 4, p + skip, strlen(p + skip) + 1);
	}
	return out;
}

/* Unpack with GNU tar into g_dir/NAME.d; returns that path in buf. */
static void tar_x(const char *bundle, char *buf, size_t size)
{
	char cmd[3 * PATH_MAX];

	snprintf(buf, size, "%s/%s.d", g_dir, bundle);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir '%s' && tar -xzf '%s/%s' -C '%s'", buf,
		 buf, g_dir, bundle, buf);
	assert_int_equal(system(cmd), 0);
}

/*
 * A name met twice: the last member wins, as GNU tar has it, so the bundle and its copy
 * unpacked by tar diagnose the same, and the same files come out of them.
 */
static void test_duplicates(void **state)
{
	char dir[PATH_MAX], tgz[PATH_MAX], snap[PATH_MAX], file[2 * PATH_MAX];
	char *a_args[] = { "--sysroot", tgz, "explain", "--all", "-J", NULL };
	char *b_args[] = { "--sysroot", dir, "explain", "--all", "-J", NULL };
	char *s_args[] = { "--sysroot", tgz, "snapshot", snap, NULL };
	struct run a, b;
	char *x, *y;

	(void)state;
	bundle_path(tgz, sizeof(tgz), "dup-cmdline.tar.gz");
	tar_x("dup-cmdline.tar.gz", dir, sizeof(dir));
	run_env(NULL, a_args, &a);
	run_env(NULL, b_args, &b);
	/* the second proc/cmdline blacklists the vsock transport: that is the verdict */
	assert_non_null(strstr(a.out, "virtio-driver-blacklisted"));
	x = untemp(a.out);
	y = rooted(b.out, dir);
	assert_int_equal(a.rc, b.rc);
	if (strcmp(x, y))
		fail_msg("bundle and its tar copy differ:\n%s\n---\n%s", x, y);
	free(x);
	free(y);
	run_done(&a);
	run_done(&b);
	assert_int_equal(leftovers(), 0);

	/* a file, a link, a file again; a directory, then a file */
	bundle_path(tgz, sizeof(tgz), "dup-kinds.tar.gz");
	tar_x("dup-kinds.tar.gz", dir, sizeof(dir));
	bundle_path(snap, sizeof(snap), "dup-kinds-snap");
	run_env(NULL, s_args, &a);
	assert_int_equal(a.rc, 0);
	run_done(&a);
	for (int k = 0; k < 2; k++) {
		const char *f = k ? "etc/modprobe.d/y.conf" : "etc/modprobe.d/x.conf";
		char *ours, *tars;

		snprintf(file, sizeof(file), "%s/%s", snap, f);
		ours = slurp(file);
		snprintf(file, sizeof(file), "%s/%s", dir, f);
		tars = slurp(file);
		assert_non_null(ours);
		assert_non_null(tars);
		assert_string_equal(ours, tars);
		assert_string_equal(ours, k ? "# a file now\n" : "# last\n");
		free(ours);
		free(tars);
	}
	assert_int_equal(leftovers(), 0);
}

static bool exists_in_tree(const char *name)
{
	DIR *d = opendir(g_tmp);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char p[2 * PATH_MAX];

		if (strncmp(de->d_name, "virtio-doctor-", 14))
			continue;
		snprintf(p, sizeof(p), "%s/%s/%s", g_tmp, de->d_name, name);
		found = access(p, F_OK) == 0;
	}
	closedir(d);
	return found;
}

static char proc_state(pid_t pid)
{
	char p[64], buf[512], *paren;
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	f = fopen(p, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return paren && paren[1] ? paren[2] : '?';
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Start the binary on a bundle with stdout into a pipe filled beforehand (a command that
 * prints blocks there), wait until `marker` exists in the unpacked tree (or, when
 * stop_early, until the tree exists, then stop it there), send sig, and check the process
 * died of sig and left nothing in $TMPDIR.
 */
static void signal_case(const char *bundle, char *const *cmd, const char *marker, bool stop_early,
			int sig)
{
	char tgz[PATH_MAX], *argv[16];
	int pfd[2], st, n = 0;
	pid_t pid;

	bundle_path(tgz, sizeof(tgz), bundle);
	argv[n++] = "virtio-doctor";
	argv[n++] = "--sysroot";
	argv[n++] = tgz;
	while (*cmd && n < 15)
		argv[n++] = *cmd++;
	argv[n] = NULL;
	assert_int_equal(pipe(pfd), 0);
	{
		char fill[4096] = { 0 };
		int fl = fcntl(pfd[1], F_GETFL);

		fcntl(pfd[1], F_SETFL, fl | O_NONBLOCK);
		while (write(pfd[1], fill, sizeof(fill)) > 0)
			;
		fcntl(pfd[1], F_SETFL, fl);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		/* the tool keeps an ignored signal ignored (nohup): start from the defaults */
		for (size_t i = 0; i < 3; i++)
			signal(i == 0 ? SIGINT : i == 1 ? SIGTERM : SIGHUP, SIG_DFL);
		setenv("TMPDIR", g_tmp, 1);
		dup2(pfd[1], 1);
		dup2(null, 2);
		close(pfd[0]);
		execv(BINARY, argv);
		_exit(127);
	}
	close(pfd[1]);
	alarm(120);
	if (stop_early) {
		/* as soon as the tree is there: the unpack has just begun */
		while (!exists_in_tree(".") && waitpid(pid, &st, WNOHANG) == 0)
			;
		kill(pid, SIGSTOP);
		if (exists_in_tree(marker))
			fail_msg("%s: the unpack ended before the signal", bundle);
	} else {
		/* the last member is there: the command runs, until it blocks on stdout */
		while (!exists_in_tree(marker) && waitpid(pid, &st, WNOHANG) == 0)
			pause_ms(1);
		for (int i = 0; i < 10000 && proc_state(pid) != 'S'; i++)
			pause_ms(1);
	}
	kill(pid, sig);
	kill(pid, SIGCONT);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	alarm(0);
	close(pfd[0]);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
		fail_msg("%s: %s: status %#x, want death by signal %d", bundle,
			 stop_early ? "unpack" : "command", st, sig);
	assert_int_equal(leftovers(), 0);
}

static void test_signals(void **state)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	char snap[PATH_MAX], *scan[] = { "scan", NULL }, *report[] = { "report", "-J", NULL };
	char *s_args[] = { "--sysroot", VD_FIXTURE("firecracker-6.18"), "snapshot", snap, NULL };
	struct run r;

	(void)state;
	/* a bundle of a fixture: report -J prints more than a pipe's buffer in pieces */
	bundle_path(snap, sizeof(snap), "fc.tar.gz");
	run(s_args, &r);
	assert_int_equal(r.rc, 0);
	run_done(&r);
	for (size_t i = 0; i < 3; i++) {
		signal_case("slow.tar.gz", scan, "zz-last", true, sigs[i]);
		signal_case("fc.tar.gz", report, "virtio-doctor/MANIFEST", false, sigs[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_signals),
	};
	return cmocka_run_group_tests_name("unpack", tests, setup, teardown);
}
