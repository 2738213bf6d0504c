/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- snapshot round trips, check exit codes, the report schema */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vd_run.h"

#include "vd/cli/output.h"

/* Replace every occurrence of from by to (from is a root prefix in evidence lines). */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)); p += fl)
		n++;
	out = o = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1);
	assert_non_null(out);
	while ((p = strstr(s, from))) {
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		memcpy(o, to, tl);
		o += tl;
		s = p + fl;
	}
	strcpy(o, s);
	return out;
}

static void run_cmd(const char *root, const char *cmd, const char *opt, struct run *r)
{
	char *args[] = { "--sysroot", (char *)root, (char *)cmd, (char *)opt, (char *)"-J", NULL };

	if (!opt) {
		args[3] = "-J";
		args[4] = NULL;
	}
	run(args, r);
}

static const char *const fixtures[] = {
	"firecracker-6.18",	   "qemu-6.1-mixed",   "qemu-6.1-vsock",    "fc-vsock-unbound",
	"fc-vsock-override-none",  "fc-vsock-foreign", "fc-vsock-nodriver", "fc-vsock-failed",
	"fc-no-virtio-pci-driver", "mmio-6.18",	       "broken-attrs",
};

/*
 * snapshot FIXTURE -> tar.gz and directory; --sysroot on each gives the same scan and the
 * same explain (verdicts, evidence, remedies) as the fixture itself, paths aside.
 */
static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char root[PATH_MAX], tmp[] = "/tmp/vd-bundle-XXXXXX", tgz[PATH_MAX + 32],
				     dir[PATH_MAX + 32], cmd[3 * PATH_MAX];
		struct run a, b;
		const char *copies[2];

		snprintf(root, sizeof(root), VD_SRCDIR "/tests/fixtures/%s", fixtures[i]);
		assert_non_null(mkdtemp(tmp));
		snprintf(tgz, sizeof(tgz), "%s/b.tar.gz", tmp);
		snprintf(dir, sizeof(dir), "%s/tree", tmp);
		copies[0] = tgz;
		copies[1] = dir;
		for (int k = 0; k < 2; k++) {
			char *args[] = { "--sysroot", root, "snapshot", (char *)copies[k], NULL };

			run(args, &a);
			if (a.rc != 0)
				fail_msg("snapshot of %s to %s: %d: %s", fixtures[i], copies[k],
					 a.rc, a.err);
			run_done(&a);
		}
		for (int k = 0; k < 2; k++) {
			static const char *const cmds[][2] = { { "scan", NULL },
							       { "explain", "--all" } };

			for (int c = 0; c < 2; c++) {
				char *x, *y, *shown;

				run_cmd(root, cmds[c][0], cmds[c][1], &a);
				run_cmd(copies[k], cmds[c][0], cmds[c][1], &b);
				assert_int_equal(a.rc, b.rc);
				/* evidence names files under the root it was read from */
				x = replace_all(a.out, root, "ROOT");
				shown = k == 0 ? NULL : (char *)copies[k];
				y = shown ? replace_all(b.out, shown, "ROOT") : strdup(b.out);
				if (!shown) {
					/* a tar.gz is unpacked to a temporary directory */
					char *p = strstr(y, "/virtio-doctor-");

					while (p) {
						char *end = p + strlen("/virtio-doctor-") + 6;
						char *start = p;

						while (start > y && start[-1] != '"' &&
						       start[-1] != ' ')
							start--;
						memmove(start + 4, end, strlen(end) + 1);
						memcpy(start, "ROOT", 4);
						p = strstr(start + 4, "/virtio-doctor-");
					}
				}
				if (strcmp(x, y))
					fail_msg(
						"%s %s differs after the round trip through %s:\n%s\n---\n%s",
						fixtures[i], cmds[c][0], copies[k], x, y);
				free(x);
				free(y);
				run_done(&a);
				run_done(&b);
			}
		}
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		assert_int_equal(system(cmd), 0);
	}
}

/* What a bundle holds is listed, and it holds nothing outside what the tool reads. */
static void test_manifest(void **state)
{
	char tmp[] = "/tmp/vd-bundle-XXXXXX", dir[64], path[128];
	char *args[] = { "--sysroot", VD_FIXTURE("qemu-6.1-mixed"), "snapshot", dir, NULL };
	struct run r;
	char *m;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	snprintf(dir, sizeof(dir), "%s/b", tmp);
	run(args, &r);
	assert_int_equal(r.rc, 0);
	run_done(&r);
	snprintf(path, sizeof(path), "%s/virtio-doctor/MANIFEST", dir);
	m = slurp(path);
	assert_non_null(m);
	assert_non_null(strstr(m, "\nf proc/cmdline "));
	assert_non_null(strstr(m, "\nf boot/config-6.1.0-56-amd64 "));
	assert_non_null(strstr(m, "\nf lib/modules/6.1.0-56-amd64/modules.alias.bin "));
	assert_non_null(strstr(m, "\nl sys/bus/pci/devices/0000:00:05.0 -> "));
	assert_non_null(strstr(m, "\nf sys/devices/pci0000:00/0000:00:05.0/config 256"));
	assert_non_null(strstr(m, "\nf kmsg.txt "));
	/* only virtio and vsock modules from sys/module */
	assert_non_null(strstr(m, "sys/module/virtio_pci"));
	assert_null(strstr(m, "sys/module/cxl_core"));
	assert_null(strstr(m, "sys/module/ext4"));
	free(m);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	assert_int_equal(system(path), 0);
}

static void test_snapshot_errors(void **state)
{
	char tmp[] = "/tmp/vd-bundle-XXXXXX", file[64], cmd[128];
	char *exists[] = { "--sysroot", VD_FIXTURE("firecracker-6.18"), "snapshot", file, NULL };
	char *force[] = { "--sysroot", VD_FIXTURE("firecracker-6.18"), "snapshot", "--force", file,
			  NULL };
	char *nodir[] = { "--sysroot", VD_FIXTURE("firecracker-6.18"), "snapshot",
			  "/nonexistent/dir/b.tar.gz", NULL };
	char *stdout_full[] = { "--sysroot", VD_FIXTURE("firecracker-6.18"), "snapshot", "-",
				NULL };
	char *none[] = { "snapshot", NULL };
	struct run r;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	snprintf(file, sizeof(file), "%s/b.tar.gz", tmp);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("precious", f);
	fclose(f);
	/* an existing file is kept without --force */
	run(exists, &r);
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "exists (use --force"));
	run_done(&r);
	f = fopen(file, "r");
	assert_non_null(f);
	assert_int_equal(fgetc(f), 'p');
	fclose(f);
	run(force, &r);
	assert_int_equal(r.rc, 0);
	run_done(&r);
	run(nodir, &r);
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "cannot write snapshot '/nonexistent/dir/b.tar.gz'"));
	run_done(&r);
	/* a full disk: no success, one line, and nothing left behind */
	if (access("/dev/full", W_OK) == 0) {
		run_to(stdout_full, "/dev/full", &r);
		assert_int_equal(r.rc, 2);
		assert_non_null(strstr(r.err, "cannot write snapshot '-'"));
		run_done(&r);
	}
	run(none, &r);
	assert_int_equal(r.rc, 2);
	run_done(&r);
	/* no temporary file survives any of the above */
	snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) = 1", tmp);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

/* check: exit 0/1/2 on every fixture state, with and without --require */
static void test_check_exit_codes(void **state)
{
	static const struct {
		const char *fixture, *require;
		int rc;
		const char *verbose; /* a fragment of the --verbose output, or NULL */
	} cases[] = {
		{ "firecracker-6.18", NULL, 0, "ok" },
		{ "firecracker-6.18", "vsock,net,block", 0, "ok" },
		{ "firecracker-6.18", "vsock,gpu", 1, "gpu: absent" },
		{ "qemu-6.1-mixed", NULL, 0, NULL },
		{ "qemu-6.1-mixed", "vsock", 1, "vsock: absent" },
		{ "qemu-6.1-mixed", "balloon,console,net,rng", 0, NULL },
		{ "fc-vsock-unbound", NULL, 1, "vsock: 0000:00:04.0 unbound: probe-rejected" },
		{ "fc-vsock-unbound", "net,block", 0, NULL },
		{ "fc-vsock-unbound", "vsock", 1, "vsock: 0000:00:04.0 unbound" },
		{ "fc-vsock-override-none", "vsock", 1, "override-none" },
		{ "fc-vsock-foreign", "vsock", 1, "foreign-driver" },
		{ "fc-vsock-nodriver", "vsock", 1, "no-driver" },
		{ "fc-vsock-failed", "vsock", 1, "failed" },
		{ "fc-no-virtio-pci-driver", "rng", 1, "pci-driver-not-registered" },
		{ "mmio-6.18", "vsock,net,block,rng", 0, NULL },
		{ "mmio-6.18", NULL, 0, NULL }, /* a000000.virtio_mmio is an empty slot */
		{ "qemu-virt-arm64", NULL, 0, NULL },
		{ "qemu-virt-mmio-blacklisted", NULL, 1,
		  "virtio: virtio-mmio unbound: mmio-driver-blacklisted" },
		{ "no-pci-bus", NULL, 0, NULL },
		{ "no-pci-bus", "vsock", 1, "vsock: absent" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char root[PATH_MAX];
		char *args[8];
		struct run r;
		int n = 0;

		snprintf(root, sizeof(root), VD_SRCDIR "/tests/fixtures/%s", cases[i].fixture);
		args[n++] = "--sysroot";
		args[n++] = root;
		args[n++] = "check";
		if (cases[i].require) {
			args[n++] = "--require";
			args[n++] = (char *)cases[i].require;
		}
		args[n] = NULL;
		run(args, &r);
		if (r.rc != cases[i].rc)
			fail_msg("check %s %s: exit %d, want %d", cases[i].fixture,
				 cases[i].require ? cases[i].require : "", r.rc, cases[i].rc);
		assert_string_equal(r.out, ""); /* silent without --verbose */
		run_done(&r);
		args[n++] = "--verbose";
		args[n] = NULL;
		run(args, &r);
		assert_int_equal(r.rc, cases[i].rc);
		if (cases[i].verbose && !strstr(r.out, cases[i].verbose))
			fail_msg("check %s --verbose: no '%s' in:\n%s", cases[i].fixture,
				 cases[i].verbose, r.out);
		run_done(&r);
	}
	{
		char *bad[] = { "check", "--require", "vsock,nosuch", NULL };
		struct run r;

		run(bad, &r);
		assert_int_equal(r.rc, 2);
		assert_non_null(strstr(r.err, "unknown virtio type 'nosuch'"));
		run_done(&r);
	}
}

/* the report carries exactly the fields the man page documents (REPORT section) */
static void test_report_schema(void **state)
{
	static const char *const machine[] = { "tool",	  "version",	"schema",      "release",
					       "cmdline", "sys_vendor", "product_name" };
	static const char *const finding[] = { "summary", "evidence", "remedy", "unchecked" };
	/* every column of scan, in lower case, then explain's keys */
	const char *device[_VD_COL_MAX + ARRAY_SIZE(finding)];
	char names[_VD_COL_MAX][32];
	size_t ndevice = 0;
	char *args[] = { "--sysroot", VD_FIXTURE("fc-vsock-override-none"), "report", "-J", NULL };
	char *man = slurp(VD_SRCDIR "/man/virtio-doctor.8");
	const char *sec;
	struct run r;
	size_t keys = 0;

	(void)state;
	for (int c = 0; c < _VD_COL_MAX; c++) {
		size_t k;

		for (k = 0; vd_output_colinfo(c)->name[k] && k + 1 < sizeof(names[c]); k++)
			names[c][k] = (char)tolower((unsigned char)vd_output_colinfo(c)->name[k]);
		names[c][k] = '\0';
		device[ndevice++] = names[c];
	}
	for (size_t i = 0; i < ARRAY_SIZE(finding); i++)
		device[ndevice++] = finding[i];
	assert_non_null(man);
	sec = strstr(man, ".SH REPORT");
	assert_non_null(sec);
	run(args, &r);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.out, "{\n   \"report\": [\n"));
	assert_non_null(strstr(r.out, "\"schema\": 1,"));
	assert_non_null(strstr(r.out, "\"children\": ["));
	assert_non_null(strstr(r.out, "\"verdict\": \"override-none\""));
	for (size_t i = 0; i < ARRAY_SIZE(machine); i++) {
		char k[64];

		snprintf(k, sizeof(k), "\"%s\":", machine[i]);
		assert_non_null(strstr(r.out, k));
		snprintf(k, sizeof(k), ".B %s\n", machine[i]);
		if (!strstr(sec, k))
			fail_msg("man page REPORT does not document '%s'", machine[i]);
	}
	for (size_t i = 0; i < ndevice; i++) {
		char k[64];

		snprintf(k, sizeof(k), "\"%s\":", device[i]);
		assert_non_null(strstr(r.out, k));
		snprintf(k, sizeof(k), ".B %s\n", device[i]);
		if (!strstr(sec, k))
			fail_msg("man page REPORT does not document '%s'", device[i]);
	}
	/* and no key the lists above do not know */
	for (const char *p = r.out; (p = strstr(p, "\":")); p += 2) {
		const char *q = p;
		char key[64];
		bool known = false;

		while (q > r.out && q[-1] != '"')
			q--;
		snprintf(key, sizeof(key), "%.*s", (int)(p - q), q);
		for (size_t i = 0; i < ARRAY_SIZE(machine); i++)
			known |= !strcmp(key, machine[i]);
		for (size_t i = 0; i < ndevice; i++)
			known |= !strcmp(key, device[i]);
		known |= !strcmp(key, "report") || !strcmp(key, "children");
		if (!known)
			fail_msg("report key '%s' is not in the documented list", key);
		keys++;
	}
	assert_true(keys > 100);
	run_done(&r);
	free(man);
}

/* A bundle of this very machine (read-only) diagnoses the same elsewhere. */
static void test_live_round_trip(void **state)
{
	char tmp[] = "/tmp/vd-bundle-XXXXXX", tgz[64], cmd[128];
	char *snap[] = { "snapshot", tgz, NULL };
	char *live_scan[] = { "scan", "-J", "-o", "+SUBSYS,REV,STATUS,FEATURES,VERDICT", NULL };
	char *bundle_scan[] = { "--sysroot", tgz,  "scan",
				"-J",	     "-o", "+SUBSYS,REV,STATUS,FEATURES,VERDICT",
				NULL };
	char *live_explain[] = { "explain", "--all", "-J", NULL };
	char *bundle_explain[] = { "--sysroot", tgz, "explain", "--all", "-J", NULL };
	struct run r, a, b;

	(void)state;
	if (access("/sys/bus/pci/devices", R_OK) != 0)
		skip();
	assert_non_null(mkdtemp(tmp));
	snprintf(tgz, sizeof(tgz), "%s/live.tar.gz", tmp);
	run(snap, &r);
	assert_int_equal(r.rc, 0);
	run_done(&r);
	run(live_scan, &a);
	run(bundle_scan, &b);
	assert_int_equal(a.rc, b.rc);
	assert_string_equal(a.out, b.out);
	run_done(&a);
	run_done(&b);
	run(live_explain, &a);
	run(bundle_explain, &b);
	assert_int_equal(a.rc, b.rc);
	{
		/* paths differ by the unpacked root; verdicts and their evidence do not */
		char *x = strdup(a.out), *y = strdup(b.out);
		char *p;

		while ((p = strstr(y, "/tmp/virtio-doctor-")))
			memmove(p, p + strlen("/tmp/virtio-doctor-XXXXXX"),
				strlen(p + strlen("/tmp/virtio-doctor-XXXXXX")) + 1);
		if (strcmp(x, y))
			fail_msg("live explain differs from its bundle:\n%s\n---\n%s", x, y);
		free(x);
		free(y);
	}
	run_done(&a);
	run_done(&b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

/* The lines of a JSON output that hold a verdict or a device's name, in order. */
static char *verdicts(const char *json)
{
	size_t n = 0;
	char *out = malloc(strlen(json) + 1);

	assert_non_null(out);
	for (const char *p = json; *p;) {
		const char *end = strchrnul(p, '\n');

		if (strstr(p, "\"verdict\":") && strstr(p, "\"verdict\":") < end) {
			memcpy(out + n, p, (size_t)(end - p) + 1);
			n += (size_t)(end - p) + 1;
		}
		p = *end ? end + 1 : end;
	}
	out[n] = '\0';
	return out;
}

/*
 * snapshot --redact of every fixture gives the same verdicts (explain --all) and the same
 * scan as the fixture itself: what it masks is nothing the diagnosis reads.
 */
static void test_redact_verdicts(void **state)
{
	char tmp[] = "/tmp/vd-bundle-XXXXXX", cmd[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(VD_SRCDIR "/tests/fixtures");
	size_t n = 0;

	(void)state;
	assert_non_null(d);
	assert_non_null(mkdtemp(tmp));
	while ((de = readdir(d))) {
		char root[PATH_MAX], tgz[PATH_MAX];
		char *snap[] = { "--sysroot", root, "snapshot", "--redact", tgz, NULL };
		struct run a, b;

		snprintf(root, sizeof(root), VD_SRCDIR "/tests/fixtures/%s", de->d_name);
		if (de->d_name[0] == '.' || access(root, X_OK) || !strcmp(de->d_name, "README.md"))
			continue;
		snprintf(tgz, sizeof(tgz), "%s/%s.tar.gz", tmp, de->d_name);
		run(snap, &a);
		if (a.rc != 0)
			fail_msg("snapshot --redact of %s: %d: %s", de->d_name, a.rc, a.err);
		run_done(&a);
		for (int c = 0; c < 2; c++) {
			char *x, *y;

			run_cmd(root, c ? "explain" : "scan", c ? "--all" : NULL, &a);
			run_cmd(tgz, c ? "explain" : "scan", c ? "--all" : NULL, &b);
			x = c ? verdicts(a.out) : strdup(a.out);
			y = c ? verdicts(b.out) : strdup(b.out);
			if (a.rc != b.rc || strcmp(x, y))
				fail_msg("%s %s: exit %d, redacted %d:\n%s\n---\n%s", de->d_name,
					 c ? "explain" : "scan", a.rc, b.rc, x, y);
			free(x);
			free(y);
			run_done(&a);
			run_done(&b);
		}
		n++;
	}
	closedir(d);
	assert_true(n >= 14);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

/*
 * The bundle is the customer's: created 0600 (a directory 0700), and a link that leads
 * out of what a bundle collects (modprobe.d/x.conf -> /root/secret) is kept as a link,
 * never followed, and the manifest says so.
 */
static void test_snapshot_private(void **state)
{
	char tmp[] = "/tmp/vd-bundle-XXXXXX", root[64], path[128], cmd[2048];
	char tgz[64], dir[64];
	char *to_tgz[] = { "--sysroot", root, "snapshot", tgz, NULL };
	char *to_dir[] = { "--sysroot", root, "snapshot", dir, NULL };
	struct stat st;
	struct run r;
	char *m;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	snprintf(root, sizeof(root), "%s/root", tmp);
	snprintf(tgz, sizeof(tgz), "%s/b.tar.gz", tmp);
	snprintf(dir, sizeof(dir), "%s/b", tmp);
	snprintf(cmd, sizeof(cmd),
		 "cp -a '%s' '%s' && mkdir -p '%s/root' '%s/etc/modprobe.d' && "
		 "echo TOPSECRET > '%s/root/secret' && "
		 "ln -s /root/secret '%s/etc/modprobe.d/x.conf' && "
		 "ln -s ../../root '%s/etc/modprobe.d/y.conf'",
		 VD_FIXTURE("firecracker-6.18"), root, root, root, root, root, root);
	assert_int_equal(system(cmd), 0);
	run(to_tgz, &r);
	assert_int_equal(r.rc, 0);
	run_done(&r);
	run(to_dir, &r);
	assert_int_equal(r.rc, 0);
	run_done(&r);
	assert_int_equal(stat(tgz, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* the secret is in neither form; the links are, as links */
	snprintf(cmd, sizeof(cmd), "! grep -r TOPSECRET '%s' && ! zcat '%s' | grep -a TOPSECRET",
		 dir, tgz);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/etc/modprobe.d/x.conf", dir);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	snprintf(path, sizeof(path), "%s/virtio-doctor/MANIFEST", dir);
	m = slurp(path);
	assert_non_null(m);
	assert_non_null(strstr(m, "\nl etc/modprobe.d/x.conf -> /root/secret\n"));
	assert_non_null(strstr(m, "\n# not followed: etc/modprobe.d/x.conf "));
	assert_non_null(strstr(m, "\n# not followed: etc/modprobe.d/y.conf "));
	assert_null(strstr(m, "root/secret "));
	free(m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),	cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_snapshot_errors), cmocka_unit_test(test_check_exit_codes),
		cmocka_unit_test(test_report_schema),	cmocka_unit_test(test_live_round_trip),
		cmocka_unit_test(test_redact_verdicts), cmocka_unit_test(test_snapshot_private),
	};
	return cmocka_run_group_tests_name("bundle", tests, NULL, NULL);
}
