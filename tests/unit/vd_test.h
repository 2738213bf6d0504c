/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- cmocka prelude and fixture helpers shared by the unit tests */
#ifndef VD_TEST_H
#define VD_TEST_H

/* cmocka 1.1 (Debian 12) needs these before its header */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * cmocka writes results to stdout and failures to stderr: unbuffered stdout keeps its
 * summary lines whole and in order when both go to one pipe.
 */
__attribute__((constructor)) static void vd_test_unbuffer(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}

#ifndef VD_SRCDIR
#define VD_SRCDIR "."
#endif
#define VD_FIXTURE(name) VD_SRCDIR "/tests/fixtures/" name

/* A copy of fixture name in a new temporary directory, for a test that changes it. */
static inline char *vd_test_copy_fixture(const char *name)
{
	char tmpl[] = "/tmp/vd-test-fx-XXXXXX", cmd[PATH_MAX * 2];
	char *dir;

	assert_non_null(mkdtemp(tmpl));
	snprintf(cmd, sizeof(cmd), "cp -a '%s/tests/fixtures/%s/.' '%s/'", VD_SRCDIR, name, tmpl);
	assert_int_equal(system(cmd), 0);
	dir = strdup(tmpl);
	assert_non_null(dir);
	return dir;
}

/* Remove a copy made by vd_test_copy_fixture() and free its name. */
static inline void vd_test_remove_copy(char *dir)
{
	char cmd[PATH_MAX + 16];

	assert_true(strncmp(dir, "/tmp/vd-test-fx-", 16) == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

#endif
