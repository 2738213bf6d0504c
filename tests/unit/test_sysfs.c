/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- the root-confined file layer */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd_test.h"

#include "vd/sysfs.h"

struct tree {
	char root[64];
	char outside[64];
	struct vd_sysfs *s;
};

static void put(const char *root, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *root, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void ln(const char *root, const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char big[5000];

	strcpy(t->root, "/tmp/vd-sysfs-XXXXXX");
	strcpy(t->outside, "/tmp/vd-outside-XXXXXX");
	if (!mkdtemp(t->root) || !mkdtemp(t->outside))
		return -1;
	put(t->outside, "secret", "outside\n");
	mk(t->root, "sys");
	mk(t->root, "sys/devices");
	mk(t->root, "sys/devices/dev0");
	put(t->root, "sys/devices/dev0/vendor", "0x1af4\n");
	put(t->root, "sys/devices/dev0/twolines", "a\n\n");
	put(t->root, "sys/devices/dev0/exact", "");
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(t->root, "sys/devices/dev0/big", big);
	put(t->root, "secret", "inside\n");
	mk(t->root, "sys/bus");
	mk(t->root, "sys/bus/drivers");
	mk(t->root, "sys/bus/drivers/drv");
	ln(t->root, "../../../devices/dev0", "sys/bus/drivers/drv/dev0");
	ln(t->root, "../../bus/drivers/drv", "sys/devices/dev0/driver");
	ln(t->root, "../../bus/drivers/gone", "sys/devices/dev0/dangling");
	ln(t->root, "loop", "sys/devices/dev0/loop");
	/* an absolute link and a ../ escape: both must stay inside the root */
	{
		char abs[128];

		snprintf(abs, sizeof(abs), "%s/secret", t->outside);
		ln(t->root, abs, "sys/devices/dev0/abs");
		ln(t->root, "/secret", "sys/devices/dev0/rootabs");
		ln(t->root, "../../../../../../../../secret", "sys/devices/dev0/climb");
	}
	{
		char fifo[512];

		snprintf(fifo, sizeof(fifo), "%s/sys/devices/dev0/fifo", t->root);
		assert_int_equal(mkfifo(fifo, 0600), 0);
	}
	if (vd_sysfs_open(t->root, &t->s) < 0)
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;
	char cmd[300];

	vd_sysfs_free(t->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", t->root, t->outside);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static void test_read_strips_one_newline(void **state)
{
	struct tree *t = *state;
	char buf[64];

	assert_int_equal(vd_sysfs_read(t->s, "sys/devices/dev0/vendor", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "0x1af4");
	assert_int_equal(vd_sysfs_read(t->s, "/sys/devices/dev0/twolines", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "a\n");
	assert_int_equal(vd_sysfs_read(t->s, "sys/devices/dev0/exact", buf, sizeof(buf)), 0);
	assert_int_equal(vd_sysfs_readf(t->s, buf, sizeof(buf), "sys/devices/%s/vendor", "dev0"),
			 6);
	/* fits exactly: 6 characters + newline stripped in a 8-byte buffer */
	assert_int_equal(vd_sysfs_read(t->s, "sys/devices/dev0/vendor", buf, 8), 6);
	assert_int_equal(vd_sysfs_read(t->s, "sys/devices/dev0/vendor", buf, 7), -EFBIG);
}

static void test_read_refuses_odd_files(void **state)
{
	struct tree *t = *state;
	char buf[VD_ATTR_MAX + 1];

	assert_int_equal(vd_sysfs_read(t->s, "sys/devices/dev0/big", buf, sizeof(buf)), -EFBIG);
	assert_int_equal(vd_sysfs_read(t->s, "sys/devices/dev0/fifo", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(vd_sysfs_read(t->s, "sys/devices/dev0", buf, sizeof(buf)), -EISDIR);
	assert_int_equal(vd_sysfs_read(t->s, "sys/devices/dev0/none", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vd_sysfs_read(t->s, "sys/devices/dev0/loop", buf, sizeof(buf)), -ELOOP);
}

static void test_links_stay_inside_root(void **state)
{
	struct tree *t = *state;
	char buf[256];
	int r;

	/* "/secret" and "../../../../secret" both mean the root's own file */
	assert_int_equal(vd_sysfs_read(t->s, "sys/devices/dev0/rootabs", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "inside");
	assert_int_equal(vd_sysfs_read(t->s, "sys/devices/dev0/climb", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "inside");
	/* an absolute link to a real file outside resolves inside the root: not found */
	r = vd_sysfs_read(t->s, "sys/devices/dev0/abs", buf, sizeof(buf));
	assert_int_equal(r, -ENOENT);
	assert_int_equal(vd_sysfs_read(t->s, "../../../../../secret", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "inside");
}

static void test_link_base_and_path(void **state)
{
	struct tree *t = *state;
	char buf[256];

	assert_int_equal(vd_sysfs_link_base(t->s, "sys/devices/dev0/driver", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "drv");
	assert_int_equal(
		vd_sysfs_link_basef(t->s, buf, sizeof(buf), "sys/bus/drivers/%s/dev0", "drv"), 0);
	assert_string_equal(buf, "dev0");
	assert_int_equal(vd_sysfs_link_base(t->s, "sys/devices/dev0/dangling", buf, sizeof(buf)),
			 -ENOLINK);
	assert_int_equal(vd_sysfs_link_base(t->s, "sys/devices/dev0/loop", buf, sizeof(buf)),
			 -ELOOP);
	assert_int_equal(vd_sysfs_link_base(t->s, "sys/devices/dev0/none", buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(vd_sysfs_link_base(t->s, "sys/devices/dev0/vendor", buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(vd_sysfs_link_path(t->s, "sys/bus/drivers/drv/dev0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "sys/devices/dev0");
	assert_int_equal(vd_sysfs_link_path(t->s, "sys/devices/dev0/climb", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "secret");
	assert_int_equal(vd_sysfs_link_path(t->s, "sys/devices/dev0/rootabs", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "secret");
}

static void test_list_sorted(void **state)
{
	struct tree *t = *state;
	struct vd_names n;

	put(t->root, "sys/bus/drivers/drv/dev10", "");
	put(t->root, "sys/bus/drivers/drv/dev9", "");
	put(t->root, "sys/bus/drivers/drv/.keep", "");
	assert_int_equal(vd_sysfs_list(t->s, "sys/bus/drivers/drv", &n), 0);
	assert_int_equal(n.n, 3);
	assert_string_equal(n.v[0], "dev0");
	assert_string_equal(n.v[1], "dev9");
	assert_string_equal(n.v[2], "dev10");
	vd_names_done(&n);
	assert_int_equal(vd_sysfs_list(t->s, "sys/nothing", &n), -ENOENT);
	assert_int_equal(vd_sysfs_list(t->s, "sys/devices/dev0/vendor", &n), -ENOTDIR);
}

static void test_write_never_creates(void **state)
{
	struct tree *t = *state;
	char buf[64];

	put(t->root, "sys/bus/drivers/drv/bind", "");
	assert_int_equal(vd_sysfs_write(t->s, "sys/bus/drivers/drv/bind", "0000:00:04.0", 12), 0);
	assert_int_equal(vd_sysfs_read(t->s, "sys/bus/drivers/drv/bind", buf, sizeof(buf)), 12);
	assert_string_equal(buf, "0000:00:04.0");
	/* O_TRUNC: the second value replaces the first */
	assert_int_equal(vd_sysfs_write(t->s, "sys/bus/drivers/drv/bind", "x", 1), 0);
	assert_int_equal(vd_sysfs_read(t->s, "sys/bus/drivers/drv/bind", buf, sizeof(buf)), 1);
	assert_int_equal(vd_sysfs_write(t->s, "sys/bus/drivers/drv/new_id", "1af4 1053", 9),
			 -ENOENT);
	assert_int_equal(vd_sysfs_access(t->s, "sys/bus/drivers/drv/new_id"), -ENOENT);
	assert_int_equal(vd_sysfs_write(t->s, "sys/bus/drivers/drv", "x", 1), -EISDIR);
	/* the absolute link to outside must not let a write escape */
	assert_int_equal(vd_sysfs_write(t->s, "sys/devices/dev0/abs", "pwned", 5), -ENOENT);
	{
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path), "%s/secret", t->outside);
		f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(buf, sizeof(buf), f));
		fclose(f);
		assert_string_equal(buf, "outside\n");
	}
}

static void test_is_dir_and_alloc(void **state)
{
	struct tree *t = *state;
	char *text = NULL;
	size_t len = 0;

	assert_int_equal(vd_sysfs_is_dir(t->s, "sys/devices/dev0"), 1);
	assert_int_equal(vd_sysfs_is_dir(t->s, "sys/devices/dev0/vendor"), 0);
	assert_int_equal(vd_sysfs_is_dir(t->s, "sys/devices/none"), -ENOENT);
	assert_int_equal(vd_sysfs_read_alloc(t->s, "sys/devices/dev0/big", 8192, &text, &len), 0);
	assert_int_equal(len, 4999);
	free(text);
	assert_int_equal(vd_sysfs_read_alloc(t->s, "sys/devices/dev0/big", 100, &text, &len),
			 -EFBIG);
	assert_int_equal(vd_sysfs_read_alloc(t->s, "sys/devices/dev0/fifo", 100, &text, &len),
			 -EINVAL);
	assert_string_equal(vd_sysfs_root(t->s), t->root);
}

static void test_open_missing_root(void **state)
{
	struct vd_sysfs *s;

	(void)state;
	assert_int_equal(vd_sysfs_open("/nonexistent/vd-root", &s), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_strips_one_newline),
		cmocka_unit_test(test_read_refuses_odd_files),
		cmocka_unit_test(test_links_stay_inside_root),
		cmocka_unit_test(test_link_base_and_path),
		cmocka_unit_test(test_list_sorted),
		cmocka_unit_test(test_write_never_creates),
		cmocka_unit_test(test_is_dir_and_alloc),
		cmocka_unit_test(test_open_missing_root),
	};
	return cmocka_run_group_tests_name("sysfs", tests, setup, teardown);
}
