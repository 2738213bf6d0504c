/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz the whole read path on one hostile attribute: the first input byte picks a file of
 * a fixture sysroot (copied to a temporary directory once, on tmpfs when there is one),
 * the rest becomes its content;
 * then what scan, explain and "bind --dry-run" do runs over the tree: vd_model_scan (every
 * column), vd_evidence_device + vd_diagnose for each device, vd_bind_device (dry run, ops
 * that trap on any write). This is where driver_override handling, status, features,
 * kmsg.txt records, /proc/cmdline and config space meet the real readers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fuzz.h"
#include "vd/act/bind.h"
#include "vd/diagnose/diagnose.h"
#include "vd/model/model.h"
#include "vd/base/sysfs.h"

#ifndef VD_SRCDIR
#define VD_SRCDIR "."
#endif

#define FC "sys/devices/pci0000:00/0000:00:03.0/"
#define UB "sys/devices/pci0000:00/0000:00:04.0/"

struct target {
	int tree; /* 0: firecracker-6.18 (bound), 1: fc-vsock-unbound */
	const char *path;
	const char *bind_dev; /* the device bind --dry-run is asked for */
};

static const struct target targets[] = {
	{ 0, FC "vendor", "0000:00:03.0" },
	{ 0, FC "device", "0000:00:03.0" },
	{ 0, FC "class", "0000:00:03.0" },
	{ 0, FC "revision", "0000:00:03.0" },
	{ 0, FC "subsystem_vendor", "0000:00:03.0" },
	{ 0, FC "subsystem_device", "0000:00:03.0" },
	{ 0, FC "config", "0000:00:03.0" },
	{ 0, FC "resource", "0000:00:03.0" },
	{ 0, FC "modalias", "0000:00:03.0" },
	{ 0, FC "driver_override", "0000:00:03.0" },
	{ 0, FC "enable", "0000:00:03.0" },
	{ 0, FC "irq", "0000:00:03.0" },
	{ 0, FC "virtio2/status", "0000:00:03.0" },
	{ 0, FC "virtio2/features", "0000:00:03.0" },
	{ 0, FC "virtio2/device", "0000:00:03.0" },
	{ 0, FC "virtio2/vendor", "0000:00:03.0" },
	{ 0, FC "virtio2/modalias", "0000:00:03.0" },
	{ 0, "proc/cmdline", "0000:00:03.0" },
	{ 0, "kmsg.txt", "0000:00:03.0" },
	{ 0, "proc/sys/kernel/osrelease", "0000:00:03.0" },
	{ 0, "sys/bus/pci/drivers_autoprobe", "0000:00:03.0" },
	{ 1, UB "driver_override", "0000:00:04.0" },
	{ 1, UB "driver_override", "0000:00:04.0" }, /* twice: the one that matters most */
	{ 1, UB "config", "0000:00:04.0" },
	{ 1, UB "vendor", "0000:00:04.0" },
	{ 1, UB "device", "0000:00:04.0" },
	{ 1, UB "enable", "0000:00:04.0" },
	{ 1, UB "resource", "0000:00:04.0" },
	{ 1, "kmsg.txt", "0000:00:04.0" },
	{ 1, "proc/cmdline", "0000:00:04.0" },
};
#define N_TARGETS (sizeof(targets) / sizeof(targets[0]))

static char roots[2][200];
static char *saved[N_TARGETS];
static size_t saved_len[N_TARGETS];

static int fk_write(void *ctx, struct vd_sysfs *s, const char *path, const char *value, size_t len)
{
	__builtin_trap(); /* a dry run must never write */
}

static int fk_load(void *ctx, struct vd_sysfs *s, const char *name, bool dry_run)
{
	VD_FUZZ_ASSERT(dry_run);
	return 0;
}

static int fk_cid(void *ctx, struct vd_sysfs *s, uint32_t *ret)
{
	return -ENODEV;
}

static uint64_t fk_now(void *ctx)
{
	static uint64_t t;

	return t += 100;
}

static void fk_sleep(void *ctx, unsigned int ms)
{
}

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	size_t n;

	if (!f || !buf)
		abort();
	n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	*ret_len = n;
	return buf;
}

static void put(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
		abort();
	close(fd);
}

static bool on_tmpfs(const char *dir)
{
	struct statfs st;

	return dir && *dir && statfs(dir, &st) == 0 && st.f_type == TMPFS_MAGIC &&
	       access(dir, W_OK) == 0;
}

/*
 * Where the trees go: $TMPDIR if it is tmpfs, else /dev/shm, else $TMPDIR or /tmp. Every
 * run rewrites one file twice (the input, then the original); on ext4 closing a file
 * that was truncated and rewritten starts its writeback (auto_da_alloc): a disk write per
 * run, 40% of the time of a run with a 64 KiB input.
 */
static const char *tree_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (on_tmpfs(tmp))
		return tmp;
	if (on_tmpfs("/dev/shm"))
		return "/dev/shm";
	return tmp && *tmp ? tmp : "/tmp";
}

/*
 * libFuzzer leaves with _exit() after a crash, a timeout or SIGINT, so atexit() does not
 * run and the trees stay behind (in RAM on tmpfs). They are named after the process:
 * remove those of processes that are gone.
 */
static void remove_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char cmd[512];

	if (!d)
		return;
	while ((de = readdir(d))) {
		char x[7];
		int pid, n = 0;

		if (sscanf(de->d_name, "vd-fuzz-%d-%6[A-Za-z0-9]%n", &pid, x, &n) != 2 ||
		    de->d_name[n] || pid <= 0 || pid == getpid() ||
		    !(kill(pid, 0) < 0 && errno == ESRCH))
			continue;
		snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", dir, de->d_name);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz_sysattr: cannot remove %s/%s\n", dir, de->d_name);
	}
	closedir(d);
}

static void cleanup(void)
{
	char cmd[512];

	for (int t = 0; t < 2; t++) {
		if (!roots[t][0])
			continue;
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", roots[t]);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz_sysattr: cannot remove %s\n", roots[t]);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const fixtures[2] = { "firecracker-6.18", "fc-vsock-unbound" };
	const char *tmp = tree_dir();
	char cmd[512], path[512];

	remove_stale(tmp);
	for (int t = 0; t < 2; t++) {
		if (snprintf(roots[t], sizeof(roots[t]), "%s/vd-fuzz-%d-XXXXXX", tmp,
			     (int)getpid()) >= (int)sizeof(roots[t]) ||
		    !mkdtemp(roots[t]))
			abort();
		snprintf(cmd, sizeof(cmd), "cp -a '%s/tests/fixtures/%s/.' '%s/'", VD_SRCDIR,
			 fixtures[t], roots[t]);
		if (system(cmd) != 0)
			abort();
		/*
		 * Inflating a 300 KiB config.gz every run would cost most of the time; the
		 * kconfig target fuzzes the parser, here the config is simply absent.
		 */
		snprintf(path, sizeof(path), "%s/proc/config.gz", roots[t]);
		unlink(path);
	}
	atexit(cleanup);
	for (size_t i = 0; i < N_TARGETS; i++) {
		snprintf(path, sizeof(path), "%s/%s", roots[targets[i].tree], targets[i].path);
		saved[i] = slurp(path, &saved_len[i]);
	}
	return 0;
}

static void run(const char *root, const char *bind_dev)
{
	struct vd_scan_opts so = { .all_pci = true, .want = VD_WANT_ALL };
	struct vd_bind_ops ops = { fk_write, fk_load, fk_cid, fk_now, fk_sleep, NULL };
	struct vd_bind_opts bo = { .dry_run = true, .force = 1 };
	struct vd_evidence *e = NULL;
	struct vd_sysfs *s = NULL;
	struct vd_model m;
	int r;

	if (vd_sysfs_open(root, &s) < 0)
		abort();
	r = vd_model_scan(s, &so, &m);
	VD_FUZZ_ASSERT(r == 0 || r == -ENOENT);
	if (r < 0)
		goto out;
	/* the healthy devices beside the broken file are still there */
	VD_FUZZ_ASSERT(m.n >= 4);
	for (size_t i = 0; i < m.n; i++)
		VD_FUZZ_ASSERT((unsigned)m.dev[i].state < _VD_STATE_MAX);
	if (vd_evidence_open(s, &m, NULL, &e) == 0) {
		for (size_t i = 0; i < m.n; i++) {
			static struct vd_dev_ev de;
			static struct vd_finding f;

			if (m.dev[i].state == VD_STATE_NOT_VIRTIO)
				continue;
			if (vd_evidence_device(e, &m.dev[i], &de) < 0)
				continue;
			vd_diagnose(&m.dev[i], &de, vd_evidence_sys(e), &f);
			VD_FUZZ_ASSERT(f.n_evidence <= VD_FINDING_LINES);
			vd_finding_done(&f);
		}
		vd_evidence_free(e);
	}
	for (size_t i = 0; i < m.n; i++) {
		static struct vd_bind_result res;

		if (strcmp(m.dev[i].name, bind_dev) || !m.dev[i].cls.virtio)
			continue;
		bo.force = (unsigned)(i & 1) + 1;
		r = vd_bind_device(s, &m.dev[i], &bo, &ops, &res);
		VD_FUZZ_ASSERT(r == 0 || r == -EINVAL);
		if (r == 0)
			VD_FUZZ_ASSERT(res.outcome < _VD_BIND_OUTCOME_MAX &&
				       res.nsteps <= res.nalloc);
		vd_bind_result_done(&res);
	}
	vd_model_done(&m);
out:
	vd_sysfs_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct target *t;
	char path[512];
	size_t i;

	if (size < 1)
		return 0;
	i = data[0] % N_TARGETS;
	t = &targets[i];
	snprintf(path, sizeof(path), "%s/%s", roots[t->tree], t->path);
	put(path, data + 1, size - 1);
	run(roots[t->tree], t->bind_dev);
	put(path, saved[i], saved_len[i]);
	return 0;
}
