/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- the device model on real and derived sysfs captures */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd_test.h"

#include "vd/model/model.h"

struct row {
	const char *name;
	enum vd_state state;
	enum vd_transport transport;
	int type_id;
	const char *pcidrv, *virtio, *driver;
};

static void scan_fixture(const char *root, const struct vd_scan_opts *o, struct vd_model *m)
{
	struct vd_sysfs *s;

	assert_int_equal(vd_sysfs_open(root, &s), 0);
	assert_int_equal(vd_model_scan(s, o, m), 0);
	vd_sysfs_free(s);
}

static void expect_rows(const struct vd_model *m, const struct row *rows, size_t n)
{
	assert_int_equal(m->n, n);
	for (size_t i = 0; i < n; i++) {
		const struct vd_device *d = &m->dev[i];

		assert_string_equal(d->name, rows[i].name);
		assert_int_equal(d->state, rows[i].state);
		assert_int_equal(d->transport, rows[i].transport);
		assert_int_equal(d->type_id, rows[i].type_id);
		assert_string_equal(d->pcidrv, rows[i].pcidrv);
		assert_string_equal(d->virtio, rows[i].virtio);
		assert_string_equal(d->driver, rows[i].driver);
	}
}

#define VPCI "virtio-pci"

static void test_firecracker(void **state)
{
	static const struct row rows[] = {
		{ "0000:00:01.0", VD_STATE_OK, VD_TRANSPORT_MODERN, 5, VPCI, "virtio0",
		  "virtio_balloon" },
		{ "0000:00:02.0", VD_STATE_OK, VD_TRANSPORT_MODERN, 2, VPCI, "virtio1",
		  "virtio_blk" },
		{ "0000:00:03.0", VD_STATE_OK, VD_TRANSPORT_MODERN, 1, VPCI, "virtio2",
		  "virtio_net" },
		{ "0000:00:04.0", VD_STATE_OK, VD_TRANSPORT_MODERN, 19, VPCI, "virtio3",
		  "vmw_vsock_virtio_transport" },
		{ "0000:00:05.0", VD_STATE_OK, VD_TRANSPORT_MODERN, 4, VPCI, "virtio4",
		  "virtio_rng" },
	};
	struct vd_model m;

	(void)state;
	scan_fixture(VD_FIXTURE("firecracker-6.18"), NULL, &m);
	expect_rows(&m, rows, 5);
	assert_int_equal(m.warnings.n, 0);
	assert_true(m.dev[3].have_status);
	assert_int_equal(m.dev[3].status, 0x0f);
	vd_model_done(&m);
}

static void test_firecracker_all_pci(void **state)
{
	struct vd_scan_opts o = { .all_pci = true, .want = VD_WANT_ALL };
	struct vd_model m;

	(void)state;
	scan_fixture(VD_FIXTURE("firecracker-6.18"), &o, &m);
	assert_int_equal(m.n, 6);
	assert_string_equal(m.dev[0].name, "0000:00:00.0");
	assert_int_equal(m.dev[0].state, VD_STATE_NOT_VIRTIO);
	assert_int_equal(m.dev[0].vendor, 0x8086);
	assert_true(m.dev[4].have_subsys);
	assert_int_equal(m.dev[4].subdevice, 0x1053);
	assert_true(m.dev[4].have_rev);
	assert_int_equal(m.dev[4].revision, 1);
	assert_int_equal(m.dev[4].class, 0xffff00);
	assert_true(m.dev[4].have_features);
	assert_int_equal(m.dev[4].nfeatures, 128);
	assert_true(vd_feature_has(m.dev[4].features, VD_F_VERSION_1));
	/* VD_WANT_CONFIG read the capabilities: a modern device has common/isr/notify */
	assert_int_equal(m.dev[4].cfg_len, 256);
	assert_non_null(vd_pcicfg_find(m.dev[4].cfg, VD_CAP_COMMON));
	vd_model_done(&m);
}

/*
 * want_not_ok: the details the rules read, for the devices that are not ok only (here the
 * unbound vsock function); the ok ones get none of them, and their state is the same.
 */
static void test_want_not_ok(void **state)
{
	struct vd_scan_opts o = { .want_not_ok = VD_WANT_ALL & ~VD_WANT_ATTACH };
	struct vd_model m;
	size_t n_not_ok = 0;

	(void)state;
	scan_fixture(VD_FIXTURE("fc-vsock-unbound"), &o, &m);
	assert_int_equal(m.n, 5);
	for (size_t i = 0; i < m.n; i++) {
		const struct vd_device *d = &m.dev[i];
		bool not_ok = d->state != VD_STATE_OK;

		assert_int_equal(d->cfg_len, not_ok ? 256 : 0);
		assert_int_equal(d->have_rev, not_ok);
		/* the modalias gives every function its subsystem and class, ok or not */
		assert_true(d->have_class);
		assert_true(d->have_subsys);
		assert_int_equal(d->nattached, 0);
		if (!not_ok) {
			assert_false(d->have_features);
			continue;
		}
		assert_string_equal(d->name, "0000:00:04.0");
		assert_int_equal(d->state, VD_STATE_UNBOUND);
		assert_non_null(vd_pcicfg_find(d->cfg, VD_CAP_COMMON));
		assert_int_equal(d->revision, 1);
		assert_int_equal(d->subdevice, 0x1053);
		n_not_ok++;
	}
	assert_int_equal(n_not_ok, 1);
	vd_model_done(&m);
}

static void test_qemu_mixed(void **state)
{
	static const struct row rows[] = {
		{ "0000:00:03.0", VD_STATE_OK, VD_TRANSPORT_MODERN, 4, VPCI, "virtio0",
		  "virtio_rng" },
		{ "0000:00:04.0", VD_STATE_OK, VD_TRANSPORT_TRANSITIONAL, 1, VPCI, "virtio1",
		  "virtio_net" },
		/* legacy-only balloon: status 0x07 (no FEATURES_OK) is a working device */
		{ "0000:00:05.0", VD_STATE_OK, VD_TRANSPORT_LEGACY, 5, VPCI, "virtio2",
		  "virtio_balloon" },
		{ "0000:00:06.0", VD_STATE_OK, VD_TRANSPORT_TRANSITIONAL, 3, VPCI, "virtio3",
		  "virtio_console" },
	};
	struct vd_model m;

	(void)state;
	scan_fixture(VD_FIXTURE("qemu-6.1-mixed"), NULL, &m);
	expect_rows(&m, rows, 4); /* ivshmem 1af4:1110 is not a virtio row */
	assert_int_equal(m.dev[2].status, 0x07);
	assert_int_equal(m.warnings.n, 0);
	vd_model_done(&m);
}

static void test_qemu_mixed_all_marks_ivshmem(void **state)
{
	struct vd_scan_opts o = { .all_pci = true };
	struct vd_model m;
	bool seen = false;

	(void)state;
	scan_fixture(VD_FIXTURE("qemu-6.1-mixed"), &o, &m);
	for (size_t i = 0; i < m.n; i++)
		if (!strcmp(m.dev[i].name, "0000:00:07.0")) {
			seen = true;
			assert_int_equal(m.dev[i].state, VD_STATE_NOT_VIRTIO);
			assert_int_equal(m.dev[i].device, 0x1110);
			assert_int_equal(m.dev[i].type_id, -1);
		}
	assert_true(seen);
	vd_model_done(&m);
}

static void test_nonroot_config(void **state)
{
	struct vd_model m;

	(void)state;
	/*
	 * 64 readable bytes: net and console negotiated VERSION_1 (so they use the modern
	 * capabilities: transitional); the balloon has no capability list at all (legacy).
	 */
	scan_fixture(VD_FIXTURE("qemu-6.1-mixed-nonroot"), NULL, &m);
	assert_int_equal(m.dev[1].transport, VD_TRANSPORT_TRANSITIONAL);
	assert_int_equal(m.dev[2].transport, VD_TRANSPORT_LEGACY);
	vd_model_done(&m);
}

static void test_derived_states(void **state)
{
	static const struct {
		const char *fixture;
		enum vd_state st;
		const char *pcidrv, *virtio, *driver, *problem;
	} cases[] = {
		{ VD_FIXTURE("fc-vsock-unbound"), VD_STATE_UNBOUND, "", "", "",
		  "no driver bound to the PCI function" },
		{ VD_FIXTURE("fc-vsock-override-none"), VD_STATE_UNBOUND, "", "", "",
		  "no driver bound to the PCI function" },
		{ VD_FIXTURE("fc-vsock-foreign"), VD_STATE_FOREIGN, "vfio-pci", "", "",
		  "PCI function held by 'vfio-pci', not by virtio-pci" },
		{ VD_FIXTURE("fc-vsock-nodriver"), VD_STATE_NO_DRIVER, VPCI, "virtio3", "",
		  "no driver bound to virtio3 (needs vmw_vsock_virtio_transport)" },
		{ VD_FIXTURE("fc-vsock-failed"), VD_STATE_FAILED, VPCI, "virtio3", "",
		  "virtio3 status has FAILED: a driver's probe failed" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vd_model m;

		scan_fixture(cases[i].fixture, NULL, &m);
		assert_int_equal(m.n, 5);
		assert_string_equal(m.dev[3].name, "0000:00:04.0");
		assert_int_equal(m.dev[3].type_id, 19);
		assert_int_equal(m.dev[3].state, cases[i].st);
		assert_string_equal(m.dev[3].pcidrv, cases[i].pcidrv);
		assert_string_equal(m.dev[3].virtio, cases[i].virtio);
		assert_string_equal(m.dev[3].driver, cases[i].driver);
		assert_string_equal(m.dev[3].problem, cases[i].problem);
		/* the other four are untouched */
		for (size_t k = 0; k < 5; k++)
			if (k != 3) {
				assert_int_equal(m.dev[k].state, VD_STATE_OK);
				assert_null(m.dev[k].problem);
			}
		assert_int_equal(m.warnings.n, 0);
		vd_model_done(&m);
	}
}

static void test_no_virtio_pci_driver(void **state)
{
	struct vd_model m;

	(void)state;
	scan_fixture(VD_FIXTURE("fc-no-virtio-pci-driver"), NULL, &m);
	assert_int_equal(m.n, 5);
	for (size_t i = 0; i < m.n; i++) {
		assert_int_equal(m.dev[i].state, VD_STATE_UNBOUND);
		assert_true(m.dev[i].type_id > 0);
	}
	vd_model_done(&m);
}

static void test_mmio(void **state)
{
	static const struct row rows[] = {
		{ "virtio-mmio.0", VD_STATE_OK, VD_TRANSPORT_MMIO, 2, "virtio-mmio", "virtio0",
		  "virtio_blk" },
		{ "virtio-mmio.1", VD_STATE_OK, VD_TRANSPORT_MMIO, 1, "virtio-mmio", "virtio1",
		  "virtio_net" },
		{ "virtio-mmio.2", VD_STATE_OK, VD_TRANSPORT_MMIO, 19, "virtio-mmio", "virtio2",
		  "vmw_vsock_virtio_transport" },
		{ "virtio-mmio.3", VD_STATE_OK, VD_TRANSPORT_MMIO, 4, "virtio-mmio", "virtio3",
		  "virtio_rng" },
		/* virtio-mmio registered, no override, a silent log: an empty slot */
		{ "a000000.virtio_mmio", VD_STATE_EMPTY, VD_TRANSPORT_MMIO, -1, "", "", "" },
	};
	struct vd_model m;

	(void)state;
	scan_fixture(VD_FIXTURE("mmio-6.18"), NULL, &m);
	expect_rows(&m, rows, 5);
	assert_false(m.dev[0].have_id);
	assert_false(vd_device_is_problem(&m.dev[4]));
	assert_false(vd_device_listed(&m.dev[4], false));
	assert_true(vd_device_listed(&m.dev[4], true));
	vd_model_done(&m);
}

/* QEMU's arm64 virt: 32 transports, 31 empty; without virtio-mmio, one group of 32 */
static void test_mmio_virt(void **state)
{
	struct vd_model m;
	size_t empty = 0, problems = 0, groups = 0, members = 0;

	(void)state;
	scan_fixture(VD_FIXTURE("qemu-virt-arm64"), NULL, &m);
	assert_int_equal(m.n, 32);
	for (size_t i = 0; i < m.n; i++) {
		empty += m.dev[i].state == VD_STATE_EMPTY;
		problems += vd_device_is_problem(&m.dev[i]);
	}
	assert_int_equal(empty, 31);
	assert_int_equal(problems, 0);
	vd_model_done(&m);

	/* a log line naming a transport makes it a transport whose probe failed, not a slot */
	scan_fixture(VD_FIXTURE("qemu-virt-mmio-rejected"), NULL, &m);
	for (size_t i = 0; i < m.n; i++)
		if (!strcmp(m.dev[i].name, "a000000.virtio_mmio"))
			assert_int_equal(m.dev[i].state, VD_STATE_UNBOUND);
	vd_model_done(&m);

	scan_fixture(VD_FIXTURE("qemu-virt-mmio-not-loaded"), NULL, &m);
	for (size_t i = 0; i < m.n; i++) {
		groups += m.dev[i].group > 0;
		members += m.dev[i].in_group;
		problems += vd_device_is_problem(&m.dev[i]);
		if (m.dev[i].group) {
			assert_string_equal(m.dev[i].name, "virtio-mmio");
			assert_int_equal(m.dev[i].group, 32);
			assert_string_equal(m.dev[i].group_first, "a000000.virtio_mmio");
			assert_string_equal(m.dev[i].group_last, "a003e00.virtio_mmio");
		}
	}
	assert_int_equal(groups, 1);
	assert_int_equal(members, 32);
	assert_int_equal(problems, 1); /* the group row, not 32 rows */
	vd_model_done(&m);
}

static bool has_warning(const struct vd_model *m, const char *part)
{
	for (size_t i = 0; i < m->warnings.n; i++)
		if (strstr(m->warnings.v[i], part))
			return true;
	return false;
}

/* Remove the modalias of each function named: the IDs must then come from the files. */
static void drop_modalias(const char *dir, const char *const *names)
{
	char path[PATH_MAX];

	for (; *names; names++) {
		snprintf(path, sizeof(path), "%s/sys/devices/pci0000:00/%s/modalias", dir, *names);
		assert_int_equal(unlink(path), 0);
	}
}

/*
 * broken-attrs: a missing vendor (01.0), a garbage device ID (02.0), an 8 KiB
 * subsystem_device (03.0) beside good modaliases, a dangling driver link (05.0), an empty
 * status (05.0's virtio4). The modalias answers first: the files it stands for are never
 * read. Without the modaliases the files are read, and each bad one is named.
 */
static void test_broken_attrs(void **state)
{
	static const char *const with_bad_files[] = { "0000:00:01.0", "0000:00:02.0",
						      "0000:00:03.0", NULL };
	struct vd_scan_opts o = { .want = VD_WANT_SUBSYS };
	char *dir;
	struct vd_model m;

	(void)state;
	scan_fixture(VD_FIXTURE("broken-attrs"), &o, &m);
	assert_int_equal(m.n, 5);
	assert_int_equal(m.dev[0].vendor, 0x1af4);
	assert_int_equal(m.dev[1].device, 0x1042);
	assert_true(m.dev[2].have_subsys);
	assert_int_equal(m.dev[2].subdevice, 0x1041);
	assert_int_equal(m.dev[2].state, VD_STATE_OK);
	assert_int_equal(m.dev[3].state, VD_STATE_OK);
	assert_int_equal(m.dev[4].state, VD_STATE_UNBOUND);
	assert_false(m.dev[4].have_status);
	assert_true(has_warning(&m, "0000:00:05.0/driver': dangling symlink"));
	assert_true(has_warning(&m, "virtio4/status': empty file"));
	assert_int_equal(m.warnings.n, 2);
	vd_model_done(&m);

	dir = vd_test_copy_fixture("broken-attrs");
	drop_modalias(dir, with_bad_files);
	scan_fixture(dir, &o, &m);
	/*
	 * 01.0 and 02.0 have no IDs left: skipped as PCI functions (their virtio devices are
	 * the last rows), each bad file named
	 */
	assert_int_equal(m.n, 5);
	assert_string_equal(m.dev[0].name, "0000:00:03.0");
	assert_false(m.dev[3].have_id);
	assert_true(has_warning(&m, "skipping '"));
	assert_true(has_warning(&m, "0000:00:01.0/vendor': No such file"));
	assert_true(has_warning(&m, "0000:00:02.0/device': not a hex value"));
	assert_true(has_warning(&m, "0000:00:03.0/subsystem_device': file too large"));
	assert_false(m.dev[0].have_subsys);
	assert_int_equal(m.dev[0].state, VD_STATE_OK);
	vd_model_done(&m);
	vd_test_remove_copy(dir);
}

/*
 * A modalias that is garbage, or no regular file, is named, and the vendor and device
 * files serve instead; when those fail too, they are what is named (symlink-loop).
 */
static void test_bad_modalias(void **state)
{
	char *dir = vd_test_copy_fixture("firecracker-6.18"), path[PATH_MAX];
	struct vd_model m;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/sys/devices/pci0000:00/0000:00:02.0/modalias", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("pci:v00001AF4d00001042sv00001AF4sd0000104", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/sys/devices/pci0000:00/0000:00:04.0/modalias", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	scan_fixture(dir, NULL, &m);
	assert_int_equal(m.n, 5);
	assert_int_equal(m.dev[1].device, 0x1042);
	assert_false(m.dev[1].have_subsys); /* from the files: only what was asked */
	assert_int_equal(m.dev[3].device, 0x1053);
	assert_int_equal(m.dev[3].state, VD_STATE_OK);
	assert_true(has_warning(&m, "ignoring '"));
	assert_true(has_warning(&m, "0000:00:02.0/modalias': not a PCI modalias"));
	assert_true(has_warning(&m, "0000:00:04.0/modalias': not a regular file"));
	assert_int_equal(m.warnings.n, 2);
	assert_true(m.dev[0].have_subsys); /* the good modaliases gave the subsystem too */
	vd_model_done(&m);
	vd_test_remove_copy(dir);
}

static void test_symlink_loop(void **state)
{
	struct vd_model m;

	(void)state;
	scan_fixture(VD_FIXTURE("symlink-loop"), NULL, &m);
	assert_int_equal(m.n, 5);
	assert_int_equal(m.dev[2].state, VD_STATE_UNBOUND);
	assert_true(has_warning(&m, "0000:00:03.0/driver': Too many levels of symbolic links"));
	assert_true(has_warning(&m, "skipping"));
	vd_model_done(&m);
}

/*
 * A driver "link" that is a regular file: unbound, as a dangling link is, but with a
 * warning naming the file; only a missing link is a quiet "no driver".
 */
static void test_driver_not_a_link(void **state)
{
	char *dir = vd_test_copy_fixture("firecracker-6.18"), path[PATH_MAX];
	struct vd_model m;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/sys/devices/pci0000:00/0000:00:04.0/driver", dir);
	assert_int_equal(unlink(path), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("virtio-pci\n", f);
	fclose(f);
	scan_fixture(dir, NULL, &m);
	assert_true(has_warning(&m, "0000:00:04.0/driver'"));
	assert_int_equal(m.warnings.n, 1);
	assert_int_equal(m.dev[3].state, VD_STATE_UNBOUND);
	vd_model_done(&m);
	/* removed: now it is unbound, and quietly so */
	assert_int_equal(unlink(path), 0);
	scan_fixture(dir, NULL, &m);
	assert_int_equal(m.dev[3].state, VD_STATE_UNBOUND);
	assert_int_equal(m.warnings.n, 0);
	vd_model_done(&m);
	vd_test_remove_copy(dir);
}

static void test_nothing_to_read(void **state)
{
	struct vd_sysfs *s;
	struct vd_model m;

	(void)state;
	assert_int_equal(vd_sysfs_open(VD_FIXTURE("no-pci-bus"), &s), 0);
	assert_int_equal(vd_model_scan(s, NULL, &m), -ENOENT);
	assert_int_equal(m.n, 0);
	vd_model_done(&m);
	vd_sysfs_free(s);
}

static void test_evaluate_pure(void **state)
{
	struct vd_device d = VD_DEVICE_INIT;

	(void)state;
	d.bus = VD_BUS_PCI;
	d.cls.virtio = true;
	d.type_id = 1;
	d.pcidrv = "virtio-pci";
	d.virtio = "virtio1";
	d.driver = "virtio_net";
	d.have_status = true;
	d.status = 0x0f;
	vd_device_evaluate(&d);
	assert_int_equal(d.state, VD_STATE_OK);
	d.status = 0x07; /* legacy: fine */
	vd_device_evaluate(&d);
	assert_int_equal(d.state, VD_STATE_OK);
	d.status = 0x0b; /* bound, features ok, no DRIVER_OK */
	vd_device_evaluate(&d);
	assert_int_equal(d.state, VD_STATE_FAILED);
	assert_non_null(strstr(d.problem, "DRIVER_OK"));
	d.status = 0x4f;
	vd_device_evaluate(&d);
	assert_int_equal(d.state, VD_STATE_FAILED);
	assert_non_null(strstr(d.problem, "NEEDS_RESET"));
	d.status = 0x0f;
	d.virtio = "";
	vd_device_evaluate(&d);
	assert_int_equal(d.state, VD_STATE_FAILED);
	assert_non_null(strstr(d.problem, "no virtio device was registered"));
	d.have_status = false; /* unknown status with a driver: trust the driver */
	d.virtio = "virtio1";
	vd_device_evaluate(&d);
	assert_int_equal(d.state, VD_STATE_OK);
	assert_null(d.problem); /* the old text goes with the problem */
	d.cls.virtio = false;
	vd_device_evaluate(&d);
	assert_int_equal(d.state, VD_STATE_NOT_VIRTIO);
	vd_device_done(&d);
	assert_string_equal(vd_state_name(VD_STATE_NO_DRIVER), "no-driver");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_firecracker),
		cmocka_unit_test(test_firecracker_all_pci),
		cmocka_unit_test(test_want_not_ok),
		cmocka_unit_test(test_qemu_mixed),
		cmocka_unit_test(test_qemu_mixed_all_marks_ivshmem),
		cmocka_unit_test(test_nonroot_config),
		cmocka_unit_test(test_derived_states),
		cmocka_unit_test(test_no_virtio_pci_driver),
		cmocka_unit_test(test_mmio),
		cmocka_unit_test(test_mmio_virt),
		cmocka_unit_test(test_broken_attrs),
		cmocka_unit_test(test_bad_modalias),
		cmocka_unit_test(test_symlink_loop),
		cmocka_unit_test(test_driver_not_a_link),
		cmocka_unit_test(test_nothing_to_read),
		cmocka_unit_test(test_evaluate_pure),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
