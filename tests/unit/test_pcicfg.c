/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- the config-space capability walker */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vd_test.h"

#include "vd/facts/pcicfg.h"
#include "vd/facts/pci.h"

/* A type-0 header for 1af4:1053 rev 1 with the capability list bit set. */
static void header(uint8_t *cfg, uint8_t first_cap)
{
	memset(cfg, 0, 256);
	cfg[0] = 0xf4;
	cfg[1] = 0x1a;
	cfg[2] = 0x53;
	cfg[3] = 0x10;
	cfg[6] = 0x10;
	cfg[8] = 0x01;
	cfg[0x2c] = 0xf4;
	cfg[0x2d] = 0x1a;
	cfg[0x2e] = 0x53;
	cfg[0x2f] = 0x10;
	cfg[0x34] = first_cap;
}

static void vcap(uint8_t *cfg, uint8_t pos, uint8_t next, uint8_t type, uint8_t bar, uint32_t off,
		 uint32_t len)
{
	cfg[pos] = 0x09;
	cfg[pos + 1] = next;
	cfg[pos + 2] = 16;
	cfg[pos + 3] = type;
	cfg[pos + 4] = bar;
	memcpy(cfg + pos + 8, &off, 4); /* little-endian host */
	memcpy(cfg + pos + 12, &len, 4);
}

static void test_modern_chain(void **state)
{
	uint8_t cfg[256];
	struct vd_pcicfg c;

	(void)state;
	header(cfg, 0x40);
	vcap(cfg, 0x40, 0x50, VD_CAP_COMMON, 0, 0, 0x38);
	vcap(cfg, 0x50, 0x60, VD_CAP_ISR, 0, 0x1000, 1);
	vcap(cfg, 0x60, 0x70, VD_CAP_DEVICE, 0, 0x2000, 0x100);
	vcap(cfg, 0x70, 0x84, VD_CAP_NOTIFY, 0, 0x3000, 0x1000);
	cfg[0x84] = 0x11; /* MSI-X */
	cfg[0x85] = 0x00;
	assert_int_equal(vd_pcicfg_parse(cfg, sizeof(cfg), &c), 0);
	assert_int_equal(c.vendor, 0x1af4);
	assert_int_equal(c.device, 0x1053);
	assert_int_equal(c.revision, 1);
	assert_int_equal(c.subdevice, 0x1053);
	assert_true(c.has_cap_list);
	assert_true(c.has_msix);
	assert_false(c.loop || c.incomplete || c.bad_pointer);
	assert_int_equal(c.n_caps, 4);
	assert_non_null(vd_pcicfg_find(&c, VD_CAP_COMMON));
	assert_int_equal(vd_pcicfg_find(&c, VD_CAP_NOTIFY)->offset, 0x3000);
	assert_int_equal(vd_pcicfg_find(&c, VD_CAP_ISR)->length, 1);
	assert_null(vd_pcicfg_find(&c, VD_CAP_SHM));
	assert_string_equal(vd_virtio_cfg_type_name(VD_CAP_PCI_CFG), "pci_cfg");
	assert_null(vd_virtio_cfg_type_name(7));
}

static void test_no_cap_list_is_legacy(void **state)
{
	uint8_t cfg[256];
	struct vd_pcicfg c;

	(void)state;
	header(cfg, 0x40);
	cfg[6] = 0; /* status without CAP_LIST: pointer must be ignored */
	vcap(cfg, 0x40, 0, VD_CAP_COMMON, 0, 0, 0x38);
	assert_int_equal(vd_pcicfg_parse(cfg, 64, &c), 0);
	assert_false(c.has_cap_list);
	assert_int_equal(c.n_caps, 0);
	assert_false(c.incomplete);
}

static void test_nonroot_64_bytes(void **state)
{
	uint8_t cfg[256];
	struct vd_pcicfg c;

	(void)state;
	header(cfg, 0x40);
	vcap(cfg, 0x40, 0, VD_CAP_COMMON, 0, 0, 0x38);
	assert_int_equal(vd_pcicfg_parse(cfg, 64, &c), 0);
	assert_true(c.incomplete);
	assert_int_equal(c.n_caps, 0);
	assert_int_equal(vd_pcicfg_parse(cfg, 63, &c), -ENODATA);
	assert_int_equal(vd_pcicfg_parse(cfg, 0, &c), -ENODATA);
}

static void test_loop_and_bad_pointers(void **state)
{
	uint8_t cfg[256];
	struct vd_pcicfg c;

	(void)state;
	header(cfg, 0x40);
	vcap(cfg, 0x40, 0x50, VD_CAP_COMMON, 0, 0, 0x38);
	vcap(cfg, 0x50, 0x40, VD_CAP_ISR, 0, 0, 1); /* back to the first */
	assert_int_equal(vd_pcicfg_parse(cfg, 256, &c), 0);
	assert_true(c.loop);
	assert_int_equal(c.n_caps, 2);

	header(cfg, 0x20); /* inside the standard header */
	assert_int_equal(vd_pcicfg_parse(cfg, 256, &c), 0);
	assert_true(c.bad_pointer);

	header(cfg, 0xf8); /* a vendor cap that would run past 256 bytes */
	cfg[0xf8] = 0x09;
	assert_int_equal(vd_pcicfg_parse(cfg, 256, &c), 0);
	assert_true(c.bad_pointer);
	assert_int_equal(c.n_caps, 0);

	/* unaligned pointers are aligned like Linux does, not followed as they are */
	header(cfg, 0x43);
	vcap(cfg, 0x40, 0, VD_CAP_NOTIFY, 7, 0, 0);
	assert_int_equal(vd_pcicfg_parse(cfg, 256, &c), 0);
	assert_int_equal(c.n_caps, 1);
	assert_int_equal(c.caps[0].bar, 7);
}

static void test_every_byte_chain_terminates(void **state)
{
	uint8_t cfg[256];
	struct vd_pcicfg c;

	(void)state;
	/* every cap points to the next dword: the walk must stop within the 256 bytes */
	header(cfg, 0x40);
	for (unsigned int p = 0x40; p < 0x100; p += 4) {
		cfg[p] = 0x01;
		cfg[p + 1] = (uint8_t)(p + 4);
	}
	assert_int_equal(vd_pcicfg_parse(cfg, 256, &c), 0);
	assert_false(c.loop);
}

/* config space as the kernel exposes it: the firecracker capture was taken as root. */
static void test_reads_fixture(void **state)
{
	struct vd_sysfs *s;
	struct vd_bdf b = { 0, 0, 4, 0 };
	uint8_t cfg[256];
	struct vd_pcicfg c;
	int n;

	(void)state;
	assert_int_equal(vd_sysfs_open(VD_FIXTURE("firecracker-6.18"), &s), 0);
	n = vd_pci_read_config(s, &b, cfg, sizeof(cfg));
	assert_int_equal(n, 256);
	assert_int_equal(vd_pcicfg_parse(cfg, (size_t)n, &c), 0);
	assert_int_equal(c.device, 0x1053);
	assert_non_null(vd_pcicfg_find(&c, VD_CAP_COMMON));
	assert_non_null(vd_pcicfg_find(&c, VD_CAP_ISR));
	assert_non_null(vd_pcicfg_find(&c, VD_CAP_NOTIFY));
	b.dev = 9; /* no such function */
	assert_true(vd_pci_read_config(s, &b, cfg, sizeof(cfg)) < 0);
	/* a buffer for the header only gets the header */
	b.dev = 4;
	assert_int_equal(vd_pci_read_config(s, &b, cfg, 64), 64);
	assert_int_equal(vd_pci_read_config(s, &b, cfg, 63), -EINVAL);
	vd_sysfs_free(s);

	assert_int_equal(vd_sysfs_open(VD_FIXTURE("qemu-6.1-mixed-nonroot"), &s), 0);
	assert_int_equal(vd_pci_read_config(s, &b, cfg, sizeof(cfg)), 64);
	vd_sysfs_free(s);
}

/* config linked out of the tree: read inside it (where nothing is), never the target */
static void test_config_link_stays_in_root(void **state)
{
	char root[] = "/tmp/vd-pcicfg-XXXXXX", secret[] = "/tmp/vd-pcicfg-secret-XXXXXX";
	char path[PATH_MAX];
	struct vd_sysfs *s;
	struct vd_bdf b = { 0, 0, 4, 0 };
	uint8_t cfg[256];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(root));
	fd = mkstemp(secret);
	assert_true(fd >= 0);
	memset(cfg, 0x5a, sizeof(cfg));
	assert_int_equal(write(fd, cfg, sizeof(cfg)), (ssize_t)sizeof(cfg));
	close(fd);
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/0000:00:04.0", root);
	{
		char cmd[PATH_MAX * 3];

		snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && ln -s '%s' '%s/config'", path, secret,
			 path);
		assert_int_equal(system(cmd), 0);
	}
	assert_int_equal(vd_sysfs_open(root, &s), 0);
	assert_int_equal(vd_pci_read_config(s, &b, cfg, sizeof(cfg)), -ENOENT);
	vd_sysfs_free(s);
	{
		char cmd[PATH_MAX * 2];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", root, secret);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modern_chain),
		cmocka_unit_test(test_no_cap_list_is_legacy),
		cmocka_unit_test(test_nonroot_64_bytes),
		cmocka_unit_test(test_loop_and_bad_pointers),
		cmocka_unit_test(test_every_byte_chain_terminates),
		cmocka_unit_test(test_reads_fixture),
		cmocka_unit_test(test_config_link_stays_in_root),
	};
	return cmocka_run_group_tests_name("pcicfg", tests, NULL, NULL);
}
