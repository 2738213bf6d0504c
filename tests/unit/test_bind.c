/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor tests -- bind: every branch of the sequence and every errno, against a
 * fake kernel that acts out the kernel's reactions (kernel-facts section 3) in a temporary
 * copy of a fixture. Nothing here touches the real /sys: every tree is a mkdtemp copy and
 * the library only reaches it through --sysroot-style roots and the fake ops.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd_test.h"

/* the fake kernel joins PATH_MAX paths freely: a cut path only fails a test */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#include "vd/act/bind.h"
#include "vd/cli/cmd.h"
#include "vd/base/ids.h"
#include "vd/model/model.h"
#include "vd/facts/vsock.h"

#define BDF "0000:00:04.0"
#define DEVDIR "sys/devices/pci0000:00/" BDF
#define OVR "sys/bus/pci/devices/" BDF "/driver_override"
#define VPCI_BIND "sys/bus/pci/drivers/virtio-pci/bind"
#define VPCI_UNBIND "sys/bus/pci/drivers/virtio-pci/unbind"

/* ---------------------------------------------------------------- the fake kernel */

struct inject {
	const char *suffix; /* matched against the end of the path */
	int err;
	int times; /* 0: always */
};

struct fk {
	char root[PATH_MAX];
	/* scenario */
	int probe_err;		/* what virtio-pci's probe returns */
	int eagain_times;	/* bind answers EAGAIN this often first (probe deferral) */
	bool bind_race;		/* bind: another path binds virtio-pci first, we get EBUSY */
	bool vprobe_fails;	/* the virtio-level driver's probe fails (status 0x8b) */
	unsigned late_vbind_ms; /* the virtio driver binds only after this much waiting */
	bool new_id_adds;	/* new_id is not EEXIST: it adds the ID and probes */
	const char *fail_module;
	int fail_module_err;
	bool load_autoprobe; /* registering virtio_pci probes unbound 1af4 functions */
	/* virtio-mmio: the one transport with a device behind it (the others read ID 0) */
	const char *mmio_dev;
	int mmio_type;
	uint32_t cid;
	struct inject inject[4];
	bool forbid_writes; /* a dry run: any write fails the test */
	/* record */
	char log[32][320];
	int nlog;
	uint64_t clock;
	uint64_t slept;
};

static char *p(struct fk *k, const char *rel, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/%s", k->root, rel);
	return buf;
}

static void put(struct fk *k, const char *rel, const char *text)
{
	char b[PATH_MAX];
	FILE *f = fopen(p(k, rel, b), "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static bool get(struct fk *k, const char *rel, char *buf, size_t size)
{
	char b[PATH_MAX];
	FILE *f = fopen(p(k, rel, b), "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return true;
}

static bool exists(struct fk *k, const char *rel)
{
	char b[PATH_MAX];

	return access(p(k, rel, b), F_OK) == 0;
}

/* A relative link at rel (root-relative) to target (root-relative), as sysfs has them. */
static void link_to(struct fk *k, const char *target, const char *rel)
{
	char t[PATH_MAX] = "", b[PATH_MAX];

	for (const char *c = rel; *c; c++)
		if (*c == '/')
			strcat(t, "../");
	strcat(t, target);
	unlink(p(k, rel, b));
	assert_int_equal(symlink(t, p(k, rel, b)), 0);
}

static void mkdir_p(struct fk *k, const char *rel)
{
	char b[PATH_MAX];

	p(k, rel, b);
	for (char *c = b + strlen(k->root) + 1; *c; c++)
		if (*c == '/') {
			*c = '\0';
			mkdir(b, 0755);
			*c = '/';
		}
	mkdir(b, 0755);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *abs)
{
	nftw(abs, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Root-relative directory of a PCI device: "sys/devices/pci0000:00/0000:00:04.0". */
static bool devdir(struct fk *k, const char *bdf, char *out)
{
	char b[PATH_MAX], r[PATH_MAX];

	snprintf(b, sizeof(b), "%s/sys/bus/pci/devices/%s", k->root, bdf);
	if (!realpath(b, r))
		return false;
	strcpy(out, r + strlen(k->root) + 1);
	return true;
}

static bool link_base(struct fk *k, const char *rel, char *out)
{
	char b[PATH_MAX], t[PATH_MAX];
	ssize_t n = readlink(p(k, rel, b), t, sizeof(t) - 1);

	if (n < 0)
		return false;
	t[n] = '\0';
	strcpy(out, strrchr(t, '/') ? strrchr(t, '/') + 1 : t);
	return true;
}

static unsigned hexval(struct fk *k, const char *rel)
{
	char buf[64];

	return get(k, rel, buf, sizeof(buf)) ? (unsigned)strtoul(buf, NULL, 16) : 0;
}

static int type_of(struct fk *k, const char *dd)
{
	char rel[PATH_MAX];
	unsigned dev;

	snprintf(rel, sizeof(rel), "%s/device", dd);
	dev = hexval(k, rel);
	if (dev >= 0x1040)
		return (int)dev - 0x1040;
	snprintf(rel, sizeof(rel), "%s/subsystem_device", dd);
	return (int)hexval(k, rel);
}

/* The virtio driver binds the virtio device (or its probe fails). */
static void virtio_probe(struct fk *k, const char *vdir, const char *vname, int type)
{
	const struct vd_virtio_type *t = vd_virtio_type_by_id((unsigned)type);
	char rel[PATH_MAX], drv[PATH_MAX];

	if (!t || !t->driver)
		return;
	snprintf(drv, sizeof(drv), "sys/bus/virtio/drivers/%s", t->driver);
	if (!exists(k, drv))
		return;
	snprintf(rel, sizeof(rel), "%s/status", vdir);
	if (k->vprobe_fails) {
		put(k, rel, "0x0000008b\n");
		return;
	}
	put(k, rel, "0x0000000f\n");
	snprintf(rel, sizeof(rel), "%s/driver", vdir);
	link_to(k, drv, rel);
	snprintf(rel, sizeof(rel), "%s/%s", drv, vname);
	link_to(k, vdir, rel);
}

/* A bound virtio-pci registers virtioN, the lowest free number (an IDA). */
static void attach(struct fk *k, const char *drv, const char *bdf, const char *dd)
{
	char rel[PATH_MAX], target[PATH_MAX], vname[32], vdir[PATH_MAX];
	int n = 0;

	snprintf(rel, sizeof(rel), "%s/driver", dd);
	snprintf(target, sizeof(target), "sys/bus/pci/drivers/%s", drv);
	link_to(k, target, rel);
	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/%s", drv, bdf);
	link_to(k, dd, rel);
	if (strcmp(drv, "virtio-pci"))
		return;
	for (;; n++) {
		snprintf(rel, sizeof(rel), "sys/bus/virtio/devices/virtio%d", n);
		if (!exists(k, rel))
			break;
	}
	snprintf(vname, sizeof(vname), "virtio%d", n);
	snprintf(vdir, sizeof(vdir), "%s/%s", dd, vname);
	mkdir_p(k, vdir);
	snprintf(rel, sizeof(rel), "%s/device", vdir);
	snprintf(target, sizeof(target), "0x%04x\n", type_of(k, dd));
	put(k, rel, target);
	snprintf(rel, sizeof(rel), "%s/vendor", vdir);
	put(k, rel, "0x1af4\n");
	snprintf(rel, sizeof(rel), "%s/status", vdir);
	put(k, rel, "0x00000001\n");
	snprintf(rel, sizeof(rel), "sys/bus/virtio/devices/%s", vname);
	link_to(k, vdir, rel);
	if (!k->late_vbind_ms)
		virtio_probe(k, vdir, vname, type_of(k, dd));
}

static const char *virtio_child(struct fk *k, const char *dd, char *out)
{
	char rel[PATH_MAX];

	for (int n = 0; n < 64; n++) {
		snprintf(rel, sizeof(rel), "%s/virtio%d", dd, n);
		if (exists(k, rel)) {
			snprintf(out, 32, "virtio%d", n);
			return out;
		}
	}
	return NULL;
}

static int fk_unbind(struct fk *k, const char *drv, const char *bdf)
{
	char dd[PATH_MAX], rel[PATH_MAX], cur[64], v[32], b[PATH_MAX];

	if (!devdir(k, bdf, dd))
		return -ENODEV;
	snprintf(rel, sizeof(rel), "%s/driver", dd);
	if (!link_base(k, rel, cur) || strcmp(cur, drv))
		return -ENODEV;
	unlink(p(k, rel, b));
	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/%s", drv, bdf);
	unlink(p(k, rel, b));
	if (!strcmp(drv, "virtio-pci") && virtio_child(k, dd, v)) {
		snprintf(rel, sizeof(rel), "sys/bus/virtio/devices/%s", v);
		unlink(p(k, rel, b));
		snprintf(rel, sizeof(rel), "%s/%s", dd, v);
		rm_rf(p(k, rel, b));
	}
	return 0;
}

static bool override_allows(struct fk *k, const char *dd, const char *drv)
{
	char rel[PATH_MAX], o[128];

	snprintf(rel, sizeof(rel), "%s/driver_override", dd);
	if (!get(k, rel, o, sizeof(o)) || !strcmp(o, "(null)"))
		return true;
	return !strcmp(o, drv);
}

static int fk_bind(struct fk *k, const char *drv, const char *bdf)
{
	char dd[PATH_MAX], rel[PATH_MAX], cur[64];

	if (!devdir(k, bdf, dd))
		return -ENODEV;
	snprintf(rel, sizeof(rel), "%s/driver", dd);
	if (link_base(k, rel, cur))
		return -EBUSY;
	/* driver_override naming another driver (or "none"): driver_match_device fails */
	if (!override_allows(k, dd, drv))
		return -ENODEV;
	snprintf(rel, sizeof(rel), "%s/driver_override", dd);
	if (strcmp(drv, "virtio-pci")) {
		char o[64] = "";

		/* other drivers here match only through their override */
		if (!get(k, rel, o, sizeof(o)) || strcmp(o, drv))
			return -ENODEV;
		attach(k, drv, bdf, dd);
		return 0;
	}
	if (k->eagain_times > 0) {
		k->eagain_times--;
		return -EAGAIN;
	}
	if (k->probe_err)
		return k->probe_err;
	attach(k, drv, bdf, dd);
	if (k->bind_race)
		return -EBUSY;
	return 0;
}

/* ---- the platform bus: virtio-mmio transports (platform_match(), virtio_mmio_probe()) */

static bool pdevdir(struct fk *k, const char *name, char *out)
{
	char b[PATH_MAX], r[PATH_MAX];

	snprintf(b, sizeof(b), "%s/sys/bus/platform/devices/%s", k->root, name);
	if (!realpath(b, r))
		return false;
	strcpy(out, r + strlen(k->root) + 1);
	return true;
}

/* virtio-mmio's probe: a device ID of 0 is a placeholder, -ENODEV without a word */
static int mmio_probe(struct fk *k, const char *name, const char *dd)
{
	char rel[PATH_MAX], target[PATH_MAX], vname[32], vdir[PATH_MAX];
	int n = 0;

	if (!k->mmio_dev || strcmp(k->mmio_dev, name))
		return -ENODEV;
	snprintf(rel, sizeof(rel), "%s/driver", dd);
	link_to(k, "sys/bus/platform/drivers/virtio-mmio", rel);
	snprintf(rel, sizeof(rel), "sys/bus/platform/drivers/virtio-mmio/%s", name);
	link_to(k, dd, rel);
	for (;; n++) {
		snprintf(rel, sizeof(rel), "sys/bus/virtio/devices/virtio%d", n);
		if (!exists(k, rel))
			break;
	}
	snprintf(vname, sizeof(vname), "virtio%d", n);
	snprintf(vdir, sizeof(vdir), "%s/%s", dd, vname);
	mkdir_p(k, vdir);
	snprintf(rel, sizeof(rel), "%s/device", vdir);
	snprintf(target, sizeof(target), "0x%04x\n", k->mmio_type);
	put(k, rel, target);
	snprintf(rel, sizeof(rel), "%s/status", vdir);
	put(k, rel, "0x00000001\n");
	snprintf(rel, sizeof(rel), "sys/bus/virtio/devices/%s", vname);
	link_to(k, vdir, rel);
	virtio_probe(k, vdir, vname, k->mmio_type);
	return 0;
}

static int fk_platform(struct fk *k, const char *drv, const char *attr, const char *name)
{
	char dd[PATH_MAX], rel[PATH_MAX], cur[64], v[32], b[PATH_MAX];

	if (!pdevdir(k, name, dd))
		return -ENODEV;
	snprintf(rel, sizeof(rel), "%s/driver", dd);
	if (!strcmp(attr, "unbind")) {
		if (!link_base(k, rel, cur) || strcmp(cur, drv))
			return -ENODEV;
		unlink(p(k, rel, b));
		snprintf(rel, sizeof(rel), "sys/bus/platform/drivers/%s/%s", drv, name);
		unlink(p(k, rel, b));
		if (virtio_child(k, dd, v)) {
			snprintf(rel, sizeof(rel), "sys/bus/virtio/devices/%s", v);
			unlink(p(k, rel, b));
			snprintf(rel, sizeof(rel), "%s/%s", dd, v);
			rm_rf(p(k, rel, b));
		}
		return 0;
	}
	if (strcmp(attr, "bind"))
		fail_msg("the fake kernel does not know platform '%s'", attr);
	if (link_base(k, rel, cur))
		return -EBUSY;
	/* a set override matches only the driver of that name (platform_match) */
	if (!override_allows(k, dd, drv) || strcmp(drv, "virtio-mmio"))
		return -ENODEV;
	return mmio_probe(k, name, dd);
}

/* Registering virtio-mmio probes every transport its override lets it take. */
static void mmio_register(struct fk *k)
{
	static const char *const files[] = { "bind", "unbind", "uevent" };
	char rel[PATH_MAX], b[PATH_MAX];
	DIR *dir;
	struct dirent *de;

	mkdir_p(k, "sys/bus/platform/drivers/virtio-mmio");
	for (size_t i = 0; i < 3; i++) {
		snprintf(rel, sizeof(rel), "sys/bus/platform/drivers/virtio-mmio/%s", files[i]);
		put(k, rel, "");
	}
	dir = opendir(p(k, "sys/bus/platform/devices", b));
	while (dir && (de = readdir(dir))) {
		char dd[PATH_MAX], cur[64];

		if (!strstr(de->d_name, "virtio_mmio") || !pdevdir(k, de->d_name, dd))
			continue;
		snprintf(rel, sizeof(rel), "%s/driver", dd);
		if (!link_base(k, rel, cur) && override_allows(k, dd, "virtio-mmio"))
			mmio_probe(k, de->d_name, dd);
	}
	if (dir)
		closedir(dir);
}

static int fk_write(void *ctx, struct vd_sysfs *s, const char *path, const char *value, size_t len)
{
	struct fk *k = ctx;
	char v[128], drv[64], attr[64], rel[PATH_MAX];
	size_t pl = strlen(path);

	(void)s;
	if (k->forbid_writes)
		fail_msg("a dry run wrote '%s' to '%s'", value, path);
	assert_true(len < sizeof(v));
	memcpy(v, value, len);
	v[len] = '\0';
	if (k->nlog < 32)
		snprintf(k->log[k->nlog++], sizeof(k->log[0]), "%s=%s", path, v);
	/* the library never writes a file that does not exist (no O_CREAT) */
	if (!exists(k, path))
		return -ENOENT;
	for (int i = 0; i < 4 && k->inject[i].suffix; i++) {
		size_t sl = strlen(k->inject[i].suffix);

		/* times: 0 always, n > 0 that often, then -1 (used up); err 0 swallows it */
		if (pl >= sl && !strcmp(path + pl - sl, k->inject[i].suffix) &&
		    k->inject[i].times >= 0) {
			if (k->inject[i].times > 0 && --k->inject[i].times == 0)
				k->inject[i].times = -1;
			return k->inject[i].err;
		}
	}
	if (strchr(v, '\n'))
		*strchr(v, '\n') = '\0';
	if (pl > 16 && !strcmp(path + pl - 16, "/driver_override")) {
		/* cut at the first newline; empty clears: show reads "(null)" */
		snprintf(rel, sizeof(rel), "%s\n", v[0] ? v : "(null)");
		put(k, path, rel);
		return 0;
	}
	if (sscanf(path, "sys/bus/platform/drivers/%63[^/]/%63s", drv, attr) == 2)
		return fk_platform(k, drv, attr, v);
	if (sscanf(path, "sys/bus/pci/drivers/%63[^/]/%63s", drv, attr) == 2) {
		if (!strcmp(attr, "bind"))
			return fk_bind(k, drv, v);
		if (!strcmp(attr, "unbind"))
			return fk_unbind(k, drv, v);
		if (!strcmp(attr, "new_id")) {
			char dd[PATH_MAX];

			if (strncmp(v, "1af4 ", 5))
				return -EINVAL;
			if (!k->new_id_adds)
				return -EEXIST; /* virtio-pci's table matches every 1af4 ID */
			/* pci_add_dynid ends with driver_attach: the device binds now */
			if (devdir(k, BDF, dd) && override_allows(k, dd, drv) && !k->probe_err)
				attach(k, drv, BDF, dd);
			return 0;
		}
		if (!strcmp(attr, "remove_id"))
			return k->new_id_adds ? 0 : -ENODEV;
	}
	fail_msg("the fake kernel does not know '%s'", path);
	return -EINVAL;
}

static void create_driver_dir(struct fk *k, const char *dir)
{
	static const char *const files[] = { "bind", "unbind", "new_id", "remove_id", "uevent" };
	char rel[PATH_MAX];

	mkdir_p(k, dir);
	for (size_t i = 0; i < 5; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", dir, files[i]);
		put(k, rel, "");
	}
}

static int fk_load(void *ctx, struct vd_sysfs *s, const char *name, bool dry_run)
{
	struct fk *k = ctx;
	char rel[PATH_MAX];

	(void)s;
	if (k->nlog < 32)
		snprintf(k->log[k->nlog++], sizeof(k->log[0]), "modprobe %s%s", name,
			 dry_run ? " (dry)" : "");
	if (k->fail_module && !strcmp(k->fail_module, name))
		return k->fail_module_err;
	if (dry_run)
		return 0;
	if (!strcmp(name, "virtio_mmio")) {
		mmio_register(k);
		return 0;
	}
	if (!strcmp(name, "virtio_pci")) {
		create_driver_dir(k, "sys/bus/pci/drivers/virtio-pci");
		if (k->load_autoprobe) {
			char dd[PATH_MAX];

			if (devdir(k, BDF, dd) && override_allows(k, dd, "virtio-pci") &&
			    !k->probe_err)
				attach(k, "virtio-pci", BDF, dd);
		}
		return 0;
	}
	snprintf(rel, sizeof(rel), "sys/bus/virtio/drivers/%s", name);
	create_driver_dir(k, rel);
	if (k->late_vbind_ms)
		return 0; /* the probe finishes later (fk_sleep) */
	/* registering a virtio driver probes every virtio device of its type */
	for (int n = 0; n < 16; n++) {
		char vdir[PATH_MAX], b[PATH_MAX], r[PATH_MAX], cur[64];
		const struct vd_virtio_type *t;

		snprintf(rel, sizeof(rel), "sys/bus/virtio/devices/virtio%d", n);
		if (!realpath(p(k, rel, b), r))
			continue;
		strcpy(vdir, r + strlen(k->root) + 1);
		snprintf(rel, sizeof(rel), "%s/device", vdir);
		t = vd_virtio_type_by_id(hexval(k, rel));
		snprintf(rel, sizeof(rel), "%s/driver", vdir);
		if (t && t->driver && !strcmp(t->driver, name) && !link_base(k, rel, cur)) {
			char vname[32];

			snprintf(vname, sizeof(vname), "virtio%d", n);
			virtio_probe(k, vdir, vname, (int)t->id);
		}
	}
	return 0;
}

static int fk_cid(void *ctx, struct vd_sysfs *s, uint32_t *ret)
{
	struct fk *k = ctx;

	(void)s;
	*ret = VD_VSOCK_CID_ANY;
	for (int n = 0; n < 16; n++) {
		char rel[PATH_MAX], cur[64];

		snprintf(rel, sizeof(rel), "sys/bus/virtio/devices/virtio%d/device", n);
		if (hexval(k, rel) != 19)
			continue;
		snprintf(rel, sizeof(rel), "sys/bus/virtio/devices/virtio%d/driver", n);
		if (link_base(k, rel, cur))
			*ret = k->cid;
	}
	return 0;
}

static uint64_t fk_now(void *ctx)
{
	return ((struct fk *)ctx)->clock;
}

static void fk_sleep(void *ctx, unsigned int ms)
{
	struct fk *k = ctx;

	k->clock += ms;
	k->slept += ms;
	if (k->late_vbind_ms && k->slept >= k->late_vbind_ms) {
		char dd[PATH_MAX], v[32], vdir[PATH_MAX];

		k->late_vbind_ms = 0;
		if (devdir(k, BDF, dd) && virtio_child(k, dd, v)) {
			snprintf(vdir, sizeof(vdir), "%s/%s", dd, v);
			virtio_probe(k, vdir, v, type_of(k, dd));
		}
	}
}

/* ---------------------------------------------------------------- harness */

struct t {
	char *dir; /* the copy of the fixture (t->k.root: its real path) */
	struct fk k;
	struct vd_bind_ops ops;
	struct vd_sysfs *s;
	struct vd_model m;
	struct vd_bind_result r;
	struct vd_bind_opts o;
};

static struct t *setup_fixture(const char *fixture)
{
	struct t *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->dir = vd_test_copy_fixture(fixture);
	assert_non_null(realpath(t->dir, t->k.root));
	/* rule zero: the tree we write into is never the real one */
	assert_true(strncmp(t->k.root, "/sys", 4) != 0 && strcmp(t->k.root, "/") != 0);
	t->k.cid = 3;
	t->ops = (struct vd_bind_ops){ fk_write, fk_load, fk_cid, fk_now, fk_sleep, &t->k };
	return t;
}

static void open_model(struct t *t)
{
	vd_model_done(&t->m);
	vd_sysfs_free(t->s);
	assert_int_equal(vd_sysfs_open(t->k.root, &t->s), 0);
	assert_int_equal(vd_model_scan(t->s, NULL, &t->m), 0);
}

static const struct vd_device *dev(struct t *t, const char *name)
{
	for (size_t i = 0; i < t->m.n; i++)
		if (!strcmp(t->m.dev[i].name, name))
			return &t->m.dev[i];
	fail_msg("no device %s in the model", name);
	return NULL;
}

static void run(struct t *t)
{
	open_model(t);
	vd_bind_result_done(&t->r);
	assert_int_equal(vd_bind_device(t->s, dev(t, BDF), &t->o, &t->ops, &t->r), 0);
}

static void teardown_t(struct t *t)
{
	vd_bind_result_done(&t->r);
	vd_model_done(&t->m);
	vd_sysfs_free(t->s);
	vd_test_remove_copy(t->dir);
	free(t);
}

static bool logged(struct t *t, const char *entry)
{
	for (int i = 0; i < t->k.nlog; i++)
		if (!strcmp(t->k.log[i], entry))
			return true;
	return false;
}

static void expect_log(struct t *t, const char *const *entries, int n)
{
	for (int i = 0; i < n && i < t->k.nlog; i++)
		assert_string_equal(t->k.log[i], entries[i]);
	assert_int_equal(t->k.nlog, n);
}

static void expect_pcidrv(struct t *t, const char *drv)
{
	char cur[64] = "";

	link_base(&t->k, DEVDIR "/driver", cur);
	assert_string_equal(cur, drv);
}

static void expect_override(struct t *t, const char *v)
{
	char cur[128];

	assert_true(get(&t->k, DEVDIR "/driver_override", cur, sizeof(cur)));
	assert_string_equal(cur, v);
}

static bool why_has(struct t *t, const char *s)
{
	if (strstr(t->r.why, s))
		return true;
	print_error("why: '%s' lacks '%s'\n", t->r.why, s);
	return false;
}

/* FNV-1a over every name, mode, mtime, link target and file content under dir. */
static uint64_t tree_hash_v;
static int hash_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char buf[4096];
	ssize_t n = 0;

	(void)ftw;
#define MIX(ptr, len)                                                                              \
	for (size_t _i = 0; _i < (size_t)(len); _i++)                                              \
	tree_hash_v = (tree_hash_v ^ ((const unsigned char *)(ptr))[_i]) * 0x100000001b3ULL
	MIX(path, strlen(path));
	MIX(&st->st_mode, sizeof(st->st_mode));
	MIX(&st->st_mtim, sizeof(st->st_mtim));
	if (flag == FTW_SL) {
		n = readlink(path, buf, sizeof(buf));
		MIX(buf, n > 0 ? n : 0);
	} else if (flag == FTW_F) {
		int fd = open(path, O_RDONLY);

		if (fd >= 0) {
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				MIX(buf, n);
			close(fd);
		}
	}
#undef MIX
	return 0;
}

static uint64_t tree_hash(const char *dir)
{
	tree_hash_v = 0xcbf29ce484222325ULL;
	nftw(dir, hash_one, 16, FTW_PHYS);
	return tree_hash_v;
}

/* ---------------------------------------------------------------- step 2: already bound */

static void test_already_bound_writes_nothing(void **state)
{
	struct t *t = setup_fixture("firecracker-6.18");

	(void)state;
	t->k.forbid_writes = true;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_ALREADY);
	assert_int_equal(t->r.nsteps, 0);
	assert_int_equal(t->k.nlog, 0); /* no module load either */
	assert_string_equal(t->r.pcidrv, "virtio-pci");
	assert_string_equal(t->r.driver, "vmw_vsock_virtio_transport");
	teardown_t(t);
}

/* ---------------------------------------------------------------- step 5: the binding */

static void test_unbound_binds_and_verifies(void **state)
{
	static const char *const want[] = { OVR "=virtio-pci", VPCI_BIND "=" BDF };
	struct t *t = setup_fixture("fc-vsock-unbound");

	(void)state;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_log(t, want, 2);
	assert_string_equal(t->r.pcidrv, "virtio-pci");
	assert_string_equal(t->r.virtio, "virtio3");
	assert_string_equal(t->r.driver, "vmw_vsock_virtio_transport");
	assert_true(t->r.have_cid);
	assert_int_equal(t->r.cid, 3);
	expect_override(t, "virtio-pci"); /* kept by default */
	assert_string_equal(t->r.prev_override, "(null)");
	/* a second run is the cheap path */
	memset(&t->k.log, 0, sizeof(t->k.log));
	t->k.nlog = 0;
	t->k.forbid_writes = true;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_ALREADY);
	teardown_t(t);
}

static void test_clear_override(void **state)
{
	static const char *const want[] = { OVR "=virtio-pci", VPCI_BIND "=" BDF, OVR "=\n" };
	struct t *t = setup_fixture("fc-vsock-unbound");

	(void)state;
	t->o.clear_override = true;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_log(t, want, 3);
	expect_override(t, "(null)");
	teardown_t(t);
}

static void test_override_virtio_pci_not_rewritten(void **state)
{
	static const char *const want[] = { VPCI_BIND "=" BDF };
	struct t *t = setup_fixture("fc-vsock-unbound");

	(void)state;
	put(&t->k, DEVDIR "/driver_override", "virtio-pci\n");
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_log(t, want, 1);
	teardown_t(t);
}

/* kernels before 3.16: no driver_override, new_id answers EEXIST for any 1af4 ID */
static void test_no_override_new_id_eexist(void **state)
{
	static const char *const want[] = { "sys/bus/pci/drivers/virtio-pci/new_id=1af4 1053",
					    VPCI_BIND "=" BDF };
	struct t *t = setup_fixture("fc-vsock-unbound");
	char b[PATH_MAX];

	(void)state;
	unlink(p(&t->k, DEVDIR "/driver_override", b));
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_log(t, want, 2);
	assert_non_null(strstr(t->r.note, "EEXIST"));
	teardown_t(t);
}

/* new_id that adds the ID probes at once; a later failure removes the ID again */
static void test_new_id_added_then_rollback_remove_id(void **state)
{
	static const char *const want[] = {
		"sys/bus/pci/drivers/virtio-pci/new_id=1af4 1053",
		VPCI_UNBIND "=" BDF,
		"sys/bus/pci/drivers/virtio-pci/remove_id=1af4 1053",
	};
	struct t *t = setup_fixture("fc-vsock-unbound");
	char b[PATH_MAX];

	(void)state;
	unlink(p(&t->k, DEVDIR "/driver_override", b));
	t->k.new_id_adds = true;
	t->k.vprobe_fails = true;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_FAILED);
	expect_log(t, want, 3);
	assert_true(why_has(t, "FAILED"));
	expect_pcidrv(t, "");
	teardown_t(t);
}

/* ---------------------------------------------------------------- step 3: no virtio-pci */

static void test_no_driver_loads_virtio_pci(void **state)
{
	static const char *const want[] = { "modprobe virtio_pci", OVR "=virtio-pci",
					    VPCI_BIND "=" BDF };
	struct t *t = setup_fixture("fc-no-virtio-pci-driver");

	(void)state;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_log(t, want, 3);
	expect_pcidrv(t, "virtio-pci");
	teardown_t(t);
}

static void test_no_driver_registration_probes(void **state)
{
	static const char *const want[] = { "modprobe virtio_pci" };
	struct t *t = setup_fixture("fc-no-virtio-pci-driver");

	(void)state;
	t->k.load_autoprobe = true;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_log(t, want, 1); /* bound by the registration: nothing written */
	teardown_t(t);
}

static void test_virtio_pci_module_missing(void **state)
{
	struct t *t = setup_fixture("fc-no-virtio-pci-driver");

	(void)state;
	t->k.fail_module = "virtio_pci";
	t->k.fail_module_err = -ENOENT;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_FAILED);
	assert_true(why_has(t, "module 'virtio_pci' does not exist in this kernel"));
	assert_int_equal(t->k.nlog, 1);
	teardown_t(t);
}

static void test_virtio_pci_initcall_blacklist_eperm(void **state)
{
	struct t *t = setup_fixture("fc-no-virtio-pci-driver");

	(void)state;
	put(&t->k, "proc/cmdline", "console=ttyS0 initcall_blacklist=virtio_pci_driver_init\n");
	t->k.fail_module = "virtio_pci";
	t->k.fail_module_err = -EPERM;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_FAILED);
	assert_int_equal(t->r.error, -EPERM);
	assert_true(why_has(t, "not permitted (EPERM)"));
	assert_true(why_has(t, "initcall_blacklist=virtio_pci_driver_init"));
	assert_int_equal(t->k.nlog, 1);
	teardown_t(t);
}

/* ---------------------------------------------------------------- step 4: refusals */

static void test_foreign_refused_without_force(void **state)
{
	struct t *t = setup_fixture("fc-vsock-foreign");

	(void)state;
	t->k.forbid_writes = true;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_REFUSED);
	assert_true(why_has(t, "held by 'vfio-pci'"));
	assert_true(why_has(t, "--force"));
	assert_int_equal(t->k.nlog, 0);
	teardown_t(t);
}

static void test_foreign_force_binds(void **state)
{
	static const char *const want[] = { OVR "=virtio-pci",
					    "sys/bus/pci/drivers/vfio-pci/unbind=" BDF,
					    VPCI_BIND "=" BDF };
	struct t *t = setup_fixture("fc-vsock-foreign");

	(void)state;
	t->o.force = 1;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_log(t, want, 3);
	assert_string_equal(t->r.prev_driver, "vfio-pci");
	assert_false(exists(&t->k, "sys/bus/pci/drivers/vfio-pci/" BDF));
	expect_pcidrv(t, "virtio-pci");
	teardown_t(t);
}

static void test_override_none_refused(void **state)
{
	struct t *t = setup_fixture("fc-vsock-override-none");

	(void)state;
	t->k.forbid_writes = true;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_REFUSED);
	assert_true(why_has(t, "driver_override is 'none'"));
	assert_true(why_has(t, "--force"));
	teardown_t(t);
}

static void test_override_none_force_binds(void **state)
{
	struct t *t = setup_fixture("fc-vsock-override-none");

	(void)state;
	t->o.force = 1;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_override(t, "virtio-pci");
	teardown_t(t);
}

/* A foreign driver holding a disk or an interface of the device. */
static struct t *setup_foreign_with(const char *what)
{
	struct t *t = setup_fixture("fc-vsock-foreign");

	mkdir_p(&t->k, "proc/self");
	put(&t->k, "proc/self/mounts", "proc /proc proc rw 0 0\n");
	if (!strcmp(what, "mountinfo")) {
		mkdir_p(&t->k, DEVDIR "/block/vda/holders");
		put(&t->k, DEVDIR "/block/vda/dev", "254:0\n");
		put(&t->k, "proc/self/mountinfo",
		    "22 1 0:5 / /proc rw - proc proc rw\n"
		    "29 1 254:0 / / rw,relatime - ext4 /dev/root rw\n");
	} else if (!strcmp(what, "mounts")) {
		mkdir_p(&t->k, DEVDIR "/block/vda/holders");
		mkdir_p(&t->k, DEVDIR "/block/vda/vda1/holders");
		put(&t->k, DEVDIR "/block/vda/vda1/partition", "1\n");
		put(&t->k, "proc/self/mounts", "/dev/vda1 /srv ext4 rw 0 0\n");
	} else if (!strcmp(what, "holders")) {
		mkdir_p(&t->k, DEVDIR "/block/vda/holders/dm-0");
	} else if (!strcmp(what, "operstate")) {
		mkdir_p(&t->k, DEVDIR "/net/eth0");
		put(&t->k, DEVDIR "/net/eth0/operstate", "up\n");
	} else if (!strcmp(what, "flags")) {
		mkdir_p(&t->k, DEVDIR "/net/eth0");
		put(&t->k, DEVDIR "/net/eth0/operstate", "unknown\n");
		put(&t->k, DEVDIR "/net/eth0/flags", "0x1003\n");
	} else if (!strcmp(what, "idle")) {
		mkdir_p(&t->k, DEVDIR "/net/eth0");
		put(&t->k, DEVDIR "/net/eth0/operstate", "down\n");
		put(&t->k, DEVDIR "/net/eth0/flags", "0x1002\n");
		mkdir_p(&t->k, DEVDIR "/block/vda/holders");
		put(&t->k, DEVDIR "/block/vda/dev", "254:0\n");
	}
	t->o.force = 1;
	return t;
}

static void expect_in_use(const char *what, const char *msg)
{
	struct t *t = setup_foreign_with(what);

	t->k.forbid_writes = true;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_REFUSED);
	assert_true(why_has(t, msg));
	assert_true(why_has(t, "--force twice"));
	teardown_t(t);

	/* twice: it goes ahead */
	t = setup_foreign_with(what);
	t->o.force = 2;
	run(t);
	assert_true(logged(t, "sys/bus/pci/drivers/vfio-pci/unbind=" BDF));
	teardown_t(t);
}

static void test_in_use_mounted_by_devno(void **state)
{
	(void)state;
	expect_in_use("mountinfo", "'/dev/vda' is mounted on '/'");
}

static void test_in_use_partition_mounted(void **state)
{
	(void)state;
	expect_in_use("mounts", "'/dev/vda1' is mounted on '/srv'");
}

static void test_in_use_holders(void **state)
{
	(void)state;
	expect_in_use("holders", "'vda' is held by 'dm-0'");
}

static void test_in_use_net_operstate(void **state)
{
	(void)state;
	expect_in_use("operstate", "interface 'eth0' is up");
}

static void test_in_use_net_flags(void **state)
{
	(void)state;
	expect_in_use("flags", "interface 'eth0' is up");
}

static void test_not_in_use_force_once(void **state)
{
	struct t *t = setup_foreign_with("idle");

	(void)state;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	teardown_t(t);
}

/* A driver link whose last component is ".." would build a path outside drivers/. */
static void test_hostile_driver_link(void **state)
{
	struct t *t = setup_fixture("fc-vsock-foreign");

	(void)state;
	link_to(&t->k, "sys/bus/pci/drivers/vfio-pci/..", DEVDIR "/driver");
	t->k.forbid_writes = true;
	t->o.force = 2;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_FAILED);
	assert_true(why_has(t, "not a driver"));
	teardown_t(t);
}

/* ---------------------------------------------------------------- step 7: errno and rollback */

/* EBUSY because virtio-pci got there first is success, checked by reading. */
static void test_bind_ebusy_but_virtio_pci(void **state)
{
	struct t *t = setup_fixture("fc-vsock-unbound");

	(void)state;
	t->k.bind_race = true;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	assert_non_null(strstr(t->r.note, "EBUSY"));
	teardown_t(t);
}

static void test_bind_eagain_retried_with_wait(void **state)
{
	struct t *t = setup_fixture("fc-vsock-unbound");

	(void)state;
	t->k.eagain_times = 2;
	t->o.wait_ms = 5000;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	assert_int_equal(t->k.slept, 200);
	/* the retries are one step */
	assert_int_equal(t->r.nsteps, 2);
	teardown_t(t);
}

/*
 * Every errno a step's write can meet: what the kernel answers (the probe's errno comes
 * back from the bind write) or what the write itself fails with, and what must follow:
 * the outcome, the message, which writes happened (rollback included), and the device's
 * state afterwards. A NULL field is not checked.
 */
#define WRITES(...)                                                                                \
	.log = (const char *const[]){ __VA_ARGS__ },                                               \
	.nlog = sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

static const struct errno_case {
	const char *name, *fixture;
	bool force, no_override;
	int probe_err;	     /* virtio-pci's probe answers this (through the bind write) */
	struct inject write; /* or a write fails by itself */
	int eagain_times;
	enum vd_bind_outcome outcome;
	int error;
	const char *why;
	bool explain; /* a probe failure: the device is the problem */
	const char *const *log;
	int nlog;
	const char *override_after, *pcidrv_after;
} errno_cases[] = {
	{ "bind: probe ENODEV", "fc-vsock-unbound", .probe_err = -ENODEV, .outcome = VD_BIND_FAILED,
	  .error = -ENODEV, .why = "probe rejected the device (ENODEV)", .explain = true,
	  WRITES(OVR "=virtio-pci", VPCI_BIND "=" BDF, OVR "=\n"), .override_after = "(null)",
	  .pcidrv_after = "" },
	{ "bind: probe EINVAL", "fc-vsock-unbound", .probe_err = -EINVAL, .outcome = VD_BIND_FAILED,
	  .error = -EINVAL, .why = "probe failed: BAR or capability problem (EINVAL)",
	  .explain = true, WRITES(OVR "=virtio-pci", VPCI_BIND "=" BDF, OVR "=\n"),
	  .override_after = "(null)", .pcidrv_after = "" },
	{ "bind: probe ENXIO", "fc-vsock-unbound", .probe_err = -ENXIO, .outcome = VD_BIND_FAILED,
	  .error = -ENXIO, .why = "probe found no device (ENXIO)", .explain = true,
	  WRITES(OVR "=virtio-pci", VPCI_BIND "=" BDF, OVR "=\n"), .override_after = "(null)",
	  .pcidrv_after = "" },
	{ "bind: probe EBUSY (regions)", "fc-vsock-unbound", .probe_err = -EBUSY,
	  .outcome = VD_BIND_FAILED, .error = -EBUSY,
	  .why = "already bound, or its regions are in use (EBUSY)", .explain = true,
	  WRITES(OVR "=virtio-pci", VPCI_BIND "=" BDF, OVR "=\n"), .override_after = "(null)",
	  .pcidrv_after = "" },
	{ "bind: EAGAIN, no --wait", "fc-vsock-unbound", .eagain_times = 1,
	  .outcome = VD_BIND_FAILED, .error = -EAGAIN, .why = "probe deferred", .explain = true,
	  WRITES(OVR "=virtio-pci", VPCI_BIND "=" BDF, OVR "=\n"), .override_after = "(null)",
	  .pcidrv_after = "" },
	{ "bind: write EPERM", "fc-vsock-unbound", .write = { "/bind", -EPERM, 0 },
	  .outcome = VD_BIND_FAILED, .error = -EPERM, .why = "security module refused (EPERM)",
	  WRITES(OVR "=virtio-pci", VPCI_BIND "=" BDF, OVR "=\n"), .override_after = "(null)",
	  .pcidrv_after = "" },
	{ "bind: write ENOENT", "fc-vsock-unbound", .write = { "/bind", -ENOENT, 0 },
	  .outcome = VD_BIND_FAILED, .error = -ENOENT, .why = "no such file (ENOENT)",
	  WRITES(OVR "=virtio-pci", VPCI_BIND "=" BDF, OVR "=\n"), .override_after = "(null)",
	  .pcidrv_after = "" },
	{ "driver_override: EACCES", "fc-vsock-unbound",
	  .write = { "/driver_override", -EACCES, 0 }, .outcome = VD_BIND_FAILED, .error = -EACCES,
	  .why = "permission denied", WRITES(OVR "=virtio-pci"), .override_after = "(null)",
	  .pcidrv_after = "" },
	{ "driver_override: EROFS", "fc-vsock-unbound", .write = { "/driver_override", -EROFS, 0 },
	  .outcome = VD_BIND_FAILED, .error = -EROFS, .why = "sysfs is read-only",
	  WRITES(OVR "=virtio-pci"), .override_after = "(null)", .pcidrv_after = "" },
	/* the override write "succeeds" but does not take: bind sees 'none', says ENODEV */
	{ "driver_override: swallowed, bind ENODEV", "fc-vsock-override-none", .force = true,
	  .write = { "/driver_override", 0, 0 }, .outcome = VD_BIND_FAILED, .error = -ENODEV,
	  .why = "probe rejected the device (ENODEV)", .explain = true, .override_after = "none",
	  .pcidrv_after = "" },
	{ "unbind (--force): ENODEV", "fc-vsock-foreign", .force = true,
	  .write = { "/unbind", -ENODEV, 1 }, .outcome = VD_BIND_FAILED, .error = -ENODEV,
	  .why = "the device is not bound to that driver (ENODEV)",
	  WRITES(OVR "=virtio-pci", "sys/bus/pci/drivers/vfio-pci/unbind=" BDF, OVR "=vfio-pci"),
	  .override_after = "vfio-pci", .pcidrv_after = "vfio-pci" },
	{ "unbind (--force): EACCES", "fc-vsock-foreign", .force = true,
	  .write = { "/vfio-pci/unbind", -EACCES, 0 }, .outcome = VD_BIND_FAILED, .error = -EACCES,
	  .why = "permission denied",
	  WRITES(OVR "=virtio-pci", "sys/bus/pci/drivers/vfio-pci/unbind=" BDF, OVR "=vfio-pci"),
	  .override_after = "vfio-pci", .pcidrv_after = "vfio-pci" },
	{ "unbind (--force): probe ENODEV, rebinds", "fc-vsock-foreign", .force = true,
	  .probe_err = -ENODEV, .outcome = VD_BIND_FAILED, .error = -ENODEV,
	  .why = "probe rejected the device (ENODEV)", .explain = true,
	  WRITES(OVR "=virtio-pci", "sys/bus/pci/drivers/vfio-pci/unbind=" BDF, VPCI_BIND "=" BDF,
		 OVR "=vfio-pci", "sys/bus/pci/drivers/vfio-pci/bind=" BDF),
	  .override_after = "vfio-pci", .pcidrv_after = "vfio-pci" },
	/* kernels before 3.16: no driver_override, new_id instead */
	{ "new_id: EINVAL", "fc-vsock-unbound", .no_override = true,
	  .write = { "/new_id", -EINVAL, 0 }, .outcome = VD_BIND_FAILED, .error = -EINVAL,
	  .why = "malformed ID (EINVAL)", WRITES("sys/bus/pci/drivers/virtio-pci/new_id=1af4 1053"),
	  .pcidrv_after = "" },
	{ "new_id: EACCES", "fc-vsock-unbound", .no_override = true,
	  .write = { "/new_id", -EACCES, 0 }, .outcome = VD_BIND_FAILED, .error = -EACCES,
	  .why = "permission denied", WRITES("sys/bus/pci/drivers/virtio-pci/new_id=1af4 1053"),
	  .pcidrv_after = "" },
	{ "new_id: EEXIST is no failure", "fc-vsock-unbound", .no_override = true,
	  .outcome = VD_BIND_DONE,
	  WRITES("sys/bus/pci/drivers/virtio-pci/new_id=1af4 1053", VPCI_BIND "=" BDF),
	  .pcidrv_after = "virtio-pci" },
	{ "new_id: EEXIST, bind ENODEV", "fc-vsock-unbound", .no_override = true,
	  .probe_err = -ENODEV, .outcome = VD_BIND_FAILED, .error = -ENODEV,
	  .why = "probe rejected the device (ENODEV)", .explain = true,
	  WRITES("sys/bus/pci/drivers/virtio-pci/new_id=1af4 1053", VPCI_BIND "=" BDF),
	  .pcidrv_after = "" },
};

static bool errno_case_ok(const struct errno_case *c, struct t *t)
{
	char cur[128] = "";
	bool ok = true;

#define CASE_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			print_error("%s: ", c->name);                                              \
			print_error(__VA_ARGS__);                                                  \
			print_error("\n");                                                         \
			ok = false;                                                                \
		}                                                                                  \
	} while (0)
	CASE_CHECK(t->r.outcome == c->outcome, "outcome %s, want %s",
		   vd_bind_outcome_name(t->r.outcome), vd_bind_outcome_name(c->outcome));
	CASE_CHECK(t->r.error == c->error, "error %d, want %d", t->r.error, c->error);
	if (c->why)
		CASE_CHECK(strstr(t->r.why, c->why), "why '%s' lacks '%s'", t->r.why, c->why);
	else
		CASE_CHECK(!t->r.why[0], "why '%s', want none", t->r.why);
	CASE_CHECK(t->r.explain == c->explain, "explain %d, want %d", t->r.explain, c->explain);
	CASE_CHECK(!t->r.rollback[0], "rollback failed: %s", t->r.rollback);
	if (c->log) {
		CASE_CHECK(t->k.nlog == c->nlog, "%d writes, want %d", t->k.nlog, c->nlog);
		for (int i = 0; i < c->nlog && i < t->k.nlog; i++)
			CASE_CHECK(!strcmp(t->k.log[i], c->log[i]), "write %d: '%s', want '%s'", i,
				   t->k.log[i], c->log[i]);
	}
	if (c->override_after) {
		get(&t->k, DEVDIR "/driver_override", cur, sizeof(cur));
		CASE_CHECK(!strcmp(cur, c->override_after), "driver_override '%s', want '%s'", cur,
			   c->override_after);
	}
	if (c->pcidrv_after) {
		cur[0] = '\0';
		link_base(&t->k, DEVDIR "/driver", cur);
		CASE_CHECK(!strcmp(cur, c->pcidrv_after), "driver '%s', want '%s'", cur,
			   c->pcidrv_after);
	}
#undef CASE_CHECK
	return ok;
}

static void test_errno_table(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(errno_cases) / sizeof(errno_cases[0]); i++) {
		const struct errno_case *c = &errno_cases[i];
		struct t *t = setup_fixture(c->fixture);
		char b[PATH_MAX];

		if (c->no_override)
			unlink(p(&t->k, DEVDIR "/driver_override", b));
		t->o.force = c->force;
		t->k.probe_err = c->probe_err;
		t->k.eagain_times = c->eagain_times;
		t->k.inject[0] = c->write;
		run(t);
		if (!errno_case_ok(c, t))
			bad++;
		teardown_t(t);
	}
	assert_int_equal(bad, 0);
}

static void test_rollback_failure_reported(void **state)
{
	struct t *t = setup_fixture("fc-vsock-foreign");

	(void)state;
	t->o.force = 1;
	t->k.probe_err = -ENODEV;
	t->k.inject[0] = (struct inject){ "/vfio-pci/bind", -EACCES, 0 };
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_FAILED);
	assert_non_null(strstr(t->r.rollback, "sys/bus/pci/drivers/vfio-pci/bind"));
	assert_non_null(strstr(t->r.rollback, "EACCES"));
	teardown_t(t);
}

/* ---------------------------------------------------------------- step 6: verification */

static void test_virtio_probe_failed_rolls_back(void **state)
{
	static const char *const want[] = { OVR "=virtio-pci", VPCI_BIND "=" BDF,
					    VPCI_UNBIND "=" BDF, OVR "=\n" };
	struct t *t = setup_fixture("fc-vsock-unbound");

	(void)state;
	t->k.vprobe_fails = true;
	t->o.wait_ms = 5000;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_FAILED);
	assert_true(why_has(t, "virtio3 status is 0x0000008b"));
	assert_int_equal(t->k.slept, 0); /* FAILED is final: no waiting */
	expect_log(t, want, 4);
	expect_pcidrv(t, "");
	assert_false(exists(&t->k, DEVDIR "/virtio3"));
	teardown_t(t);
}

/* PCI level bound, virtio driver not registered: load it, write nothing. */
static void test_nodriver_loads_virtio_module(void **state)
{
	static const char *const want[] = { "modprobe vmw_vsock_virtio_transport" };
	struct t *t = setup_fixture("fc-vsock-nodriver");

	(void)state;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_log(t, want, 1);
	assert_string_equal(t->r.driver, "vmw_vsock_virtio_transport");
	teardown_t(t);
}

static void test_nodriver_module_blacklisted(void **state)
{
	struct t *t = setup_fixture("fc-vsock-nodriver");

	(void)state;
	t->k.fail_module = "vmw_vsock_virtio_transport";
	t->k.fail_module_err = -ECANCELED;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_FAILED);
	assert_true(why_has(t, "blacklisted"));
	assert_int_equal(t->k.nlog, 1); /* no write, no rollback: PCI level untouched */
	expect_pcidrv(t, "virtio-pci");
	teardown_t(t);
}

/* After the bind, the virtio driver is missing: loaded through ops, then verified. */
static void test_bind_then_loads_virtio_module(void **state)
{
	static const char *const want[] = { OVR "=virtio-pci", VPCI_BIND "=" BDF,
					    "modprobe vmw_vsock_virtio_transport" };
	struct t *t = setup_fixture("fc-vsock-unbound");

	(void)state;
	rm_rf(p(&t->k, "sys/bus/virtio/drivers/vmw_vsock_virtio_transport", (char[PATH_MAX]){ 0 }));
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_log(t, want, 3);
	teardown_t(t);
}

static void test_wait_polls_until_driver(void **state)
{
	struct t *t = setup_fixture("fc-vsock-unbound");

	(void)state;
	t->k.late_vbind_ms = 300;
	t->o.wait_ms = 5000;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	assert_int_equal(t->k.slept, 300);
	teardown_t(t);
}

static void test_wait_times_out(void **state)
{
	struct t *t = setup_fixture("fc-vsock-unbound");

	(void)state;
	t->k.late_vbind_ms = 60000;
	t->o.wait_ms = 1000;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_FAILED);
	assert_true(why_has(t, "virtio3 has no driver (after waiting)"));
	assert_int_equal(t->k.slept, 1000);
	expect_pcidrv(t, ""); /* rolled back */
	teardown_t(t);
}

static void test_vsock_without_cid_fails(void **state)
{
	struct t *t = setup_fixture("fc-vsock-unbound");

	(void)state;
	t->k.cid = VD_VSOCK_CID_ANY;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_FAILED);
	assert_true(why_has(t, "CID"));
	teardown_t(t);
}

/* ---------------------------------------------------------------- dry run */

static void test_dry_run_plan_writes_nothing(void **state)
{
	struct t *t = setup_fixture("fc-vsock-foreign");
	uint64_t before = tree_hash(t->k.root);

	(void)state;
	t->o.force = 1;
	t->o.dry_run = true;
	t->o.clear_override = true;
	t->k.forbid_writes = true;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_PLANNED);
	assert_int_equal(t->r.nsteps, 4);
	assert_string_equal(t->r.steps[0].path, OVR);
	assert_string_equal(t->r.steps[0].value, "virtio-pci");
	assert_string_equal(t->r.steps[1].path, "sys/bus/pci/drivers/vfio-pci/unbind");
	assert_string_equal(t->r.steps[2].path, VPCI_BIND);
	assert_string_equal(t->r.steps[2].value, BDF);
	assert_string_equal(t->r.steps[3].value, "\n");
	assert_true(tree_hash(t->k.root) == before);
	teardown_t(t);
}

static void test_dry_run_module_not_loaded(void **state)
{
	struct t *t = setup_fixture("fc-no-virtio-pci-driver");

	(void)state;
	t->o.dry_run = true;
	t->k.forbid_writes = true;
	run(t);
	assert_int_equal(t->r.outcome, VD_BIND_PLANNED);
	assert_string_equal(t->k.log[0], "modprobe virtio_pci (dry)");
	assert_false(exists(&t->k, "sys/bus/pci/drivers/virtio-pci"));
	teardown_t(t);
}

/* ---------------------------------------------------------------- the command */

static int run_cmd(const char *root, const char *const *args, char *out, size_t size)
{
	struct vd_cli cli = { .sysroot = root };
	char *argv[16];
	char tmpl[] = "/tmp/vd-bind-out-XXXXXX";
	int argc = 0, fd, saved, rc;
	ssize_t n;

	argv[argc++] = (char *)"bind";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	rc = vd_cmd_bind.run(&cli, argc, argv);
	vd_cli_done(&cli);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(tmpl);
	return rc;
}

static void expect_cmd(const char *fixture, const char *const *args, int rc, const char *want)
{
	struct t *t = setup_fixture(fixture);
	uint64_t before = tree_hash(t->k.root);
	char out[8192], exp[8192];
	const char *w;
	size_t o = 0;

	/* DIR in want stands for the temporary root */
	for (w = want; *w && o + PATH_MAX < sizeof(exp); w++) {
		if (!strncmp(w, "DIR", 3)) {
			o += (size_t)sprintf(exp + o, "%s", t->k.root);
			w += 2;
		} else {
			exp[o++] = *w;
		}
	}
	exp[o] = '\0';
	assert_int_equal(run_cmd(t->k.root, args, out, sizeof(out)), rc);
	assert_string_equal(out, exp);
	assert_true(tree_hash(t->k.root) == before);
	teardown_t(t);
}

static void test_cmd_dry_run_unbound(void **state)
{
	static const char *const args[] = { "--vsock", "--dry-run", NULL };

	(void)state;
	expect_cmd("fc-vsock-unbound", args, 0,
		   "# 0000:00:04.0 vsock 1af4:1053: no driver bound to the PCI function\n"
		   "echo virtio-pci > DIR/sys/bus/pci/devices/0000:00:04.0/driver_override\n"
		   "echo 0000:00:04.0 > DIR/sys/bus/pci/drivers/virtio-pci/bind\n");
}

static void test_cmd_dry_run_foreign_force(void **state)
{
	static const char *const args[] = { "00:04.0", "-n", "--force", "--clear-override", NULL };

	(void)state;
	expect_cmd("fc-vsock-foreign", args, 0,
		   "# 0000:00:04.0 vsock 1af4:1053: PCI function held by 'vfio-pci', not by "
		   "virtio-pci\n"
		   "echo virtio-pci > DIR/sys/bus/pci/devices/0000:00:04.0/driver_override\n"
		   "echo 0000:00:04.0 > DIR/sys/bus/pci/drivers/vfio-pci/unbind\n"
		   "echo 0000:00:04.0 > DIR/sys/bus/pci/drivers/virtio-pci/bind\n"
		   "echo > DIR/sys/bus/pci/devices/0000:00:04.0/driver_override\n");
}

static void test_cmd_dry_run_no_virtio_pci(void **state)
{
	static const char *const args[] = { "--vsock", "--dry-run", NULL };

	(void)state;
	expect_cmd("fc-no-virtio-pci-driver", args, 0,
		   "# 0000:00:04.0 vsock 1af4:1053: no driver bound to the PCI function\n"
		   "modprobe virtio_pci\n"
		   "echo virtio-pci > DIR/sys/bus/pci/devices/0000:00:04.0/driver_override\n"
		   "echo 0000:00:04.0 > DIR/sys/bus/pci/drivers/virtio-pci/bind\n");
}

static void test_cmd_dry_run_refused(void **state)
{
	static const char *const args[] = { "--vsock", "--dry-run", NULL };

	(void)state;
	expect_cmd("fc-vsock-foreign", args, 1, "");
}

static void test_cmd_already_bound(void **state)
{
	static const char *const args[] = { "--vsock", NULL };
	static const char *const dry[] = { "--vsock", "--dry-run", NULL };

	(void)state;
	expect_cmd("firecracker-6.18", args, 0,
		   "0000:00:04.0: already bound (virtio-pci, vmw_vsock_virtio_transport)\n");
	expect_cmd("firecracker-6.18", dry, 0,
		   "# 0000:00:04.0: already bound (virtio-pci, vmw_vsock_virtio_transport)\n");
}

static void test_cmd_type_and_all(void **state)
{
	static const char *const type[] = { "--type", "net,rng", NULL };
	static const char *const all[] = { "--all", "-n", NULL };

	(void)state;
	expect_cmd("firecracker-6.18", type, 0,
		   "0000:00:03.0: already bound (virtio-pci, virtio_net)\n"
		   "0000:00:05.0: already bound (virtio-pci, virtio_rng)\n");
	expect_cmd("fc-vsock-nodriver", all, 0,
		   "# 0000:00:04.0 vsock 1af4:1053: no driver bound to virtio3 (needs "
		   "vmw_vsock_virtio_transport)\n"
		   "modprobe vmw_vsock_virtio_transport\n");
}

static void test_cmd_rejects_bad_addresses(void **state)
{
	static const char *const bad[] = {
		"../../etc",
		"0000:00:04.0/../..",
		"0000:00:04.0/",
		"00:04.0x",
		"0000:00:04.00000000000000000000000000000000000000000000000000000000000000",
		"00:04.\xc3\xa9",
		"0000:00:20.0",
		"0000:00:04.8",
		"",
		"sys/bus/pci",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[] = { bad[i], NULL };

		expect_cmd("fc-vsock-unbound", args, 2, "");
	}
}

static void test_cmd_environment_errors(void **state)
{
	static const char *const nodev[] = { "00:09.0", NULL };
	static const char *const notvirtio[] = { "00:00.0", NULL };
	static const char *const vsock[] = { "--vsock", NULL };
	static const char *const none[] = { NULL };
	static const char *const wait[] = { "--vsock", "--wait", "soon", NULL };

	(void)state;
	expect_cmd("firecracker-6.18", nodev, 2, "");
	expect_cmd("firecracker-6.18", notvirtio, 2, "");
	expect_cmd("qemu-6.1-mixed", vsock, 2, "");
	expect_cmd("firecracker-6.18", none, 2, "");
	expect_cmd("firecracker-6.18", wait, 2, "");
}

/* ---------------------------------------------------------------- virtio-mmio */

/* A vsock on virtio-mmio that works is "already bound": nothing written. */
static void test_mmio_vsock_already_bound(void **state)
{
	static const char *const args[] = { "--vsock", NULL };

	(void)state;
	expect_cmd("mmio-6.18", args, 0,
		   "virtio-mmio.2: already bound (virtio-mmio, vmw_vsock_virtio_transport)\n");
}

/* a003e00 unbound by an admin: driver_override and bind on the platform bus, verified */
static void test_mmio_bind_by_name(void **state)
{
	static const char *const want[] = {
		"sys/bus/platform/devices/a003e00.virtio_mmio/driver_override=virtio-mmio",
		"sys/bus/platform/drivers/virtio-mmio/bind=a003e00.virtio_mmio",
	};
	struct t *t = setup_fixture("qemu-virt-arm64");

	(void)state;
	t->k.mmio_dev = "a003e00.virtio_mmio";
	t->k.mmio_type = 4;
	/* an admin's unbind first, through the fake kernel */
	assert_int_equal(fk_write(&t->k, NULL, "sys/bus/platform/drivers/virtio-mmio/unbind",
				  "a003e00.virtio_mmio", 19),
			 0);
	t->k.nlog = 0;
	open_model(t);
	/* sysfs cannot tell it from an empty slot; bind by name still tries */
	assert_int_equal(dev(t, "a003e00.virtio_mmio")->state, VD_STATE_EMPTY);
	assert_int_equal(vd_bind_device(t->s, dev(t, "a003e00.virtio_mmio"), &t->o, &t->ops, &t->r),
			 0);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_log(t, want, 2);
	assert_string_equal(t->r.pcidrv, "virtio-mmio");
	assert_string_equal(t->r.driver, "virtio_rng");
	teardown_t(t);
}

/* An empty slot answers ENODEV: said as such, the override put back. */
static void test_mmio_empty_slot_rolled_back(void **state)
{
	struct t *t = setup_fixture("qemu-virt-arm64");
	char buf[64];

	(void)state;
	t->k.mmio_dev = "a003e00.virtio_mmio";
	open_model(t);
	assert_int_equal(dev(t, "a000000.virtio_mmio")->state, VD_STATE_EMPTY);
	assert_int_equal(vd_bind_device(t->s, dev(t, "a000000.virtio_mmio"), &t->o, &t->ops, &t->r),
			 0);
	assert_int_equal(t->r.outcome, VD_BIND_FAILED);
	assert_true(why_has(t, "empty virtio-mmio slot"));
	assert_string_equal(t->r.rollback, "");
	assert_true(logged(t, "sys/bus/platform/devices/a000000.virtio_mmio/driver_override=\n"));
	assert_true(get(&t->k, "sys/devices/platform/a000000.virtio_mmio/driver_override", buf,
			sizeof(buf)));
	assert_string_equal(buf, "(null)");
	assert_false(exists(&t->k, "sys/devices/platform/a000000.virtio_mmio/driver"));
	teardown_t(t);
}

/* The group: loading virtio_mmio is the whole action, its registration probes them all. */
static void test_mmio_group_loads_module(void **state)
{
	static const char *const want[] = { "modprobe virtio_mmio" };
	struct t *t = setup_fixture("qemu-virt-mmio-not-loaded");

	(void)state;
	t->k.mmio_dev = "a003e00.virtio_mmio";
	t->k.mmio_type = 4;
	open_model(t);
	assert_int_equal(dev(t, "virtio-mmio")->group, 32);
	assert_true(dev(t, "a003e00.virtio_mmio")->in_group);
	assert_int_equal(vd_bind_device(t->s, dev(t, "virtio-mmio"), &t->o, &t->ops, &t->r), 0);
	assert_int_equal(t->r.outcome, VD_BIND_DONE);
	expect_log(t, want, 1);
	assert_string_equal(
		t->r.note, "1 of 32 transports hold a virtio device, the other 31 are empty slots");
	/* seen again, the transports are one bound rng and 31 empty slots */
	open_model(t);
	assert_int_equal(dev(t, "a003e00.virtio_mmio")->state, VD_STATE_OK);
	assert_int_equal(dev(t, "a000000.virtio_mmio")->state, VD_STATE_EMPTY);
	teardown_t(t);
}

/* A dry run of the group plans the module load and nothing else. */
static void test_mmio_group_dry_run(void **state)
{
	static const char *const args[] = { "--all", "--dry-run", NULL };

	(void)state;
	expect_cmd("qemu-virt-mmio-not-loaded", args, 0,
		   "# virtio-mmio ? : virtio-mmio is not registered: 32 transports wait for it\n"
		   "modprobe virtio_mmio\n");
}

/* ---------------------------------------------------------------- errno words */

static void test_errno_words(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(vd_bind_errno_meaning("bind", -ENODEV), "probe rejected the device");
	assert_string_equal(vd_bind_errno_meaning("bind", -EAGAIN),
			    "probe deferred (an IOMMU or a supplier is not ready)");
	assert_string_equal(vd_bind_errno_meaning("new_id", -EEXIST),
			    "the driver already matches this ID");
	assert_string_equal(vd_bind_errno_meaning("remove_id", -ENODEV), "no such dynamic ID");
	assert_string_equal(vd_bind_errno_meaning("driver_override", -EINVAL), "value too long");
	assert_string_equal(vd_errno_name(-EROFS, b, sizeof(b)), "EROFS");
	assert_string_equal(vd_errno_name(-200, b, sizeof(b)), "errno 200");
}

static void test_rejects_non_pci_device(void **state)
{
	struct t *t = setup_fixture("mmio-6.18");
	struct vd_device d = VD_DEVICE_INIT;

	(void)state;
	open_model(t);
	d.bus = VD_BUS_PCI;
	d.have_id = true;
	d.cls.virtio = true;
	d.name = "0000:00:04.0/../../..";
	assert_int_equal(vd_bind_device(t->s, &d, &t->o, &t->ops, &t->r), -EINVAL);
	/* a platform device is bound only under a virtio-mmio name, never a path */
	d.bus = VD_BUS_PLATFORM;
	d.name = "../../a000000.virtio_mmio";
	assert_int_equal(vd_bind_device(t->s, &d, &t->o, &t->ops, &t->r), -EINVAL);
	d.name = "serial8250";
	assert_int_equal(vd_bind_device(t->s, &d, &t->o, &t->ops, &t->r), -EINVAL);
	d.bus = VD_BUS_OTHER;
	d.name = "a000000.virtio_mmio";
	assert_int_equal(vd_bind_device(t->s, &d, &t->o, &t->ops, &t->r), -EINVAL);
	assert_int_equal(t->k.nlog, 0);
	teardown_t(t);
}

/* Steps past the old fixed 16 are kept, in order, none dropped or overwritten. */
static void test_steps_grow_past_16(void **state)
{
	struct vd_bind_result r = { 0 };
	char path[64];

	(void)state;
	for (int i = 0; i < 40; i++) {
		struct vd_bind_step *st = NULL;

		snprintf(path, sizeof(path), "sys/bus/pci/drivers/d%d/bind", i);
		assert_int_equal(vd_bind_step_add(&r, i % 3 ? VD_STEP_WRITE : VD_STEP_MODPROBE,
						  path, BDF, i & 1, &st),
				 0);
		assert_ptr_equal(st, &r.steps[i]);
	}
	assert_int_equal(r.nsteps, 40);
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "sys/bus/pci/drivers/d%d/bind", i);
		assert_string_equal(r.steps[i].path, path);
		assert_string_equal(r.steps[i].value, BDF);
		assert_int_equal(r.steps[i].kind, i % 3 ? VD_STEP_WRITE : VD_STEP_MODPROBE);
		assert_int_equal(r.steps[i].rollback, i & 1);
	}
	vd_bind_result_done(&r);
	assert_null(r.steps);
	assert_int_equal(r.nsteps, 0);

	/* an array that cannot grow (its size wraps, or is too large): -ENOMEM, nothing changed */
	for (size_t full = SIZE_MAX / 4 + 1; full && full <= SIZE_MAX / 2 + 1; full *= 2) {
		r.nsteps = r.nalloc = full;
		assert_int_equal(vd_bind_step_add(&r, VD_STEP_WRITE, "sys/x", "1", false, NULL),
				 -ENOMEM);
		assert_int_equal(r.nsteps, full);
		assert_int_equal(r.nalloc, full);
		assert_null(r.steps);
	}
	r.nsteps = r.nalloc = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_already_bound_writes_nothing),
		cmocka_unit_test(test_unbound_binds_and_verifies),
		cmocka_unit_test(test_clear_override),
		cmocka_unit_test(test_override_virtio_pci_not_rewritten),
		cmocka_unit_test(test_no_override_new_id_eexist),
		cmocka_unit_test(test_new_id_added_then_rollback_remove_id),
		cmocka_unit_test(test_no_driver_loads_virtio_pci),
		cmocka_unit_test(test_no_driver_registration_probes),
		cmocka_unit_test(test_virtio_pci_module_missing),
		cmocka_unit_test(test_virtio_pci_initcall_blacklist_eperm),
		cmocka_unit_test(test_foreign_refused_without_force),
		cmocka_unit_test(test_foreign_force_binds),
		cmocka_unit_test(test_override_none_refused),
		cmocka_unit_test(test_override_none_force_binds),
		cmocka_unit_test(test_in_use_mounted_by_devno),
		cmocka_unit_test(test_in_use_partition_mounted),
		cmocka_unit_test(test_in_use_holders),
		cmocka_unit_test(test_in_use_net_operstate),
		cmocka_unit_test(test_in_use_net_flags),
		cmocka_unit_test(test_not_in_use_force_once),
		cmocka_unit_test(test_hostile_driver_link),
		cmocka_unit_test(test_errno_table),
		cmocka_unit_test(test_bind_ebusy_but_virtio_pci),
		cmocka_unit_test(test_bind_eagain_retried_with_wait),
		cmocka_unit_test(test_rollback_failure_reported),
		cmocka_unit_test(test_virtio_probe_failed_rolls_back),
		cmocka_unit_test(test_nodriver_loads_virtio_module),
		cmocka_unit_test(test_nodriver_module_blacklisted),
		cmocka_unit_test(test_bind_then_loads_virtio_module),
		cmocka_unit_test(test_wait_polls_until_driver),
		cmocka_unit_test(test_wait_times_out),
		cmocka_unit_test(test_vsock_without_cid_fails),
		cmocka_unit_test(test_dry_run_plan_writes_nothing),
		cmocka_unit_test(test_dry_run_module_not_loaded),
		cmocka_unit_test(test_cmd_dry_run_unbound),
		cmocka_unit_test(test_cmd_dry_run_foreign_force),
		cmocka_unit_test(test_cmd_dry_run_no_virtio_pci),
		cmocka_unit_test(test_cmd_dry_run_refused),
		cmocka_unit_test(test_cmd_already_bound),
		cmocka_unit_test(test_cmd_type_and_all),
		cmocka_unit_test(test_cmd_rejects_bad_addresses),
		cmocka_unit_test(test_cmd_environment_errors),
		cmocka_unit_test(test_mmio_vsock_already_bound),
		cmocka_unit_test(test_mmio_bind_by_name),
		cmocka_unit_test(test_mmio_empty_slot_rolled_back),
		cmocka_unit_test(test_mmio_group_loads_module),
		cmocka_unit_test(test_mmio_group_dry_run),
		cmocka_unit_test(test_errno_words),
		cmocka_unit_test(test_rejects_non_pci_device),
		cmocka_unit_test(test_steps_grow_past_16),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
