/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- the model's string pool */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd_test.h"

#include "vd/base/strpool.h"

/* Thousands of short strings over many chunks: each keeps its own bytes. */
static void test_many_short(void **state)
{
	struct vd_strpool p = { 0 };
	const char *kept[5000];
	char buf[64];

	(void)state;
	for (int i = 0; i < 5000; i++) {
		snprintf(buf, sizeof(buf), "sys/devices/pci0000:00/0000:%02x:%02x.0", i / 32,
			 i % 32);
		kept[i] = vd_strpool_addz(&p, buf);
		assert_non_null(kept[i]);
		assert_ptr_not_equal(kept[i], buf);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(buf, sizeof(buf), "sys/devices/pci0000:00/0000:%02x:%02x.0", i / 32,
			 i % 32);
		assert_string_equal(kept[i], buf);
	}
	vd_strpool_done(&p);
	assert_null(p.head);
	vd_strpool_done(&p); /* twice is harmless */
}

/* A prefix is cut and terminated; the source may hold no NUL at len. */
static void test_prefix_and_empty(void **state)
{
	struct vd_strpool p = { 0 };
	const char src[] = { 'a', 'b', 'c', 'd' };
	const char *s, *e;

	(void)state;
	s = vd_strpool_add(&p, src, 3);
	e = vd_strpool_add(&p, src, 0);
	assert_string_equal(s, "abc");
	assert_string_equal(e, "");
	assert_ptr_not_equal(s, e);
	vd_strpool_done(&p);
}

/* Strings longer than a chunk get one of their own; the open chunk goes on filling. */
static void test_long_strings(void **state)
{
	struct vd_strpool p = { 0 };
	size_t big = 100000;
	char *text = malloc(big + 1);
	const char *a, *b, *c, *d;

	(void)state;
	assert_non_null(text);
	memset(text, 'x', big);
	text[big] = '\0';
	a = vd_strpool_addz(&p, "first");
	b = vd_strpool_addz(&p, text);
	c = vd_strpool_addz(&p, "second");
	d = vd_strpool_add(&p, text, 5000);
	assert_string_equal(a, "first");
	assert_int_equal(strlen(b), big);
	assert_string_equal(c, "second");
	assert_int_equal(strlen(d), 5000);
	/* "second" went into the chunk that holds "first", right after it */
	assert_ptr_equal(c, a + strlen(a) + 1);
	free(text);
	vd_strpool_done(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_short),
		cmocka_unit_test(test_prefix_and_empty),
		cmocka_unit_test(test_long_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
