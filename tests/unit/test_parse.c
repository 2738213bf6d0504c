/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- sysfs attribute formats and argument parsers */
#include <errno.h>
#include <string.h>

#include "vd_test.h"

#include "vd/base/parse.h"

static void test_hex(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(vd_parse_hex("0x1af4", 0xffff, &v), 0); /* 0x%04x */
	assert_int_equal(v, 0x1af4);
	assert_int_equal(vd_parse_hex("0x01", 0xff, &v), 0); /* revision 0x%02x */
	assert_int_equal(v, 1);
	assert_int_equal(vd_parse_hex("0xffff00", 0xffffff, &v), 0); /* class 0x%06x */
	assert_int_equal(v, 0xffff00);
	assert_int_equal(vd_parse_hex("0x0000000f", UINT32_MAX, &v), 0); /* status 0x%08x */
	assert_int_equal(v, 0xf);
	assert_int_equal(vd_parse_hex("0xFFFFFFFF", UINT32_MAX, &v), 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(vd_parse_hex("0x10000", 0xffff, &v), -ERANGE);
	assert_int_equal(vd_parse_hex("0x123456789", UINT32_MAX, &v), -EINVAL);
	assert_int_equal(vd_parse_hex("1af4", 0xffff, &v), -EINVAL);
	assert_int_equal(vd_parse_hex("0x", 0xffff, &v), -EINVAL);
	assert_int_equal(vd_parse_hex("", 0xffff, &v), -EINVAL);
	assert_int_equal(vd_parse_hex("0x1af4 ", 0xffff, &v), -EINVAL);
	assert_int_equal(vd_parse_hex("0x1ag4", 0xffff, &v), -EINVAL);
	assert_int_equal(vd_parse_hex("-0x1", 0xffff, &v), -EINVAL);
}

static void test_features(void **state)
{
	char s[129];
	uint64_t f[2];
	unsigned int n;

	(void)state;
	/* 6.1: 64 characters, bit 0 first; VERSION_1 is character 32 */
	memset(s, '0', 64);
	s[64] = '\0';
	s[32] = '1';
	s[0] = '1';
	assert_int_equal(vd_parse_features(s, f, &n), 0);
	assert_int_equal(n, 64);
	assert_true(vd_feature_has(f, 32));
	assert_true(vd_feature_has(f, 0));
	assert_false(vd_feature_has(f, 33));
	/* 6.18: 128 characters */
	memset(s, '0', 128);
	s[128] = '\0';
	s[33] = '1';
	s[127] = '1';
	assert_int_equal(vd_parse_features(s, f, &n), 0);
	assert_int_equal(n, 128);
	assert_true(vd_feature_has(f, 33));
	assert_true(vd_feature_has(f, 127));
	assert_false(vd_feature_has(f, 128));
	assert_int_equal(vd_parse_features("", f, &n), -EINVAL);
	assert_int_equal(vd_parse_features("0102", f, &n), -EINVAL);
	{
		char longer[131];

		memset(longer, '0', 129);
		longer[129] = '\0';
		assert_int_equal(vd_parse_features(longer, f, &n), -EINVAL);
	}
}

static void test_modalias(void **state)
{
	struct vd_pci_modalias m;
	uint32_t d, v;

	(void)state;
	assert_int_equal(
		vd_parse_pci_modalias("pci:v00001AF4d00001053sv00001AF4sd00001053bc02sc80i00", &m),
		0);
	assert_int_equal(m.vendor, 0x1af4);
	assert_int_equal(m.device, 0x1053);
	assert_int_equal(m.subvendor, 0x1af4);
	assert_int_equal(m.subdevice, 0x1053);
	assert_int_equal(m.base_class, 0x02);
	assert_int_equal(m.sub_class, 0x80);
	assert_int_equal(vd_parse_pci_modalias("pci:v00001AF4d00001053sv00001AF4sd00001053bc02sc80",
					       &m),
			 -EINVAL);
	assert_int_equal(vd_parse_pci_modalias("virtio:d00000013v00001AF4", &m), -EINVAL);

	assert_int_equal(vd_parse_virtio_modalias("virtio:d00000013v00001AF4", &d, &v), 0);
	assert_int_equal(d, 19);
	assert_int_equal(v, 0x1af4);
	assert_int_equal(vd_parse_virtio_modalias("virtio:d00000013v00001AF4x", &d, &v), -EINVAL);
	assert_int_equal(vd_parse_virtio_modalias("virtio:d0000013v00001AF4", &d, &v), -EINVAL);
}

static void test_bdf(void **state)
{
	struct vd_bdf b;
	char buf[32];

	(void)state;
	assert_int_equal(vd_parse_bdf("0000:00:04.0", false, &b), 0);
	assert_int_equal(b.bus, 0);
	assert_int_equal(b.dev, 4);
	vd_bdf_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "0000:00:04.0");
	assert_int_equal(vd_parse_bdf("00:04.0", false, &b), -EINVAL);
	assert_int_equal(vd_parse_bdf("00:04.0", true, &b), 0);
	assert_int_equal(vd_parse_bdf("abcd:ef:1f.7", false, &b), 0);
	vd_bdf_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "abcd:ef:1f.7");
	assert_int_equal(vd_parse_bdf("0000:00:20.0", false, &b), -ERANGE);
	assert_int_equal(vd_parse_bdf("0000:00:04.8", false, &b), -ERANGE);
	assert_int_equal(vd_parse_bdf("../../etc", true, &b), -EINVAL);
	assert_int_equal(vd_parse_bdf("0000:00:04.0/../..", true, &b), -EINVAL);
	assert_int_equal(vd_parse_bdf("0000:00:04.0 ", true, &b), -EINVAL);
	assert_int_equal(vd_parse_bdf("0000:0g:04.0", true, &b), -EINVAL);
	assert_int_equal(vd_parse_bdf("", true, &b), -EINVAL);
}

static void test_pci_id_and_virtio_name(void **state)
{
	uint16_t v, d;
	unsigned int n;

	(void)state;
	assert_int_equal(vd_parse_pci_id("1af4:1053", &v, &d), 0);
	assert_int_equal(v, 0x1af4);
	assert_int_equal(d, 0x1053);
	assert_int_equal(vd_parse_pci_id("1AF4:1053", &v, &d), 0);
	assert_int_equal(vd_parse_pci_id("1af4:105", &v, &d), -EINVAL);
	assert_int_equal(vd_parse_pci_id("1af4-1053", &v, &d), -EINVAL);
	assert_int_equal(vd_parse_pci_id("1af4:10533", &v, &d), -EINVAL);
	assert_int_equal(vd_parse_pci_id("xyz", &v, &d), -EINVAL);

	assert_int_equal(vd_parse_virtio_name("virtio3", &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(vd_parse_virtio_name("virtio12", &n), 0);
	assert_int_equal(vd_parse_virtio_name("virtio", &n), -EINVAL);
	assert_int_equal(vd_parse_virtio_name("virtio03", &n), -EINVAL);
	assert_int_equal(vd_parse_virtio_name("virtio3a", &n), -EINVAL);
	assert_int_equal(vd_parse_virtio_name("vortio3", &n), -EINVAL);
}

static void test_resource_line(void **state)
{
	struct vd_resource r;

	(void)state;
	assert_int_equal(vd_parse_resource_line("0x0000004000180000 0x00000040001fffff "
						"0x0000000000140204",
						&r),
			 0);
	assert_true(r.start == 0x4000180000ULL);
	assert_true(r.end == 0x40001fffffULL);
	assert_true(r.flags == 0x140204ULL);
	assert_int_equal(vd_parse_resource_line("0x0 0x0", &r), -EINVAL);
	assert_int_equal(vd_parse_resource_line("0x0 0x0 0x0 x", &r), -EINVAL);
	assert_int_equal(vd_parse_resource_line("garbage", &r), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_modalias),
		cmocka_unit_test(test_bdf),
		cmocka_unit_test(test_pci_id_and_virtio_name),
		cmocka_unit_test(test_resource_line),
	};
	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
