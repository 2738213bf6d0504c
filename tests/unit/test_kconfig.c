/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- tests: kernel configuration parsing and loading */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "vd_test.h"

#include "vd/facts/kconfig.h"

static struct vd_kconfig *parse(const char *text)
{
	struct vd_kconfig *k = NULL;

	assert_int_equal(vd_kconfig_parse(text, strlen(text), &k), 0);
	assert_non_null(k);
	return k;
}

static void test_parse_values(void **state)
{
	struct vd_kconfig *k = parse("#\n# Automatically generated file; DO NOT EDIT.\n"
				     "CONFIG_PCI=y\n"
				     "CONFIG_VIRTIO_PCI=m\n"
				     "# CONFIG_VIRTIO_PCI_LEGACY is not set\n"
				     "CONFIG_CMDLINE=\"console=ttyS0\"\n"
				     "CONFIG_NR_CPUS=64\n"
				     "CONFIG_EXPLICIT_N=n\n"
				     "\n");

	assert_int_equal(vd_kconfig_get(k, "PCI"), 'y');
	assert_int_equal(vd_kconfig_get(k, "VIRTIO_PCI"), 'm');
	assert_int_equal(vd_kconfig_get(k, "VIRTIO_PCI_LEGACY"), 'n');
	assert_int_equal(vd_kconfig_get(k, "CMDLINE"), '"');
	assert_int_equal(vd_kconfig_get(k, "NR_CPUS"), '6');
	assert_int_equal(vd_kconfig_get(k, "EXPLICIT_N"), 'n');
	assert_int_equal(vd_kconfig_get(k, "ABSENT"), 'n');
	/* the prefix is accepted too */
	assert_int_equal(vd_kconfig_get(k, "CONFIG_VIRTIO_PCI"), 'm');
	/* no prefix matching: VIRTIO is not VIRTIO_PCI */
	assert_int_equal(vd_kconfig_get(k, "VIRTIO"), 'n');
	vd_kconfig_free(k);
}

static void test_parse_garbage(void **state)
{
	struct vd_kconfig *k = parse("garbage line\n"
				     "CONFIG_=y\n"
				     "CONFIG_NOVALUE=\n"
				     "CONFIG_NOEQUALS\n"
				     "CONFIG_SPACE = y\n"
				     "# CONFIG_BROKEN is not\n"
				     "#CONFIG_NOSPACE is not set\n"
				     "# CONFIG_TRAILING is not set, really\n"
				     "\tCONFIG_INDENTED=y\n"
				     "CONFIG_CRLF=m\r\n"
				     "CONFIG_GOOD=y\n"
				     "\xff\xfe\x01binary\n"
				     "CONFIG_LAST=m");

	assert_int_equal(vd_kconfig_get(k, ""), 'n');
	assert_int_equal(vd_kconfig_get(k, "NOVALUE"), 'n');
	assert_int_equal(vd_kconfig_get(k, "NOEQUALS"), 'n');
	assert_int_equal(vd_kconfig_get(k, "SPACE"), 'n');
	assert_int_equal(vd_kconfig_get(k, "BROKEN"), 'n');
	assert_int_equal(vd_kconfig_get(k, "NOSPACE"), 'n');
	assert_int_equal(vd_kconfig_get(k, "TRAILING"), 'n');
	assert_int_equal(vd_kconfig_get(k, "INDENTED"), 'n');
	assert_int_equal(vd_kconfig_get(k, "CRLF"), 'm');
	assert_int_equal(vd_kconfig_get(k, "GOOD"), 'y');
	/* no trailing newline: the last line still counts */
	assert_int_equal(vd_kconfig_get(k, "LAST"), 'm');
	vd_kconfig_free(k);
}

static void test_parse_last_wins(void **state)
{
	struct vd_kconfig *k = parse("CONFIG_A=y\n# CONFIG_A is not set\nCONFIG_B=n\nCONFIG_B=m\n");

	assert_int_equal(vd_kconfig_get(k, "A"), 'n');
	assert_int_equal(vd_kconfig_get(k, "B"), 'm');
	vd_kconfig_free(k);
}

static void test_parse_embedded_nul(void **state)
{
	static const char text[] = "CONFIG_A=y\0CONFIG_HIDDEN=y\nCONFIG_B=m\n";
	struct vd_kconfig *k = NULL;

	assert_int_equal(vd_kconfig_parse(text, sizeof(text) - 1, &k), 0);
	assert_int_equal(vd_kconfig_get(k, "A"), 'y');
	assert_int_equal(vd_kconfig_get(k, "HIDDEN"), 'n');
	assert_int_equal(vd_kconfig_get(k, "B"), 'm');
	vd_kconfig_free(k);
}

static void test_parse_empty_and_bounds(void **state)
{
	struct vd_kconfig *k = NULL;

	assert_int_equal(vd_kconfig_parse("", 0, &k), 0);
	assert_int_equal(vd_kconfig_get(k, "PCI"), 'n');
	vd_kconfig_free(k);
	assert_int_equal(vd_kconfig_parse(NULL, 0, &k), -EINVAL);
	/* a config bigger than 8 MiB is refused before anything is read from it */
	assert_int_equal(vd_kconfig_parse("", (size_t)9 * 1024 * 1024, &k), -EFBIG);
	assert_int_equal(vd_kconfig_get(NULL, "PCI"), 'n');
	vd_kconfig_free(NULL);
}

static void test_load_firecracker(void **state)
{
	struct vd_sysfs *s = NULL;
	struct vd_kconfig *k = NULL;
	char source[64] = "";

	assert_int_equal(vd_sysfs_open(VD_FIXTURE("firecracker-6.18"), &s), 0);
	assert_int_equal(vd_kconfig_load(s, &k, source, sizeof(source)), 0);
	assert_string_equal(source, "proc/config.gz");
	assert_int_equal(vd_kconfig_get(k, "PCI"), 'y');
	assert_int_equal(vd_kconfig_get(k, "VIRTIO_PCI"), 'y');
	assert_int_equal(vd_kconfig_get(k, "VIRTIO_PCI_LEGACY"), 'n');
	assert_int_equal(vd_kconfig_get(k, "VIRTIO_VSOCKETS"), 'y');
	assert_int_equal(vd_kconfig_get(k, "VSOCKETS"), 'y');
	vd_kconfig_free(k);
	vd_sysfs_free(s);
}

static void test_load_qemu(void **state)
{
	struct vd_sysfs *s = NULL;
	struct vd_kconfig *k = NULL;
	char source[64] = "";

	assert_int_equal(vd_sysfs_open(VD_FIXTURE("qemu-6.1-mixed"), &s), 0);
	assert_int_equal(vd_kconfig_load(s, &k, source, sizeof(source)), 0);
	assert_string_equal(source, "boot/config-6.1.0-56-amd64");
	assert_int_equal(vd_kconfig_get(k, "VIRTIO_PCI"), 'm');
	assert_int_equal(vd_kconfig_get(k, "VIRTIO_PCI_LEGACY"), 'y');
	assert_int_equal(vd_kconfig_get(k, "VIRTIO_VSOCKETS"), 'm');
	vd_kconfig_free(k);

	/* source is optional */
	assert_int_equal(vd_kconfig_load(s, &k, NULL, 0), 0);
	vd_kconfig_free(k);
	vd_sysfs_free(s);
}

static void test_load_nothing(void **state)
{
	struct vd_sysfs *s = NULL;
	struct vd_kconfig *k = NULL;

	/* a tree without proc/ at all */
	assert_int_equal(vd_sysfs_open(VD_FIXTURE("qemu-6.1-mixed/sys"), &s), 0);
	assert_int_equal(vd_kconfig_load(s, &k, NULL, 0), -ENOENT);
	vd_sysfs_free(s);
}

/* ---- temp roots with a handmade config.gz ---- */

static void make_dirs(const char *root)
{
	vd_test_mkdir(root, "proc");
	vd_test_mkdir(root, "proc/sys");
	vd_test_mkdir(root, "proc/sys/kernel");
	vd_test_mkdir(root, "boot");
}

/* gzip-compress text into a malloc'ed buffer */
static unsigned char *gzip_buf(const char *text, size_t len, size_t *out_len)
{
	z_stream z = { 0 };
	size_t cap = len + 1024;
	unsigned char *out = malloc(cap);

	assert_non_null(out);
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	z.next_in = (unsigned char *)text;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

static void test_load_truncated_gzip(void **state)
{
	static const char text[] = "CONFIG_PCI=y\nCONFIG_VIRTIO_PCI=y\n# CONFIG_VIRTIO_MMIO is "
				   "not set\nCONFIG_VSOCKETS=m\n";
	char *root = vd_test_tmpdir();
	struct vd_sysfs *s = NULL;
	struct vd_kconfig *k = NULL;
	char source[64];
	unsigned char *gz;
	size_t gz_len;

	make_dirs(root);
	gz = gzip_buf(text, sizeof(text) - 1, &gz_len);
	assert_int_equal(vd_sysfs_open(root, &s), 0);

	/* whole: parsed from memory */
	vd_test_write(root, "proc/config.gz", gz, gz_len);
	assert_int_equal(vd_kconfig_load(s, &k, source, sizeof(source)), 0);
	assert_int_equal(vd_kconfig_get(k, "VSOCKETS"), 'm');
	vd_kconfig_free(k);

	/* cut short: an error, not a partial config */
	vd_test_write(root, "proc/config.gz", gz, gz_len / 2);
	assert_int_equal(vd_kconfig_load(s, &k, NULL, 0), -EBADMSG);
	/* without its trailer (CRC and size) only */
	vd_test_write(root, "proc/config.gz", gz, gz_len - 4);
	assert_int_equal(vd_kconfig_load(s, &k, NULL, 0), -EBADMSG);
	/* not gzip at all */
	vd_test_write(root, "proc/config.gz", text, sizeof(text) - 1);
	assert_int_equal(vd_kconfig_load(s, &k, NULL, 0), -EBADMSG);
	/* empty */
	vd_test_write(root, "proc/config.gz", "", 0);
	assert_int_equal(vd_kconfig_load(s, &k, NULL, 0), -EBADMSG);

	/* a broken config.gz with a usable boot/config-RELEASE: the latter is used */
	vd_test_write(root, "proc/sys/kernel/osrelease", "6.1.0-test\n", 11);
	vd_test_write(root, "boot/config-6.1.0-test", "CONFIG_VIRTIO_PCI=m\n", 20);
	assert_int_equal(vd_kconfig_load(s, &k, source, sizeof(source)), 0);
	assert_string_equal(source, "boot/config-6.1.0-test");
	assert_int_equal(vd_kconfig_get(k, "VIRTIO_PCI"), 'm');
	vd_kconfig_free(k);

	/* a release that tries to leave boot/ is refused */
	vd_test_write(root, "proc/sys/kernel/osrelease", "../etc/x\n", 9);
	assert_int_equal(vd_kconfig_load(s, &k, NULL, 0), -EBADMSG);

	vd_sysfs_free(s);
	free(gz);
	vd_test_remove_copy(root);
}

/* A gzip bomb: more than 8 MiB of text is refused, not inflated without end. */
static void test_load_too_big(void **state)
{
	char *root = vd_test_tmpdir();
	size_t len = (size_t)9 * 1024 * 1024, gz_len;
	struct vd_sysfs *s = NULL;
	struct vd_kconfig *k = NULL;
	unsigned char *gz;
	char *text;

	make_dirs(root);
	text = malloc(len);
	assert_non_null(text);
	memset(text, '#', len);
	gz = gzip_buf(text, len, &gz_len);
	vd_test_write(root, "proc/config.gz", gz, gz_len);
	assert_int_equal(vd_sysfs_open(root, &s), 0);
	assert_int_equal(vd_kconfig_load(s, &k, NULL, 0), -EFBIG);
	vd_sysfs_free(s);
	free(gz);
	free(text);
	vd_test_remove_copy(root);
}

/* This machine: reading /proc/config.gz is harmless when it exists. */
static void test_live(void **state)
{
	struct vd_sysfs *s = NULL;
	struct vd_kconfig *k = NULL;
	char source[64];

	assert_int_equal(vd_sysfs_open("/", &s), 0);
	if (vd_kconfig_load(s, &k, source, sizeof(source)) < 0) {
		vd_sysfs_free(s);
		skip();
	}
	/* every kernel that can run this test has PCI or at least a config that parsed */
	assert_true(vd_kconfig_get(k, "PCI") == 'y' || vd_kconfig_get(k, "PCI") == 'n');
	vd_kconfig_free(k);
	vd_sysfs_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_parse_last_wins),
		cmocka_unit_test(test_parse_embedded_nul),
		cmocka_unit_test(test_parse_empty_and_bounds),
		cmocka_unit_test(test_load_firecracker),
		cmocka_unit_test(test_load_qemu),
		cmocka_unit_test(test_load_nothing),
		cmocka_unit_test(test_load_truncated_gzip),
		cmocka_unit_test(test_load_too_big),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
