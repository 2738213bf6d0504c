/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- --color and terminal-colors.d(5), as util-linux tools read them */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/base/macro.h"
#include "vd/base/sysfs.h"
#include "vd/base/termcolors.h"

#define SCHEME_MAX (64 * 1024)

int vd_colormode_parse(const char *arg, enum vd_colormode *ret)
{
	static const char *const words[] = { [VD_COLORMODE_AUTO] = "auto",
					     [VD_COLORMODE_NEVER] = "never",
					     [VD_COLORMODE_ALWAYS] = "always" };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (words[i] && !strcmp(arg, words[i])) {
			*ret = (enum vd_colormode)i;
			return 0;
		}
	return -EINVAL;
}

/* terminal-colors.d(5), "Color names": what each name stands for in SGR codes */
static const struct {
	const char *name, *sgr;
} color_names[] = {
	{ "black", "30" },	{ "blink", "5" },	  { "blue", "34" },
	{ "bold", "1" },	{ "brown", "33" },	  { "cyan", "36" },
	{ "darkgray", "1;30" }, { "gray", "37" },	  { "green", "32" },
	{ "halfbright", "2" },	{ "lightblue", "1;34" },  { "lightcyan", "1;36" },
	{ "lightgray", "37" },	{ "lightgreen", "1;32" }, { "lightmagenta", "1;35" },
	{ "lightred", "1;31" }, { "magenta", "35" },	  { "red", "31" },
	{ "reset", "0" },	{ "reverse", "7" },	  { "yellow", "33" },
};

/* The \-escapes of terminal-colors.d(5); 0 for an unknown one. */
static char unescape(char c)
{
	static const char from[] = "abefnrtv?_\\^#", to[] = "\a\b\033\f\n\r\t\v\177 \\^#";
	const char *p = c ? strchr(from, c) : NULL;

	return p ? to[p - from] : 0;
}

int vd_color_sequence(const char *v, char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(color_names); i++)
		if (!strcmp(v, color_names[i].name))
			return snprintf(buf, size, "\033[%sm", color_names[i].sgr) < (int)size
				       ? 0
				       : -ENAMETOOLONG;
	if (*v && strspn(v, "0123456789;") == strlen(v))
		return snprintf(buf, size, "\033[%sm", v) < (int)size ? 0 : -ENAMETOOLONG;
	for (; *v; v++) {
		char c = *v;

		if (c == '\\' && !(c = unescape(*++v)))
			return -EINVAL;
		if (n + 1 >= size)
			return -ENAMETOOLONG;
		buf[n++] = c;
	}
	if (!n)
		return -EINVAL;
	buf[n] = '\0';
	return 0;
}

struct config {
	const char *util, *term;
	int enable, disable, scheme; /* the best score of each type, 0 when none */
	char scheme_path[512];
};

/* A file name "[[name][@term].]type": its score when it applies to us, else 0. */
static int score(const struct config *c, const char *file, const char *type)
{
	const char *dot = strrchr(file, '.'), *at;
	size_t nlen;
	int sc = 1;

	if (strcmp(dot ? dot + 1 : file, type))
		return 0;
	if (!dot)
		return sc;
	at = memchr(file, '@', (size_t)(dot - file));
	nlen = (size_t)((at ? at : dot) - file);
	if (nlen) {
		if (nlen != strlen(c->util) || strncmp(file, c->util, nlen))
			return 0;
		sc += 20;
	}
	if (at) {
		size_t tlen = (size_t)(dot - at - 1);

		if (!c->term || tlen != strlen(c->term) || strncmp(at + 1, c->term, tlen))
			return 0;
		sc += 10;
	}
	return sc;
}

static void read_dir(struct vd_sysfs *root, struct config *c, const char *dir, int bonus)
{
	struct vd_names names = { 0 };

	if (vd_sysfs_list(root, dir, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		const char *f = names.v[i];
		int e = score(c, f, "enable"), d = score(c, f, "disable"),
		    s = score(c, f, "scheme");

		if (e && e + bonus > c->enable)
			c->enable = e + bonus;
		if (d && d + bonus > c->disable)
			c->disable = d + bonus;
		if (s && s + bonus > c->scheme) {
			c->scheme = s + bonus;
			snprintf(c->scheme_path, sizeof(c->scheme_path), "%s/%s", dir, f);
		}
	}
	vd_names_done(&names);
}

static void read_scheme(struct vd_sysfs *root, const char *path, struct vd_colors *co)
{
	static const char *const keys[_VD_COLOR_MAX] = { "state-ok", "state-bad", "state-warn" };
	_cleanup_free_ char *text = NULL;
	char *save = NULL;

	if (vd_sysfs_read_alloc(root, path, SCHEME_MAX, &text, NULL) < 0)
		return;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char key[64], val[128];
		char seq[sizeof(co->seq[0])];

		if (sscanf(l, " %63s %127s", key, val) != 2 || key[0] == '#')
			continue;
		for (size_t k = 0; k < _VD_COLOR_MAX; k++)
			if (!strcmp(key, keys[k]) && vd_color_sequence(val, seq, sizeof(seq)) == 0)
				memcpy(co->seq[k], seq, sizeof(seq));
	}
}

int vd_colors_init(enum vd_colormode mode, bool tty, const char *util, struct vd_colors *ret)
{
	struct config c = { .util = util, .term = getenv("TERM") };
	const char *nc = getenv("NO_COLOR"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct vd_sysfs *root = NULL;
	char user[512] = "";

	*ret = (struct vd_colors){ .on = mode == VD_COLORMODE_ALWAYS ||
					 (tty && mode == VD_COLORMODE_AUTO) };
	snprintf(ret->seq[VD_COLOR_STATE_OK], sizeof(ret->seq[0]), "\033[32m");
	snprintf(ret->seq[VD_COLOR_STATE_BAD], sizeof(ret->seq[0]), "\033[31m");
	snprintf(ret->seq[VD_COLOR_STATE_WARN], sizeof(ret->seq[0]), "\033[33m");
	if (mode == VD_COLORMODE_NEVER || (mode != VD_COLORMODE_ALWAYS && !tty))
		return 0;
	if (mode == VD_COLORMODE_UNDEF && ((nc && *nc) || (c.term && !strcmp(c.term, "dumb"))))
		return 0;
	/* the user's terminal settings: the running system's, whatever --sysroot says */
	if (vd_sysfs_open("/", &root) < 0)
		return 0;
	if (xdg && xdg[0] == '/')
		snprintf(user, sizeof(user), "%s/terminal-colors.d", xdg);
	else if (home && home[0] == '/')
		snprintf(user, sizeof(user), "%s/.config/terminal-colors.d", home);
	read_dir(root, &c, "etc/terminal-colors.d", 0);
	if (user[0])
		read_dir(root, &c, user, 100);
	if (mode == VD_COLORMODE_UNDEF)
		ret->on = c.disable <= c.enable;
	if (ret->on && c.scheme)
		read_scheme(root, c.scheme_path, ret);
	vd_sysfs_free(root);
	return 0;
}
