/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor tests -- an offline diagnosis uses the bundle and nothing else (issue 11
 * §2). Every command runs under --sysroot on the hostile trees of tests/hostile/make-trees
 * under strace -f -y: every file opened must be inside the root (shared libraries and the
 * command's own input and output aside), no device node, FIFO or socket inside it may be
 * opened (O_PATH opens nothing and is allowed), and the verdicts are the bundle's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vd_test.h"

#include "vd/base/macro.h"

#define BINARY VD_SRCDIR "/virtio-doctor"

static char g_dir[256];
static bool g_strace;

struct traced {
	int rc;
	char *out, *trace;
	unsigned int inside, outside_lib, bad;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return strdup("");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

/* the binary with args under strace (when installed), TMPDIR in the test's directory */
static void run_traced(char *const *args, struct traced *t)
{
	static char *const st[] = { "strace", "-f",   "-y", "-qq",
				    "-s",     "4096", "-e", "trace=execve,open,openat,openat2",
				    "-o" };
	char out[PATH_MAX], trace[PATH_MAX], tmp[PATH_MAX];
	char *argv[64];
	size_t n = 0;
	bool root = false;
	pid_t pid;
	int st_, fd;

	snprintf(out, sizeof(out), "%s/.out", g_dir);
	snprintf(trace, sizeof(trace), "%s/.trace", g_dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", g_dir);
	unlink(trace);
	if (g_strace) {
		for (size_t i = 0; i < ARRAY_SIZE(st); i++)
			argv[n++] = st[i];
		argv[n++] = trace;
	}
	argv[n++] = (char *)BINARY;
	for (size_t i = 0; args[i]; i++) {
		root |= !strcmp(args[i], "--sysroot");
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	assert_true(root); /* RULE ZERO: never the real /sys */
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		dup2(nul, 0);
		dup2(fd, 1);
		dup2(nul, 2);
		setenv("TMPDIR", tmp, 1);
		/* LeakSanitizer stops the world with ptrace, which strace already holds */
		if (g_strace && getenv("ASAN_OPTIONS")) {
			char asan[512];

			snprintf(asan, sizeof(asan), "%s:detect_leaks=0", getenv("ASAN_OPTIONS"));
			setenv("ASAN_OPTIONS", asan, 1);
		}
		alarm(60); /* a FIFO that blocks ends the run in SIGALRM */
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd);
	assert_int_equal(waitpid(pid, &st_, 0), pid);
	t->rc = WIFEXITED(st_) ? WEXITSTATUS(st_) : 128 + WTERMSIG(st_);
	t->out = slurp(out);
	t->trace = g_strace ? slurp(trace) : strdup("");
}

static bool has_prefix(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* check-arm64 runs the binary through a wrapper script and qemu-user, which read files
 * of their own (their scripts, /proc/self/maps, /sys/devices/system/node, ...): the
 * colon-separated path prefixes in VD_TEST_RUNNER_FILES (/proc/PID/ matches /proc/self/) */
static bool runner_file(const char *p)
{
	const char *list = getenv("VD_TEST_RUNNER_FILES");
	char buf[PATH_MAX], self[PATH_MAX];
	size_t digits = strncmp(p, "/proc/", 6) ? 0 : strspn(p + 6, "0123456789");

	if (digits && p[6 + digits] == '/') {
		snprintf(self, sizeof(self), "/proc/self%s", p + 6 + digits);
		p = self;
	}
	for (const char *q = list; q && *q; q += strcspn(q, ":"), q += *q == ':') {
		size_t n = strcspn(q, ":");

		if (n && n < sizeof(buf)) {
			snprintf(buf, sizeof(buf), "%.*s", (int)n, q);
			if (has_prefix(p, buf))
				return true;
		}
	}
	return false;
}

/* A process's own /proc files: /proc/self/..., or /proc/PID/... as strace -y shows them. */
static bool own_proc_file(const char *p)
{
	size_t digits = strncmp(p, "/proc/", 6) ? 0 : strspn(p + 6, "0123456789");

	return has_prefix(p, "/proc/self") || (digits && p[6 + digits] == '/');
}

/* the dynamic loader's and libc's own files: ld.so.cache, lib*.so*, locales */
static bool library_file(const char *p)
{
	const char *base = strrchr(p, '/');

	base = base ? base + 1 : p;
	return !strcmp(p, "/etc/ld.so.cache") || !strcmp(p, "/etc/ld.so.preload") ||
	       (strstr(base, ".so") &&
		(strstr(base, ".so.") || !strcmp(strstr(base, ".so"), ".so"))) ||
	       has_prefix(p, "/usr/lib/locale") || has_prefix(p, "/usr/share/locale") ||
	       strstr(p, "/gconv/") ||
	       /* the sanitizer runtime of check-asan reads its own process's maps */
	       (getenv("ASAN_OPTIONS") && own_proc_file(p)) || runner_file(p);
}

/* "= 5</tmp/x/sys/...>": the path the fd really names, or NULL (an error result) */
static bool result_path(const char *line, char *buf, size_t size, long *ret_fd)
{
	const char *eq = strstr(line, ") = "), *lt, *end;

	if (!eq)
		return false;
	*ret_fd = strtol(eq + 4, NULL, 10);
	if (*ret_fd < 0)
		return false;
	lt = strchr(eq, '<');
	end = lt ? strrchr(lt, '>') : NULL;
	if (!lt || !end || (size_t)(end - lt - 1) >= size)
		return false;
	snprintf(buf, size, "%.*s", (int)(end - lt - 1), lt + 1);
	/* strace -y adds "<char 1:3>" to some devices: cut it */
	if ((lt = strchr(buf, '<')))
		*(char *)lt = '\0';
	return true;
}

/* Every open in the trace: inside root, or a library, or one of the extra paths. */
static void check_trace(struct traced *t, const char *root, const char *extra1, const char *extra2)
{
	char *save = NULL, *copy = strdup(t->trace);

	assert_non_null(copy);
	/* the binary's own execve proves the tracing: a static one may open nothing (decode) */
	assert_non_null(strstr(t->trace, "execve("));
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char path[PATH_MAX];
		struct stat st;
		long fd;

		if (!strstr(line, "open") || strstr(line, "execve(") || strstr(line, "<unfinished"))
			continue;
		if (!result_path(line, path, sizeof(path), &fd)) {
			/* a failed try: an absolute path from the working directory counts too */
			const char *q = strstr(line, "(AT_FDCWD");
			char arg[PATH_MAX];

			if (!q ||
			    sscanf(strchr(q, '"') ? strchr(q, '"') : "", "\"%4095[^\"]\"", arg) !=
				    1 ||
			    arg[0] != '/')
				continue;
			if (!has_prefix(arg, root) && !library_file(arg) &&
			    !(extra1 && has_prefix(arg, extra1)) &&
			    !(extra2 && has_prefix(arg, extra2))) {
				print_error("tried outside the root: %s\n", line);
				t->bad++;
			}
			continue;
		}
		/* O_PATH on a directory above the root reads nothing: an anchor (the unpacked
		 * bundle's removal starts at "/") */
		if (strstr(line, "O_PATH") && has_prefix(root, path)) {
			t->inside++;
			continue;
		}
		/* its own /proc/self/fd, O_PATH: what a file looked at is reopened through */
		if (strstr(line, "O_PATH") && own_proc_file(path) && strlen(path) > 3 &&
		    !strcmp(path + strlen(path) - 3, "/fd")) {
			t->outside_lib++;
			continue;
		}
		if (has_prefix(path, root)) {
			t->inside++;
			if (strstr(line, "O_PATH") || strstr(line, "O_DIRECTORY"))
				continue;
			if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
				print_error("a device, FIFO or socket in the root opened: %s\n",
					    line);
				t->bad++;
			}
		} else if ((extra1 && has_prefix(path, extra1)) ||
			   (extra2 && has_prefix(path, extra2))) {
			t->inside++;
		} else if (library_file(path)) {
			t->outside_lib++;
		} else {
			print_error("opened outside the root: %s\n", line);
			t->bad++;
		}
	}
	free(copy);
}

static void traced_done(struct traced *t)
{
	free(t->out);
	free(t->trace);
}

static void tree(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/t/%s", g_dir, name);
}

/* one command on one tree: confined, and its exit code */
static struct traced confined(const char *name, char *const *cmd, int rc, const char *extra)
{
	char root[PATH_MAX], *args[32] = { (char *)"--sysroot", root };
	struct traced t = { 0 };
	size_t n = 2;

	tree(root, sizeof(root), name);
	for (size_t i = 0; cmd[i]; i++)
		args[n++] = cmd[i];
	args[n] = NULL;
	run_traced(args, &t);
	if (t.rc != rc)
		print_error("%s: exit %d, expected %d\n", name, t.rc, rc);
	assert_int_equal(t.rc, rc);
	if (g_strace) {
		check_trace(&t, root, extra, NULL);
		printf("# %s %s: %u opens in the root, %u libraries outside, %u violations\n", name,
		       cmd[0], t.inside, t.outside_lib, t.bad);
		assert_int_equal(t.bad, 0);
	}
	return t;
}

static bool has(const char *out, const char *s)
{
	return strstr(out, s) != NULL;
}

#define CMD(...) ((char *const[]){ __VA_ARGS__, NULL })

/* every read-only command on every tree */
static void test_every_command(void **state)
{
	static const char *const trees[] = { "conf", "modules", "config" };
	char snap[PATH_MAX], out[PATH_MAX];

	(void)state;
	snprintf(out, sizeof(out), "%s/out", g_dir);
	for (size_t i = 0; i < ARRAY_SIZE(trees); i++) {
		const char *n = trees[i];
		struct traced t;

		t = confined(n, CMD("scan", "-J", "-o", "+PROBLEM"), 1, NULL);
		traced_done(&t);
		t = confined(n, CMD("explain", "--all"), 1, NULL);
		traced_done(&t);
		t = confined(n, CMD("check", "-v"), 1, NULL);
		traced_done(&t);
		t = confined(n, CMD("report"), 1, NULL);
		traced_done(&t);
		t = confined(n, CMD("metrics"), 0, NULL);
		traced_done(&t);
		t = confined(n, CMD("bind", "--dry-run", "0000:00:04.0"), 0, NULL);
		traced_done(&t);
		t = confined(n, CMD("decode", "1af4:1000"), 0, NULL);
		traced_done(&t);
		/* snapshot writes its bundle (through a temporary name) in the destination's
		 * directory: that and the tree, nothing else */
		snprintf(snap, sizeof(snap), "%s/out/snap-%s.tar.gz", g_dir, n);
		t = confined(n, CMD("snapshot", snap), 0, strrchr(snap, '/') ? out : NULL);
		traced_done(&t);
	}
}

/* the verdicts are the bundle's, whatever the analyst's machine holds */
static void test_verdicts(void **state)
{
	struct traced t;

	(void)state;
	t = confined("conf", CMD("explain", "-J", "0000:00:04.0"), 1, NULL);
	assert_true(has(t.out, "\"verdict\": \"pci-driver-not-loaded\""));
	assert_false(has(t.out, "modprobe.d: 'blacklist virtio_pci'"));
	assert_false(has(t.out, "install virtio_pci"));
	assert_false(has(t.out, "kernel command line"));
	/* what could not be read is said */
	assert_true(has(t.out, "modprobe.d: not read"));
	assert_true(has(t.out, "lib/modprobe.d/fifo.conf"));
	traced_done(&t);

	/* lib/modules/RELEASE leaves the tree: the bundle has no module tree */
	t = confined("modules", CMD("explain", "-J", "0000:00:04.0"), 1, NULL);
	assert_true(has(t.out, "\"verdict\": \"pci-driver-missing\""));
	traced_done(&t);

	/* config space through an absolute device link: the bundle's, with its common cap */
	t = confined("config", CMD("explain", "-J", "0000:00:04.0"), 1, NULL);
	assert_true(has(t.out, "\"verdict\": \"probe-rejected\""));
	traced_done(&t);

	/* the log is kmsg.txt, not the dev/kmsg device in the tree (which check_trace refuses) */
	t = confined("conf", CMD("explain", "-J", "--all"), 1, NULL);
	if (g_strace)
		assert_true(has(t.trace, "/kmsg.txt>"));
	traced_done(&t);
}

/* the same output with the analyst's decoys there and gone */
static void test_decoys_change_nothing(void **state)
{
	static const char *const trees[] = { "conf", "modules", "config" };
	char host[PATH_MAX], away[PATH_MAX];

	(void)state;
	snprintf(host, sizeof(host), "%s/t/host", g_dir);
	snprintf(away, sizeof(away), "%s/t/host.away", g_dir);
	for (size_t i = 0; i < ARRAY_SIZE(trees); i++) {
		struct traced a, b;

		a = confined(trees[i], CMD("explain", "-J", "--all"), 1, NULL);
		assert_int_equal(rename(host, away), 0);
		b = confined(trees[i], CMD("explain", "-J", "--all"), 1, NULL);
		assert_int_equal(rename(away, host), 0);
		assert_string_equal(a.out, b.out);
		traced_done(&a);
		traced_done(&b);
	}
}

/* bind for real, on a copy: writes stay in the copy, no module is loaded from a tree */
static void test_bind_on_copy(void **state)
{
	char cmd[PATH_MAX * 3];
	struct traced t;

	(void)state;
	snprintf(cmd, sizeof(cmd), "cp -a '%s/t/conf' '%s/t/copy'", g_dir, g_dir);
	assert_int_equal(system(cmd), 0);
	t = confined("copy", CMD("bind", "0000:00:04.0"), 1, NULL);
	traced_done(&t);
}

/* a bundle file: the file itself and the unpacked tree under TMPDIR, nothing else */
static void test_bundle_file(void **state)
{
	char bundle[PATH_MAX], tmp[PATH_MAX];
	char *args[] = { (char *)"--sysroot", bundle, (char *)"explain", (char *)"--all", NULL };
	struct traced t = { 0 };

	(void)state;
	snprintf(bundle, sizeof(bundle), "%s/out/snap-conf.tar.gz", g_dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", g_dir);
	if (access(bundle, F_OK) != 0)
		skip();
	run_traced(args, &t);
	assert_int_equal(t.rc, 1);
	if (g_strace) {
		check_trace(&t, tmp, bundle, NULL);
		printf("# bundle explain: %u opens in the root, %u libraries outside, %u "
		       "violations\n",
		       t.inside, t.outside_lib, t.bad);
		assert_int_equal(t.bad, 0);
	}
	traced_done(&t);
}

static int setup(void **state)
{
	char cmd[PATH_MAX * 3];

	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/vd-confine-XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	snprintf(
		cmd, sizeof(cmd),
		"mkdir -p '%s/tmp' '%s/out' && '%s/tests/hostile/make-trees' '%s/tests/fixtures' '%s/t'",
		g_dir, g_dir, VD_SRCDIR, VD_SRCDIR, g_dir);
	if (system(cmd) != 0)
		return -1;
	g_strace = system("strace -V >/dev/null 2>&1") == 0;
	if (!g_strace)
		printf("test_confine: strace not installed (make deps-test): verdicts only\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	if (strncmp(g_dir, "/tmp/vd-confine-", 16))
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_command),	      cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_decoys_change_nothing), cmocka_unit_test(test_bind_on_copy),
		cmocka_unit_test(test_bundle_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
