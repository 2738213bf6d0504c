/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- modprobe.d under a root, parsed as libkmod does, read through our layer */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/base/strerror.h"
#include "vd/facts/modconf.h"

static int list_add(struct vd_modconf_list *l, const char *name, const char *value)
{
	struct vd_modconf_entry e = { .name = strdup(name), .value = value ? strdup(value) : NULL };

	if (!e.name || (value && !e.value))
		goto oom;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct vd_modconf_entry *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv)
			goto oom;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = e;
	return 0;
oom:
	free(e.name);
	free(e.value);
	return -ENOMEM;
}

static void list_done(struct vd_modconf_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
	}
	free(l->v);
	*l = (struct vd_modconf_list){ 0 };
}

void vd_modconf_done(struct vd_modconf *c)
{
	list_done(&c->aliases);
	list_done(&c->blacklists);
	list_done(&c->installs);
	list_done(&c->removes);
}

/* libkmod's underscores(): '-' to '_' except inside [...]; an unmatched bracket is bad */
static int underscores(char *s)
{
	if (!s)
		return -EINVAL;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '-') {
			s[i] = '_';
		} else if (s[i] == ']') {
			return -EINVAL;
		} else if (s[i] == '[') {
			i += strcspn(s + i, "]");
			if (!s[i])
				return -EINVAL;
		}
	}
	return 0;
}

/* strtok_r(NULL, "\0", ...) as libkmod calls it: the rest of the line, or NULL if empty */
static char *rest_of(char *saveptr)
{
	return saveptr && *saveptr ? saveptr : NULL;
}

static int parse_line(struct vd_modconf *c, char *line)
{
	char *save = NULL, *cmd, *name, *arg;

	if (line[0] == '\0' || line[0] == '#')
		return 0;
	cmd = strtok_r(line, "\t ", &save);
	if (!cmd)
		return 0;
	name = strtok_r(NULL, "\t ", &save);
	if (!strcmp(cmd, "alias")) {
		arg = strtok_r(NULL, "\t ", &save);
		if (underscores(name) < 0 || underscores(arg) < 0)
			return 0;
		return list_add(&c->aliases, name, arg);
	}
	if (!strcmp(cmd, "blacklist"))
		return underscores(name) < 0 ? 0 : list_add(&c->blacklists, name, NULL);
	if (!strcmp(cmd, "install") || !strcmp(cmd, "remove")) {
		arg = rest_of(save);
		if (underscores(name) < 0 || !arg)
			return 0;
		return list_add(cmd[0] == 'i' ? &c->installs : &c->removes, name, arg);
	}
	/* options, softdep: nothing the diagnosis reads; anything else: a bad line */
	return 0;
}

int vd_modconf_parse(struct vd_modconf *c, const char *text)
{
	size_t len = strlen(text);
	_cleanup_free_ char *line = malloc(len + 1);
	size_t i = 0;
	int r;

	if (!line)
		return -ENOMEM;
	/* freadline_wrapped(): "\\\n" joins lines, a backslash before anything else is dropped */
	for (const char *p = text;; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			if (*p != '\n')
				line[i++] = *p;
			continue;
		}
		if (*p == '\\')
			continue;
		if (*p == '\n' || *p == '\0') {
			if (*p == '\0' && i == 0)
				return 0;
			line[i] = '\0';
			r = parse_line(c, line);
			if (r < 0)
				return r;
			i = 0;
			if (*p == '\0')
				return 0;
			continue;
		}
		line[i++] = *p;
	}
}

bool vd_modconf_blacklisted(const struct vd_modconf *c, const char *name)
{
	for (size_t i = 0; i < c->blacklists.n; i++)
		if (!strcmp(c->blacklists.v[i].name, name))
			return true;
	return false;
}

struct conf_file {
	char name[256];
	char path[512];
	bool optional; /* modules.softdep: its absence is normal */
};

struct conf_files {
	struct conf_file *v;
	size_t n;
};

/* libkmod's conf_files_insert_sorted(): by name; a name seen before hides this one. */
static int insert_sorted(struct conf_files *f, const char *name, const char *path, bool optional)
{
	struct conf_file *nv;
	size_t at;
	int cmp = -1;

	for (at = 0; at < f->n; at++)
		if ((cmp = strcmp(name, f->v[at].name)) <= 0)
			break;
	if (at < f->n && cmp == 0)
		return 0;
	if (f->n >= VD_MODCONF_FILES_MAX || strlen(name) >= sizeof(nv->name) ||
	    strlen(path) >= sizeof(nv->path))
		return -E2BIG;
	nv = realloc(f->v, (f->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	f->v = nv;
	memmove(f->v + at + 1, f->v + at, (f->n - at) * sizeof(*f->v));
	snprintf(f->v[at].name, sizeof(f->v[at].name), "%s", name);
	snprintf(f->v[at].path, sizeof(f->v[at].path), "%s", path);
	f->v[at].optional = optional;
	f->n++;
	return 0;
}

static bool conf_name(const char *fn)
{
	size_t len = strlen(fn);

	return len >= 6 && (!strcmp(fn + len - 5, ".conf") || !strcmp(fn + len - 6, ".alias"));
}

static void skip(struct vd_modconf *c, const char *path, int err)
{
	size_t used = strlen(c->skipped);

	c->n_skipped++;
	if (used < sizeof(c->skipped) - 1)
		snprintf(c->skipped + used, sizeof(c->skipped) - used, "%s%s (%s)",
			 used ? ", " : "", path, vd_strerror(-err));
}

static int list_dir(struct vd_sysfs *s, struct vd_modconf *c, const char *dir, struct conf_files *f)
{
	struct vd_names names = { 0 };
	char path[512];
	int r = vd_sysfs_is_dir(s, dir);

	if (r == 0) /* a file named like the directory is read as one file */
		return insert_sorted(f, "modprobe.d", dir, false);
	if (r < 0 || vd_sysfs_list(s, dir, &names) < 0)
		return 0;
	for (size_t i = 0; i < names.n && r >= 0; i++) {
		if (!conf_name(names.v[i]) ||
		    snprintf(path, sizeof(path), "%s/%s", dir, names.v[i]) >= (int)sizeof(path))
			continue;
		if (vd_sysfs_is_dir(s, path) == 1)
			continue;
		r = insert_sorted(f, names.v[i], path, false);
		if (r == -E2BIG) {
			skip(c, path, r);
			r = 0;
		}
	}
	vd_names_done(&names);
	return r < 0 ? r : 0;
}

int vd_modconf_load(struct vd_sysfs *s, const char *moddir, struct vd_modconf *ret)
{
	/* libkmod's default_config_paths, in its order */
	static const char *const dirs[] = { "etc/modprobe.d", "run/modprobe.d",
					    "usr/local/lib/modprobe.d", "lib/modprobe.d" };
	struct vd_modconf c = { 0 };
	struct conf_files f = { 0 };
	char path[512];
	int r = 0;

	if (moddir &&
	    snprintf(path, sizeof(path), "%s/modules.softdep", moddir) < (int)sizeof(path))
		r = insert_sorted(&f, "modules.softdep", path, true);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && r >= 0; i++)
		r = list_dir(s, &c, dirs[i], &f);
	for (size_t i = 0; i < f.n && r >= 0; i++) {
		_cleanup_free_ char *text = NULL;
		int e = vd_sysfs_read_alloc(s, f.v[i].path, VD_MODCONF_FILE_MAX, &text, NULL);

		if (e < 0) {
			if (!(f.v[i].optional && e == -ENOENT))
				skip(&c, f.v[i].path, e);
			continue;
		}
		r = vd_modconf_parse(&c, text);
	}
	free(f.v);
	if (r < 0) {
		vd_modconf_done(&c);
		return r;
	}
	*ret = c;
	return 0;
}
