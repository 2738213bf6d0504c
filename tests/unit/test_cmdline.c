/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- tests: kernel command line parsing */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vd_test.h"

#include "vd/facts/cmdline.h"

static struct vd_cmdline *parse(const char *text)
{
	struct vd_cmdline *c = NULL;

	assert_int_equal(vd_cmdline_parse(text, &c), 0);
	assert_non_null(c);
	return c;
}

static void test_simple(void **state)
{
	struct vd_cmdline *c = parse("console=ttyS0 quiet  panic=-1\n");

	assert_true(vd_cmdline_has(c, "quiet"));
	assert_true(vd_cmdline_has(c, "console"));
	assert_false(vd_cmdline_has(c, "cons"));
	assert_string_equal(vd_cmdline_value(c, "console"), "ttyS0");
	assert_string_equal(vd_cmdline_value(c, "panic"), "-1");
	assert_null(vd_cmdline_value(c, "quiet")); /* a flag has no value */
	assert_null(vd_cmdline_value(c, "nothere"));
	/* the raw text loses only its newline */
	assert_string_equal(vd_cmdline_text(c), "console=ttyS0 quiet  panic=-1");
	vd_cmdline_free(c);
}

static void test_last_value_wins(void **state)
{
	struct vd_cmdline *c = parse("console=tty0 console=ttyS0,115200 empty=");

	assert_string_equal(vd_cmdline_value(c, "console"), "ttyS0,115200");
	assert_string_equal(vd_cmdline_value(c, "empty"), "");
	vd_cmdline_free(c);
}

/* lib/cmdline.c next_arg(): quotes group, one pair around a value is removed */
static void test_quotes(void **state)
{
	struct vd_cmdline *c =
		parse("dyndbg=\"file dd.c +p\" \"foo=bar baz\" a=\"x y\"z b=\"unterminated rest");

	assert_string_equal(vd_cmdline_value(c, "dyndbg"), "file dd.c +p");
	assert_string_equal(vd_cmdline_value(c, "foo"), "bar baz");
	/* a quote in the middle only groups; the kernel keeps the trailing text */
	assert_string_equal(vd_cmdline_value(c, "a"), "x y\"z");
	/* an open quote swallows everything to the end */
	assert_string_equal(vd_cmdline_value(c, "b"), "unterminated rest");
	vd_cmdline_free(c);
}

/* parse_args() stops at a bare "--": what follows belongs to init */
static void test_double_dash(void **state)
{
	struct vd_cmdline *c =
		parse("quiet rdinit=/init -- --addr 0.0.0.0:2024 module_blacklist=virtio_pci");

	assert_true(vd_cmdline_has(c, "rdinit"));
	assert_false(vd_cmdline_has(c, "--addr"));
	assert_false(vd_cmdline_has(c, "module_blacklist"));
	assert_false(vd_cmdline_list_has(c, "module_blacklist", "virtio_pci"));
	vd_cmdline_free(c);

	/* "--=x" or "--foo" are ordinary arguments; only the bare word ends the list */
	c = parse("--foo quiet");
	assert_true(vd_cmdline_has(c, "--foo"));
	assert_true(vd_cmdline_has(c, "quiet"));
	vd_cmdline_free(c);
}

static void test_lists(void **state)
{
	struct vd_cmdline *c = parse("module_blacklist=virtio-net,vmw_vsock_virtio_transport "
				     "modprobe.blacklist=virtio_rng "
				     "initcall_blacklist=virtio_pci_driver_init "
				     "pci=nomsi,realloc pci=noaer");

	assert_true(vd_cmdline_list_has(c, "module_blacklist", "virtio_net"));
	assert_true(vd_cmdline_list_has(c, "module_blacklist", "virtio-net"));
	assert_true(vd_cmdline_list_has(c, "module_blacklist", "vmw-vsock-virtio-transport"));
	assert_false(vd_cmdline_list_has(c, "module_blacklist", "virtio"));
	assert_false(vd_cmdline_list_has(c, "module_blacklist", "virtio_pci"));
	assert_true(vd_cmdline_list_has(c, "modprobe.blacklist", "virtio_rng"));
	assert_true(vd_cmdline_list_has(c, "initcall_blacklist", "virtio_pci_driver_init"));
	assert_true(vd_cmdline_list_has(c, "pci", "nomsi"));
	assert_true(vd_cmdline_list_has(c, "pci", "realloc"));
	assert_true(vd_cmdline_list_has(c, "pci", "noaer")); /* pci= adds up */
	assert_false(vd_cmdline_list_has(c, "pci", "msi"));
	assert_false(vd_cmdline_list_has(c, "pci", ""));
	vd_cmdline_free(c);
}

/* the kernel's parameq(): dashes and underscores are equal in names */
static void test_dash_underscore_keys(void **state)
{
	struct vd_cmdline *c = parse("module-blacklist=virtio_pci virtio_pci.force-legacy=1");

	assert_true(vd_cmdline_list_has(c, "module_blacklist", "virtio_pci"));
	assert_string_equal(vd_cmdline_value(c, "virtio_pci.force_legacy"), "1");
	vd_cmdline_free(c);
}

/* module_blacklist= is a charp param: the last one replaces the earlier ones */
static void test_module_blacklist_last_wins(void **state)
{
	struct vd_cmdline *c = parse("module_blacklist=virtio_pci module_blacklist=virtio_net");

	assert_false(vd_cmdline_list_has(c, "module_blacklist", "virtio_pci"));
	assert_true(vd_cmdline_list_has(c, "module_blacklist", "virtio_net"));
	vd_cmdline_free(c);

	c = parse("initcall_blacklist=a initcall_blacklist=virtio_pci_driver_init");
	assert_true(vd_cmdline_list_has(c, "initcall_blacklist", "a"));
	assert_true(vd_cmdline_list_has(c, "initcall_blacklist", "virtio_pci_driver_init"));
	vd_cmdline_free(c);
}

static void test_empty_and_odd(void **state)
{
	struct vd_cmdline *c = parse("");

	assert_false(vd_cmdline_has(c, "quiet"));
	assert_string_equal(vd_cmdline_text(c), "");
	vd_cmdline_free(c);

	c = parse("   \t\n");
	assert_false(vd_cmdline_has(c, ""));
	vd_cmdline_free(c);

	/* "=x": '=' at position 0 does not split (equals == 0 in next_arg) */
	c = parse("=x noautodetect");
	assert_true(vd_cmdline_has(c, "=x"));
	assert_true(vd_cmdline_has(c, "noautodetect"));
	vd_cmdline_free(c);

	assert_int_equal(vd_cmdline_parse(NULL, &c), -EINVAL);
	assert_false(vd_cmdline_has(NULL, "x"));
	assert_null(vd_cmdline_value(NULL, "x"));
	assert_false(vd_cmdline_list_has(NULL, "pci", "nomsi"));
	vd_cmdline_free(NULL);
}

static void test_fixture_firecracker(void **state)
{
	struct vd_sysfs *s = NULL;
	struct vd_cmdline *c = NULL;

	assert_int_equal(vd_sysfs_open(VD_FIXTURE("firecracker-6.18"), &s), 0);
	assert_int_equal(vd_cmdline_load(s, &c), 0);
	assert_true(vd_cmdline_has(c, "nomodule"));
	assert_true(vd_cmdline_list_has(c, "mitigations", "no_guest_host"));
	assert_string_equal(vd_cmdline_value(c, "rdinit"), "/sbin/init");
	assert_string_equal(vd_cmdline_value(c, "tsc"), "unstable");
	assert_string_equal(vd_cmdline_value(c, "page_reporting.page_reporting_order"), "11");
	assert_false(vd_cmdline_has(c, "module_blacklist"));
	assert_false(vd_cmdline_has(c, "initcall_blacklist"));
	assert_non_null(strstr(vd_cmdline_text(c), "console=ttyS0"));
	vd_cmdline_free(c);
	vd_sysfs_free(s);
}

static void test_fixture_qemu(void **state)
{
	struct vd_sysfs *s = NULL;
	struct vd_cmdline *c = NULL;

	assert_int_equal(vd_sysfs_open(VD_FIXTURE("qemu-6.1-mixed"), &s), 0);
	assert_int_equal(vd_cmdline_load(s, &c), 0);
	assert_string_equal(vd_cmdline_value(c, "panic"), "-1");
	assert_string_equal(vd_cmdline_value(c, "rdinit"), "/init");
	assert_true(vd_cmdline_has(c, "quiet"));
	assert_false(vd_cmdline_list_has(c, "pci", "nomsi"));
	vd_cmdline_free(c);
	vd_sysfs_free(s);

	/* no proc/cmdline in the tree */
	assert_int_equal(vd_sysfs_open(VD_FIXTURE("qemu-6.1-mixed/sys"), &s), 0);
	assert_int_equal(vd_cmdline_load(s, &c), -ENOENT);
	vd_sysfs_free(s);
}

/* This machine: reading /proc/cmdline is harmless; its " -- " hands args to init. */
static void test_live(void **state)
{
	struct vd_sysfs *s = NULL;
	struct vd_cmdline *c = NULL;
	const char *dd;

	assert_int_equal(vd_sysfs_open("/", &s), 0);
	if (vd_cmdline_load(s, &c) < 0) {
		vd_sysfs_free(s);
		skip();
	}
	dd = strstr(vd_cmdline_text(c), " -- ");
	if (dd) {
		char word[64], before[4096];
		size_t blen = (size_t)(dd - vd_cmdline_text(c));

		/* the first word after " -- " is init's unless the kernel has it too */
		if (blen < sizeof(before) && sscanf(dd + 4, "%63s", word) == 1 &&
		    !strchr(word, '=') && !strchr(word, '"')) {
			memcpy(before, vd_cmdline_text(c), blen);
			before[blen] = '\0';
			if (!strstr(before, word))
				assert_false(vd_cmdline_has(c, word));
		}
	}
	vd_cmdline_free(c);
	vd_sysfs_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_last_value_wins),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_double_dash),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_dash_underscore_keys),
		cmocka_unit_test(test_module_blacklist_last_wins),
		cmocka_unit_test(test_empty_and_odd),
		cmocka_unit_test(test_fixture_firecracker),
		cmocka_unit_test(test_fixture_qemu),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
