/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor tests -- the built binary on hostile sysroots (tests/robustness/).
 *
 * tests/robustness/gen-cases writes the trees and cases.txt into a temporary directory;
 * every line of cases.txt is one cmocka test that runs the binary under a time limit and
 * checks: no signal, no hang, the documented exit code, clean stderr lines (one naming the
 * file where the case says so), sane stdout (rows of the healthy devices, JSON shape), and,
 * under strace when installed, that no path built from a rejected argument is opened.
 *
 * Environment: VD_ROBUSTNESS_TIMEOUT (seconds per run, default 10), VD_ROBUSTNESS_FILTER
 * (run only cases whose name contains it), VD_ROBUSTNESS_SKIP (comma-separated parts of
 * names of cases not to run), VD_ROBUSTNESS_KEEP=1 (keep the trees).
 * Only ever runs the binary with --sysroot on the generated trees, and bind only with
 * --dry-run: the test refuses any other command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vd_test.h"

#include "vd/base/macro.h"

#define BINARY VD_SRCDIR "/virtio-doctor"
#define MAX_ARGS 32

struct rcase {
	char *name, *tree, *stderr_re, *rows, *flags;
	char *args[MAX_ARGS];
	size_t nargs;
	int exits[4];
	size_t nexits;
};

struct result {
	int status;
	char *out, *err, *trace;
	size_t out_len, err_len;
};

static char g_dir[1024];
static unsigned int g_timeout = 10;
static bool g_strace;

static char *slurp_n(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 65536 + 1 > cap) {
			cap = (len + 65536 + 1) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, 65536, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return buf;
}

/* ---- cases.txt --------------------------------------------------------------------- */

static char *field(char **p)
{
	char *s = *p, *tab;

	if (!s)
		return NULL;
	tab = strchr(s, '\t');
	if (tab) {
		*tab = '\0';
		*p = tab + 1;
	} else {
		*p = NULL;
	}
	return s;
}

static int parse_case(char *line, struct rcase *c)
{
	char *p = line, *args, *exits, *tok, *save = NULL;

	memset(c, 0, sizeof(*c));
	c->name = strdup(field(&p) ?: "");
	c->tree = strdup(field(&p) ?: "-");
	args = field(&p);
	exits = field(&p);
	c->stderr_re = strdup(field(&p) ?: "*");
	c->rows = strdup(field(&p) ?: "-");
	c->flags = strdup(field(&p) ?: "-");
	if (!args || !exits)
		return -EINVAL;
	/* arguments are separated by blanks, with %XX escapes; a lone "%" is "" */
	for (tok = strtok_r(args, " ", &save); tok && c->nargs < MAX_ARGS;
	     tok = strtok_r(NULL, " ", &save)) {
		char *a = malloc(strlen(tok) + 1), *o = a;

		assert_non_null(a);
		for (const char *q = tok; *q; q++) {
			unsigned int b;

			if (*q == '%' && sscanf(q + 1, "%2x", &b) == 1) {
				*o++ = (char)b;
				q += 2;
			} else if (*q != '%') {
				*o++ = *q;
			}
		}
		*o = '\0';
		c->args[c->nargs++] = a;
	}
	save = NULL;
	for (tok = strtok_r(exits, ",", &save); tok && c->nexits < 4;
	     tok = strtok_r(NULL, ",", &save))
		c->exits[c->nexits++] = atoi(tok);
	return 0;
}

/* VD_ROBUSTNESS_SKIP: comma-separated parts of case names not to run. */
static bool skipped(const char *name)
{
	const char *skip = getenv("VD_ROBUSTNESS_SKIP");

	for (const char *p = skip; p && *p;) {
		const char *e = strchrnul(p, ',');
		char part[128];

		snprintf(part, sizeof(part), "%.*s", (int)(e - p), p);
		if (part[0] && strstr(name, part))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

static void case_free(struct rcase *c)
{
	free(c->name);
	free(c->tree);
	free(c->stderr_re);
	free(c->rows);
	free(c->flags);
	for (size_t k = 0; k < c->nargs; k++)
		free(c->args[k]);
}

/* ---- running one case ------------------------------------------------------------ */

static bool has_flag(const struct rcase *c, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *p = c->flags; p && *p;) {
		const char *e = strchrnul(p, ',');

		if ((size_t)(e - p) == n && !strncmp(p, flag, n))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

/* The value of "key=value" in flags, malloc'ed, or NULL. Values may not contain ','. */
static char *flag_value(const struct rcase *c, const char *key, const char **next)
{
	size_t n = strlen(key);
	const char *p = next && *next ? *next : c->flags;

	while (p && *p) {
		const char *e = strchrnul(p, ',');

		if ((size_t)(e - p) > n && !strncmp(p, key, n) && p[n] == '=') {
			if (next)
				*next = *e ? e + 1 : e;
			return strndup(p + n + 1, (size_t)(e - p - n - 1));
		}
		p = *e ? e + 1 : e;
	}
	if (next)
		*next = NULL;
	return NULL;
}

static void run_case(const struct rcase *c, struct result *r)
{
	char out_path[PATH_MAX], err_path[PATH_MAX], trace_path[PATH_MAX], root[PATH_MAX];
	char *argv[MAX_ARGS + 16];
	size_t n = 0;
	bool trace = g_strace && strstr(c->flags, "nopath=");
	int ofd, efd;
	pid_t pid;

	snprintf(out_path, sizeof(out_path), "%s/.out", g_dir);
	snprintf(err_path, sizeof(err_path), "%s/.err", g_dir);
	snprintf(trace_path, sizeof(trace_path), "%s/.trace", g_dir);
	snprintf(root, sizeof(root), "%s/%s", g_dir, c->tree);
	unlink(trace_path);

	if (trace) {
		static char *const st[] = { "strace", "-f",  "-qq", "-s",
					    "65536",  "-xx", "-e",  "trace=execve,openat,openat2",
					    "-o" };

		for (size_t i = 0; i < ARRAY_SIZE(st); i++)
			argv[n++] = st[i];
		argv[n++] = trace_path;
	}
	argv[n++] = (char *)BINARY;
	for (size_t i = 0; i < c->nargs; i++)
		argv[n++] = strcmp(c->args[i], "@ROOT@") ? c->args[i] : root;
	argv[n] = NULL;

	ofd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	efd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(ofd >= 0 && efd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		dup2(nul, 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		/* LeakSanitizer cannot run under ptrace: strace runs check the paths only */
		if (trace) {
			const char *a = getenv("ASAN_OPTIONS");
			char opts[512];

			snprintf(opts, sizeof(opts), "%s%sdetect_leaks=0", a ? a : "",
				 a ? ":" : "");
			setenv("ASAN_OPTIONS", opts, 1);
		}
		/* a pending alarm survives execve: a hang ends in SIGALRM */
		alarm(g_timeout);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(ofd);
	close(efd);
	assert_int_equal(waitpid(pid, &r->status, 0), pid);
	r->out = slurp_n(out_path, &r->out_len);
	r->err = slurp_n(err_path, &r->err_len);
	r->trace = trace ? slurp_n(trace_path, NULL) : NULL;
	assert_non_null(r->out);
	assert_non_null(r->err);
}

static void result_done(struct result *r)
{
	free(r->out);
	free(r->err);
	free(r->trace);
}

/* ---- checks ------------------------------------------------------------------------- */

#define FAIL(c, r, ...)                                                                            \
	do {                                                                                       \
		print_error("case %s\n", (c)->name);                                               \
		print_error(__VA_ARGS__);                                                          \
		print_error("\n--- stderr (%zu bytes) ---\n%.4000s\n--- stdout (%zu bytes) "       \
			    "---\n%.2000s\n",                                                      \
			    (r)->err_len, (r)->err, (r)->out_len, (r)->out);                       \
		fail();                                                                            \
	} while (0)

/* Text meant for a terminal: no control characters but newline and tab, no DEL. */
static const char *bad_byte(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f)
			return s + i;
	}
	return NULL;
}

static void check_stderr(const struct rcase *c, struct result *r)
{
	const char *bad = bad_byte(r->err, r->err_len);
	bool matched = false;
	size_t nlines = 0;
	regex_t re;

	if (bad)
		FAIL(c, r, "stderr has a control byte 0x%02x at offset %zu", (unsigned char)*bad,
		     (size_t)(bad - r->err));
	if (!strcmp(c->stderr_re, "-")) {
		if (r->err_len)
			FAIL(c, r, "stderr should be empty");
		return;
	}
	if (strcmp(c->stderr_re, "*"))
		assert_int_equal(regcomp(&re, c->stderr_re, REG_EXTENDED | REG_NOSUB), 0);
	for (char *line = r->err, *nl; *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		nlines++;
		if ((size_t)(nl - line) > 2048)
			FAIL(c, r, "stderr line %zu is %zu bytes long", nlines,
			     (size_t)(nl - line));
		if (strncmp(line, "virtio-doctor: ", 15) &&
		    strncmp(line, "Try 'virtio-doctor --help'", 26))
			FAIL(c, r, "stderr line %zu does not start with 'virtio-doctor: ': '%.*s'",
			     nlines, (int)(nl - line), line);
		if (strcmp(c->stderr_re, "*")) {
			char save = *nl;

			*nl = '\0';
			if (regexec(&re, line, 0, NULL, 0) == 0)
				matched = true;
			*nl = save;
		}
		if (!*nl)
			break;
	}
	if (strcmp(c->stderr_re, "*")) {
		regfree(&re);
		if (!matched)
			FAIL(c, r, "no stderr line matches /%s/", c->stderr_re);
	}
	/* one line per broken file, not a flood (the biggest tree breaks a handful) */
	if (nlines > 40)
		FAIL(c, r, "%zu stderr lines", nlines);
}

/* A JSON document in the shape libsmartcols writes: balanced, one top-level object. */
static void check_json(const struct rcase *c, struct result *r)
{
	int depth = 0;
	bool in_str = false, seen = false;

	for (size_t i = 0; i < r->out_len; i++) {
		char ch = r->out[i];

		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
			else if ((unsigned char)ch < 0x20)
				FAIL(c, r, "raw control byte in a JSON string at %zu", i);
			continue;
		}
		if (ch == '"') {
			in_str = true;
		} else if (ch == '{' || ch == '[') {
			if (depth == 0 && (seen || ch != '{'))
				FAIL(c, r, "stdout is not one JSON object");
			depth++;
			seen = true;
		} else if (ch == '}' || ch == ']') {
			if (--depth < 0)
				FAIL(c, r, "unbalanced JSON at %zu", i);
		} else if (depth == 0 && ch != ' ' && ch != '\n') {
			FAIL(c, r, "text outside the JSON object at %zu", i);
		}
	}
	if (!seen || depth != 0 || in_str)
		FAIL(c, r, "stdout is not a complete JSON document");
}

/* Whether a line of text starts with the words of row, followed by a blank or its end. */
static bool has_line(const char *text, const char *row)
{
	size_t n = strlen(row);

	for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, row, n) && (p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

/* "-r -n -o DEVICE,STATE" rows: each wanted DEVICE=STATE is there, exactly. */
static void check_rows(const struct rcase *c, struct result *r)
{
	char *want = strdup(c->rows), *tok, *save = NULL, *absent;
	size_t nwant = 0, nrows = 0;

	assert_non_null(want);
	for (tok = strtok_r(want, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '='), line[256];

		assert_non_null(eq);
		*eq = '\0';
		snprintf(line, sizeof(line), "%s %s", tok, eq + 1);
		nwant++;
		if (!has_line(r->out, line))
			FAIL(c, r, "no row '%s %s'", tok, eq + 1);
	}
	free(want);
	for (const char *p = r->out; *p; p++)
		if (*p == '\n')
			nrows++;
	if (has_flag(c, "exact") && nrows != nwant)
		FAIL(c, r, "%zu rows, want exactly %zu", nrows, nwant);
	absent = flag_value(c, "absent", NULL);
	if (absent) {
		char nline[128];

		snprintf(nline, sizeof(nline), "%s ", absent);
		for (const char *p = r->out; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
			if (!strncmp(p, nline, strlen(nline)))
				FAIL(c, r, "a row for '%s' that should not be there", absent);
		free(absent);
	}
}

/* No openat/openat2 path (strace -xx prints every byte as \xNN) contains the text. */
static void check_nopath(const struct rcase *c, struct result *r)
{
	const char *next = NULL;
	char *needle;

	if (!r->trace)
		return;
	/* the binary's own execve: a static one may open nothing before it refuses the args */
	if (!strstr(r->trace, "execve("))
		FAIL(c, r, "the strace log has no execve at all: is it tracing?");
	while ((needle = flag_value(c, "nopath", &next))) {
		size_t n = strlen(needle);
		char *hex = malloc(n * 4 + 1);

		assert_non_null(hex);
		for (size_t i = 0; i < n; i++)
			sprintf(hex + i * 4, "\\x%02x", (unsigned char)needle[i]);
		for (char *line = r->trace, *nl; *line; line = nl + 1) {
			nl = strchrnul(line, '\n');
			size_t len = (size_t)(nl - line);

			/* the execve line names the argument too: only opens count */
			if (memmem(line, len, "openat", 6) && memmem(line, len, hex, n * 4)) {
				print_error("%.*s\n", (int)(nl - line), line);
				FAIL(c, r, "a path containing '%s' was opened", needle);
			}
			if (!*nl)
				break;
		}
		free(hex);
		free(needle);
	}
}

static void test_case(void **state)
{
	const struct rcase *c = *state;
	struct result r = { 0 };
	bool bind = false, dry = false, root = false;

	/* RULE ZERO: a sysroot on every run, and bind only as a dry run */
	for (size_t i = 0; i < c->nargs; i++) {
		bind |= !strcmp(c->args[i], "bind");
		dry |= !strcmp(c->args[i], "--dry-run") || !strcmp(c->args[i], "-n");
		root |= !strcmp(c->args[i], "--sysroot");
	}
	assert_true(root);
	assert_true(!bind || dry);

	run_case(c, &r);
	if (WIFSIGNALED(r.status))
		FAIL(c, &r, "killed by signal %d%s", WTERMSIG(r.status),
		     WTERMSIG(r.status) == SIGALRM ? " (a hang: over the time limit)" : "");
	assert_true(WIFEXITED(r.status));
	{
		int rc = WEXITSTATUS(r.status);
		bool ok = false;

		for (size_t i = 0; i < c->nexits; i++)
			ok |= rc == c->exits[i];
		if (!ok)
			FAIL(c, &r, "exit status %d", rc);
	}
	if (bad_byte(r.out, r.out_len))
		FAIL(c, &r, "stdout has a control byte");
	check_stderr(c, &r);
	/* a run that ends in a usage or environment error prints nothing on stdout */
	if (has_flag(c, "json") && WEXITSTATUS(r.status) != 2)
		check_json(c, &r);
	else if (WEXITSTATUS(r.status) == 2 && r.out_len)
		FAIL(c, &r, "exit 2, yet something on stdout");
	if (strcmp(c->rows, "-") || strstr(c->flags, "absent="))
		check_rows(c, &r);
	check_nopath(c, &r);
	result_done(&r);
}

/* ---- generation and the group ---------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void cleanup(void)
{
	const char *keep = getenv("VD_ROBUSTNESS_KEEP");

	if (g_dir[0] && !(keep && !strcmp(keep, "1")))
		nftw(g_dir, rm_entry, 64, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR"), *to = getenv("VD_ROBUSTNESS_TIMEOUT");
	const char *filter = getenv("VD_ROBUSTNESS_FILTER");
	char cmd[PATH_MAX * 2], path[PATH_MAX], *text, *save = NULL;
	struct CMUnitTest *tests;
	struct rcase *cases;
	size_t n = 0, cap = 0;
	int rc;

	if (to && atoi(to) > 0)
		g_timeout = (unsigned int)atoi(to);
	/* tmpfs when there is one: the suite writes about 400 MiB of trees */
	if (!tmp && access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	snprintf(g_dir, sizeof(g_dir), "%s/vd-robustness-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(g_dir)) {
		perror("mkdtemp");
		return 1;
	}
	atexit(cleanup);
	snprintf(cmd, sizeof(cmd), "'%s/tests/robustness/gen-cases' '%s'", VD_SRCDIR, g_dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_robustness: tests/robustness/gen-cases failed\n");
		return 1;
	}
	g_strace = system("strace -V >/dev/null 2>&1") == 0;
	if (!g_strace)
		printf("test_robustness: strace not installed: the nopath checks only check "
		       "the exit code\n");

	snprintf(path, sizeof(path), "%s/cases.txt", g_dir);
	text = slurp_n(path, NULL);
	if (!text)
		return 1;
	cases = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			cases = realloc(cases, cap * sizeof(*cases));
			if (!cases)
				return 1;
		}
		if (parse_case(line, &cases[n]) < 0) {
			fprintf(stderr, "test_robustness: bad line in cases.txt: %s\n", line);
			return 1;
		}
		if ((filter && !strstr(cases[n].name, filter)) || skipped(cases[n].name)) {
			case_free(&cases[n]);
			continue;
		}
		n++;
	}
	tests = calloc(n, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = test_case;
		tests[i].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("robustness", tests, n, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		case_free(&cases[i]);
	free(cases);
	free(tests);
	free(text);
	return rc;
}
