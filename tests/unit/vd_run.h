/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- run the built binary and capture what it says */
#ifndef VD_RUN_H
#define VD_RUN_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vd_test.h"

#define BINARY VD_SRCDIR "/virtio-doctor"

struct run {
	int rc;
	char *out, *err;
};

static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Run the binary with argv (NULL-terminated, without argv[0]); stdout to out_path. */
static inline void run_to(char *const *args, const char *out_path, struct run *r)
{
	char err_path[] = "/tmp/vd-cli-err-XXXXXX";
	char outp[] = "/tmp/vd-cli-out-XXXXXX";
	int efd = mkstemp(err_path), ofd;
	char *argv[64];
	size_t n = 0;
	pid_t pid;
	int st;

	assert_true(efd >= 0);
	if (out_path) {
		ofd = open(out_path, O_WRONLY);
	} else {
		ofd = mkstemp(outp);
	}
	assert_true(ofd >= 0);
	argv[n++] = (char *)"virtio-doctor";
	while (args[n - 1] && n < 63) {
		argv[n] = args[n - 1];
		n++;
	}
	argv[n] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		execv(BINARY, argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(ofd);
	close(efd);
	r->rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = out_path ? NULL : slurp(outp);
	r->err = slurp(err_path);
	unlink(err_path);
	if (!out_path)
		unlink(outp);
}

static inline void run(char *const *args, struct run *r)
{
	run_to(args, NULL, r);
}

static inline void run_done(struct run *r)
{
	free(r->out);
	free(r->err);
}

#endif
