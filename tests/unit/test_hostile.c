/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor tests -- text from a bundle cannot forge output, and a dry-run plan run
 * with sh writes only inside the sysroot. Each case: its exit code and the line it prints.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd_run.h"
#include "vd_test.h"

static void put(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* No byte below 0x20 but newlines, no DEL, and no line that starts like a forged one. */
static void assert_clean(const char *what, const char *text)
{
	for (const char *p = text; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f)
			fail_msg("%s: control byte 0x%02x in:\n%s", what, (unsigned char)*p, text);
	if (strstr(text, "\n  verdict   ok") || strstr(text, "\nverdict ok"))
		fail_msg("%s: a forged verdict line in:\n%s", what, text);
}

#define EVIL "evil\033[2J\033]0;pwned\007\n  verdict   ok: all good\nverdict ok"

/* A driver_override holding ESC/OSC sequences and newlines: shown escaped, as \xNN. */
static void test_override_escaped(void **state)
{
	char *dir = vd_test_copy_fixture("fc-vsock-unbound");
	char *explain[] = { "--sysroot", dir, "explain", "vsock", NULL };
	char *check[] = { "--sysroot", dir, "check", "-v", NULL };
	char *bind[] = { "--sysroot", dir, "bind", "--vsock", "--dry-run", NULL };
	char *json[] = { "--sysroot", dir, "explain", "-J", "vsock", NULL };
	struct run r;

	put(dir, "sys/devices/pci0000:00/0000:00:04.0/driver_override", EVIL);
	run(explain, &r);
	assert_int_equal(r.rc, 1);
	assert_clean("explain", r.out);
	assert_non_null(strstr(r.out, "verdict   override-other: driver_override is "
				      "'evil\\x1b[2J\\x1b]0;pwned\\x07\\x0a  verdict   ok: all "
				      "good\\x0averdict ok'"));
	run_done(&r);
	run(check, &r);
	assert_int_equal(r.rc, 1);
	assert_clean("check -v", r.out);
	assert_non_null(strstr(r.out, "vsock: 0000:00:04.0 unbound: override-other:"));
	run_done(&r);
	/* refused without --force: the override is quoted in the warning */
	run(bind, &r);
	assert_int_equal(r.rc, 1);
	assert_clean("bind stdout", r.out);
	assert_clean("bind stderr", r.err);
	run_done(&r);
	/* JSON carries the real bytes, escaped once by libsmartcols */
	run(json, &r);
	assert_int_equal(r.rc, 1);
	assert_clean("explain -J", r.out);
	assert_non_null(strstr(r.out, "evil\\u001b[2J\\u001b]0;pwned\\u0007\\n  verdict"));
	run_done(&r);
	vd_test_remove_copy(dir);
}

/* A line of the plan: "echo VALUE > PATH" run by sh from a scratch directory. */
static void run_plan(const char *plan, const char *scratch)
{
	char script[PATH_MAX], cmd[PATH_MAX * 2];
	FILE *f;

	snprintf(script, sizeof(script), "%s/plan.sh", scratch);
	f = fopen(script, "w");
	assert_non_null(f);
	fputs(plan, f);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "cd '%s' && sh plan.sh 2>/dev/null", scratch);
	(void)!system(cmd);
}

/*
 * sys/bus/pci/drivers/virtio-pci is a link out of the copy (absolute, then ../..): the plan
 * names the file it resolves to inside the copy, or refuses; run with sh, it changes
 * nothing outside the copy. The decoy outside stays empty.
 */
static void plan_case(const char *fixture, bool absolute, bool decoy_inside)
{
	char *dir = vd_test_copy_fixture(fixture), *outside = vd_test_copy_fixture("no-pci-bus");
	char *scratch = vd_test_copy_fixture("no-pci-bus");
	char *bind[] = { "--sysroot", dir, "bind", "--vsock", "--dry-run", NULL };
	char link[PATH_MAX], target[PATH_MAX], decoy[PATH_MAX], cmd[PATH_MAX * 3];
	struct run r;
	struct stat st;

	/* the decoy: a driver directory outside the copy, whose bind file must stay empty */
	snprintf(decoy, sizeof(decoy), "%s/drv", outside);
	assert_int_equal(mkdir(decoy, 0755), 0);
	put(outside, "drv/bind", "");
	snprintf(link, sizeof(link), "%s/sys/bus/pci/drivers/virtio-pci", dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", link);
	assert_int_equal(system(cmd), 0);
	if (absolute)
		snprintf(target, sizeof(target), "%s", decoy);
	else /* from DIR/sys/bus/pci/drivers up to /tmp, then into the decoy */
		snprintf(target, sizeof(target), "../../../../../%s/drv", outside + 5);
	assert_int_equal(symlink(target, link), 0);
	if (decoy_inside) {
		/* what the link names, read inside the copy: the plan may write there */
		snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s' && : > '%s/%s/bind'", dir,
			 absolute ? decoy : decoy + 5, dir, absolute ? decoy : decoy + 5);
		assert_int_equal(system(cmd), 0);
	}
	run(bind, &r);
	if (decoy_inside) {
		assert_int_equal(r.rc, 0);
		assert_string_equal(r.err, "");
		assert_non_null(strstr(r.out, "/bind\n"));
	} else {
		assert_int_equal(r.rc, 1);
		assert_non_null(strstr(r.err, "cannot plan '0000:00:04.0': "));
		assert_non_null(strstr(r.err, "does not resolve inside the sysroot"));
	}
	run_plan(r.out, scratch);
	assert_int_equal(stat(decoy, &st), 0);
	snprintf(cmd, sizeof(cmd), "%s/bind", decoy);
	assert_int_equal(stat(cmd, &st), 0);
	if (st.st_size != 0)
		fail_msg("the plan wrote outside the sysroot:\n%s", r.out);
	run_done(&r);
	vd_test_remove_copy(dir);
	vd_test_remove_copy(outside);
	vd_test_remove_copy(scratch);
}

static void test_plan_absolute_link(void **state)
{
	plan_case("fc-vsock-unbound", true, true);
	plan_case("fc-vsock-unbound", true, false);
}

static void test_plan_dotdot_link(void **state)
{
	plan_case("fc-vsock-unbound", false, true);
	plan_case("fc-vsock-unbound", false, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_override_escaped),
		cmocka_unit_test(test_plan_absolute_link),
		cmocka_unit_test(test_plan_dotdot_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
