/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- kernel configuration: /proc/config.gz (zlib) or /boot/config-RELEASE */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/base/inflate.h"
#include "vd/facts/kconfig.h"

/* A full distribution config is about 300 KiB; anything near these limits is not one. */
#define VD_KCONFIG_TEXT_MAX (8u * 1024 * 1024)
#define VD_KCONFIG_GZ_MAX (8u * 1024 * 1024)

struct vd_kconfig_opt {
	char *name;  /* without "CONFIG_" */
	char *value; /* "y", "m", "n" for "is not set", else the text after '=' */
	size_t order;
};

struct vd_kconfig {
	struct vd_kconfig_opt *opts; /* sorted by name; the last assignment of a name wins */
	size_t n;
};

void vd_kconfig_free(struct vd_kconfig *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++) {
		free(k->opts[i].name);
		free(k->opts[i].value);
	}
	free(k->opts);
	free(k);
}

static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static int add_opt(struct vd_kconfig *k, size_t *cap, const char *name, size_t nlen,
		   const char *value, size_t vlen)
{
	struct vd_kconfig_opt *o;

	if (k->n == *cap) {
		struct vd_kconfig_opt *no;

		*cap = *cap ? *cap * 2 : 1024;
		no = realloc(k->opts, *cap * sizeof(*no));
		if (!no)
			return -ENOMEM;
		k->opts = no;
	}
	o = &k->opts[k->n];
	o->name = strndup(name, nlen);
	o->value = strndup(value, vlen);
	o->order = k->n;
	if (!o->name || !o->value) {
		free(o->name);
		free(o->value);
		return -ENOMEM;
	}
	k->n++;
	return 0;
}

/*
 * One line: "CONFIG_X=value" or "# CONFIG_X is not set". Everything else (comments,
 * blank lines, garbage) is skipped, as scripts/kconfig/confdata.c does.
 */
static int parse_line(struct vd_kconfig *k, size_t *cap, const char *line, size_t len)
{
	static const char not_set[] = " is not set";
	const char *name, *p, *end = line + len;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
		end = line + --len;
	if (len > 9 && !strncmp(line, "# CONFIG_", 9)) {
		name = p = line + 9;
		while (p < end && is_name_char(*p))
			p++;
		if (p == name || (size_t)(end - p) != sizeof(not_set) - 1 ||
		    memcmp(p, not_set, sizeof(not_set) - 1))
			return 0;
		return add_opt(k, cap, name, (size_t)(p - name), "n", 1);
	}
	if (len > 7 && !strncmp(line, "CONFIG_", 7)) {
		name = p = line + 7;
		while (p < end && is_name_char(*p))
			p++;
		if (p == name || p == end || *p != '=' || p + 1 == end)
			return 0;
		return add_opt(k, cap, name, (size_t)(p - name), p + 1, (size_t)(end - p - 1));
	}
	return 0;
}

static int cmp_opt(const void *a, const void *b)
{
	const struct vd_kconfig_opt *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

int vd_kconfig_parse(const char *text, size_t len, struct vd_kconfig **ret)
{
	struct vd_kconfig *k;
	size_t cap = 0, out = 0;
	const char *p, *end;
	int r;

	if (!text || !ret)
		return -EINVAL;
	if (len > VD_KCONFIG_TEXT_MAX)
		return -EFBIG;
	/* not before the NULL check: NULL + len is undefined */
	p = text;
	end = text + len;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		/* an embedded NUL ends the line early: the rest of it is garbage */
		l = strnlen(p, l);
		r = parse_line(k, &cap, p, l);
		if (r < 0) {
			vd_kconfig_free(k);
			return r;
		}
		p = nl ? nl + 1 : end;
	}
	/* sort, then keep only the last assignment of each name */
	if (k->n > 1) {
		qsort(k->opts, k->n, sizeof(*k->opts), cmp_opt);
		for (size_t i = 0; i < k->n; i++) {
			if (i + 1 < k->n && !strcmp(k->opts[i].name, k->opts[i + 1].name)) {
				free(k->opts[i].name);
				free(k->opts[i].value);
				continue;
			}
			k->opts[out++] = k->opts[i];
		}
		k->n = out;
	}
	*ret = k;
	return 0;
}

char vd_kconfig_get(const struct vd_kconfig *k, const char *option)
{
	size_t lo = 0, hi;

	if (!k || !option)
		return 'n';
	if (!strncmp(option, "CONFIG_", 7))
		option += 7;
	hi = k->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(option, k->opts[mid].name);

		if (c == 0)
			return k->opts[mid].value[0];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 'n';
}

/* Inflate a gzip member held in memory; the output is NUL-terminated. */
static int gunzip(const unsigned char *in, size_t in_len, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *out = NULL;
	size_t cap = in_len * 4 + 4096, len = 0;
	z_stream z = { 0 };
	int zr, r = 0;

	if (in_len > UINT32_MAX)
		return -EFBIG;
	if (cap > max + 1)
		cap = max + 1;
	r = vd_inflate_init_gzip(&z);
	if (r < 0)
		return r;
	out = malloc(cap);
	if (!out) {
		vd_inflate_end(&z);
		return -ENOMEM;
	}
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)in_len;
	for (;;) {
		if (len + 1 >= cap) {
			char *no;

			if (cap >= max + 1) {
				r = -EFBIG;
				break;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			no = realloc(out, cap);
			if (!no) {
				r = -ENOMEM;
				break;
			}
			out = no;
		}
		z.next_out = (unsigned char *)out + len;
		z.avail_out = (uInt)(cap - len - 1);
		zr = vd_inflate(&z, Z_NO_FLUSH);
		len = (size_t)(z.next_out - (unsigned char *)out);
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_MEM_ERROR) {
			r = -ENOMEM;
			break;
		}
		if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT || zr == Z_STREAM_ERROR) {
			r = -EBADMSG;
			break;
		}
		/* Z_BUF_ERROR with all input used: the stream was cut short */
		if (zr == Z_BUF_ERROR && z.avail_in == 0) {
			r = -EBADMSG;
			break;
		}
	}
	vd_inflate_end(&z);
	if (r < 0)
		return r;
	out[len] = '\0';
	*ret_len = len;
	*ret = TAKE_PTR(out);
	return 0;
}

static void set_source(char *buf, size_t size, const char *src)
{
	if (buf && size)
		snprintf(buf, size, "%s", src);
}

int vd_kconfig_load(struct vd_sysfs *s, struct vd_kconfig **ret, char *ret_source,
		    size_t source_size)
{
	_cleanup_free_ char *gz = NULL;
	_cleanup_free_ char *text = NULL;
	char release[256], path[300];
	size_t gz_len, len;
	int r, r_gz;

	/* /proc/config.gz (CONFIG_IKCONFIG_PROC) describes the running kernel for sure */
	r_gz = vd_sysfs_read_alloc(s, "proc/config.gz", VD_KCONFIG_GZ_MAX, &gz, &gz_len);
	if (r_gz == 0) {
		r_gz = gunzip((const unsigned char *)gz, gz_len, VD_KCONFIG_TEXT_MAX, &text, &len);
		if (r_gz == 0) {
			r = vd_kconfig_parse(text, len, ret);
			if (r == 0)
				set_source(ret_source, source_size, "proc/config.gz");
			return r;
		}
	}

	/* a broken config.gz is reported only when there is nothing else to read */
	r = vd_sysfs_read(s, "proc/sys/kernel/osrelease", release, sizeof(release));
	if (r < 0)
		return r_gz == -ENOENT ? r : r_gz;
	if (r == 0 || strchr(release, '/'))
		return r_gz == -ENOENT ? -EINVAL : r_gz;
	snprintf(path, sizeof(path), "boot/config-%s", release);
	r = vd_sysfs_read_alloc(s, path, VD_KCONFIG_TEXT_MAX, &text, &len);
	if (r < 0)
		return r == -ENOENT && r_gz != -ENOENT ? r_gz : r;
	r = vd_kconfig_parse(text, len, ret);
	if (r == 0)
		set_source(ret_source, source_size, path);
	return r;
}
