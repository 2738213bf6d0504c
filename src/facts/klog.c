/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- kernel log: read it (a file, /dev/kmsg, the bundle copy) into lines */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vd/facts/klog.h"

/* printk's own record limit is 1 KiB of text (8 KiB with dev_printk metadata). */
#define VD_KLOG_LINE_MAX 4096
#define VD_KLOG_BYTES_MAX (64u * 1024 * 1024)
#define VD_KLOG_LINES_MAX (1024u * 1024)
/* devkmsg_read() refuses (EINVAL) a buffer smaller than one record with its metadata */
#define VD_KMSG_RECORD_MAX (16 * 1024)

/* ---- loading the log ------------------------------------------------------------ */

void vd_klog_done(struct vd_klog *k)
{
	if (!k)
		return;
	if (!k->text)
		for (size_t i = 0; i < k->n; i++)
			free(k->lines[i]);
	free(k->text);
	free(k->lines);
	k->lines = NULL;
	k->text = NULL;
	k->n = 0;
}

struct klog_builder {
	struct vd_klog *k;
	size_t cap;
	size_t bytes;
	bool in_place; /* lines are cut in k->text, not copied */
};

/*
 * Append one message, cut to VD_KLOG_LINE_MAX - 1 bytes; 1 when a total cap was hit. A
 * saved log's lines stay in its text (in place: the byte after the message, its '\n' or
 * the text's final NUL, becomes the terminator): a boot log has thousands of lines, and
 * one allocation each made loading it cost more than reading it.
 */
static int add_line(struct klog_builder *b, char *p, size_t len)
{
	char *line;

	while (len && (p[len - 1] == '\r' || p[len - 1] == '\n'))
		len--;
	if (len >= VD_KLOG_LINE_MAX) {
		len = VD_KLOG_LINE_MAX - 1;
		/* do not leave half a UTF-8 sequence at the end */
		while (len && ((unsigned char)p[len] & 0xc0) == 0x80)
			len--;
	}
	if (b->k->n >= VD_KLOG_LINES_MAX || b->bytes + len > VD_KLOG_BYTES_MAX) {
		b->k->truncated = true;
		return 1;
	}
	if (b->k->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 1024;
		char **nl = realloc(b->k->lines, ncap * sizeof(*nl));

		if (!nl)
			return -ENOMEM;
		b->k->lines = nl;
		b->cap = ncap;
	}
	if (b->in_place) {
		p[len] = '\0';
		line = p;
	} else {
		line = strndup(p, len);
		if (!line)
			return -ENOMEM;
	}
	b->k->lines[b->k->n++] = line;
	b->bytes += len + 1;
	return 0;
}

/*
 * A /dev/kmsg record: "prio,seq,usec,flags[,more];message". Returns the offset of the
 * message, or 0 when the text does not have that shape.
 */
static size_t kmsg_message(const char *p, size_t len)
{
	const char *semi = memchr(p, ';', len);
	int commas = 0;

	if (!semi || semi == p)
		return 0;
	for (const char *q = p; q < semi; q++) {
		if (*q == ',')
			commas++;
		else if (!isdigit((unsigned char)*q) &&
			 !(commas >= 3 && isprint((unsigned char)*q)))
			return 0;
	}
	return commas >= 3 ? (size_t)(semi + 1 - p) : 0;
}

/*
 * A saved log: plain dmesg ("[    0.123456] msg"), dmesg -r ("<6>[...] msg"), dmesg -t,
 * or a copy of /dev/kmsg records with their " KEY=value" continuation lines.
 */
static int parse_text(struct klog_builder *b, char *text, size_t len)
{
	char *p = text, *end = text + len;
	bool after_record = false;
	int r;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *lend = nl ? nl : end, *msg;
		size_t l = (size_t)(lend - p), off;

		if (l > 0 && *p == ' ' && after_record) {
			p = nl ? nl + 1 : end; /* kmsg dictionary line */
			continue;
		}
		off = kmsg_message(p, l < 64 ? l : 64);
		after_record = off != 0;
		msg = p + off;
		if (!off) {
			if (*msg == '<' && l >= 3) {
				char *q = msg + 1;

				while (q < lend && isdigit((unsigned char)*q))
					q++;
				if (q < lend && *q == '>' && q > msg + 1)
					msg = q + 1;
			}
			if (msg < lend && *msg == '[') {
				char *q = msg + 1;

				while (q < lend &&
				       (*q == ' ' || *q == '.' || isdigit((unsigned char)*q)))
					q++;
				if (q < lend && *q == ']' && q > msg + 1)
					msg = q + 1 < lend && q[1] == ' ' ? q + 2 : q + 1;
			}
		}
		if (lend > msg && !(lend - msg == 1 && *msg == '\r')) {
			r = add_line(b, msg, (size_t)(lend - msg));
			if (r != 0)
				return r < 0 ? r : 0;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Whether path under the root is the kmsg character device (1:11), checked unopened. */
static bool is_kmsg_device(struct vd_sysfs *s, const char *path)
{
	_cleanup_close_ int fd = vd_sysfs_open_special(s, path, O_PATH);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return false;
	return S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 11;
}

/*
 * /dev/kmsg: every read() returns one record; a fresh open starts at the oldest record
 * still in the ring. EAGAIN: we are at the end. EPIPE: the record we were about to read
 * was overwritten; the next read goes on with the oldest remaining one.
 */
static int read_kmsg(struct vd_sysfs *s, const char *path, struct klog_builder *b)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	int r;

	fd = vd_sysfs_open_special(s, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fd;
	buf = malloc(VD_KMSG_RECORD_MAX);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		char *msg, *nl;
		ssize_t n = read(fd, buf, VD_KMSG_RECORD_MAX - 1);
		size_t off;

		if (n < 0) {
			if (errno == EINTR || errno == EPIPE)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -errno;
		}
		if (n == 0)
			return 0;
		buf[n] = '\0';
		off = kmsg_message(buf, (size_t)n);
		if (!off)
			continue;
		msg = buf + off;
		nl = memchr(msg, '\n', (size_t)(buf + n - msg));
		r = add_line(b, msg, nl ? (size_t)(nl - msg) : strlen(msg));
		if (r != 0)
			return r < 0 ? r : 0;
	}
}

/* The text stays with the log (its lines point into it): vd_klog_done() frees it. */
static int read_text(struct vd_sysfs *s, const char *path, struct klog_builder *b)
{
	char *text;
	size_t len;
	int r;

	r = vd_sysfs_read_alloc(s, path, VD_KLOG_BYTES_MAX, &text, &len);
	if (r < 0)
		return r;
	b->k->text = text;
	b->in_place = true;
	return parse_text(b, text, len);
}

/* A file named by the user is a path on this machine, not under the sysroot. */
static int read_user_file(const char *file, struct klog_builder *b)
{
	_cleanup_(vd_sysfs_freep) struct vd_sysfs *host = NULL;
	_cleanup_free_ char *abs = NULL;
	int r;

	if (file[0] != '/') {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);

		if (!cwd)
			return -errno;
		if (asprintf(&abs, "%s/%s", cwd, file) < 0) {
			abs = NULL;
			return -ENOMEM;
		}
		file = abs;
	}
	r = vd_sysfs_open("/", &host);
	if (r < 0)
		return r;
	return read_text(host, file, b);
}

int vd_klog_load(struct vd_sysfs *s, const char *file, struct vd_klog *ret)
{
	struct vd_klog k = { 0 };
	struct klog_builder b = { .k = &k };
	bool live = vd_sysfs_is_live(s);
	int r;

	if (!ret)
		return -EINVAL;
	if (file && *file) {
		snprintf(k.source, sizeof(k.source), "%s", file);
		r = read_user_file(file, &b);
	} else if (live) {
		snprintf(k.source, sizeof(k.source), "/dev/kmsg");
		/* live: anything but the real device is a misconfiguration */
		r = vd_sysfs_access(s, "dev/kmsg");
		if (r == 0)
			r = is_kmsg_device(s, "dev/kmsg") ? read_kmsg(s, "dev/kmsg", &b) : -ENODEV;
	} else {
		/*
		 * A tree: its kmsg.txt, never a dev/kmsg in it. A device node there is this
		 * machine's device (a chroot's /dev, or one a bundle's sender put there).
		 */
		snprintf(k.source, sizeof(k.source), "kmsg.txt");
		r = read_text(s, "kmsg.txt", &b);
	}
	if (r < 0) {
		vd_klog_done(&k);
		return r;
	}
	*ret = k;
	return 0;
}
