/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- errno texts, the same on glibc and musl (make check-static) */
#include <errno.h>
#include <string.h>

#include "vd_test.h"

#include "vd/base/strerror.h"

/* The errnos a sysroot walk, a bind or a bundle meets, in glibc's words on every build. */
static void test_worded_like_glibc(void **state)
{
	(void)state;
	assert_string_equal(vd_strerror(ELOOP), "Too many levels of symbolic links");
	assert_string_equal(vd_strerror(EIO), "Input/output error");
	assert_string_equal(vd_strerror(EBUSY), "Device or resource busy");
	assert_string_equal(vd_strerror(ENOMEM), "Cannot allocate memory");
	assert_string_equal(vd_strerror(ENAMETOOLONG), "File name too long");
	assert_string_equal(vd_strerror(EOPNOTSUPP), "Operation not supported");
	assert_string_equal(vd_strerror(ETIMEDOUT), "Connection timed out");
	assert_string_equal(vd_strerror(ENOTTY), "Inappropriate ioctl for device");
}

/* Where both C libraries agree, the C library answers. */
static void test_same_words_from_libc(void **state)
{
	(void)state;
	assert_string_equal(vd_strerror(ENOENT), "No such file or directory");
	assert_string_equal(vd_strerror(EACCES), "Permission denied");
	assert_string_equal(vd_strerror(ENODEV), strerror(ENODEV));
}

/* No errno, a negative one or one past the table still gives a text. */
static void test_out_of_range(void **state)
{
	(void)state;
	assert_non_null(vd_strerror(0));
	assert_non_null(vd_strerror(-1));
	assert_non_null(vd_strerror(100000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worded_like_glibc),
		cmocka_unit_test(test_same_words_from_libc),
		cmocka_unit_test(test_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
