/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- tests: module facts, libkmod live and our readers under a tree (never loads anything) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd_test.h"

#include "vd/facts/kmod.h"

struct ctx {
	struct vd_sysfs *s;
	struct vd_cmdline *c;
	struct vd_kmod *k;
};

static struct ctx open_root(const char *root, const char *cmdline)
{
	struct ctx t = { 0 };

	assert_int_equal(vd_sysfs_open(root, &t.s), 0);
	if (cmdline)
		assert_int_equal(vd_cmdline_parse(cmdline, &t.c), 0);
	assert_int_equal(vd_kmod_open(t.s, t.c, &t.k), 0);
	return t;
}

static void close_root(struct ctx *t)
{
	vd_kmod_free(t->k);
	vd_cmdline_free(t->c);
	vd_sysfs_free(t->s);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* ---- no index: firecracker-6.18 has no lib/modules ---- */

static void test_no_index(void **state)
{
	struct ctx t = open_root(VD_FIXTURE("firecracker-6.18"), NULL);
	struct vd_module_info info[4], m;
	size_t n = 99;

	assert_false(vd_kmod_has_index(t.k));
	assert_string_equal(vd_kmod_release(t.k), "6.18.44-fc-v782");
	assert_non_null(vd_kmod_index_problem(t.k));
	assert_non_null(strstr(vd_kmod_index_problem(t.k), "no lib/modules/6.18.44-fc-v782"));
	/* a tree is never read by libkmod: the reason must not name it */
	assert_null(strstr(vd_kmod_index_problem(t.k), "libkmod"));

	/* "nothing claims it" is success with an empty answer; the caller asks kconfig */
	assert_int_equal(vd_kmod_lookup_alias(t.k, "virtio:d00000013v00001AF4", info, 4, &n), 0);
	assert_int_equal(n, 0);

	/* sys/module/virtio_pci without initstate: built in */
	assert_int_equal(vd_kmod_module(t.k, "virtio_pci", &m), 0);
	assert_string_equal(m.name, "virtio_pci");
	assert_true(m.builtin);
	assert_false(m.loaded);
	assert_false(m.on_disk);
	assert_false(m.blacklisted);
	assert_false(m.cmdline_blacklisted);
	/* dashes are underscores in module names */
	assert_int_equal(vd_kmod_module(t.k, "vmw-vsock-virtio-transport", &m), 0);
	assert_string_equal(m.name, "vmw_vsock_virtio_transport");
	assert_true(m.builtin);

	/* unknown to both libkmod and sys/module */
	memset(&m, 0x5a, sizeof(m));
	assert_int_equal(vd_kmod_module(t.k, "virtio_balloon", &m), -ENOENT);
	assert_int_equal((unsigned char)m.name[0], 0x5a); /* untouched on failure */
	assert_int_equal(vd_kmod_module(t.k, "../../etc", &m), -EINVAL);

	/* a tree's modules are never loaded into this kernel, not even as a dry run */
	assert_int_equal(vd_kmod_load(t.k, "virtio_pci", true, true), -EXDEV);
	assert_int_equal(vd_kmod_load(t.k, "virtio_balloon", false, false), -EXDEV);
	close_root(&t);
}

/* ---- real 6.1 module tree with .bin indexes ---- */

static void test_index_lookup(void **state)
{
	struct ctx t = open_root(VD_FIXTURE("qemu-6.1-mixed"), NULL);
	struct vd_module_info info[4];
	size_t n = 0;

	assert_true(vd_kmod_has_index(t.k));
	assert_null(vd_kmod_index_problem(t.k));
	assert_string_equal(vd_kmod_release(t.k), "6.1.0-56-amd64");

	/* crosvm's vsock function */
	assert_int_equal(
		vd_kmod_lookup_alias(t.k, "pci:v00001AF4d00001053sv00001AF4sd00001053bc02sc80i00",
				     info, 4, &n),
		0);
	assert_int_equal(n, 1);
	assert_string_equal(info[0].name, "virtio_pci");
	assert_true(info[0].on_disk);
	assert_string_equal(info[0].path,
			    "lib/modules/6.1.0-56-amd64/kernel/drivers/virtio/virtio_pci.ko");
	assert_true(ends_with(info[0].path, "kernel/drivers/virtio/virtio_pci.ko"));
	assert_false(info[0].builtin);
	assert_true(info[0].loaded); /* sys/module/virtio_pci/initstate: live */
	assert_false(info[0].blacklisted);
	assert_false(info[0].install_override);

	assert_int_equal(vd_kmod_lookup_alias(t.k, "virtio:d00000013v00001AF4", info, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(info[0].name, "vmw_vsock_virtio_transport");
	assert_true(info[0].on_disk);
	assert_true(ends_with(info[0].path, "kernel/net/vmw_vsock/vmw_vsock_virtio_transport.ko"));
	assert_false(info[0].loaded); /* this guest had no vsock device */
	assert_false(info[0].builtin);

	assert_int_equal(vd_kmod_lookup_alias(t.k, "virtio:d00000001v00001AF4", info, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(info[0].name, "virtio_net");
	assert_true(info[0].loaded);

	/* nothing claims it: success, empty */
	assert_int_equal(vd_kmod_lookup_alias(t.k, "virtio:d000000FFv00001AF4", info, 4, &n), 0);
	assert_int_equal(n, 0);
	/* max 0 only counts nothing */
	assert_int_equal(vd_kmod_lookup_alias(t.k, "virtio:d00000001v00001AF4", NULL, 0, &n), 0);
	assert_int_equal(n, 0);
	close_root(&t);
}

static void test_index_module(void **state)
{
	struct ctx t = open_root(VD_FIXTURE("qemu-6.1-mixed"), NULL);
	struct vd_module_info m;

	assert_int_equal(vd_kmod_module(t.k, "virtio_pci", &m), 0);
	assert_true(m.on_disk);
	assert_true(m.loaded);
	assert_false(m.builtin);
	assert_true(ends_with(m.path, "kernel/drivers/virtio/virtio_pci.ko"));

	/* on disk, not loaded */
	assert_int_equal(vd_kmod_module(t.k, "vmw_vsock_virtio_transport", &m), 0);
	assert_true(m.on_disk);
	assert_false(m.loaded);
	assert_false(m.builtin);

	/* Debian's 6.1 has virtio_blk as a module too; a name from modules.builtin */
	assert_int_equal(vd_kmod_module(t.k, "unix", &m), 0);
	assert_true(m.builtin);
	assert_false(m.on_disk);

	assert_int_equal(vd_kmod_module(t.k, "no_such_module_here", &m), -ENOENT);
	close_root(&t);
}

static void test_cmdline_blacklist(void **state)
{
	struct ctx t = open_root(VD_FIXTURE("qemu-6.1-mixed"),
				 "quiet module_blacklist=virtio-pci,foo "
				 "modprobe.blacklist=vmw_vsock_virtio_transport -- virtio_net");
	struct vd_module_info info[2], m;
	size_t n;

	assert_int_equal(vd_kmod_module(t.k, "virtio_pci", &m), 0);
	assert_true(m.cmdline_blacklisted);
	assert_int_equal(vd_kmod_lookup_alias(t.k, "virtio:d00000013v00001AF4", info, 2, &n), 0);
	assert_int_equal(n, 1);
	assert_true(info[0].cmdline_blacklisted);
	/* after " -- ": init's, not the kernel's */
	assert_int_equal(vd_kmod_module(t.k, "virtio_net", &m), 0);
	assert_false(m.cmdline_blacklisted);
	close_root(&t);
}

/* cp -a the fixture, then add a modprobe.d file: blacklist and install override */
static void test_modprobe_d(void **state)
{
	char *root = vd_test_copy_fixture("qemu-6.1-mixed");
	struct vd_module_info info[2], m;
	struct ctx t;
	size_t n;

	vd_test_put(root, "etc/modprobe.d/test.conf",
		    "# test\nblacklist vmw_vsock_virtio_transport\ninstall virtio_rng /bin/false\n"
		    "this line is garbage and libkmod must not print about it\n");

	t = open_root(root, NULL);
	assert_true(vd_kmod_has_index(t.k));
	assert_int_equal(vd_kmod_lookup_alias(t.k, "virtio:d00000013v00001AF4", info, 2, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(info[0].name, "vmw_vsock_virtio_transport");
	assert_true(info[0].blacklisted);
	assert_false(info[0].cmdline_blacklisted);
	assert_false(info[0].install_override);

	assert_int_equal(vd_kmod_module(t.k, "vmw_vsock_virtio_transport", &m), 0);
	assert_true(m.blacklisted);

	assert_int_equal(vd_kmod_module(t.k, "virtio_rng", &m), 0);
	assert_false(m.blacklisted);
	assert_true(m.install_override);
	assert_string_equal(m.install_cmd, "/bin/false");

	assert_int_equal(vd_kmod_module(t.k, "virtio_net", &m), 0);
	assert_false(m.blacklisted);
	assert_false(m.install_override);

	/* still a tree: loading is refused before libkmod is asked */
	assert_int_equal(vd_kmod_load(t.k, "vmw_vsock_virtio_transport", true, true), -EXDEV);
	close_root(&t);
	vd_test_remove_copy(root);
}

/* A relative root: libkmod makes its directory absolute, our paths stay root-relative. */
static void test_relative_root(void **state)
{
	char cwd[1024];
	struct vd_module_info m;
	struct ctx t;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(VD_SRCDIR "/tests"), 0);
	t = open_root("fixtures/qemu-6.1-mixed/", NULL);
	assert_true(vd_kmod_has_index(t.k));
	assert_int_equal(vd_kmod_module(t.k, "virtio-blk", &m), 0);
	assert_string_equal(m.path,
			    "lib/modules/6.1.0-56-amd64/kernel/drivers/block/virtio_blk.ko");
	assert_false(m.loaded);
	close_root(&t);
	assert_int_equal(chdir(cwd), 0);
}

/* A tree without proc/sys/kernel/osrelease: no release, no index, still usable. */
static void test_no_release(void **state)
{
	struct ctx t = open_root(VD_FIXTURE("qemu-6.1-mixed/sys"), NULL);
	struct vd_module_info m;
	size_t n = 7;

	assert_false(vd_kmod_has_index(t.k));
	assert_string_equal(vd_kmod_release(t.k), "");
	assert_non_null(strstr(vd_kmod_index_problem(t.k), "osrelease"));
	assert_int_equal(vd_kmod_lookup_alias(t.k, "virtio:d00000001v00001AF4", &m, 1, &n), 0);
	assert_int_equal(n, 0);
	close_root(&t);
}

/*
 * The live root: only dry runs, only names this kernel has built in or does not have at
 * all. Nothing here can reach init_module(): a built-in or live module answers 0 before
 * libkmod is asked, and KMOD_PROBE_DRY_RUN is always set.
 */
static void test_live_dry_run(void **state)
{
	struct ctx t = open_root("/", NULL);
	struct vd_module_info m;

	assert_non_null(vd_kmod_release(t.k));
	{
		/* no module tree for this kernel: said without loading libkmod to find out */
		char dir[256], want[300];

		snprintf(dir, sizeof(dir), "/lib/modules/%s", vd_kmod_release(t.k));
		snprintf(want, sizeof(want), "no %s", dir + 1);
		if (access(dir, F_OK) != 0)
			assert_string_equal(vd_kmod_index_problem(t.k), want);
	}
	assert_int_equal(vd_kmod_load(t.k, "no_such_module_vd_test", true, true), -ENOENT);
	assert_int_equal(vd_kmod_load(t.k, "no_such_module_vd_test", false, true), -ENOENT);
	if (vd_kmod_module(t.k, "virtio_pci", &m) == 0 && (m.builtin || m.loaded))
		assert_int_equal(vd_kmod_load(t.k, "virtio_pci", true, true), 0);
	assert_int_equal(vd_kmod_load(t.k, "", true, true), -EINVAL);
	assert_int_equal(vd_kmod_load(t.k, "../x", true, true), -EINVAL);
	close_root(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_index),      cmocka_unit_test(test_index_lookup),
		cmocka_unit_test(test_index_module),  cmocka_unit_test(test_cmdline_blacklist),
		cmocka_unit_test(test_modprobe_d),    cmocka_unit_test(test_no_release),
		cmocka_unit_test(test_relative_root), cmocka_unit_test(test_live_dry_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
