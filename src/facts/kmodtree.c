/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- a tree's module facts without libkmod: its indexes and modprobe.d */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/base/strerror.h"
#include "vd/facts/kmodtree.h"
#include "vd/facts/modconf.h"
#include "vd/facts/modidx.h"

/* modules.alias.bin of a distribution kernel is about 1.3 MB */
#define VD_MODIDX_FILE_MAX (64u << 20)

/* libkmod's index_files[], in its order; kmod_load_resources() needs all but builtin.alias */
enum {
	IDX_DEP,
	IDX_ALIAS,
	IDX_SYMBOL,
	IDX_BUILTIN_ALIAS,
	IDX_BUILTIN,
	IDX_N
};
static const char *const index_names[IDX_N] = {
	"modules.dep.bin",	     "modules.alias.bin",   "modules.symbols.bin",
	"modules.builtin.alias.bin", "modules.builtin.bin",
};

struct index {
	bool present; /* its header was checked at open */
	bool loaded;  /* read whole on first use */
	int err;
	char *buf;
	struct vd_modidx idx;
};

struct vd_kmodtree {
	struct vd_sysfs *s;
	char dir[192]; /* lib/modules/RELEASE */
	bool has_index;
	char problem[320];
	struct vd_modconf conf;
	struct index idx[IDX_N];
};

static int check_header(struct vd_kmodtree *t, int i)
{
	char path[256], hdr[12];
	struct vd_modidx x;
	int r;

	snprintf(path, sizeof(path), "%s/%s", t->dir, index_names[i]);
	r = vd_sysfs_read_bin(t->s, path, hdr, sizeof(hdr));
	if (r >= 0)
		r = vd_modidx_open(hdr, (size_t)r, &x) < 0 ? -EINVAL : 0;
	t->idx[i].present = r == 0;
	return r;
}

/* The whole index, read once when a lookup first needs it; NULL when it cannot be read. */
static const struct vd_modidx *index_get(struct vd_kmodtree *t, int i)
{
	struct index *x = &t->idx[i];
	char path[256];
	size_t len;

	if (!x->present)
		return NULL;
	if (!x->loaded) {
		x->loaded = true;
		snprintf(path, sizeof(path), "%s/%s", t->dir, index_names[i]);
		x->err = vd_sysfs_read_alloc(t->s, path, VD_MODIDX_FILE_MAX, &x->buf, &len);
		if (x->err == 0)
			x->err = vd_modidx_open(x->buf, len, &x->idx);
	}
	return x->err ? NULL : &x->idx;
}

int vd_kmodtree_open(struct vd_sysfs *s, const char *release, struct vd_kmodtree **ret)
{
	struct vd_kmodtree *t = calloc(1, sizeof(*t));
	int r = 0;

	if (!t)
		return -ENOMEM;
	t->s = s;
	if (release[0] &&
	    snprintf(t->dir, sizeof(t->dir), "lib/modules/%s", release) >= (int)sizeof(t->dir)) {
		free(t);
		return -ENAMETOOLONG;
	}
	r = vd_modconf_load(s, release[0] ? t->dir : NULL, &t->conf);
	if (r < 0) {
		free(t);
		return r;
	}
	if (!release[0]) {
		snprintf(t->problem, sizeof(t->problem),
			 "no proc/sys/kernel/osrelease: the kernel release is unknown");
	} else if (vd_sysfs_is_dir(s, t->dir) != 1) {
		snprintf(t->problem, sizeof(t->problem), "no %s", t->dir);
	} else {
		t->has_index = true;
		for (int i = 0; i < IDX_N; i++) {
			r = check_header(t, i);
			if (r < 0 && i != IDX_BUILTIN_ALIAS && t->has_index) {
				t->has_index = false;
				snprintf(t->problem, sizeof(t->problem),
					 "no module index in %s (%s: %s)", t->dir, index_names[i],
					 r == -EINVAL ? "not a module index" : vd_strerror(-r));
			}
		}
	}
	*ret = t;
	return 0;
}

void vd_kmodtree_free(struct vd_kmodtree *t)
{
	if (!t)
		return;
	for (int i = 0; i < IDX_N; i++)
		free(t->idx[i].buf);
	vd_modconf_done(&t->conf);
	free(t);
}

bool vd_kmodtree_has_index(const struct vd_kmodtree *t)
{
	return t && t->has_index;
}

const char *vd_kmodtree_problem(const struct vd_kmodtree *t)
{
	return t && t->problem[0] ? t->problem : NULL;
}

const char *vd_kmodtree_skipped(const struct vd_kmodtree *t)
{
	return t && t->conf.n_skipped ? t->conf.skipped : NULL;
}

/* libkmod's alias_normalize(): '-' to '_' outside [...]; a lone ']' or an open '[' is bad */
static int alias_normalize(const char *alias, char *buf, size_t size)
{
	size_t i;

	for (i = 0; alias[i]; i++) {
		if (i + 1 >= size)
			return -ENAMETOOLONG;
		if (alias[i] == ']')
			return -EINVAL;
		if (alias[i] == '[') {
			for (; alias[i] && alias[i] != ']'; i++) {
				if (i + 1 >= size)
					return -ENAMETOOLONG;
				buf[i] = alias[i];
			}
			if (!alias[i])
				return -EINVAL;
		}
		buf[i] = alias[i] == '-' ? '_' : alias[i];
	}
	buf[i] = '\0';
	return 0;
}

static void add(struct vd_kmodtree_mod *ret, size_t max, size_t *n, const char *name, bool builtin,
		bool install_exact)
{
	size_t len = strlen(name);

	/* no module name is that long (MODULE_NAME_LEN is 56): a cut one would be wrong */
	if (*n >= max || len >= sizeof(ret[*n].name))
		return;
	memcpy(ret[*n].name, name, len + 1);
	ret[*n].builtin = builtin;
	ret[*n].install_exact = install_exact;
	(*n)++;
}

/* modules.alias.bin and friends: every module whose alias pattern matches */
static int from_wild(struct vd_kmodtree *t, int i, const char *alias, bool builtin,
		     struct vd_kmodtree_mod *ret, size_t max, size_t *n)
{
	const struct vd_modidx *x = index_get(t, i);
	struct vd_modidx_value *v = NULL;
	size_t nv = 0;
	int r;

	if (!x)
		return 0; /* libkmod: an index it cannot open answers nothing */
	r = vd_modidx_searchwild(x, alias, &v, &nv);
	for (size_t k = 0; r == 0 && k < nv; k++)
		add(ret, max, n, v[k].value, builtin, false);
	free(v);
	return r;
}

static int from_config(struct vd_kmodtree *t, const char *alias, struct vd_kmodtree_mod *ret,
		       size_t max, size_t *n)
{
	const struct vd_modconf_list *l = &t->conf.aliases;

	for (size_t i = 0; i < l->n; i++)
		if (fnmatch(l->v[i].name, alias, 0) == 0)
			add(ret, max, n, l->v[i].value, false, false);
	return 0;
}

/* the first "install NAME" line, else the first "remove NAME" line, naming it exactly */
static void from_commands(struct vd_kmodtree *t, const char *alias, struct vd_kmodtree_mod *ret,
			  size_t max, size_t *n)
{
	const struct vd_modconf_list *ls[2] = { &t->conf.installs, &t->conf.removes };

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < ls[k]->n; i++)
			if (!strcmp(ls[k]->v[i].name, alias)) {
				add(ret, max, n, alias, false, k == 0);
				return;
			}
}

int vd_kmodtree_lookup(struct vd_kmodtree *t, const char *given, struct vd_kmodtree_mod *ret,
		       size_t max, size_t *ret_n)
{
	const struct vd_modidx *x;
	const char *line;
	char alias[1024];
	size_t n = 0;
	int r;

	*ret_n = 0;
	if (!t->has_index)
		return 0;
	r = alias_normalize(given, alias, sizeof(alias));
	if (r < 0)
		return r;
	/* kmod_module_new_from_lookup(): the first source with an answer is the answer */
	from_config(t, alias, ret, max, &n);
	if (!n && !strchr(alias, ':') && (x = index_get(t, IDX_DEP))) {
		r = vd_modidx_search(x, alias, &line);
		if (r < 0)
			return r;
		if (line)
			add(ret, max, &n, alias, false, false);
	}
	if (!n && !strncmp(alias, "symbol:", 7))
		r = from_wild(t, IDX_SYMBOL, alias, false, ret, max, &n);
	if (!n && r == 0)
		from_commands(t, alias, ret, max, &n);
	if (!n && r == 0)
		r = from_wild(t, IDX_ALIAS, alias, false, ret, max, &n);
	if (!n && r == 0 && vd_kmodtree_is_builtin(t, alias))
		add(ret, max, &n, alias, true, false);
	if (!n && r == 0)
		r = from_wild(t, IDX_BUILTIN_ALIAS, alias, true, ret, max, &n);
	if (r < 0)
		return r;
	*ret_n = n;
	return 0;
}

bool vd_kmodtree_is_builtin(struct vd_kmodtree *t, const char *name)
{
	const struct vd_modidx *x = index_get(t, IDX_BUILTIN);
	const char *line = NULL;

	return x && vd_modidx_search(x, name, &line) == 0 && line;
}

int vd_kmodtree_path(struct vd_kmodtree *t, const char *name, char *buf, size_t size)
{
	const struct vd_modidx *x = index_get(t, IDX_DEP);
	const char *line = NULL, *colon;
	size_t len;
	int r;

	if (!x)
		return 0;
	r = vd_modidx_search(x, name, &line);
	if (r < 0 || !line)
		return r;
	/* "kernel/drivers/virtio/virtio_pci.ko: dep dep": relative to the module directory */
	colon = strchr(line, ':');
	if (!colon)
		return 0;
	len = (size_t)(colon - line);
	if (line[0] == '/') {
		while (len && *line == '/')
			line++, len--;
		r = snprintf(buf, size, "%.*s", (int)len, line);
	} else {
		r = snprintf(buf, size, "%s/%.*s", t->dir, (int)len, line);
	}
	return r < 0 || (size_t)r >= size ? -ENAMETOOLONG : 1;
}

bool vd_kmodtree_blacklisted(const struct vd_kmodtree *t, const char *name)
{
	return vd_modconf_blacklisted(&t->conf, name);
}

const char *vd_kmodtree_install(const struct vd_kmodtree *t, const char *name, bool exact)
{
	const struct vd_modconf_list *l = &t->conf.installs;

	for (size_t i = 0; i < l->n; i++)
		if (exact ? !strcmp(l->v[i].name, name) : fnmatch(l->v[i].name, name, 0) == 0)
			return l->v[i].value;
	return NULL;
}
