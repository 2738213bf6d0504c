/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor tests -- a busy machine: every answer stays the same while another thread
 * renames files as fast as it can. A rename anywhere makes openat2(RESOLVE_IN_ROOT) answer
 * EAGAIN to a walk through ".." (the sys/bus/ links); the answers must not change, and no
 * read may fail. Compared with a quiet run: results, never times.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vd_run.h"
#include "vd_test.h"

#include "vd/act/bind.h"
#include "vd/cli/output.h"
#include "vd/diagnose/diagnose.h"
#include "vd/model/model.h"
#include "vd/base/sysfs.h"

#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif

/* Rounds of the five commands per root, in-process; the binary runs a few on top. */
#define ROUNDS 70
#define BINARY_ROUNDS 1

/* ---- the churn: renames in a tmpfs directory and in the fixture copy itself ---- */

struct churn {
	pthread_t thread;
	atomic_bool stop;
	atomic_ulong renames;
	char dirs[2][PATH_MAX];
};

static void *churn_run(void *arg)
{
	struct churn *c = arg;
	char a[2][PATH_MAX + 8], b[2][PATH_MAX + 8];

	for (int i = 0; i < 2; i++) {
		snprintf(a[i], sizeof(a[i]), "%s/.churn-a", c->dirs[i]);
		snprintf(b[i], sizeof(b[i]), "%s/.churn-b", c->dirs[i]);
		close(open(a[i], O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	}
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		for (int i = 0; i < 2; i++) {
			if (rename(a[i], b[i]) == 0)
				c->renames++;
			if (rename(b[i], a[i]) == 0)
				c->renames++;
		}
	}
	for (int i = 0; i < 2; i++) {
		unlink(a[i]);
		unlink(b[i]);
	}
	return NULL;
}

static void churn_start(struct churn *c, const char *tree)
{
	char shm[] = "/dev/shm/vd-busy-XXXXXX", tmp[] = "/tmp/vd-busy-XXXXXX";
	const char *dir = mkdtemp(shm) ? shm : mkdtemp(tmp);

	assert_non_null(dir);
	memset(c, 0, sizeof(*c));
	snprintf(c->dirs[0], sizeof(c->dirs[0]), "%s", dir);
	snprintf(c->dirs[1], sizeof(c->dirs[1]), "%s", tree ? tree : dir);
	assert_int_equal(pthread_create(&c->thread, NULL, churn_run, c), 0);
	while (atomic_load(&c->renames) < 1000)
		usleep(100);
}

static void churn_stop(struct churn *c)
{
	atomic_store(&c->stop, true);
	assert_int_equal(pthread_join(c->thread, NULL), 0);
	rmdir(c->dirs[0]);
}

/*
 * How often the kernel answered EAGAIN to a walk through the first PCI function's bus link
 * while the churn ran: said in the output, so a run shows there was a race to lose.
 */
static unsigned int eagain_seen(const char *root)
{
	unsigned int n = 0;
#if defined(RESOLVE_IN_ROOT) && defined(SYS_openat2)
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	char path[PATH_MAX], dir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rfd;

	snprintf(dir, sizeof(dir), "%s/sys/bus/pci/devices", root);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) && de->d_name[0] == '.')
		;
	assert_non_null(de);
	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/driver", de->d_name);
	closedir(d);
	rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; rfd >= 0 && i < 2000; i++) {
		int fd = (int)syscall(SYS_openat2, rfd, path, &how, sizeof(how));

		if (fd >= 0)
			close(fd);
		else if (errno == EAGAIN)
			n++;
	}
	if (rfd >= 0)
		close(rfd);
#endif
	return n;
}

/* ---- one round of the five commands, through the library: their whole answer as text ---- */

static int never_write(void *ctx, struct vd_sysfs *s, const char *path, const char *value,
		       size_t len)
{
	fail_msg("a dry run wrote '%s'", path); /* rule zero: never reached */
	return -EPERM;
}

static int no_load(void *ctx, struct vd_sysfs *s, const char *name, bool dry_run)
{
	if (!dry_run)
		fail_msg("a dry run loaded '%s'", name);
	return 0;
}

static int no_cid(void *ctx, struct vd_sysfs *s, uint32_t *ret)
{
	return -ENODEV;
}

static uint64_t no_time(void *ctx)
{
	return 0;
}

static void no_sleep(void *ctx, unsigned int ms)
{
}

static const struct vd_bind_ops dry_ops = { never_write, no_load, no_cid, no_time, no_sleep, NULL };

static void table(FILE *f, const struct vd_model *m, enum vd_output_mode mode, bool problem)
{
	int cols[_VD_COL_MAX];
	size_t ncols = 0;
	const struct vd_device *devs[64];
	struct vd_output_opts o = { .mode = mode, .cols = cols };
	char *bad = NULL;

	assert_int_equal(vd_output_parse_columns("DEVICE,ID,TRANSPORT,TYPE,PCIDRV,VIRTIO,DRIVER,"
						 "STATE",
						 cols, &ncols, _VD_COL_MAX, &bad),
			 0);
	if (problem)
		assert_int_equal(
			vd_output_parse_columns("+PROBLEM", cols, &ncols, _VD_COL_MAX, &bad), 0);
	o.ncols = ncols;
	assert_true(m->n <= 64);
	for (size_t i = 0; i < m->n; i++)
		devs[i] = &m->dev[i];
	assert_int_equal(vd_output_devices(f, devs, m->n, &o), 0);
}

/* scan, check -v, explain --all, bind --vsock --dry-run, scan -J -o +PROBLEM */
static char *answers(struct vd_sysfs *s)
{
	struct vd_scan_opts so = { .want = VD_WANT_ALL };
	struct vd_evidence *ev = NULL;
	struct vd_model m = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(vd_model_scan(s, &so, &m), 0);
	for (size_t i = 0; i < m.warnings.n; i++)
		fprintf(f, "warning: %s\n", m.warnings.v[i]);
	table(f, &m, VD_OUT_TEXT, false);
	table(f, &m, VD_OUT_JSON, true);
	assert_int_equal(vd_evidence_open(s, &m, NULL, &ev), 0);
	for (size_t i = 0; i < m.n; i++) {
		struct vd_finding fi;
		struct vd_dev_ev de;

		fprintf(f, "check %s %s\n", m.dev[i].name, vd_state_name(m.dev[i].state));
		vd_evidence_device(ev, &m.dev[i], &de);
		vd_diagnose(&m.dev[i], &de, vd_evidence_sys(ev), &fi);
		fprintf(f, "explain %s %s: %s\n", m.dev[i].name, vd_verdict_code(fi.verdict),
			fi.summary);
		for (size_t k = 0; k < fi.n_evidence; k++)
			fprintf(f, "  %s\n", fi.evidence[k]);
		vd_finding_done(&fi);
		if (m.dev[i].bus == VD_BUS_PCI && m.dev[i].type_id == 19) {
			struct vd_bind_opts bo = { .dry_run = true };
			struct vd_bind_result r;

			assert_int_equal(vd_bind_device(s, &m.dev[i], &bo, &dry_ops, &r), 0);
			fprintf(f, "bind %s %s %s\n", r.name, vd_bind_outcome_name(r.outcome),
				r.why);
			for (size_t k = 0; k < r.nsteps; k++)
				fprintf(f, "  %s < %s\n", r.steps[k].path, r.steps[k].value);
			vd_bind_result_done(&r);
		}
	}
	vd_evidence_free(ev);
	vd_model_done(&m);
	fclose(f);
	return text;
}

static void rounds(const char *root)
{
	_cleanup_(vd_sysfs_freep) struct vd_sysfs *s = NULL;
	char *quiet, *busy;
	struct churn c;
	unsigned int differ = 0, eagain;

	assert_int_equal(vd_sysfs_open(root, &s), 0);
	quiet = answers(s);
	assert_null(strstr(quiet, "warning:"));
	churn_start(&c, strcmp(root, "/") ? root : NULL);
	eagain = eagain_seen(root);
	for (int i = 0; i < ROUNDS; i++) {
		busy = answers(s);
		if (strcmp(quiet, busy)) {
			if (!differ)
				print_error("round %d differs:\n%s\n--- quiet:\n%s\n", i, busy,
					    quiet);
			differ++;
		}
		free(busy);
	}
	churn_stop(&c);
	print_message("%s: %d rounds of 5 commands, %u differ; %lu renames; the kernel said "
		      "EAGAIN to %u of 2000 walks\n",
		      root, ROUNDS, differ, (unsigned long)atomic_load(&c.renames), eagain);
	free(quiet);
	assert_int_equal(differ, 0);
}

/* ---- the built binary: the same five commands, the output of a quiet run ---- */

/* A quiet run: nothing on stderr but explain's note (no module tree, say). */
static bool quiet(const char *err)
{
	for (const char *l = err; *l; l = strchrnul(l, '\n'), l += !!*l)
		if (strncmp(l, "virtio-doctor: note: ", 21))
			return false;
	return true;
}

static void binary_rounds(const char *root)
{
	static const char *const cmds[][6] = {
		{ "scan" },
		{ "check", "-v" },
		{ "explain", "--all" },
		{ "bind", "--vsock", "--dry-run" },
		{ "scan", "-J", "-o", "+PROBLEM" },
	};
	struct churn c;

	for (size_t k = 0; k < ARRAY_SIZE(cmds); k++) {
		char *args[10] = { (char *)"--sysroot", (char *)root };
		struct run q;

		for (size_t i = 0; i < 6 && cmds[k][i]; i++)
			args[2 + i] = (char *)cmds[k][i];
		run(args, &q);
		assert_true(quiet(q.err));
		churn_start(&c, strcmp(root, "/") ? root : NULL);
		for (int i = 0; i < BINARY_ROUNDS; i++) {
			struct run b;

			run(args, &b);
			assert_string_equal(b.err, q.err);
			assert_string_equal(b.out, q.out);
			assert_int_equal(b.rc, q.rc);
			run_done(&b);
		}
		churn_stop(&c);
		run_done(&q);
	}
}

static void test_live(void **state)
{
	rounds("/");
	binary_rounds("/");
}

static void test_sysroot(const char *fixture)
{
	char *dir = vd_test_copy_fixture(fixture);

	rounds(dir);
	binary_rounds(dir);
	vd_test_remove_copy(dir);
}

static void test_sysroot_bound(void **state)
{
	test_sysroot("qemu-6.1-vsock");
}

static void test_sysroot_unbound(void **state)
{
	test_sysroot("fc-vsock-unbound");
}

/* ---- a read that keeps failing: reported, never taken for a fact ---- */

/* Run the binary as nobody (so file modes count), stdout and stderr together in out. */
static int run_as_nobody(const char *root, const char *const *cmd, char **ret_out)
{
	char out[] = "/tmp/vd-busy-out-XXXXXX";
	const char *argv[12] = { "virtio-doctor", "--sysroot", root };
	int fd = mkstemp(out), st;
	pid_t pid;

	assert_true(fd >= 0);
	for (size_t i = 0; cmd[i] && i < 8; i++)
		argv[3 + i] = cmd[i];
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(126);
		execv(BINARY, (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(fd);
	*ret_out = slurp(out);
	unlink(out);
	assert_non_null(*ret_out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void expect(const char *root, const char *const *cmd, int rc, const char *line)
{
	char *out = NULL;
	int r = run_as_nobody(root, cmd, &out);

	if (r != rc || !strstr(out, line))
		fail_msg("'%s %s': exit %d (want %d), no '%s' in:\n%s", cmd[0],
			 cmd[1] ? cmd[1] : "", r, rc, line, out);
	free(out);
}

/*
 * The vsock function's IDs unreadable (EACCES for a user): it gets a row whose STATE is
 * unknown, explain cannot tell, check cannot answer (2), bind plans nothing. Before, the
 * function was skipped and check said ok, or its virtio child became another device.
 */
static void test_unreadable_ids(void **state)
{
	static const char *const scan[] = { "scan", NULL };
	static const char *const check[] = { "check", "-v", NULL };
	static const char *const require[] = { "check", "-v", "-R", "vsock", NULL };
	static const char *const explain[] = { "explain", "0000:00:04.0", NULL };
	static const char *const bind[] = { "bind", "--vsock", "--dry-run", NULL };
	static const char *const bind_dev[] = { "bind", "--dry-run", "0000:00:04.0", NULL };
	static const char *const attrs[] = { "vendor", "device", "modalias" };
	char *dir = vd_test_copy_fixture("fc-vsock-unbound"), path[PATH_MAX], line[PATH_MAX + 64];

	if (getuid() != 0) {
		vd_test_remove_copy(dir);
		skip(); /* a user cannot become nobody */
	}
	assert_int_equal(chmod(dir, 0755), 0);
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(path, sizeof(path), "%s/sys/devices/pci0000:00/0000:00:04.0/%s", dir,
			 attrs[i]);
		assert_int_equal(chmod(path, 0), 0);
	}
	snprintf(line, sizeof(line),
		 "cannot read '%s/sys/bus/pci/devices/0000:00:04.0/vendor': Permission denied",
		 dir);
	expect(dir, scan, 2, " unknown\n0000:00:05.0 ");
	expect(dir, scan, 2, line);
	expect(dir, check, 2, "virtio: 0000:00:04.0 unknown: cannot-tell: cannot read");
	expect(dir, require, 2, "vsock: unknown: cannot tell whether a Socket device is present");
	expect(dir, explain, 2, "verdict   cannot-tell: cannot read");
	expect(dir, bind, 2, "cannot tell whether '0000:00:04.0' is a virtio vsock device");
	expect(dir, bind_dev, 1, "cannot bind '0000:00:04.0': cannot read");
	vd_test_remove_copy(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_sysroot_bound),
		cmocka_unit_test(test_sysroot_unbound),
		cmocka_unit_test(test_unreadable_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
