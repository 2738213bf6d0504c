/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NETDEV, BLKDEV, OVERRIDE and eth0/vda as device names; the table on a terminal, colour */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pty.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "vd/base/sysfs.h"
#include "vd/base/termcolors.h"
#include "vd/model/attach.h"
#include "vd/model/model.h"
#include "vd_run.h"
#include "vd_test.h"

#define NET "sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0"
#define BLK "sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda"

static void VD_PRINTF(3, 4) put(const char *dir, const char *text, const char *fmt, ...)
{
	char rel[PATH_MAX], path[PATH_MAX * 2], cmd[PATH_MAX * 2 + 32];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const struct vd_device *by_name(const struct vd_model *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->dev[i].name, name))
			return &m->dev[i];
	fail_msg("no device %s", name);
	return NULL;
}

/* Scan dir with VD_WANT_ATTACH; the model is the caller's to free. */
static void scan(const char *dir, struct vd_model *m)
{
	struct vd_scan_opts so = { .want = VD_WANT_ATTACH };
	struct vd_sysfs *s = NULL;

	assert_int_equal(vd_sysfs_open(dir, &s), 0);
	assert_int_equal(vd_model_scan(s, &so, m), 0);
	vd_sysfs_free(s);
}

static void test_mounts_has(void **state)
{
	static const char info[] = "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
				   "30 22 0:5 / /dev rw - devtmpfs udev rw\n"
				   "31 22 0:40 / /mnt rw - btrfs /dev/vdb rw\n";
	static const char mounts[] = "/dev/vdc /data ext4 rw 0 0\nproc /proc proc rw 0 0\n";

	(void)state;
	assert_true(vd_mounts_has(info, true, "vda1", "254:1"));
	assert_false(vd_mounts_has(info, true, "vda", "254:0"));
	/* btrfs: st_dev is anonymous, the source names the disk */
	assert_true(vd_mounts_has(info, true, "vdb", "254:16"));
	/* "udev" after " - devtmpfs" is a source, not /dev/udev's major:minor */
	assert_false(vd_mounts_has(info, true, "udev", ""));
	assert_true(vd_mounts_has(mounts, false, "vdc", "254:32"));
	assert_false(vd_mounts_has(mounts, false, "proc", ""));
	assert_false(vd_mounts_has("", true, "vda", "254:0"));
}

/* The fixture's eth0 and vda, with nothing to say they are used: names, no mark. */
static void test_attached_names(void **state)
{
	struct vd_model m = { 0 };
	const struct vd_device *net, *blk, *vsock;

	(void)state;
	scan(VD_FIXTURE("firecracker-6.18"), &m);
	net = by_name(&m, "0000:00:03.0");
	blk = by_name(&m, "0000:00:02.0");
	vsock = by_name(&m, "0000:00:04.0");
	assert_int_equal(net->nattached, 1);
	assert_string_equal(net->attached[0].name, "eth0");
	assert_false(net->attached[0].disk);
	assert_false(net->attached[0].active);
	assert_int_equal(blk->nattached, 1);
	assert_string_equal(blk->attached[0].name, "vda");
	assert_true(blk->attached[0].disk);
	assert_false(blk->attached[0].active);
	assert_int_equal(vsock->nattached, 0);
	/* the one matcher knows them now */
	assert_int_equal(vd_device_matches(net, "eth0"), 1);
	assert_int_equal(vd_device_matches(blk, "vda"), 1);
	assert_int_equal(vd_device_matches(vsock, "eth0"), 0);
	assert_int_equal(vd_device_matches(net, "vda"), 0);
	assert_string_equal(net->override, "");
	vd_model_done(&m);
}

static void test_attached_marks(void **state)
{
	char *dir = vd_test_copy_fixture("firecracker-6.18");
	struct vd_model m = { 0 };

	(void)state;
	put(dir, "up\n", "%s/operstate", NET);
	put(dir, "254:0\n", "%s/dev", BLK);
	put(dir, "254:1\n", "%s/vda1/dev", BLK);
	put(dir, "1\n", "%s/vda1/partition", BLK);
	/* a partition mounted marks its disk */
	put(dir, "22 1 254:1 / / rw - ext4 /dev/root rw\n", "proc/self/mountinfo");
	put(dir, "vfio-pci\n", "sys/devices/pci0000:00/0000:00:04.0/driver_override");
	put(dir, "(null)\n", "sys/devices/pci0000:00/0000:00:05.0/driver_override");
	scan(dir, &m);
	assert_true(by_name(&m, "0000:00:03.0")->attached[0].active);
	assert_true(by_name(&m, "0000:00:02.0")->attached[0].active);
	assert_string_equal(by_name(&m, "0000:00:04.0")->override, "vfio-pci");
	assert_string_equal(by_name(&m, "0000:00:05.0")->override, "");
	/* a partition is no name of the device */
	assert_int_equal(vd_device_matches(by_name(&m, "0000:00:02.0"), "vda1"), 0);
	vd_model_done(&m);

	/* down, but IFF_UP in flags: still up; mounted elsewhere: not this disk */
	put(dir, "down\n", "%s/operstate", NET);
	put(dir, "0x1003\n", "%s/flags", NET);
	put(dir, "22 1 254:7 / / rw - ext4 /dev/vdz rw\n", "proc/self/mountinfo");
	scan(dir, &m);
	assert_true(by_name(&m, "0000:00:03.0")->attached[0].active);
	assert_false(by_name(&m, "0000:00:02.0")->attached[0].active);
	vd_model_done(&m);

	/* no mountinfo: proc/mounts; an interface down without IFF_UP */
	put(dir, "0x1002\n", "%s/flags", NET);
	{
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/proc/self/mountinfo", dir);
		assert_int_equal(unlink(p), 0);
	}
	put(dir, "/dev/vda /data ext4 rw 0 0\n", "proc/mounts");
	scan(dir, &m);
	assert_false(by_name(&m, "0000:00:03.0")->attached[0].active);
	assert_true(by_name(&m, "0000:00:02.0")->attached[0].active);
	vd_model_done(&m);

	{
		/* explain takes the same names (its evidence names paths: no expected file) */
		char *args[] = { "--sysroot", dir, "explain", "-J", "eth0", NULL };
		struct run r;

		run(args, &r);
		assert_int_equal(r.rc, 0);
		assert_non_null(strstr(r.out, "\"device\": \"0000:00:03.0\""));
		assert_null(strstr(r.out, "\"device\": \"0000:00:02.0\""));
		run_done(&r);
	}
	{
		char *args[] = {
			"--sysroot", dir,    "scan", "-n", "-r", "-o", "DEVICE,NETDEV,BLKDEV",
			"vda",	     "eth0", NULL
		};
		struct run r;

		run(args, &r);
		assert_int_equal(r.rc, 0);
		assert_string_equal(r.out, "0000:00:02.0  vda*\n0000:00:03.0 eth0 \n");
		run_done(&r);
	}
	vd_test_remove_copy(dir);
}

/* A snapshot keeps what the marks are read from; --redact masks the mount table's addresses. */
/*
 * A virtio-scsi disk sits four directories down (host0/target0:0:0/0:0:0:0/block): the
 * walk goes into the directories the listing types as such, to that depth and no deeper,
 * and never follows a link (here one back to the block device's virtio1).
 */
static void test_attached_nested(void **state)
{
	char *dir = vd_test_copy_fixture("firecracker-6.18");
	struct vd_model m = { 0 };
	const struct vd_device *d;

#define V3 "sys/devices/pci0000:00/0000:00:04.0/virtio3"
	(void)state;
	put(dir, "8:0\n", "%s/host0/target0:0:0/0:0:0:0/block/sda/dev", V3);
	put(dir, "8:16\n", "%s/a/b/c/d/e/block/sdz/dev", V3);
	vd_test_symlink(dir, "../../0000:00:02.0/virtio1", V3 "/link");
#undef V3
	scan(dir, &m);
	d = by_name(&m, "0000:00:04.0");
	assert_int_equal(d->nattached, 1);
	assert_string_equal(d->attached[0].name, "sda");
	assert_true(d->attached[0].disk);
	assert_int_equal(vd_device_matches(d, "sda"), 1);
	assert_int_equal(vd_device_matches(d, "sdz"), 0);
	assert_int_equal(by_name(&m, "0000:00:02.0")->nattached, 1);
	vd_model_done(&m);
	vd_test_remove_copy(dir);
}

static void test_snapshot_keeps_marks(void **state)
{
	char *dir = vd_test_copy_fixture("firecracker-6.18"), out[PATH_MAX], p[PATH_MAX + 32];
	char *snap[] = { "--sysroot", dir, "snapshot", "--redact", out, NULL };
	char *scan_args[] = { "--sysroot", out,	   "scan", "-n", "-r", "-o", "DEVICE,NETDEV,BLKDEV",
			      "vda",	   "eth0", NULL };
	struct run r;
	char *text;

	(void)state;
	put(dir, "up\n", "%s/operstate", NET);
	put(dir, "254:0\n", "%s/dev", BLK);
	put(dir,
	    "22 1 254:0 / / rw - ext4 /dev/vda rw\n"
	    "40 22 0:50 / /srv rw - nfs4 10.1.2.3:/export rw,addr=10.1.2.3\n",
	    "proc/self/mountinfo");
	snprintf(out, sizeof(out), "%s/bundle", dir);
	run(snap, &r);
	assert_int_equal(r.rc, 0);
	run_done(&r);
	run(scan_args, &r);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "0000:00:02.0  vda*\n0000:00:03.0 eth0* \n");
	run_done(&r);
	snprintf(p, sizeof(p), "%s/proc/self/mountinfo", out);
	text = slurp(p);
	assert_non_null(text);
	assert_non_null(strstr(text, " 254:0 "));
	assert_null(strstr(text, "10.1.2.3"));
	free(text);
	vd_test_remove_copy(dir);
}

/* Run the binary on a new terminal of the given width; its output (CRLF as the tty gives). */
static char *run_pty(int columns, const char *const *env, char *const *args)
{
	char *argv[32] = { "virtio-doctor" }, *out = NULL;
	size_t len = 0, n = 1;
	int master, st;
	pid_t pid;

	for (; args[n - 1] && n < 31; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	pid = forkpty(&master, NULL, NULL,
		      &(struct winsize){ .ws_row = 24, .ws_col = (unsigned short)columns });
	assert_true(pid >= 0);
	if (pid == 0) {
		char cols[16];

		snprintf(cols, sizeof(cols), "%d", columns);
		setenv("COLUMNS", cols, 1);
		unsetenv("NO_COLOR");
		setenv("TERM", "xterm", 1);
		for (size_t i = 0; env && env[i]; i += 2)
			setenv(env[i], env[i + 1], 1);
		execv(BINARY, argv);
		_exit(127);
	}
	for (;;) {
		char buf[4096];
		ssize_t k = read(master, buf, sizeof(buf));

		if (k <= 0)
			break; /* EIO once the child closed the terminal */
		out = realloc(out, len + (size_t)k + 1);
		assert_non_null(out);
		memcpy(out + len, buf, (size_t)k);
		len += (size_t)k;
		out[len] = '\0';
	}
	close(master);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return out ? out : strdup("");
}

/* The longest line, escape sequences not counted. */
static size_t widest(const char *s)
{
	size_t w = 0, cur = 0;

	for (; *s; s++) {
		if (*s == '\033') {
			while (*s && *s != 'm')
				s++;
			if (!*s)
				break;
			continue;
		}
		if (*s == '\n') {
			w = cur > w ? cur : w;
			cur = 0;
		} else if (*s != '\r') {
			cur++;
		}
	}
	return cur > w ? cur : w;
}

static void test_terminal_width(void **state)
{
	char *plain[] = { "--sysroot", VD_FIXTURE("firecracker-6.18"), NULL };
	char *args[] = {
		"--sysroot", VD_FIXTURE("fc-vsock-unbound"), "scan", "-o", "+PROBLEM", NULL
	};
	char *out;

	(void)state;
	/* the default columns fit 80: DRIVER is cut, and says so */
	out = run_pty(80, NULL, plain);
	assert_true(widest(out) <= 80);
	assert_non_null(strstr(out, " vmw_vsock_v"));
	assert_non_null(strstr(out, "... "));
	assert_null(strstr(out, "vmw_vsock_virtio_transport"));
	free(out);
	/* PROBLEM was cut, and says so */
	out = run_pty(90, NULL, args);
	assert_true(widest(out) <= 90);
	assert_non_null(strstr(out, "unbound\033[0m noth"));
	assert_non_null(strstr(out, "...\r\n"));
	free(out);
	/* wide enough: nothing cut, nothing marked */
	out = run_pty(300, NULL, args);
	assert_null(strstr(out, "..."));
	assert_non_null(strstr(out, "which the kernel logs only at debug level\r\n"));
	assert_non_null(strstr(out, " virtio_balloon "));
	free(out);
}

static char *make_config(void)
{
	char tmpl[] = "/tmp/vd-test-col-XXXXXX", p[PATH_MAX];

	assert_non_null(mkdtemp(tmpl));
	snprintf(p, sizeof(p), "%s/terminal-colors.d", tmpl);
	assert_int_equal(mkdir(p, 0755), 0);
	return strdup(tmpl);
}

static void test_colors_on_terminal(void **state)
{
	char *args[] = { "--sysroot", VD_FIXTURE("fc-vsock-unbound"), "scan", "-o", "DEVICE,STATE",
			 NULL };
	char *never[] = { "--color=never", "--sysroot", VD_FIXTURE("fc-vsock-unbound"), NULL };
	char *cfg = make_config(), cmd[PATH_MAX * 2];
	const char *env[] = { "XDG_CONFIG_HOME", cfg, NULL };
	const char *nocolor[] = { "XDG_CONFIG_HOME", cfg, "NO_COLOR", "1", NULL };
	char *out;

	(void)state;
	out = run_pty(80, env, args);
	assert_non_null(strstr(out, "\033[32mok"));
	assert_non_null(strstr(out, "\033[31munbound"));
	free(out);
	out = run_pty(80, nocolor, args);
	assert_null(strstr(out, "\033["));
	free(out);
	out = run_pty(80, env, never);
	assert_null(strstr(out, "\033["));
	free(out);
	/* terminal-colors.d: our disable file; an enable file of ours outranks a bare disable */
	snprintf(cmd, sizeof(cmd), "touch %s/terminal-colors.d/virtio-doctor.disable", cfg);
	assert_int_equal(system(cmd), 0);
	out = run_pty(80, env, args);
	assert_null(strstr(out, "\033["));
	free(out);
	/* the tool's name is more specific than the terminal's */
	snprintf(cmd, sizeof(cmd), "touch %s/terminal-colors.d/@xterm.enable", cfg);
	assert_int_equal(system(cmd), 0);
	out = run_pty(80, env, args);
	assert_null(strstr(out, "\033["));
	free(out);
	snprintf(
		cmd, sizeof(cmd),
		"cd %s/terminal-colors.d && rm virtio-doctor.disable @xterm.enable && touch disable "
		"virtio-doctor@xterm.enable && printf '# ours\\nstate-ok 1;35\\nstate-bad "
		"\\\\e[7m\\n' > virtio-doctor.scheme",
		cfg);
	assert_int_equal(system(cmd), 0);
	out = run_pty(80, env, args);
	assert_non_null(strstr(out, "\033[1;35mok"));
	assert_non_null(strstr(out, "\033[7munbound"));
	free(out);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cfg);
	assert_int_equal(system(cmd), 0);
	free(cfg);
}

static void test_color_sequence(void **state)
{
	char b[64];
	enum vd_colormode m;

	(void)state;
	assert_int_equal(vd_color_sequence("red", b, sizeof(b)), 0);
	assert_string_equal(b, "\033[31m");
	assert_int_equal(vd_color_sequence("37;41", b, sizeof(b)), 0);
	assert_string_equal(b, "\033[37;41m");
	assert_int_equal(vd_color_sequence("\\e[4m\\_", b, sizeof(b)), 0);
	assert_string_equal(b, "\033[4m ");
	assert_int_equal(vd_color_sequence("\\z", b, sizeof(b)), -EINVAL);
	assert_int_equal(vd_colormode_parse("always", &m), 0);
	assert_int_equal(m, VD_COLORMODE_ALWAYS);
	assert_int_equal(vd_colormode_parse("yes", &m), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mounts_has),     cmocka_unit_test(test_attached_names),
		cmocka_unit_test(test_attached_marks), cmocka_unit_test(test_attached_nested),
		cmocka_unit_test(test_terminal_width), cmocka_unit_test(test_colors_on_terminal),
		cmocka_unit_test(test_color_sequence), cmocka_unit_test(test_snapshot_keeps_marks),
	};
	return cmocka_run_group_tests_name("attach", tests, NULL, NULL);
}
