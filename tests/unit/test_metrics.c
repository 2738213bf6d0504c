/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metrics: the exposition's escaping and lines (src/cli/metrics.c), and --textfile's
 * atomic replacement (src/act/textfile.c): a write that fails leaves no partial file and
 * the old one in place; a directory it may not write is one line naming the file, exit 2.
 * The output read back by a real parser: tests/check-metrics.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vd_test.h"

#include "vd/act/textfile.h"
#include "vd/cli/metrics.h"

#define BINARY VD_SRCDIR "/virtio-doctor"
#define PROM "virtio_doctor.prom"

static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
	/* static: the stream keeps &buf, and gcc (musl build, -O2) calls a local one dangling */
	static char *buf;
	static size_t len;
	FILE *f;

	buf = NULL;
	len = 0;
	f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, arg);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void label_value(FILE *f, const void *s)
{
	assert_int_equal(vd_metrics_label_value(f, s), 0);
}

static void test_label_value_escapes(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "virtio_net", "virtio_net" },
		{ "", "" },
		{ "a\\b", "a\\\\b" },
		{ "say \"hi\"", "say \\\"hi\\\"" },
		{ "two\nlines", "two\\nlines" },
		{ "\\\"\n", "\\\\\\\"\\n" },
		/* only those three: a tab or a UTF-8 byte is a valid label value as it is */
		{ "tab\there \xc3\xa9", "tab\there \xc3\xa9" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = capture(label_value, cases[i].in);

		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void print_model(FILE *f, const void *m)
{
	assert_int_equal(vd_metrics_print(f, m, "9.9"), 0);
}

static void test_failed_scrape_is_valid_output(void **state)
{
	char *got = capture(print_model, NULL);

	assert_string_equal(
		got,
		"# HELP virtio_doctor_scrape_success Whether virtio-doctor could read the devices "
		"(1) or not (0).\n"
		"# TYPE virtio_doctor_scrape_success gauge\n"
		"virtio_doctor_scrape_success 0\n"
		"# HELP virtio_doctor_build_info The virtio-doctor version; always 1.\n"
		"# TYPE virtio_doctor_build_info gauge\n"
		"virtio_doctor_build_info{version=\"9.9\"} 1\n");
	free(got);
}

/* Two listed devices, a member of a waiting virtio-mmio group, a device with a quote. */
static void test_devices_and_counts(void **state)
{
	struct vd_device dev[4] = { VD_DEVICE_INIT, VD_DEVICE_INIT, VD_DEVICE_INIT,
				    VD_DEVICE_INIT };
	struct vd_model m = { .dev = dev, .n = 4 };
	char *got, problem[] = "blocked";

	dev[0].name = "0000:00:04.0";
	dev[0].have_id = true;
	dev[0].vendor = 0x1af4;
	dev[0].device = 0x1053;
	dev[0].type_id = 19;
	dev[0].transport = VD_TRANSPORT_MODERN;
	dev[0].pcidrv = "virtio-pci";
	dev[0].driver = "vmw_vsock_virtio_transport";
	dev[0].verdict = "vsock-competing-transport";
	dev[0].state = VD_STATE_OK;
	dev[0].problem = problem; /* ok at both levels, blocked above: not ok */
	dev[1].name = "dev\"1";
	dev[1].transport = VD_TRANSPORT_NONE;
	dev[1].state = VD_STATE_UNBOUND;
	dev[2].name = "a003e00.virtio_mmio";
	dev[2].in_group = true;
	dev[2].state = VD_STATE_UNBOUND;
	dev[3].name = "0000:00:05.0";
	dev[3].state = VD_STATE_OK;
	dev[3].verdict = "ok";
	got = capture(print_model, &m);
	assert_non_null(strstr(got,
			       "\nvirtio_doctor_device_ok{device=\"0000:00:04.0\",id=\"1af4:1053\","
			       "type=\"vsock\",transport=\"modern\","
			       "verdict=\"vsock-competing-transport\"} 0\n"));
	assert_non_null(strstr(got,
			       "\nvirtio_doctor_device_ok{device=\"dev\\\"1\",id=\"\",type=\"\","
			       "transport=\"\",verdict=\"\"} 0\n"));
	assert_non_null(strstr(got, "\nvirtio_doctor_device_ok{device=\"0000:00:05.0\",id=\"\","
				    "type=\"\",transport=\"\",verdict=\"ok\"} 1\n"));
	assert_non_null(strstr(got, "\nvirtio_doctor_device_info{device=\"0000:00:04.0\","
				    "id=\"1af4:1053\",type=\"vsock\",transport=\"modern\","
				    "verdict=\"vsock-competing-transport\",pcidrv=\"virtio-pci\","
				    "driver=\"vmw_vsock_virtio_transport\",state=\"ok\"} 1\n"));
	/* the group's member is not a row of its own */
	assert_null(strstr(got, "a003e00"));
	assert_non_null(strstr(got, "\nvirtio_doctor_devices{state=\"ok\"} 2\n"
				    "virtio_doctor_devices{state=\"unbound\"} 1\n"
				    "virtio_doctor_devices{state=\"foreign\"} 0\n"
				    "virtio_doctor_devices{state=\"no-driver\"} 0\n"
				    "virtio_doctor_devices{state=\"failed\"} 0\n"
				    "virtio_doctor_devices{state=\"unknown\"} 0\n"));
	assert_non_null(strstr(got, "virtio_doctor_scrape_success 1\n"));
	free(got);
}

/* ---- --textfile ------------------------------------------------------------------- */

/* The names in dir, sorted, joined by spaces. */
static void list_dir(const char *dir, char *buf, size_t size)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	assert_true(n >= 0);
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
			strncat(buf, buf[0] ? " " : "", size - strlen(buf) - 1);
			strncat(buf, ents[i]->d_name, size - strlen(buf) - 1);
		}
		free(ents[i]);
	}
	free(ents);
}

static char *read_file(const char *dir, const char *name)
{
	char path[PATH_MAX], *buf = calloc(1, 65536);
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, 65535);
	assert_true(n >= 0);
	close(fd);
	return buf;
}

static void write_old(const char *dir)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" PROM, dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old 1\n", f);
	assert_int_equal(fclose(f), 0);
}

/* A write that failed left write_old()'s file alone in dir, untouched, and no temporary. */
static void assert_old_file_kept(const char *dir)
{
	char names[512], *got;

	list_dir(dir, names, sizeof(names));
	assert_string_equal(names, PROM);
	got = read_file(dir, PROM);
	assert_string_equal(got, "old 1\n");
	free(got);
}

static void test_textfile_replaces_whole(void **state)
{
	char *dir = vd_test_tmpdir(), names[512], *got;
	struct stat st;
	char path[PATH_MAX];

	write_old(dir);
	assert_int_equal(vd_textfile_write(dir, PROM, "new 2\n", 6), 0);
	list_dir(dir, names, sizeof(names));
	assert_string_equal(names, PROM);
	got = read_file(dir, PROM);
	assert_string_equal(got, "new 2\n");
	free(got);
	/* node_exporter reads it as its own user */
	snprintf(path, sizeof(path), "%s/" PROM, dir);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_mode & S_IROTH);
	assert_int_equal(vd_textfile_write(dir, "a/b", "x", 1), -EINVAL);
	vd_test_remove_copy(dir);
}

/*
 * A write that fails half-way (the file size limit: EFBIG, as a full disk would give
 * ENOSPC): no temporary file left, the old file untouched.
 */
static void test_textfile_write_error_leaves_nothing(void **state)
{
	char *dir = vd_test_tmpdir(), big[8192];
	pid_t pid;
	int st;

	memset(big, 'x', sizeof(big));
	write_old(dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 100, 100 };

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(100);
		_exit(vd_textfile_write(dir, PROM, big, sizeof(big)) == -EFBIG ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_old_file_kept(dir);
	vd_test_remove_copy(dir);
}

struct cmd_run {
	int rc;
	char out[65536], err[4096];
};

static void slurp_fd(int fd, char *buf, size_t size)
{
	ssize_t n;

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	n = read(fd, buf, size - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

enum {
	AS_IS,
	UNPRIVILEGED,
	SMALL_FILES
};

/* The binary on a fixture with args; how: drop root, or limit the file size. */
static void run_cmd(int how, const char *fixture, const char *const *args, struct cmd_run *r)
{
	char outp[] = "/tmp/vd-test-out-XXXXXX", errp[] = "/tmp/vd-test-err-XXXXXX";
	int ofd = mkstemp(outp), efd = mkstemp(errp), st;
	const char *argv[16] = { "virtio-doctor", "--sysroot", fixture };
	size_t n = 3;
	pid_t pid;

	assert_true(ofd >= 0 && efd >= 0);
	unlink(outp);
	unlink(errp);
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 100, 100 };

		dup2(ofd, 1);
		dup2(efd, 2);
		if (how == UNPRIVILEGED && geteuid() == 0 &&
		    (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0))
			_exit(126);
		if (how == SMALL_FILES) {
			signal(SIGXFSZ, SIG_IGN);
			if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
				_exit(126);
		}
		execv(BINARY, (char **)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	slurp_fd(ofd, r->out, sizeof(r->out));
	slurp_fd(efd, r->err, sizeof(r->err));
}

static void test_cli_textfile(void **state)
{
	static struct cmd_run r, plain;
	char *dir = vd_test_tmpdir(), names[512], *got;
	const char *args[] = { "metrics", "--textfile", dir, NULL };
	const char *stdout_args[] = { "metrics", NULL };

	run_cmd(AS_IS, VD_FIXTURE("qemu-6.1-vsock"), stdout_args, &plain);
	assert_int_equal(plain.rc, 0);
	run_cmd(AS_IS, VD_FIXTURE("qemu-6.1-vsock"), args, &r);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	list_dir(dir, names, sizeof(names));
	assert_string_equal(names, PROM);
	got = read_file(dir, PROM);
	assert_string_equal(got, plain.out);
	free(got);
	vd_test_remove_copy(dir);
}

/* One line naming the file and why, exit 2, nothing left behind. */
static void test_cli_textfile_errors(void **state)
{
	static struct cmd_run r;
	char *dir = vd_test_tmpdir(), want[PATH_MAX + 128];
	char missing[PATH_MAX];
	const char *args[] = { "metrics", "--textfile", dir, NULL };
	const char *margs[] = { "metrics", "--textfile", missing, NULL };

	snprintf(missing, sizeof(missing), "%s/nope", dir);
	run_cmd(AS_IS, VD_FIXTURE("qemu-6.1-vsock"), margs, &r);
	assert_int_equal(r.rc, 2);
	snprintf(want, sizeof(want),
		 "virtio-doctor: cannot write '%s/" PROM "': No such file or directory\n", missing);
	assert_string_equal(r.err, want);

	/* a directory it may not write (root: run as nobody) */
	write_old(dir);
	if (geteuid() != 0)
		assert_int_equal(chmod(dir, 0555), 0);
	run_cmd(UNPRIVILEGED, VD_FIXTURE("qemu-6.1-vsock"), args, &r);
	if (r.rc == 126 || r.rc == 127) {
		vd_test_remove_copy(dir);
		skip(); /* the binary is not reachable for nobody here */
		return; /* cmocka's skip() is not marked noreturn */
	}
	assert_int_equal(r.rc, 2);
	snprintf(want, sizeof(want),
		 "virtio-doctor: cannot write '%s/" PROM "': Permission denied\n", dir);
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, "");

	/* a write that fails half-way */
	chmod(dir, 0755);
	run_cmd(SMALL_FILES, VD_FIXTURE("qemu-6.1-vsock"), args, &r);
	assert_int_equal(r.rc, 2);
	snprintf(want, sizeof(want), "virtio-doctor: cannot write '%s/" PROM "': File too large\n",
		 dir);
	assert_string_equal(r.err, want);
	assert_old_file_kept(dir);
	vd_test_remove_copy(dir);
}

/* A root that cannot be read: still a valid file, scrape_success 0, exit 2. */
static void test_cli_failed_scrape_still_writes(void **state)
{
	static struct cmd_run r;
	char *dir = vd_test_tmpdir(), *got;
	const char *args[] = { "metrics", "--textfile", dir, NULL };

	run_cmd(AS_IS, VD_FIXTURE("does-not-exist"), args, &r);
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "cannot open sysroot"));
	got = read_file(dir, PROM);
	assert_non_null(strstr(got, "\nvirtio_doctor_scrape_success 0\n"));
	assert_null(strstr(got, "virtio_doctor_device_ok{"));
	free(got);
	vd_test_remove_copy(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_value_escapes),
		cmocka_unit_test(test_failed_scrape_is_valid_output),
		cmocka_unit_test(test_devices_and_counts),
		cmocka_unit_test(test_textfile_replaces_whole),
		cmocka_unit_test(test_textfile_write_error_leaves_nothing),
		cmocka_unit_test(test_cli_textfile),
		cmocka_unit_test(test_cli_textfile_errors),
		cmocka_unit_test(test_cli_failed_scrape_still_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
