/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- PCI ID classification, type table, status bits */
#include <errno.h>
#include <string.h>

#include "vd_test.h"

#include "vd/base/ids.h"

static void classify(uint16_t v, uint16_t d, uint16_t sd, bool have_sd, struct vd_pci_class *c)
{
	vd_classify_pci(v, d, sd, have_sd, c);
}

static void test_range_boundaries(void **state)
{
	struct vd_pci_class c;

	(void)state;
	classify(0x1af4, 0x0fff, 0, false, &c);
	assert_false(c.virtio);
	assert_int_equal(c.type_id, -1);

	classify(0x1af4, 0x1000, 0x0001, true, &c);
	assert_true(c.virtio);
	assert_false(c.modern);
	assert_int_equal(c.type_id, 1); /* from the subsystem */

	classify(0x1af4, 0x103f, 0x0005, true, &c);
	assert_true(c.virtio);
	assert_false(c.modern);
	assert_int_equal(c.type_id, 5);

	classify(0x1af4, 0x1040, 0x1100, true, &c);
	assert_true(c.virtio);
	assert_true(c.modern);
	assert_int_equal(c.type_id, 0);

	classify(0x1af4, 0x107f, 0, false, &c);
	assert_true(c.modern);
	assert_int_equal(c.type_id, 0x3f);

	classify(0x1af4, 0x1080, 0, false, &c);
	assert_false(c.virtio);
	assert_non_null(c.not_virtio);

	classify(0x1af4, 0x1110, 0x1100, true, &c);
	assert_false(c.virtio);
	assert_non_null(strstr(c.not_virtio, "ivshmem"));

	classify(0x1af4, 0x10f5, 0, false, &c);
	assert_false(c.virtio);
	assert_non_null(strstr(c.not_virtio, "experimental"));
}

static void test_modern_ignores_subsystem(void **state)
{
	struct vd_pci_class c;

	(void)state;
	/* QEMU gives modern devices subsystem 1af4:1100: never a type */
	classify(0x1af4, 0x1044, 0x1100, true, &c);
	assert_int_equal(c.type_id, 4);
	classify(0x1af4, 0x1053, 0x1053, true, &c);
	assert_int_equal(c.type_id, 19);
}

static void test_transitional_without_subsystem(void **state)
{
	struct vd_pci_class c;

	(void)state;
	classify(0x1af4, 0x1000, 0, false, &c);
	assert_true(c.virtio);
	assert_int_equal(c.type_id, -1);
}

static void test_other_vendors(void **state)
{
	struct vd_pci_class c;

	(void)state;
	classify(0x1b36, 0x1053, 0, false, &c);
	assert_false(c.virtio);
	assert_non_null(c.not_virtio);
	classify(0x8086, 0x1041, 0, false, &c);
	assert_false(c.virtio);
	assert_null(c.not_virtio);
}

static void test_type_table(void **state)
{
	char buf[32];
	const struct vd_virtio_type *t;

	(void)state;
	t = vd_virtio_type_by_id(19);
	assert_non_null(t);
	assert_string_equal(t->name, "vsock");
	assert_string_equal(t->spec_name, "Socket device");
	assert_string_equal(t->driver, "vmw_vsock_virtio_transport");
	assert_string_equal(vd_virtio_type_by_id(1)->name, "net");
	assert_string_equal(vd_virtio_type_by_id(2)->name, "block");
	assert_string_equal(vd_virtio_type_by_id(9)->name, "9p");
	assert_string_equal(vd_virtio_type_by_id(26)->name, "fs");
	assert_null(vd_virtio_type_by_id(14));
	assert_null(vd_virtio_type_by_id(0));
	assert_string_equal(vd_virtio_type_short(14, buf, sizeof(buf)), "unknown-14");
	assert_string_equal(vd_virtio_type_short(200, buf, sizeof(buf)), "unknown-200");
	assert_int_equal(vd_virtio_type_by_name("vsock")->id, 19);
	assert_int_equal(vd_virtio_type_by_name("blk")->id, 2);
	assert_null(vd_virtio_type_by_name("nosuch"));
	/* every entry is reachable by its own name and ids are unique */
	for (size_t i = 0; vd_virtio_type_at(i); i++) {
		const struct vd_virtio_type *e = vd_virtio_type_at(i);

		assert_ptr_equal(vd_virtio_type_by_name(e->name), e);
		assert_ptr_equal(vd_virtio_type_by_id(e->id), e);
	}
}

static void test_status_decode(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(vd_status_decode(0x0f, buf, sizeof(buf)), 40);
	assert_string_equal(buf, "ACKNOWLEDGE,DRIVER,FEATURES_OK,DRIVER_OK");
	vd_status_decode(0x07, buf, sizeof(buf));
	assert_string_equal(buf, "ACKNOWLEDGE,DRIVER,DRIVER_OK");
	vd_status_decode(0x8b, buf, sizeof(buf));
	assert_string_equal(buf, "ACKNOWLEDGE,DRIVER,FEATURES_OK,FAILED");
	vd_status_decode(0x41, buf, sizeof(buf));
	assert_string_equal(buf, "ACKNOWLEDGE,NEEDS_RESET");
	vd_status_decode(0x01, buf, sizeof(buf));
	assert_string_equal(buf, "ACKNOWLEDGE");
	assert_int_equal(vd_status_decode(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	vd_status_decode(0x120, buf, sizeof(buf));
	assert_string_equal(buf, "0x120");
	assert_int_equal(vd_status_decode(0x0f, buf, 8), -ENOSPC);
}

static void test_decode_id(void **state)
{
	struct vd_id_info i;

	(void)state;
	vd_decode_pci_id(0x1af4, 0x1053, false, 0, 0, &i);
	assert_int_equal(i.transport, VD_TRANSPORT_MODERN);
	assert_int_equal(i.cls.type_id, 19);
	vd_decode_pci_id(0x1af4, 0x1000, false, 0, 0, &i);
	assert_int_equal(i.transport, VD_TRANSPORT_TRANSITIONAL);
	assert_int_equal(i.cls.type_id, 1);
	assert_true(i.type_conventional);
	vd_decode_pci_id(0x1af4, 0x1000, true, 0x1af4, 0x0002, &i);
	assert_int_equal(i.cls.type_id, 2);
	assert_false(i.type_conventional);
	vd_decode_pci_id(0x1af4, 0x1012, false, 0, 0, &i);
	assert_int_equal(i.cls.type_id, 19);
	vd_decode_pci_id(0x1af4, 0x1110, false, 0, 0, &i);
	assert_false(i.cls.virtio);
	assert_int_equal(i.transport, VD_TRANSPORT_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_boundaries),
		cmocka_unit_test(test_modern_ignores_subsystem),
		cmocka_unit_test(test_transitional_without_subsystem),
		cmocka_unit_test(test_other_vendors),
		cmocka_unit_test(test_type_table),
		cmocka_unit_test(test_status_decode),
		cmocka_unit_test(test_decode_id),
	};
	return cmocka_run_group_tests_name("ids", tests, NULL, NULL);
}
