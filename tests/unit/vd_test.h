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
#include <sys/stat.h>
#include <unistd.h>

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

/* A new, empty temporary directory, for a test that builds its own tree. */
static inline char *vd_test_tmpdir(void)
{
	char tmpl[] = "/tmp/vd-test-fx-XXXXXX";
	char *dir;

	assert_non_null(mkdtemp(tmpl));
	dir = strdup(tmpl);
	assert_non_null(dir);
	return dir;
}

/* Remove a tree made by vd_test_copy_fixture() or vd_test_tmpdir() and free its name. */
static inline void vd_test_remove_copy(char *dir)
{
	char cmd[PATH_MAX + 16];

	assert_true(strncmp(dir, "/tmp/vd-test-fx-", 16) == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

/* root/rel as one path; a path that does not fit fails the test. */
static inline void vd_test_path(char *buf, size_t size, const char *root, const char *rel)
{
	assert_true((size_t)snprintf(buf, size, "%s/%s", root, rel) < size);
}

/* Write len bytes of data to root/rel, replacing what is there. */
static inline void vd_test_write(const char *root, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	vd_test_path(path, sizeof(path), root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Write text to root/rel. */
static inline void vd_test_put(const char *root, const char *rel, const char *text)
{
	vd_test_write(root, rel, text, strlen(text));
}

/* Make the directory root/rel; its parent must exist. */
static inline void vd_test_mkdir(const char *root, const char *rel)
{
	char path[PATH_MAX];

	vd_test_path(path, sizeof(path), root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* Make root/rel a symlink to target (taken as it is: relative or absolute). */
static inline void vd_test_symlink(const char *root, const char *target, const char *rel)
{
	char path[PATH_MAX];

	vd_test_path(path, sizeof(path), root, rel);
	assert_int_equal(symlink(target, path), 0);
}

#endif
