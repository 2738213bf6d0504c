/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- the built binary against fixtures and this machine's own /sys */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vd_test.h"

#include "vd/base/sysfs.h"
#include "vd/facts/vsock.h"
#include "vd_run.h"

/* The vsock CID ioctl works here: /dev/vsock exists and no emulator answers ENOSYS
 * (qemu-user, under make check-arm64, does not pass this ioctl on). */
static bool cid_ioctl_works(void)
{
	struct vd_sysfs *s = NULL;
	uint32_t cid;
	int r;

	if (access("/dev/vsock", F_OK) != 0 || vd_sysfs_open("/", &s) < 0)
		return false;
	r = vd_vsock_local_cid(s, &cid);
	vd_sysfs_free(s);
	return r != -ENOSYS;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Every line of tests/cli-cases.txt: exit code and stdout, byte for byte. */
static void test_cli_cases(void **state)
{
	FILE *f = fopen(VD_SRCDIR "/tests/cli-cases.txt", "r");
	char line[1024];
	int ncases = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *name, *rc, *args, *args_expanded, *tok, *save = NULL, *argv[48];
		char path[PATH_MAX];
		size_t n = 0;
		char *expected;
		struct run r;

		if (line[0] == '#' || !strchr(line, '|'))
			continue;
		name = trim(strtok(line, "|"));
		rc = trim(strtok(NULL, "|"));
		args = trim(strtok(NULL, "\n"));
		/* FIX stands for the fixture directory */
		args_expanded = calloc(1, strlen(args) * 4 + PATH_MAX);
		assert_non_null(args_expanded);
		for (const char *p = args; *p;) {
			if (!strncmp(p, "FIX", 3)) {
				strcat(args_expanded, VD_SRCDIR "/tests/fixtures");
				p += 3;
			} else {
				strncat(args_expanded, p++, 1);
			}
		}
		for (tok = strtok_r(args_expanded, " ", &save); tok && n < 47;
		     tok = strtok_r(NULL, " ", &save))
			argv[n++] = tok;
		argv[n] = NULL;
		run(argv, &r);
		snprintf(path, sizeof(path), VD_SRCDIR "/tests/expected/%s.out", name);
		expected = slurp(path);
		if (!expected || strcmp(expected, r.out) || r.rc != atoi(rc)) {
			print_error("case '%s': exit %d (want %s)\nstdout:\n%s\nstderr:\n%s\n",
				    name, r.rc, rc, r.out, r.err);
			fail_msg("case '%s' differs from tests/expected/%s.out", name, name);
		}
		/* every failure says what and where on stderr; usage errors point to --help */
		if (r.rc == 2 && strncmp(name, "no-", 3) && strcmp(name, "no-such-root"))
			assert_non_null(strstr(r.err, "Try 'virtio-doctor --help'"));
		if (r.rc == 2)
			assert_non_null(strstr(r.err, "virtio-doctor: "));
		free(expected);
		free(args_expanded);
		run_done(&r);
		ncases++;
	}
	fclose(f);
	assert_true(ncases >= 30);
}

/*
 * Every line of tests/explain-cases.txt: one fixture per verdict, changed from a real
 * capture only where the kernel would change it; explain -J names the expected verdict.
 */
static void test_explain_cases(void **state)
{
	FILE *f = fopen(VD_SRCDIR "/tests/explain-cases.txt", "r");
	char line[1024];
	int ncases = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *fixture, *device, *verdict, root[PATH_MAX], want[128];
		char *args[] = { "--sysroot", root, "explain", "-J", NULL, NULL };
		struct run r;

		if (line[0] == '#' || !strchr(line, '|'))
			continue;
		fixture = trim(strtok(line, "|"));
		device = trim(strtok(NULL, "|"));
		verdict = trim(strtok(NULL, "|"));
		snprintf(root, sizeof(root), VD_SRCDIR "/tests/fixtures/%s", fixture);
		args[4] = device;
		run(args, &r);
		snprintf(want, sizeof(want), "\"verdict\": \"%s\",", verdict);
		/* ok and an empty virtio-mmio slot are no problem: exit 0 */
		if (!strstr(r.out, want) ||
		    r.rc != (strcmp(verdict, "ok") && strcmp(verdict, "mmio-empty") ? 1 : 0))
			fail_msg("explain %s on %s: exit %d, want verdict %s:\n%s%s", device,
				 fixture, r.rc, verdict, r.out, r.err);
		/* every finding names its evidence, and explain never prints a bare problem */
		assert_non_null(strstr(r.out, "\"evidence\": [\n             \""));
		/* an empty list is [], as in the report, never [null] */
		assert_null(strstr(r.out, "[\n             null\n"));
		if (!strcmp(verdict, "ok"))
			assert_non_null(strstr(r.out, "\"remedy\": []"));
		run_done(&r);
		ncases++;
	}
	fclose(f);
	assert_true(ncases >= 37);
}

static void test_broken_tree_warnings_name_files(void **state)
{
	char *args[] = { "--sysroot", VD_FIXTURE("broken-attrs"), "scan", NULL };
	struct run r;

	(void)state;
	run(args, &r);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(
		r.err,
		"virtio-doctor: cannot read '" VD_FIXTURE(
			"broken-attrs") "/sys/bus/pci/devices/0000:00:05.0/driver': dangling symlink\n"));
	/* the modalias answered for the missing vendor file, which is then never read */
	assert_null(strstr(r.err, "0000:00:01.0/vendor"));
	assert_non_null(strstr(r.out, "0000:00:01.0 1af4:1045 "));
	assert_non_null(strstr(r.err, "0000:00:05.0/driver': dangling symlink\n"));
	assert_non_null(strstr(r.err, "virtio4/status': empty file\n"));
	/* the healthy vsock beside them is still reported whole */
	assert_non_null(strstr(r.out, "0000:00:04.0 1af4:1053 modern    vsock   virtio-pci virtio3 "
				      "vmw_vsock_virtio_transport ok"));
	run_done(&r);
}

/* The summary names every command; each command's --help is its own, scan's lists columns. */
/* Global options anywhere on the line; a missing argument is named as such. */
static void test_global_options_anywhere(void **state)
{
	char *before[] = { "--sysroot", VD_FIXTURE("firecracker-6.18"), "scan", "-r", "-n", NULL };
	char *after[] = { "scan", "-r", "--sysroot", VD_FIXTURE("firecracker-6.18"), "-n", NULL };
	char *dflt[] = { "-r", "-n", "-s", VD_FIXTURE("firecracker-6.18"), NULL };
	char *twice[] = { "-s",	     "/nonexistent",
			  "explain", "--sysroot=" VD_FIXTURE("fc-vsock-unbound"),
			  "vsock",   NULL };
	static const char *const missing[][3] = {
		{ "scan", "-o", "option '-o' requires an argument" },
		{ "scan", "--output", "option '--output' requires an argument" },
		{ "bind", "--wait", "option '--wait' requires an argument" },
		{ "check", "-R", "option '-R' requires an argument" },
		{ "explain", "--sysroot", "option '--sysroot' requires an argument" },
	};
	struct run a, b;

	(void)state;
	run(before, &a);
	assert_int_equal(a.rc, 0);
	assert_non_null(strstr(a.out, "0000:00:04.0 1af4:1053 modern vsock"));
	run(after, &b);
	assert_int_equal(b.rc, 0);
	assert_string_equal(a.out, b.out);
	run_done(&b);
	run(dflt, &b);
	assert_int_equal(b.rc, 0);
	assert_string_equal(a.out, b.out);
	run_done(&b);
	run_done(&a);
	/* the last --sysroot wins */
	run(twice, &a);
	assert_int_equal(a.rc, 1);
	assert_non_null(strstr(a.out, "fc-vsock-unbound/sys/bus/pci/devices/0000:00:04.0"));
	run_done(&a);
	/* an empty list of types is no list */
	{
		char *empty[] = { "check", "--require", "", NULL };
		char *commas[] = { "bind", "--type", ",,", NULL };

		run(empty, &a);
		assert_int_equal(a.rc, 2);
		assert_non_null(strstr(a.err, "option '--require' needs a list of virtio types"));
		run_done(&a);
		run(commas, &a);
		assert_int_equal(a.rc, 2);
		assert_non_null(strstr(a.err, "option '--type' needs a list of virtio types"));
		run_done(&a);
	}
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		char *argv[] = { (char *)missing[i][0], (char *)missing[i][1], NULL };

		run(argv, &a);
		assert_int_equal(a.rc, 2);
		assert_string_equal(a.out, "");
		if (!strstr(a.err, missing[i][2]))
			fail_msg("'%s %s': stderr '%s'", argv[0], argv[1], a.err);
		run_done(&a);
	}
}

/* Every column scan -H lists has its entry in the man page's COLUMNS and README's table. */
static void columns_documented(void)
{
	char *args[] = { "scan", "-H", NULL };
	char *man = slurp(VD_SRCDIR "/man/virtio-doctor.8");
	char *readme = slurp(VD_SRCDIR "/README.md");
	const char *cols;
	struct run r;
	int n = 0;

	assert_non_null(man);
	assert_non_null(readme);
	cols = strstr(man, "\n.SH COLUMNS\n");
	assert_non_null(cols);
	run(args, &r);
	assert_int_equal(r.rc, 0);
	for (char *save = NULL, *l = strtok_r(r.out, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char name[32], needle[64];

		assert_int_equal(sscanf(l, " %31s", name), 1);
		snprintf(needle, sizeof(needle), "\n.B %s\n", name);
		if (!strstr(cols, needle))
			fail_msg("column %s: no '.B %s' in the man page's COLUMNS", name, name);
		snprintf(needle, sizeof(needle), "\n| %s | ", name);
		if (!strstr(readme, needle))
			fail_msg("column %s: not in README's column table", name);
		n++;
	}
	assert_true(n >= 21);
	run_done(&r);
	free(man);
	free(readme);
}

static void test_help_lists_columns(void **state)
{
	char *args[] = { "scan", "--help", NULL };
	char *args2[] = { "--help", NULL };
	char *args3[] = { "bind", "--help", NULL };
	static const char *const cols[] = { "DEVICE",	 "ID",	   "SUBSYS",  "REV",
					    "TRANSPORT", "TYPE",   "TYPEID",  "NAME",
					    "PCIDRV",	 "VIRTIO", "DRIVER",  "STATUS",
					    "STATUSRAW", "STATE",  "PROBLEM", "VERDICT",
					    "NETDEV",	 "BLKDEV", "OVERRIDE" };
	struct run r;

	(void)state;
	run(args, &r);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		char needle[32];

		snprintf(needle, sizeof(needle), " %s  ", cols[i]);
		assert_non_null(strstr(r.out, needle));
	}
	assert_non_null(strstr(r.out, "--sysroot"));
	assert_non_null(strstr(r.out, "--color[=<when>]"));
	assert_non_null(strstr(r.out, "virtio-doctor(8)"));
	run_done(&r);
	columns_documented();
	run(args2, &r);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Usage:"));
	for (const char *const *c = (const char *const[]){ "scan", "explain", "check", "snapshot",
							   "report", "decode", "bind", NULL };
	     *c; c++) {
		char needle[32];

		snprintf(needle, sizeof(needle), "\n %s", *c);
		assert_non_null(strstr(r.out, needle));
	}
	assert_null(strstr(r.out, "STATUSRAW"));
	run_done(&r);
	/* -H: one line per column, nothing else */
	{
		char *h[] = { "scan", "-H", NULL };

		run(h, &r);
		assert_int_equal(r.rc, 0);
		assert_non_null(strstr(r.out, "  STATUSRAW  "));
		assert_null(strstr(r.out, "Usage"));
		run_done(&r);
	}
	/* bind's help is bind's alone */
	run(args3, &r);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "--dry-run"));
	assert_non_null(strstr(r.out, "--sysroot"));
	assert_null(strstr(r.out, "--noheadings"));
	assert_null(strstr(r.out, "--require"));
	run_done(&r);
}

static void test_write_error_is_not_success(void **state)
{
	char *args[] = { "--sysroot", VD_FIXTURE("firecracker-6.18"), "scan", "-J", NULL };
	struct run r;

	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	run_to(args, "/dev/full", &r);
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "write error"));
	run_done(&r);
}

/* ---- this machine, read-only ---- */

static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static void link_base(const char *path, char *buf, size_t size)
{
	char t[PATH_MAX];
	ssize_t n = readlink(path, t, sizeof(t) - 1);
	const char *b;

	buf[0] = '\0';
	if (n < 0)
		return;
	t[n] = '\0';
	b = strrchr(t, '/');
	b = b ? b + 1 : t;
	n = (ssize_t)strlen(b);
	if ((size_t)n >= size)
		n = (ssize_t)size - 1;
	memcpy(buf, b, (size_t)n);
	buf[n] = '\0';
}

static void link_name(const char *path, char *buf, size_t size)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b) < size ? strlen(b) : size - 1;
	memcpy(buf, b, n);
	buf[n] = '\0';
}

/*
 * "virtio-doctor scan" on the live /sys must agree with what /sys says when read
 * directly: every 1af4:1000-107f function is a row, with its driver at both levels.
 */
static void test_real_machine(void **state)
{
	char *args[] = { "scan", "-r", "-n", "-o", "DEVICE,ID,PCIDRV,VIRTIO,DRIVER,STATE", NULL };
	struct run r;
	FILE *ls;
	char name[64];
	int nvirtio = 0, rows = 0;
	bool saw_vsock = false;

	(void)state;
	ls = popen("ls /sys/bus/pci/devices 2>/dev/null", "r");
	assert_non_null(ls);
	run(args, &r);
	while (fgets(name, sizeof(name), ls)) {
		char p[PATH_MAX], v[32], d[32], drv[64], virt[64] = "", vdrv[64] = "", want[512];
		unsigned int dev;

		name[strcspn(name, "\n")] = '\0';
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", name);
		if (!read_line(p, v, sizeof(v)))
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", name);
		assert_true(read_line(p, d, sizeof(d)));
		dev = (unsigned int)strtoul(d, NULL, 16);
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", name);
		link_base(p, drv, sizeof(drv));
		if (strcmp(v, "0x1af4") || dev < 0x1000 || dev > 0x107f) {
			/* not virtio: must not be a row (the 8086 host bridge here) */
			assert_null(strstr(r.out, name));
			continue;
		}
		nvirtio++;
		{
			char cmd[PATH_MAX];
			FILE *c;

			snprintf(cmd, sizeof(cmd),
				 "ls -d /sys/bus/pci/devices/%s/virtio* 2>/dev/null", name);
			c = popen(cmd, "r");
			if (c && fgets(p, sizeof(p), c)) {
				p[strcspn(p, "\n")] = '\0';
				link_name(p, virt, sizeof(virt));
				strcat(p, "/driver");
				link_base(p, vdrv, sizeof(vdrv));
			}
			if (c)
				pclose(c);
		}
		snprintf(want, sizeof(want), "%s 1af4:%04x %s %s %s ok\n", name, dev, drv, virt,
			 vdrv);
		if (!strstr(r.out, want))
			fail_msg("want row '%s' in:\n%s", want, r.out);
		if (dev == 0x1053)
			saw_vsock = true;
		rows++;
	}
	pclose(ls);
	if (nvirtio == 0) {
		run_done(&r);
		skip(); /* not a virtio PCI guest */
	}
	assert_int_equal(r.rc, 0);
	assert_int_equal(rows, nvirtio);
	/* this machine kind: balloon, block, net, vsock, rng */
	assert_true(saw_vsock);
	run_done(&r);
}

/* explain --all on this machine: every device ok, the vsock CID from the ioctl */
static void test_real_machine_explain(void **state)
{
	char *args[] = { "explain", "--all", NULL };
	struct run r;
	const char *p;
	int ok = 0;

	(void)state;
	if (access("/sys/bus/pci/drivers/virtio-pci", F_OK) != 0)
		skip();
	run(args, &r);
	assert_int_equal(r.rc, 0);
	for (p = r.out; (p = strstr(p, "  verdict   ok: bound at both levels")); p++)
		ok++;
	{
		/* as many ok verdicts as scan has rows (five on this machine kind) */
		char *scan_args[] = { "scan", "-n", "-r", "-o", "DEVICE", NULL };
		struct run sc;
		int rows = 0;

		run(scan_args, &sc);
		for (p = sc.out; (p = strchr(p, '\n')); p++)
			rows++;
		run_done(&sc);
		assert_int_equal(ok, rows);
		assert_true(rows >= 1);
	}
	assert_null(strstr(r.out, "verdict   "
				  "probe")); /* nothing but ok here */
	if (cid_ioctl_works())
		assert_non_null(strstr(r.out, "IOCTL_VM_SOCKETS_GET_LOCAL_CID answers"));
	/* every device is ok: no rule needed the module tree, so nothing is said about it */
	assert_null(strstr(r.out, "note: "));
	assert_string_equal(r.err, "");
	run_done(&r);
}

/*
 * A tree without lib/modules/RELEASE and a device that is not ok: the note about the
 * missing module tree is said once, on stderr, as one line, and is no error. With every
 * device ok (firecracker-6.18, same kernel) nothing reads the module tree: no note.
 */
static void test_explain_module_tree_note(void **state)
{
	char *bad[] = { "--sysroot", VD_FIXTURE("fc-vsock-unbound"), "explain", "--all", NULL };
	char *good[] = { "--sysroot", VD_FIXTURE("firecracker-6.18"), "explain", "--all", NULL };
	struct run r;
	const char *p;

	(void)state;
	run(bad, &r);
	assert_int_equal(r.rc, 1);
	p = strstr(r.err, "virtio-doctor: note: no lib/modules/6.18.44-fc-v782");
	assert_true(p == r.err);
	assert_null(strstr(p + strlen("virtio-doctor: note: "), "note: "));
	assert_non_null(strstr(r.err, "module facts come from /sys/module"));
	assert_int_equal(strchr(r.err, '\n') - r.err + 1, (long)strlen(r.err));
	assert_null(strstr(r.out, "note: "));
	run_done(&r);

	run(good, &r);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	assert_non_null(strstr(r.out, "verdict   ok: bound at both levels"));
	run_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_cases),
		cmocka_unit_test(test_explain_cases),
		cmocka_unit_test(test_broken_tree_warnings_name_files),
		cmocka_unit_test(test_help_lists_columns),
		cmocka_unit_test(test_global_options_anywhere),
		cmocka_unit_test(test_write_error_is_not_success),
		cmocka_unit_test(test_real_machine),
		cmocka_unit_test(test_real_machine_explain),
		cmocka_unit_test(test_explain_module_tree_note),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
