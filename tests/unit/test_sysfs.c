/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- the root-confined file layer */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define VD_HAVE_OPENAT2_H 1
#endif
#endif

#include "vd_test.h"

#include "vd/base/macro.h"
#include "vd/base/sysfs.h"

struct tree {
	char *root;
	char *outside;
	/* the same root twice: openat2() where the kernel has it, and the fallback walk */
	struct vd_sysfs *s, *fb;
};

/*
 * sys/l: links for the confinement cases. The outside directory holds "other" with
 * "outside"; the root holds the same path (ROOT/tmp/vd-outside-XXXXXX/other) with
 * "mirror": a link to it must read the mirror, never the outside file.
 */
static void setup_links(struct tree *t)
{
	char path[256], target[256];

	vd_test_put(t->outside, "other", "outside\n");
	vd_test_mkdir(t->root, "tmp");
	vd_test_mkdir(t->root, t->outside + 1);
	snprintf(path, sizeof(path), "%s/other", t->outside + 1);
	vd_test_put(t->root, path, "mirror\n");
	/* the same pair for writes */
	vd_test_put(t->outside, "wmirror", "outside\n");
	snprintf(path, sizeof(path), "%s/wmirror", t->outside + 1);
	vd_test_put(t->root, path, "mirror\n");
	vd_test_mkdir(t->root, "sys/l");
	snprintf(target, sizeof(target), "%s/other", t->outside);
	vd_test_symlink(t->root, target, "sys/l/abs-other");
	vd_test_symlink(t->root, t->outside, "sys/l/abs-dir");
	snprintf(target, sizeof(target), "%s/wmirror", t->outside);
	vd_test_symlink(t->root, target, "sys/l/abs-w");
	snprintf(target, sizeof(target), "../../../../../../../..%s/other", t->outside);
	vd_test_symlink(t->root, target, "sys/l/climb-other");
	/* a chain: relative, absolute, relative */
	vd_test_symlink(t->root, "b", "sys/l/a");
	vd_test_symlink(t->root, "/sys/l/c", "sys/l/b");
	vd_test_symlink(t->root, "../devices/dev0/vendor", "sys/l/c");
	vd_test_symlink(t->root, "../devices/dev0", "sys/l/devdir");
	vd_test_symlink(t->root, "../devices/dev0/vendor", "sys/l/file");
	vd_test_symlink(t->root, "../bus/drivers/drv/bind", "sys/l/bind");
	vd_test_symlink(t->root, "pong", "sys/l/ping");
	vd_test_symlink(t->root, "ping", "sys/l/pong");
	vd_test_symlink(t->root, "/", "sys/l/slash");
	/* 24 directories deep, more than the walk keeps without allocating */
	snprintf(path, sizeof(path), "sys/deep");
	for (int i = 0; i < 24; i++) {
		vd_test_mkdir(t->root, path);
		strcat(path, "/d");
	}
	vd_test_mkdir(t->root, path);
	strcat(path, "/up");
	target[0] = '\0';
	for (int i = 0; i < 30; i++)
		strcat(target, "../");
	strcat(target, "secret");
	vd_test_symlink(t->root, target, path);
	/* sys/chain/N -> N+1 ... 40 -> vendor: from 1, 40 links; from 0, 41 */
	vd_test_mkdir(t->root, "sys/chain");
	for (int i = 0; i <= 40; i++) {
		char name[64];

		snprintf(name, sizeof(name), "sys/chain/%d", i);
		if (i == 40)
			snprintf(target, sizeof(target), "../devices/dev0/vendor");
		else
			snprintf(target, sizeof(target), "%d", i + 1);
		vd_test_symlink(t->root, target, name);
	}
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char big[5000];

	t->root = vd_test_tmpdir();
	t->outside = vd_test_tmpdir();
	vd_test_put(t->outside, "secret", "outside\n");
	vd_test_mkdir(t->root, "sys");
	vd_test_mkdir(t->root, "sys/devices");
	vd_test_mkdir(t->root, "sys/devices/dev0");
	vd_test_put(t->root, "sys/devices/dev0/vendor", "0x1af4\n");
	vd_test_put(t->root, "sys/devices/dev0/twolines", "a\n\n");
	vd_test_put(t->root, "sys/devices/dev0/exact", "");
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	vd_test_put(t->root, "sys/devices/dev0/big", big);
	vd_test_put(t->root, "secret", "inside\n");
	vd_test_mkdir(t->root, "sys/bus");
	vd_test_mkdir(t->root, "sys/bus/drivers");
	vd_test_mkdir(t->root, "sys/bus/drivers/drv");
	vd_test_symlink(t->root, "../../../devices/dev0", "sys/bus/drivers/drv/dev0");
	vd_test_symlink(t->root, "../../bus/drivers/drv", "sys/devices/dev0/driver");
	vd_test_symlink(t->root, "../../bus/drivers/gone", "sys/devices/dev0/dangling");
	vd_test_symlink(t->root, "loop", "sys/devices/dev0/loop");
	/* an absolute link and a ../ escape: both must stay inside the root */
	{
		char abs[128];

		snprintf(abs, sizeof(abs), "%s/secret", t->outside);
		vd_test_symlink(t->root, abs, "sys/devices/dev0/abs");
		vd_test_symlink(t->root, "/secret", "sys/devices/dev0/rootabs");
		vd_test_symlink(t->root, "../../../../../../../../secret",
				"sys/devices/dev0/climb");
	}
	{
		char fifo[512];

		snprintf(fifo, sizeof(fifo), "%s/sys/devices/dev0/fifo", t->root);
		assert_int_equal(mkfifo(fifo, 0600), 0);
	}
	setup_links(t);
	if (vd_sysfs_open(t->root, &t->s) < 0 ||
	    vd_sysfs_open_flags(t->root, VD_SYSFS_NO_OPENAT2 | VD_SYSFS_NO_PROC, &t->fb) < 0)
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;

	vd_sysfs_free(t->s);
	vd_sysfs_free(t->fb);
	vd_test_remove_copy(t->root);
	vd_test_remove_copy(t->outside);
	free(t);
	return 0;
}

static void test_read_strips_one_newline(const struct tree *t, struct vd_sysfs *s)
{
	char buf[64];

	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/vendor", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "0x1af4");
	assert_int_equal(vd_sysfs_read(s, "/sys/devices/dev0/twolines", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "a\n");
	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/exact", buf, sizeof(buf)), 0);
	assert_int_equal(vd_sysfs_readf(s, buf, sizeof(buf), "sys/devices/%s/vendor", "dev0"), 6);
	/* fits exactly: 6 characters + newline stripped in a 8-byte buffer */
	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/vendor", buf, 8), 6);
	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/vendor", buf, 7), -EFBIG);
}

static void test_read_refuses_odd_files(const struct tree *t, struct vd_sysfs *s)
{
	char buf[VD_ATTR_MAX + 1];

	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/big", buf, sizeof(buf)), -EFBIG);
	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/fifo", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0", buf, sizeof(buf)), -EISDIR);
	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/none", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/loop", buf, sizeof(buf)), -ELOOP);
}

static void test_links_stay_inside_root(const struct tree *t, struct vd_sysfs *s)
{
	char buf[256];
	int r;

	/* "/secret" and "../../../../secret" both mean the root's own file */
	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/rootabs", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "inside");
	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/climb", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "inside");
	/* an absolute link to a real file outside resolves inside the root: not found */
	r = vd_sysfs_read(s, "sys/devices/dev0/abs", buf, sizeof(buf));
	assert_int_equal(r, -ENOENT);
	assert_int_equal(vd_sysfs_read(s, "../../../../../secret", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "inside");
}

static void test_link_base_and_path(const struct tree *t, struct vd_sysfs *s)
{
	char buf[256];

	assert_int_equal(vd_sysfs_link_base(s, "sys/devices/dev0/driver", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "drv");
	assert_int_equal(vd_sysfs_link_basef(s, buf, sizeof(buf), "sys/bus/drivers/%s/dev0", "drv"),
			 0);
	assert_string_equal(buf, "dev0");
	assert_int_equal(vd_sysfs_link_base(s, "sys/devices/dev0/dangling", buf, sizeof(buf)),
			 -ENOLINK);
	assert_int_equal(vd_sysfs_link_base(s, "sys/devices/dev0/loop", buf, sizeof(buf)), -ELOOP);
	assert_int_equal(vd_sysfs_link_base(s, "sys/devices/dev0/none", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vd_sysfs_link_base(s, "sys/devices/dev0/vendor", buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(vd_sysfs_link_path(s, "sys/bus/drivers/drv/dev0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "sys/devices/dev0");
	assert_int_equal(vd_sysfs_link_path(s, "sys/devices/dev0/climb", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "secret");
	assert_int_equal(vd_sysfs_link_path(s, "sys/devices/dev0/rootabs", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "secret");
}

static void test_list_sorted(const struct tree *t, struct vd_sysfs *s)
{
	struct vd_names n;

	vd_test_put(t->root, "sys/bus/drivers/drv/dev10", "");
	vd_test_put(t->root, "sys/bus/drivers/drv/dev9", "");
	vd_test_put(t->root, "sys/bus/drivers/drv/.keep", "");
	assert_int_equal(vd_sysfs_list(s, "sys/bus/drivers/drv", &n), 0);
	assert_int_equal(n.n, 3);
	assert_string_equal(n.v[0], "dev0");
	assert_string_equal(n.v[1], "dev9");
	assert_string_equal(n.v[2], "dev10");
	vd_names_done(&n);
	assert_int_equal(vd_sysfs_list(s, "sys/nothing", &n), -ENOENT);
	assert_int_equal(vd_sysfs_list(s, "sys/devices/dev0/vendor", &n), -ENOTDIR);

	/* each name with its entry's kind, as vd_sysfs_kind() would say it, links unfollowed */
	{
		char sub[PATH_MAX];

		vd_test_path(sub, sizeof(sub), t->root, "sys/devices/dev0/sub");
		assert_true(mkdir(sub, 0755) == 0 || errno == EEXIST); /* both handles run this */
	}
	assert_int_equal(vd_sysfs_list(s, "sys/devices/dev0", &n), 0);
	assert_true(n.typed);
	for (size_t i = 0; i < n.n; i++) {
		char path[256];
		char k = vd_names_kind(&n, i);

		snprintf(path, sizeof(path), "sys/devices/dev0/%s", n.v[i]);
		if (k) /* 0: the filesystem gave no d_type */
			assert_int_equal(k, vd_sysfs_kind(s, path));
		if (!strcmp(n.v[i], "sub") && k)
			assert_int_equal(k, 'd');
		if (!strcmp(n.v[i], "fifo") && k)
			assert_int_equal(k, 'o');
		if (!strcmp(n.v[i], "driver") && k)
			assert_int_equal(k, 'l');
	}
	assert_int_equal(vd_names_kind(&n, n.n), 0);
	vd_names_done(&n);
	assert_false(n.typed);
	assert_int_equal(vd_names_kind(&n, 0), 0);
}

/* More names than one getdents64() buffer holds: every one, once, in version order. */
static void test_list_many(void **state)
{
	const struct tree *t = *state;
	struct vd_names n;
	char name[128];

	vd_test_mkdir(t->root, "sys/many");
	for (int i = 0; i < 3000; i++) {
		/* 70-byte names: about 200 KiB of records, several buffers */
		snprintf(name, sizeof(name), "sys/many/dev-%060d-%d", 0, i);
		vd_test_put(t->root, name, "");
	}
	vd_test_put(t->root, "sys/many/.keep", "");
	assert_int_equal(vd_sysfs_list(t->s, "sys/many", &n), 0);
	assert_int_equal(n.n, 3000);
	for (size_t i = 0; i < n.n; i++) {
		snprintf(name, sizeof(name), "dev-%060d-%zu", 0, i);
		assert_string_equal(n.v[i], name);
	}
	vd_names_done(&n);
}

static void test_write_never_creates(const struct tree *t, struct vd_sysfs *s)
{
	char buf[64];

	vd_test_put(t->root, "sys/bus/drivers/drv/bind", "");
	assert_int_equal(vd_sysfs_write(s, "sys/bus/drivers/drv/bind", "0000:00:04.0", 12), 0);
	assert_int_equal(vd_sysfs_read(s, "sys/bus/drivers/drv/bind", buf, sizeof(buf)), 12);
	assert_string_equal(buf, "0000:00:04.0");
	/* O_TRUNC: the second value replaces the first */
	assert_int_equal(vd_sysfs_write(s, "sys/bus/drivers/drv/bind", "x", 1), 0);
	assert_int_equal(vd_sysfs_read(s, "sys/bus/drivers/drv/bind", buf, sizeof(buf)), 1);
	assert_int_equal(vd_sysfs_write(s, "sys/bus/drivers/drv/new_id", "1af4 1053", 9), -ENOENT);
	assert_int_equal(vd_sysfs_access(s, "sys/bus/drivers/drv/new_id"), -ENOENT);
	assert_int_equal(vd_sysfs_write(s, "sys/bus/drivers/drv", "x", 1), -EISDIR);
	/* the absolute link to outside must not let a write escape */
	assert_int_equal(vd_sysfs_write(s, "sys/devices/dev0/abs", "pwned", 5), -ENOENT);
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

static void test_is_dir_and_alloc(const struct tree *t, struct vd_sysfs *s)
{
	char *text = NULL;
	size_t len = 0;

	assert_int_equal(vd_sysfs_is_dir(s, "sys/devices/dev0"), 1);
	assert_int_equal(vd_sysfs_is_dir(s, "sys/devices/dev0/vendor"), 0);
	assert_int_equal(vd_sysfs_is_dir(s, "sys/devices/none"), -ENOENT);
	assert_int_equal(vd_sysfs_read_alloc(s, "sys/devices/dev0/big", 8192, &text, &len), 0);
	assert_int_equal(len, 4999);
	free(text);
	assert_int_equal(vd_sysfs_read_alloc(s, "sys/devices/dev0/big", 100, &text, &len), -EFBIG);
	assert_int_equal(vd_sysfs_read_alloc(s, "sys/devices/dev0/fifo", 100, &text, &len),
			 -EINVAL);
	assert_string_equal(vd_sysfs_root(s), t->root);
}

/* ---- confinement: the same cases through openat2() and through the fallback walk ---- */

static void expect_text(struct vd_sysfs *s, const char *path, const char *text)
{
	char buf[256];

	assert_int_equal(vd_sysfs_read(s, path, buf, sizeof(buf)), (int)strlen(text));
	assert_string_equal(buf, text);
}

/* The file under the real outside directory still holds what setup() put there. */
static void expect_outside_untouched(const struct tree *t, const char *name)
{
	char path[256], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t->outside, name);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "outside\n");
}

static void test_abs_link_to_outside(const struct tree *t, struct vd_sysfs *s)
{
	char buf[256];

	/* "/tmp/vd-outside-X/other" is ROOT/tmp/vd-outside-X/other, not the real one */
	expect_text(s, "sys/l/abs-other", "mirror");
	expect_text(s, "sys/l/abs-dir/other", "mirror");
	assert_int_equal(vd_sysfs_is_dir(s, "sys/l/abs-dir"), 1);
	/* the real outside directory has "secret"; the one inside the root does not */
	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/abs", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vd_sysfs_read(s, "sys/l/abs-dir/secret", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vd_sysfs_access(s, "sys/l/abs-dir/secret"), -ENOENT);
}

static void test_relative_escape(const struct tree *t, struct vd_sysfs *s)
{
	char path[256], buf[256];

	expect_text(s, "sys/l/climb-other", "mirror");
	expect_text(s, "sys/devices/dev0/climb", "inside");
	/* the same climb written in the path itself */
	snprintf(path, sizeof(path), "sys/devices/../../../../../..%s/other", t->outside);
	expect_text(s, path, "mirror");
	snprintf(path, sizeof(path), "sys/../../../..%s/secret", t->outside);
	assert_int_equal(vd_sysfs_read(s, path, buf, sizeof(buf)), -ENOENT);
}

static void test_link_chain(const struct tree *t, struct vd_sysfs *s)
{
	char buf[256];

	/* a -> b -> /sys/l/c -> ../devices/dev0/vendor */
	expect_text(s, "sys/l/a", "0x1af4");
	assert_int_equal(vd_sysfs_access(s, "sys/l/a"), 0);
	assert_int_equal(vd_sysfs_is_dir(s, "sys/l/a"), 0);
	assert_int_equal(vd_sysfs_readlink(s, "sys/l/a", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "b");
	/* links in the middle: driver -> ../../bus/drivers/drv, its dev0 -> back to dev0 */
	expect_text(s, "sys/devices/dev0/driver/dev0/driver/dev0/vendor", "0x1af4");
}

static void test_link_to_dir_then_more(const struct tree *t, struct vd_sysfs *s)
{
	struct vd_names n;

	expect_text(s, "sys/l/devdir/vendor", "0x1af4");
	/* ".." after a link is the target's parent (sys/devices), as the kernel walks it */
	expect_text(s, "sys/l/devdir/../dev0/vendor", "0x1af4");
	expect_text(s, "sys/l/devdir/../../l/c", "0x1af4");
	/* "/" then more components; ".." at the root stays there */
	expect_text(s, "sys/l/slash/sys/devices/dev0/vendor", "0x1af4");
	expect_text(s, "sys/l/slash/../secret", "inside");
	assert_int_equal(vd_sysfs_is_dir(s, "sys/l/devdir"), 1);
	assert_int_equal(vd_sysfs_is_dir(s, "sys/l/devdir/"), 1);
	assert_int_equal(vd_sysfs_is_dir(s, "sys/l/slash"), 1);
	assert_int_equal(vd_sysfs_list(s, "sys/l/devdir", &n), 0);
	assert_true(n.n > 0);
	assert_string_equal(n.v[0], "abs");
	vd_names_done(&n);
}

static void test_link_loops(const struct tree *t, struct vd_sysfs *s)
{
	char buf[256];

	assert_int_equal(vd_sysfs_read(s, "sys/l/ping", buf, sizeof(buf)), -ELOOP);
	assert_int_equal(vd_sysfs_read(s, "sys/l/ping/x", buf, sizeof(buf)), -ELOOP);
	assert_int_equal(vd_sysfs_access(s, "sys/l/ping"), -ELOOP);
	assert_int_equal(vd_sysfs_is_dir(s, "sys/devices/dev0/loop"), -ELOOP);
	/* the kernel's limit: 40 links in one resolution are followed, the 41st is -ELOOP */
	expect_text(s, "sys/chain/1", "0x1af4");
	assert_int_equal(vd_sysfs_access(s, "sys/chain/1"), 0);
	assert_int_equal(vd_sysfs_read(s, "sys/chain/0", buf, sizeof(buf)), -ELOOP);
	assert_int_equal(vd_sysfs_access(s, "sys/chain/0"), -ELOOP);
	assert_int_equal(vd_sysfs_read(s, "sys/chain/0/x", buf, sizeof(buf)), -ELOOP);
	assert_int_equal(vd_sysfs_read(s, "sys/chain/1/x", buf, sizeof(buf)), -ENOTDIR);
}

static void test_file_as_dir(const struct tree *t, struct vd_sysfs *s)
{
	struct vd_names n;
	char buf[256];

	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/vendor/x", buf, sizeof(buf)), -ENOTDIR);
	assert_int_equal(vd_sysfs_read(s, "sys/l/file/x", buf, sizeof(buf)), -ENOTDIR);
	assert_int_equal(vd_sysfs_read(s, "sys/l/file/", buf, sizeof(buf)), -ENOTDIR);
	assert_int_equal(vd_sysfs_access(s, "sys/devices/dev0/vendor/"), -ENOTDIR);
	assert_int_equal(vd_sysfs_list(s, "sys/l/file", &n), -ENOTDIR);
	assert_int_equal(vd_sysfs_write(s, "sys/l/file/x", "x", 1), -ENOTDIR);
}

static void test_readlink_final_not_followed(const struct tree *t, struct vd_sysfs *s)
{
	char buf[256], want[256];

	assert_int_equal(vd_sysfs_readlink(s, "sys/l/devdir", buf, sizeof(buf)), 15);
	assert_string_equal(buf, "../devices/dev0");
	/* the links before the last one are followed */
	assert_int_equal(vd_sysfs_readlink(s, "sys/l/devdir/driver", buf, sizeof(buf)), 21);
	assert_string_equal(buf, "../../bus/drivers/drv");
	/* a loop or a link out of the root is only text */
	assert_int_equal(vd_sysfs_readlink(s, "sys/l/ping", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "pong");
	snprintf(want, sizeof(want), "%s/other", t->outside);
	assert_int_equal(vd_sysfs_readlink(s, "sys/l/abs-other", buf, sizeof(buf)),
			 (int)strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(vd_sysfs_readlink(s, "sys/l/devdir/vendor", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(vd_sysfs_readlink(s, "sys/l/abs-dir/secret", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vd_sysfs_kind(s, "sys/l/devdir"), 'l');
	assert_int_equal(vd_sysfs_kind(s, "sys/l/devdir/vendor"), 'f');
}

static void test_write_read_through_link(const struct tree *t, struct vd_sysfs *s)
{
	vd_test_put(t->root, "sys/bus/drivers/drv/bind", "");
	assert_int_equal(vd_sysfs_write(s, "sys/l/bind", "abc", 3), 0);
	expect_text(s, "sys/bus/drivers/drv/bind", "abc");
	expect_text(s, "sys/l/bind", "abc");
	assert_int_equal(vd_sysfs_kind(s, "sys/l/bind"), 'l');
	assert_int_equal(vd_sysfs_write(s, "sys/l/devdir/../../l/bind", "de", 2), 0);
	expect_text(s, "sys/l/bind", "de");
	/* through links to outside: the copy inside the root, or nothing */
	assert_int_equal(vd_sysfs_write(s, "sys/l/abs-w", "pwned", 5), 0);
	expect_text(s, "sys/l/abs-w", "pwned");
	expect_outside_untouched(t, "wmirror");
	assert_int_equal(vd_sysfs_write(s, "sys/l/abs-dir/secret", "pwned", 5), -ENOENT);
	assert_int_equal(vd_sysfs_write(s, "sys/l/slash/../secret", "inside\n", 7), 0);
	expect_outside_untouched(t, "secret");
	expect_outside_untouched(t, "other");
}

static void test_dangling_link(const struct tree *t, struct vd_sysfs *s)
{
	char buf[256];

	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/dangling", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vd_sysfs_access(s, "sys/devices/dev0/dangling"), -ENOENT);
	assert_int_equal(vd_sysfs_is_dir(s, "sys/devices/dev0/dangling/"), -ENOENT);
	/* no O_CREAT: writing through a dangling link creates nothing */
	assert_int_equal(vd_sysfs_write(s, "sys/devices/dev0/dangling", "x", 1), -ENOENT);
	assert_int_equal(vd_sysfs_kind(s, "sys/bus/drivers/gone"), -ENOENT);
	assert_int_equal(vd_sysfs_readlink(s, "sys/devices/dev0/dangling", buf, sizeof(buf)), 22);
}

static void test_dotdot_at_root(const struct tree *t, struct vd_sysfs *s)
{
	struct vd_names n;

	expect_text(s, "sys/../../../sys/devices/dev0/vendor", "0x1af4");
	expect_text(s, "../secret", "inside");
	expect_text(s, "/../../secret", "inside");
	expect_text(s, "sys/./devices//dev0/./vendor", "0x1af4");
	assert_int_equal(vd_sysfs_is_dir(s, ".."), 1);
	assert_int_equal(vd_sysfs_list(s, "sys/../..", &n), 0);
	assert_int_equal(n.n, 3);
	assert_string_equal(n.v[0], "secret");
	assert_string_equal(n.v[1], "sys");
	assert_string_equal(n.v[2], "tmp");
	vd_names_done(&n);
}

/*
 * vd_sysfs_beneath(): ".." that stays below the root is fine, ".." at the root and an
 * absolute or climbing link are -EXDEV (bind refuses such a path); openat2() and the walk
 * agree.
 */
static void test_beneath(const struct tree *t, struct vd_sysfs *s)
{
	(void)t;
	assert_int_equal(vd_sysfs_beneath(s, "sys/devices/dev0/vendor"), 0);
	assert_int_equal(vd_sysfs_beneath(s, "sys/../sys/devices"), 0);
	assert_int_equal(vd_sysfs_beneath(s, "sys/devices/dev0/../../bus"), 0);
	assert_int_equal(vd_sysfs_beneath(s, "sys/l/devdir/vendor"), 0);
	assert_int_equal(vd_sysfs_beneath(s, ".."), -EXDEV);
	assert_int_equal(vd_sysfs_beneath(s, "sys/../../secret"), -EXDEV);
	assert_int_equal(vd_sysfs_beneath(s, "sys/l/c"), 0);
	assert_int_equal(vd_sysfs_beneath(s, "sys/l/a"), -EXDEV); /* its chain goes through "/" */
	assert_int_equal(vd_sysfs_beneath(s, "sys/l/climb-other"), -EXDEV);
	assert_int_equal(vd_sysfs_beneath(s, "sys/devices/dev0/missing"), -ENOENT);
}

static void test_deep_tree(const struct tree *t, struct vd_sysfs *s)
{
	char path[512] = "sys/deep";

	for (int i = 0; i < 24; i++)
		strcat(path, "/d");
	assert_int_equal(vd_sysfs_is_dir(s, path), 1);
	strcat(path, "/up");
	expect_text(s, path, "inside");
	strcat(path, "/x");
	assert_int_equal(vd_sysfs_access(s, path), -ENOTDIR);
}

static int count_fds(void)
{
	struct vd_names n;
	struct vd_sysfs *proc;
	int count;

	assert_int_equal(vd_sysfs_open("/proc/self", &proc), 0);
	assert_int_equal(vd_sysfs_list(proc, "fd", &n), 0);
	count = (int)n.n;
	vd_names_done(&n);
	vd_sysfs_free(proc);
	return count;
}

/* Every way out of the walk (found, missing, loop, not a directory, ..) closes its fds. */
static void test_no_fd_leak(const struct tree *t, struct vd_sysfs *s)
{
	static const char *const paths[] = {
		"sys/l/devdir/vendor",
		"sys/l/devdir/none",
		"sys/l/ping/x",
		"sys/chain/0",
		"sys/l/file/x/y",
		"sys/deep/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/up",
		"sys/l/abs-dir/secret",
		"sys/devices/dev0/dangling",
	};
	char buf[64];
	int before;

	vd_sysfs_close_spent(s);
	before = count_fds();
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		(void)vd_sysfs_read(s, paths[i], buf, sizeof(buf));
		(void)vd_sysfs_access(s, paths[i]);
		(void)vd_sysfs_readlink(s, paths[i], buf, sizeof(buf));
	}
	vd_sysfs_close_spent(s);
	assert_int_equal(count_fds(), before);
}

/*
 * vd_sysfs_listed_link_path() answers what vd_sysfs_link_path() answers, entry by entry:
 * links relative, absolute, climbing out, looping, dangling; files and directories (no
 * links); an entry gone after the listing; then vd_names_done() closes the directory.
 */
static void test_listed_links(const struct tree *t, struct vd_sysfs *s)
{
	static const char *const dirs[] = { "sys/l", "/sys/devices/dev0/", "sys/chain" };
	char path[512], a[512], b[512], full[1024];
	int before, links = 0;

	vd_sysfs_close_spent(s);
	before = count_fds();
	for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
		struct vd_names n;

		assert_int_equal(vd_sysfs_list_keep(s, dirs[d], &n), 0);
		assert_true(n.n > 5);
		for (size_t i = 0; i < n.n; i++) {
			int ra, rb;

			snprintf(path, sizeof(path), "%s/%s", dirs[d], n.v[i]);
			ra = vd_sysfs_link_path(s, path, a, sizeof(a));
			rb = vd_sysfs_listed_link_path(&n, i, b, sizeof(b));
			if (ra != rb || (ra == 0 && strcmp(a, b)))
				fail_msg("%s: link_path %d '%s', listed %d '%s'", path, ra,
					 ra ? "" : a, rb, rb ? "" : b);
			links += ra == 0;
		}
		vd_names_done(&n);
	}
	assert_true(links >= 20);
	assert_int_equal(vd_sysfs_listed_link_path(&(struct vd_names){ 0 }, 0, b, sizeof(b)),
			 -EINVAL);

	/* gone after the listing: the same -ENOENT */
	{
		struct vd_names n;
		size_t i;

		vd_test_symlink(t->root, "../devices/dev0", "sys/l/later");
		assert_int_equal(vd_sysfs_list_keep(s, "sys/l", &n), 0);
		snprintf(full, sizeof(full), "%s/sys/l/later", t->root);
		assert_int_equal(unlink(full), 0);
		for (i = 0; i < n.n && strcmp(n.v[i], "later"); i++)
			;
		assert_true(i < n.n);
		assert_int_equal(vd_sysfs_listed_link_path(&n, i, b, sizeof(b)), -ENOENT);
		assert_int_equal(vd_sysfs_link_path(s, "sys/l/later", a, sizeof(a)), -ENOENT);
		vd_names_done(&n);
	}
	vd_sysfs_close_spent(s);
	assert_int_equal(count_fds(), before);
}

/* What every reader answers for path: return values and texts, one line. */
static void answers(struct vd_sysfs *s, const char *path, char *out, size_t size)
{
	char rd[256] = "", ln[256] = "", lp[256] = "", *all = NULL;
	int r1 = vd_sysfs_read(s, path, rd, sizeof(rd));
	int r2 = vd_sysfs_readlink(s, path, ln, sizeof(ln));
	int r3 = vd_sysfs_link_path(s, path, lp, sizeof(lp));
	int r4 = vd_sysfs_read_alloc(s, path, 1 << 20, &all, NULL);

	struct vd_names names = { 0 };
	int r5 = vd_sysfs_list(s, path, &names);
	int w = snprintf(out, size,
			 "read %d '%s' readlink %d '%s' link_path %d '%s' alloc %d %zu list %d", r1,
			 r1 >= 0 ? rd : "", r2, r2 >= 0 ? ln : "", r3, r3 == 0 ? lp : "", r4,
			 all ? strlen(all) : 0, r5);

	for (size_t i = 0; i < names.n && w > 0 && (size_t)w < size; i++)
		w += snprintf(out + w, size - (size_t)w, " %s", names.v[i]);
	vd_names_done(&names);
	free(all);
}

/*
 * A held directory's entries are opened by name under it: every reader answers exactly
 * what the whole walk answers, for files, links that climb, loop, dangle or leave, a
 * FIFO, directories and a name that is not there; in a directory reached through a link
 * too. Letting it go closes what it held.
 */
static void test_held_dir(const struct tree *t, struct vd_sysfs *s)
{
	static const char *const dirs[] = { "sys/devices/dev0", "sys/l", "/sys/l/devdir/",
					    "sys/chain" };
	char path[512], walked[4096], held[4096];
	int before, n = 0;

	(void)t;
	vd_sysfs_close_spent(s);
	before = count_fds();
	for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
		struct vd_names names;

		assert_int_equal(vd_sysfs_list(s, dirs[d], &names), 0);
		/* every entry, one that is not there, and the directory itself */
		for (size_t i = 0; i <= names.n + 1; i++) {
			if (i <= names.n)
				snprintf(path, sizeof(path), "%s/%s", dirs[d],
					 i < names.n ? names.v[i] : "not-there");
			else
				snprintf(path, sizeof(path), "%s", dirs[d]);
			answers(s, path, walked, sizeof(walked));
			vd_sysfs_hold_dir(s, dirs[d]);
			answers(s, path, held, sizeof(held));
			vd_sysfs_hold_dir(s, NULL);
			if (strcmp(walked, held))
				fail_msg("%s:\n walked: %s\n   held: %s", path, walked, held);
			n++;
		}
		vd_names_done(&names);
	}
	assert_true(n > 40);
	/* out of descriptors: the look in the held directory fails, and the whole walk,
	 * which closes the spent ones and tries again, answers */
	{
		struct rlimit old, low;
		char buf[64];

		vd_sysfs_hold_dir(s, "sys/devices/dev0");
		for (int i = 0; i < 8; i++)
			assert_int_equal(
				vd_sysfs_read(s, "sys/devices/dev0/vendor", buf, sizeof(buf)), 6);
		assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
		low = old;
		low.rlim_cur = 0;
		while (fcntl((int)low.rlim_cur, F_GETFD) >= 0)
			low.rlim_cur++; /* the lowest free number: no open can succeed */
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
		n = vd_sysfs_read(s, "sys/devices/dev0/vendor", buf, sizeof(buf));
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
		assert_int_equal(n, 6);
		vd_sysfs_hold_dir(s, NULL);
	}
	/* a directory that is none holds nothing, and answers stay the walk's */
	vd_sysfs_hold_dir(s, "sys/devices/dev0/vendor");
	assert_int_equal(vd_sysfs_read(s, "sys/devices/dev0/vendor/x", path, sizeof(path)),
			 -ENOTDIR);
	vd_sysfs_hold_dir(s, NULL);
	vd_sysfs_close_spent(s);
	assert_int_equal(count_fds(), before);
}

/*
 * The descriptors reads are done with wait to be closed a run at a time: never more than
 * a few dozen, every one closed by vd_sysfs_close_spent(), and an open that meets the
 * descriptor limit closes them and succeeds.
 */
static void test_spent_fds(const struct tree *t, struct vd_sysfs *s)
{
	struct rlimit old, low;
	char buf[64];
	int before, most = 0;

	(void)t;
	vd_sysfs_close_spent(s);
	before = count_fds();
	for (int i = 0; i < 200; i++) {
		assert_int_equal(vd_sysfs_read(s, "sys/l/devdir/vendor", buf, sizeof(buf)), 6);
		assert_int_equal(vd_sysfs_readlink(s, "sys/l/devdir/driver", buf, sizeof(buf)), 21);
		if (i % 7 == 0 && count_fds() - before > most)
			most = count_fds() - before;
	}
	assert_in_range(most, 2, 40);
	vd_sysfs_close_spent(s);
	assert_int_equal(count_fds(), before);

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)before + 8; /* room for one walk, not for what waits */
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	for (int i = 0; i < 100; i++)
		if (vd_sysfs_read(s, "sys/l/devdir/vendor", buf, sizeof(buf)) != 6)
			fail_msg("read %d under a limit of %d descriptors: %s", i,
				 (int)low.rlim_cur, buf);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	vd_sysfs_close_spent(s);
	assert_int_equal(count_fds(), before);
}

/*
 * Each test of the tree twice: with openat2() (where the kernel has it) and a file opened
 * through /proc/self/fd, and with neither (the walk, the path opened again).
 */
#define BOTH(fn)                                                                                   \
	static void fn##_openat2(void **state)                                                     \
	{                                                                                          \
		const struct tree *t = *state;                                                     \
		fn(t, t->s);                                                                       \
	}                                                                                          \
	static void fn##_fallback(void **state)                                                    \
	{                                                                                          \
		const struct tree *t = *state;                                                     \
		fn(t, t->fb);                                                                      \
	}
#define BOTH_TESTS(fn) cmocka_unit_test(fn##_openat2), cmocka_unit_test(fn##_fallback)

BOTH(test_read_strips_one_newline)
BOTH(test_read_refuses_odd_files)
BOTH(test_links_stay_inside_root)
BOTH(test_link_base_and_path)
BOTH(test_list_sorted)
BOTH(test_write_never_creates)
BOTH(test_is_dir_and_alloc)
BOTH(test_abs_link_to_outside)
BOTH(test_relative_escape)
BOTH(test_link_chain)
BOTH(test_link_to_dir_then_more)
BOTH(test_link_loops)
BOTH(test_file_as_dir)
BOTH(test_readlink_final_not_followed)
BOTH(test_write_read_through_link)
BOTH(test_dangling_link)
BOTH(test_dotdot_at_root)
BOTH(test_deep_tree)
BOTH(test_beneath)
BOTH(test_no_fd_leak)
BOTH(test_spent_fds)
BOTH(test_listed_links)
BOTH(test_held_dir)

/* Does this kernel have openat2() (not filtered)? Decides what the default handle does. */
static bool kernel_has_openat2(void)
{
#if defined(VD_HAVE_OPENAT2_H) && defined(SYS_openat2)
	struct open_how how = { .flags = O_PATH | O_CLOEXEC };
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));

	if (fd < 0)
		return false;
	close(fd);
	return true;
#else
	return false;
#endif
}

/*
 * VD_SYSFS_NO_OPENAT2 really switches: with /proc/self as the root, "root" is a magic
 * link. openat2(RESOLVE_NO_MAGICLINKS) refuses it (-ELOOP); the fallback reads it as
 * text ("/") and so lands on the root itself.
 */
static void test_open_flags(void **state)
{
	struct vd_sysfs *s;

	(void)state;
	assert_int_equal(vd_sysfs_open_flags("/proc/self", VD_SYSFS_NO_OPENAT2, &s), 0);
	assert_int_equal(vd_sysfs_access(s, "root"), 0);
	assert_int_equal(vd_sysfs_is_dir(s, "root/fd"), 1);
	vd_sysfs_free(s);
	assert_int_equal(vd_sysfs_open_flags("/proc/self", 0, &s), 0);
	assert_int_equal(vd_sysfs_access(s, "root"), kernel_has_openat2() ? -ELOOP : 0);
	vd_sysfs_free(s);
	assert_int_equal(vd_sysfs_open_flags("/proc/self", 1U << 7, &s), -EINVAL);
}

/*
 * On the live root readlink is one readlinkat() on the root fd, not O_PATH open,
 * readlinkat and close. The answers must be those of the confined path: "/." is the same
 * directory but not taken for the live root, so it goes through openat2() or the walk.
 */
static void test_readlink_live_same_answers(void **state)
{
	static const char *const rels[] = {
		"sys/l/devdir",	     "sys/l/devdir/driver",
		"sys/l/ping",	     "sys/l/abs-other",
		"sys/l/climb-other", "sys/l/devdir/vendor",
		"sys/l/ping/x",	     "sys/l/abs-dir/secret",
		"sys/l/file/x",	     "sys/l/devdir/",
		"sys/none",	     "sys/devices/dev0/dangling",
		"sys/chain/0/x",
	};
	static const char *const abs[] = {
		"proc/self", "/proc/self", "proc/self/exe", "proc/version", "proc/self/",
		".",	     "",	   "proc/vd-none/x"
	};
	const struct tree *t = *state;
	struct vd_sysfs *live, *confined, *nofd;
	char path[512], a[256], b[256], c[256];
	int before = count_fds();

	assert_int_equal(vd_sysfs_open("/", &live), 0);
	assert_int_equal(vd_sysfs_open("/.", &confined), 0);
	assert_int_equal(vd_sysfs_open_flags("/.", VD_SYSFS_NO_OPENAT2, &nofd), 0);
	for (size_t i = 0; i < ARRAY_SIZE(rels) + ARRAY_SIZE(abs); i++) {
		int ra, rb, rc;

		if (i < ARRAY_SIZE(rels))
			snprintf(path, sizeof(path), "%s/%s", t->root, rels[i]);
		else
			snprintf(path, sizeof(path), "%s", abs[i - ARRAY_SIZE(rels)]);
		ra = vd_sysfs_readlink(live, path, a, sizeof(a));
		rb = vd_sysfs_readlink(confined, path, b, sizeof(b));
		rc = vd_sysfs_readlink(nofd, path, c, sizeof(c));
		if (ra != rb || ra != rc)
			fail_msg("%s: live %d, openat2 %d, walk %d", path, ra, rb, rc);
		if (ra >= 0) {
			assert_string_equal(a, b);
			assert_string_equal(a, c);
		}
	}
	/* the answers this relies on, so a test of nothing cannot pass */
	snprintf(path, sizeof(path), "%s/sys/l/devdir/driver", t->root);
	assert_int_equal(vd_sysfs_readlink(live, path, a, sizeof(a)), 21);
	assert_string_equal(a, "../../bus/drivers/drv");
	assert_int_equal(vd_sysfs_readlink(live, "proc/version", a, sizeof(a)), -EINVAL);
	assert_int_equal(vd_sysfs_readlink(live, "proc/vd-none", a, sizeof(a)), -ENOENT);
	assert_int_equal(vd_sysfs_readlink(live, path, a, 21), -ENAMETOOLONG);
	vd_sysfs_free(live);
	vd_sysfs_free(confined);
	vd_sysfs_free(nofd);
	assert_int_equal(count_fds(), before);
}

static void test_open_missing_root(void **state)
{
	struct vd_sysfs *s;

	(void)state;
	assert_int_equal(vd_sysfs_open("/nonexistent/vd-root", &s), -ENOENT);
	assert_int_equal(vd_sysfs_open_flags("/nonexistent/vd-root", VD_SYSFS_NO_OPENAT2, &s),
			 -ENOENT);
}

/* One meaning of the root: "//" is the live system, "DIR/" and "DIR//" are "DIR". */
static void test_root_spellings(void **state)
{
	static const struct {
		const char *given, *root, *shown;
		bool live;
	} cases[] = {
		{ "/", "/", "/sys/bus/pci", true },
		{ "//", "/", "/sys/bus/pci", true },
		{ "///", "/", "/sys/bus/pci", true },
		{ "/tmp", "/tmp", "/tmp/sys/bus/pci", false },
		{ "/tmp/", "/tmp", "/tmp/sys/bus/pci", false },
		{ "/tmp//", "/tmp", "/tmp/sys/bus/pci", false },
		{ "//tmp", "//tmp", "//tmp/sys/bus/pci", false },
	};
	char buf[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vd_sysfs *s;

		assert_int_equal(vd_sysfs_open(cases[i].given, &s), 0);
		assert_string_equal(vd_sysfs_root(s), cases[i].root);
		assert_int_equal(vd_sysfs_is_live(s), cases[i].live);
		/* a leading '/' on the path changes nothing */
		assert_string_equal(vd_sysfs_shown_path(s, "sys/bus/pci", buf, sizeof(buf)),
				    cases[i].shown);
		assert_string_equal(vd_sysfs_shown_path(s, "/sys/bus/pci", buf, sizeof(buf)),
				    cases[i].shown);
		vd_sysfs_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH_TESTS(test_read_strips_one_newline),
		BOTH_TESTS(test_read_refuses_odd_files),
		BOTH_TESTS(test_links_stay_inside_root),
		BOTH_TESTS(test_link_base_and_path),
		BOTH_TESTS(test_list_sorted),
		BOTH_TESTS(test_write_never_creates),
		BOTH_TESTS(test_is_dir_and_alloc),
		BOTH_TESTS(test_abs_link_to_outside),
		BOTH_TESTS(test_relative_escape),
		BOTH_TESTS(test_link_chain),
		BOTH_TESTS(test_link_to_dir_then_more),
		BOTH_TESTS(test_link_loops),
		BOTH_TESTS(test_file_as_dir),
		BOTH_TESTS(test_readlink_final_not_followed),
		BOTH_TESTS(test_write_read_through_link),
		BOTH_TESTS(test_dangling_link),
		BOTH_TESTS(test_dotdot_at_root),
		BOTH_TESTS(test_deep_tree),
		BOTH_TESTS(test_no_fd_leak),
		BOTH_TESTS(test_spent_fds),
		BOTH_TESTS(test_listed_links),
		BOTH_TESTS(test_held_dir),
		BOTH_TESTS(test_beneath),
		cmocka_unit_test(test_open_flags),
		cmocka_unit_test(test_open_missing_root),
		cmocka_unit_test(test_root_spellings),
		cmocka_unit_test(test_readlink_live_same_answers),
		cmocka_unit_test(test_list_many),
	};
	return cmocka_run_group_tests_name("sysfs", tests, setup, teardown);
}
