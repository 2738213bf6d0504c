/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the kernel command line (/proc/cmdline), parsed like the kernel does */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vd/facts/cmdline.h"

/* COMMAND_LINE_SIZE is 2048 or 4096 depending on the architecture; allow for bundles. */
#define VD_CMDLINE_MAX (64 * 1024)

struct vd_cmdline_arg {
	const char *key;
	const char *val; /* NULL for a bare flag */
};

struct vd_cmdline {
	char *text; /* as read, trailing newline removed */
	char *buf;  /* the copy that next_arg() cut into pieces */
	struct vd_cmdline_arg *args;
	size_t n;
};

void vd_cmdline_free(struct vd_cmdline *c)
{
	if (!c)
		return;
	free(c->text);
	free(c->buf);
	free(c->args);
	free(c);
}

static char *skip_spaces(char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/*
 * lib/cmdline.c next_arg(), kept as close to the kernel as possible so that odd quoting
 * gives the same answer the kernel gave: a '"' toggles quoting anywhere, the first '='
 * (not at position 0) splits key from value, and one pair of quotes around the value or
 * the whole argument is removed.
 */
static char *next_arg(char *args, char **param, char **val)
{
	unsigned int i, equals = 0;
	int in_quote = 0, quoted = 0;

	if (*args == '"') {
		args++;
		in_quote = 1;
		quoted = 1;
	}
	for (i = 0; args[i]; i++) {
		if (isspace((unsigned char)args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		/* Don't include quotes in value. */
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	return skip_spaces(args);
}

int vd_cmdline_parse(const char *text, struct vd_cmdline **ret)
{
	struct vd_cmdline *c;
	size_t len, cap = 0;
	char *p;

	if (!text || !ret)
		return -EINVAL;
	len = strlen(text);
	if (len > VD_CMDLINE_MAX)
		return -EFBIG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->text = strdup(text);
	c->buf = strdup(text);
	if (!c->text || !c->buf)
		goto oom;
	len = strlen(c->text);
	if (len > 0 && c->text[len - 1] == '\n')
		c->text[len - 1] = '\0';

	p = skip_spaces(c->buf);
	while (*p) {
		char *param, *val;

		p = next_arg(p, &param, &val);
		/* parse_args(): a bare "--" ends the kernel's args; the rest is init's */
		if (!val && strcmp(param, "--") == 0)
			break;
		if (c->n == cap) {
			struct vd_cmdline_arg *na;

			cap = cap ? cap * 2 : 32;
			na = realloc(c->args, cap * sizeof(*na));
			if (!na)
				goto oom;
			c->args = na;
		}
		c->args[c->n].key = param;
		c->args[c->n].val = val;
		c->n++;
	}
	*ret = c;
	return 0;
oom:
	vd_cmdline_free(c);
	return -ENOMEM;
}

int vd_cmdline_load(struct vd_sysfs *s, struct vd_cmdline **ret)
{
	_cleanup_free_ char *text = NULL;
	int r;

	r = vd_sysfs_read_alloc(s, "proc/cmdline", VD_CMDLINE_MAX, &text, NULL);
	if (r < 0)
		return r;
	return vd_cmdline_parse(text, ret);
}

/* The kernel's parameq(): '-' and '_' are the same character in parameter names. */
static bool dash_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i] == '-' ? '_' : a[i];
		char y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return true;
}

static bool key_eq(const char *a, const char *b)
{
	return dash_eq(a, strlen(a), b, strlen(b));
}

bool vd_cmdline_has(const struct vd_cmdline *c, const char *key)
{
	if (!c || !key)
		return false;
	for (size_t i = 0; i < c->n; i++)
		if (key_eq(c->args[i].key, key))
			return true;
	return false;
}

const char *vd_cmdline_value(const struct vd_cmdline *c, const char *key)
{
	if (!c || !key)
		return NULL;
	for (size_t i = c->n; i > 0; i--)
		if (c->args[i - 1].val && key_eq(c->args[i - 1].key, key))
			return c->args[i - 1].val;
	return NULL;
}

static bool list_contains(const char *list, const char *item)
{
	size_t ilen = strlen(item);

	while (*list) {
		const char *end = strchrnul(list, ',');

		if (dash_eq(list, (size_t)(end - list), item, ilen))
			return true;
		list = *end ? end + 1 : end;
	}
	return false;
}

bool vd_cmdline_list_has(const struct vd_cmdline *c, const char *key, const char *item)
{
	if (!c || !key || !item || !*item)
		return false;
	/*
	 * module_blacklist= is a charp core_param: a later one replaces an earlier one.
	 * initcall_blacklist=, modprobe.blacklist= (libkmod) and pci= add up instead.
	 */
	if (key_eq(key, "module_blacklist")) {
		const char *v = vd_cmdline_value(c, key);

		return v && list_contains(v, item);
	}
	for (size_t i = 0; i < c->n; i++)
		if (c->args[i].val && key_eq(c->args[i].key, key) &&
		    list_contains(c->args[i].val, item))
			return true;
	return false;
}

const char *vd_cmdline_text(const struct vd_cmdline *c)
{
	return c ? c->text : NULL;
}
