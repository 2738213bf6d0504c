/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- kernel log: read it, and recognise the lines that explain a probe */
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

static const char *const kind_names[_VD_KLOG_KIND_MAX] = {
	[VD_KLOG_NONE] = "none",
	[VD_KLOG_PROBE_FAILED] = "probe-failed",
	[VD_KLOG_LEAVING_LEGACY] = "leaving-for-legacy",
	[VD_KLOG_MISSING_CAPS] = "missing-capabilities",
	[VD_KLOG_BAD_CAP] = "bad-capability",
	[VD_KLOG_BAR_NOT_ASSIGNED] = "bar-not-assigned",
	[VD_KLOG_BAR_NOT_CLAIMED] = "bar-not-claimed",
	[VD_KLOG_BAR_NO_SPACE] = "bar-no-space",
	[VD_KLOG_BAR_FAILED_ASSIGN] = "bar-failed-to-assign",
	[VD_KLOG_REFUSES_FEATURES] = "device-refuses-features",
	[VD_KLOG_NEEDS_VERSION_1] = "needs-version-1",
	[VD_KLOG_NEEDS_ACCESS_PLATFORM] = "needs-access-platform",
	[VD_KLOG_MODERN_NO_VERSION_1] = "modern-without-version-1",
	[VD_KLOG_ENABLING_DEVICE] = "enabling-device",
	[VD_KLOG_RESOURCES_PRESENT] = "resources-present",
	[VD_KLOG_MMIO_REJECTED] = "mmio-rejected",
	[VD_KLOG_BAR_CANT_CLAIM] = "bar-cannot-claim",
};

const char *vd_klog_kind_name(enum vd_klog_kind k)
{
	if ((unsigned)k >= _VD_KLOG_KIND_MAX)
		return NULL;
	return kind_names[k];
}

/* ---- recognising one message ---------------------------------------------------- */

/* p advanced past lit when p starts with it, else NULL */
static const char *skip_lit(const char *p, const char *lit)
{
	size_t n = strlen(lit);

	return p && !strncmp(p, lit, n) ? p + n : NULL;
}

static bool ends_with(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && !memcmp(s + len - n, lit, n);
}

/* Copy [p, p+len) into a fixed field; false when it does not fit or is empty. */
static bool copy_field(char *dst, size_t size, const char *p, size_t len)
{
	if (len == 0 || len >= size)
		return false;
	memcpy(dst, p, len);
	dst[len] = '\0';
	return true;
}

/* A signed decimal that ends the message (trailing blanks allowed). */
static bool parse_errno_tail(const char *p, int *ret)
{
	char *end;
	long v;

	if (!p || !(*p == '-' || isdigit((unsigned char)*p)))
		return false;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || end == p || v < INT_MIN || v > INT_MAX)
		return false;
	while (*end == ' ' || *end == '\r' || *end == '\n')
		end++;
	if (*end)
		return false;
	*ret = (int)v;
	return true;
}

/* An unsigned number in base 10 or 16, then p points after it. */
static const char *skip_number(const char *p, int base)
{
	const char *q = p;

	if (!p)
		return NULL;
	while (base == 16 ? isxdigit((unsigned char)*q) : isdigit((unsigned char)*q))
		q++;
	return q == p ? NULL : q;
}

/*
 * dev_printk() puts "<driver or bus name> <device name>: " in front of the text:
 * "virtio-pci 0000:00:04.0: ", "pci 0000:00:04.0: ", "virtio_net virtio1: ". The first
 * word has no ':' (which tells it from pr_*() "virtio-pci: probe of ..." lines).
 */
struct dev_prefix {
	const char *drv;
	size_t drv_len;
	const char *dev;
	size_t dev_len;
	const char *rest;
};

static bool parse_dev_prefix(const char *msg, struct dev_prefix *p)
{
	const char *sp = strchr(msg, ' '), *dev, *end;

	if (!sp || sp == msg || memchr(msg, ':', (size_t)(sp - msg)))
		return false;
	dev = sp + 1;
	end = dev;
	while (*end && *end != ' ')
		end++;
	/* "name:" followed by a blank or the end of the message */
	if (end - dev < 2 || end[-1] != ':')
		return false;
	p->drv = msg;
	p->drv_len = (size_t)(sp - msg);
	p->dev = dev;
	p->dev_len = (size_t)(end - 1 - dev);
	p->rest = *end ? end + 1 : end;
	return true;
}

/* The first word of the prefix is the bus name until a driver is bound. */
static bool is_bus_name(const char *p, size_t len)
{
	static const char *const buses[] = { "pci", "virtio", "platform", "pnp", "acpi" };

	for (size_t i = 0; i < ARRAY_SIZE(buses); i++)
		if (strlen(buses[i]) == len && !memcmp(p, buses[i], len))
			return true;
	return false;
}

/* "[    0.123456] " in front of a message from a saved dmesg */
static const char *skip_timestamp(const char *msg)
{
	const char *p = msg;

	if (*p != '[')
		return msg;
	for (p++; *p == ' ' || *p == '.' || isdigit((unsigned char)*p); p++)
		;
	if (*p != ']' || p == msg + 1)
		return msg;
	p++;
	return *p == ' ' ? p + 1 : p;
}

/* Old driver core (<= 6.7, still in 6.1.192): "drv: probe of DEV failed with error -N" */
static bool match_probe_of(const char *msg, struct vd_klog_event *ev)
{
	const char *at = strstr(msg, "probe of "), *dev, *p;

	if (!at || (at != msg && (at < msg + 2 || at[-1] != ' ' || at[-2] != ':')))
		return false;
	dev = at + strlen("probe of ");
	p = dev;
	while (*p && *p != ' ')
		p++;
	if (!copy_field(ev->device, sizeof(ev->device), dev, (size_t)(p - dev)))
		return false;
	if (!parse_errno_tail(skip_lit(p, " failed with error "), &ev->error))
		return false;
	/* the driver name is the whole text before ": probe of" */
	if (at != msg) {
		size_t len = (size_t)(at - 2 - msg);

		if (memchr(msg, ' ', len) || !copy_field(ev->driver, sizeof(ev->driver), msg, len))
			ev->driver[0] = '\0';
	}
	ev->kind = VD_KLOG_PROBE_FAILED;
	return true;
}

/* >= 6.8: dev_err(dev, "probe with driver %s failed with error %d") */
static bool match_probe_with(const char *rest, struct vd_klog_event *ev)
{
	const char *drv = skip_lit(rest, "probe with driver "), *p;

	if (!drv)
		return false;
	p = drv;
	while (*p && *p != ' ')
		p++;
	if (!copy_field(ev->driver, sizeof(ev->driver), drv, (size_t)(p - drv)))
		return false;
	if (!parse_errno_tail(skip_lit(p, " failed with error "), &ev->error))
		return false;
	ev->kind = VD_KLOG_PROBE_FAILED;
	return true;
}

/* virtio_pci_modern_dev.c: vp_modern_probe() and vp_modern_map_capability() */
static enum vd_klog_kind match_virtio_pci(const char *rest)
{
	const char *vp = skip_lit(rest, "virtio_pci: ");
	const char *t = vp ? vp : rest, *p;
	size_t len = strlen(t);

	while (len && (t[len - 1] == ' ' || t[len - 1] == '\r'))
		len--;
	if (len == strlen("leaving for legacy driver") &&
	    !strncmp(t, "leaving for legacy driver", len))
		return VD_KLOG_LEAVING_LEGACY;
	p = skip_lit(t, "missing capabilities ");
	if (p) {
		/* "%i/%i/%i": the three cap offsets, 0 for a missing one */
		p = skip_number(p, 10);
		p = skip_lit(p, "/");
		p = skip_number(p, 10);
		p = skip_lit(p, "/");
		p = skip_number(p, 10);
		if (p)
			return VD_KLOG_MISSING_CAPS;
	}
	if (skip_lit(t, "bad capability len ") || skip_lit(t, "map wrap-around ") ||
	    skip_lit(t, "unable to map virtio ") || skip_lit(t, "bar unexpectedly changed to "))
		return VD_KLOG_BAD_CAP;
	if (skip_lit(t, "map virtio ") && strstr(t, " out of range on bar "))
		return VD_KLOG_BAD_CAP;
	/* too generic a phrase to trust without the "virtio_pci: " tag */
	if (vp && skip_lit(skip_number(skip_lit(t, "offset "), 10), " not aligned to "))
		return VD_KLOG_BAD_CAP;
	return VD_KLOG_NONE;
}

/* drivers/pci/setup-res.c, both wordings (6.1 and the 6.1.1xx/6.18 "%s %pR: ...") */
static enum vd_klog_kind match_bar(const char *rest)
{
	size_t len = strlen(rest);

	while (len && (rest[len - 1] == ' ' || rest[len - 1] == '\r'))
		len--;
	if (skip_lit(rest, "can't enable device: BAR ")) {
		if (ends_with(rest, len, " not assigned"))
			return VD_KLOG_BAR_NOT_ASSIGNED;
		if (ends_with(rest, len, " not claimed"))
			return VD_KLOG_BAR_NOT_CLAIMED;
		return VD_KLOG_NONE;
	}
	if (!strchr(rest, '['))
		return VD_KLOG_NONE;
	if (ends_with(rest, len, ": not assigned; can't enable device"))
		return VD_KLOG_BAR_NOT_ASSIGNED;
	if (ends_with(rest, len, ": not claimed; can't enable device"))
		return VD_KLOG_BAR_NOT_CLAIMED;
	if (ends_with(rest, len, ": can't assign; no space"))
		return VD_KLOG_BAR_NO_SPACE;
	if (ends_with(rest, len, ": failed to assign"))
		return VD_KLOG_BAR_FAILED_ASSIGN;
	if (ends_with(rest, len, ": can't claim; no compatible bridge window"))
		return VD_KLOG_BAR_CANT_CLAIM;
	/* 6.1: "BAR %d: no space for %pR", "BAR %d: failed to assign %pR" */
	if (skip_lit(rest, "BAR ")) {
		const char *p = skip_number(rest + 4, 10);

		if (skip_lit(p, ": no space for "))
			return VD_KLOG_BAR_NO_SPACE;
		if (skip_lit(p, ": failed to assign "))
			return VD_KLOG_BAR_FAILED_ASSIGN;
	}
	return VD_KLOG_NONE;
}

/* drivers/virtio/virtio.c virtio_features_ok(), virtio_pci_modern.c finalize_features */
static enum vd_klog_kind match_virtio(const char *rest)
{
	const char *t = skip_lit(rest, "virtio: ");

	if (!t)
		t = rest;
	if (skip_number(skip_lit(t, "device refuses features: "), 16))
		return VD_KLOG_REFUSES_FEATURES;
	if (skip_lit(t, "device must provide VIRTIO_F_VERSION_1"))
		return VD_KLOG_NEEDS_VERSION_1;
	if (skip_lit(t, "device must provide VIRTIO_F_ACCESS_PLATFORM"))
		return VD_KLOG_NEEDS_ACCESS_PLATFORM;
	if (skip_lit(t, "device uses modern interface but does not have VIRTIO_F_VERSION_1"))
		return VD_KLOG_MODERN_NO_VERSION_1;
	return VD_KLOG_NONE;
}

/* drivers/virtio/virtio_mmio.c virtio_mmio_probe(): a transport that is not virtio */
static enum vd_klog_kind match_virtio_mmio(const char *rest)
{
	if (skip_lit(rest, "Wrong magic value 0x") ||
	    skip_lit(skip_number(skip_lit(rest, "Version "), 10), " not supported!"))
		return VD_KLOG_MMIO_REJECTED;
	return VD_KLOG_NONE;
}

static enum vd_klog_kind match_driver_core(const char *rest)
{
	const char *p = skip_lit(rest, "enabling device (");

	p = skip_lit(skip_number(p, 16), " -> ");
	if (skip_lit(skip_number(p, 16), ")"))
		return VD_KLOG_ENABLING_DEVICE;
	if (skip_lit(rest, "Resources present before probing"))
		return VD_KLOG_RESOURCES_PRESENT;
	return VD_KLOG_NONE;
}

int vd_klog_match(const char *msg, struct vd_klog_event *ret)
{
	struct vd_klog_event ev = { .kind = VD_KLOG_NONE };
	struct dev_prefix pre;
	enum vd_klog_kind kind;

	if (!ret)
		return -EINVAL;
	*ret = ev;
	if (!msg)
		return -EINVAL;
	msg = skip_timestamp(msg);

	if (!parse_dev_prefix(msg, &pre)) {
		/* pr_*() lines have no device prefix: only the old probe failure counts */
		if (!match_probe_of(msg, &ev))
			return 0;
		*ret = ev;
		return 1;
	}
	if (!copy_field(ev.device, sizeof(ev.device), pre.dev, pre.dev_len))
		return 0;
	if (!is_bus_name(pre.drv, pre.drv_len))
		copy_field(ev.driver, sizeof(ev.driver), pre.drv, pre.drv_len);

	if (match_probe_with(pre.rest, &ev)) {
		*ret = ev;
		return 1;
	}
	kind = match_virtio_pci(pre.rest);
	if (kind == VD_KLOG_NONE)
		kind = match_bar(pre.rest);
	if (kind == VD_KLOG_NONE)
		kind = match_virtio(pre.rest);
	if (kind == VD_KLOG_NONE)
		kind = match_driver_core(pre.rest);
	if (kind == VD_KLOG_NONE)
		kind = match_virtio_mmio(pre.rest);
	if (kind == VD_KLOG_NONE)
		return 0;
	ev.kind = kind;
	*ret = ev;
	return 1;
}

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
