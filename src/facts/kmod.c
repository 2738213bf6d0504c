/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor -- kernel modules: through libkmod on the live system, through our own
 * readers of the tree's indexes and modprobe.d under a sysroot (kmodtree.c); module state
 * through our sysfs layer
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <syslog.h>

#include <libkmod.h>

#include "vd/base/dlib.h"
#include "vd/base/strerror.h"
#include "vd/facts/kmod.h"
#include "vd/facts/kmodtree.h"

/*
 * libkmod's functions, resolved on first use (see vd/dlib.h). File scope: the loader's
 * state is per process anyway, and every call below goes through this table.
 */
/* clang-format off */
#define KMOD_SYMS(X) \
	X(kmod_list_next) X(kmod_config_get_blacklists) X(kmod_config_iter_free_iter) \
	X(kmod_config_iter_get_key) X(kmod_config_iter_next) X(kmod_get_dirname) \
	X(kmod_load_resources) X(kmod_module_apply_filter) \
	X(kmod_module_get_install_commands) X(kmod_module_get_module) \
	X(kmod_module_get_name) X(kmod_module_get_path) X(kmod_module_new_from_lookup) \
	X(kmod_module_new_from_name) X(kmod_module_new_from_name_lookup) \
	X(kmod_module_probe_insert_module) X(kmod_module_unref) \
	X(kmod_module_unref_list) X(kmod_new) X(kmod_set_log_fn) \
	X(kmod_set_log_priority) X(kmod_unref)
/* clang-format on */
static struct {
	KMOD_SYMS(VD_DLIB_SLOT)
} vd_dl;

/* kmod_list_foreach() is a macro over kmod_list_next() */
#undef kmod_list_foreach
#define kmod_list_foreach(e, first)                                                                \
	for ((e) = (first); (e); (e) = vd_dl.kmod_list_next((first), (e)))

static int load_libkmod(char *err, size_t errsz)
{
	static const char *const names[] = { KMOD_SYMS(VD_DLIB_NAME) };
	void **const slots[] = { KMOD_SYMS(VD_DLIB_ADDR) };
	static int state = 1;

	return vd_dlib_load(&state, "libkmod.so.2", names, slots, ARRAY_SIZE(names), err, errsz);
}

struct vd_kmod {
	struct vd_sysfs *s;
	struct kmod_ctx *ctx;
	struct vd_kmodtree *tree;   /* under a sysroot, instead of ctx */
	struct vd_cmdline *cmdline; /* our own copy; NULL when none was given */
	bool has_index;
	char release[128];
	char problem[512];
	char log[256]; /* libkmod's last error message */
};

static bool is_live(const struct vd_kmod *k)
{
	return vd_sysfs_is_live(k->s);
}

/* libkmod logs to stderr unless told otherwise; library code never prints. */
VD_PRINTF(6, 0)
static void log_capture(void *data, int priority, const char *file, int line, const char *fn,
			const char *format, va_list args)
{
	struct vd_kmod *k = data;
	size_t len;

	vsnprintf(k->log, sizeof(k->log), format, args);
	len = strlen(k->log);
	if (len && k->log[len - 1] == '\n')
		k->log[len - 1] = '\0';
}

/*
 * kmod_new() parses modprobe.d (and logs its complaints) before we can install our log
 * function. KMOD_LOG=0 (LOG_EMERG: libkmod logs nothing at that level) keeps it quiet for
 * that one call. The tool is single-threaded.
 */
static struct kmod_ctx *kmod_new_quiet(const char *dirname, const char *const *paths)
{
	_cleanup_free_ char *saved = NULL;
	const char *old = getenv("KMOD_LOG");
	struct kmod_ctx *ctx;

	if (old) {
		saved = strdup(old);
		if (!saved)
			return NULL;
	}
	setenv("KMOD_LOG", "0", 1);
	ctx = vd_dl.kmod_new(dirname, paths);
	if (saved)
		setenv("KMOD_LOG", saved, 1);
	else
		unsetenv("KMOD_LOG");
	return ctx;
}

static void module_name_normalize(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < size; i++)
		dst[i] = src[i] == '-' ? '_' : src[i];
	dst[i] = '\0';
}

/* The live system's module tree, through libkmod; 0 also when there is none to read. */
static int open_live(struct vd_kmod *k)
{
	char dir[192];
	int r;

	snprintf(dir, sizeof(dir), "lib/modules/%s", k->release);
	if (k->release[0]) {
		/*
		 * No lib/modules/RELEASE (a Firecracker or AVF guest whose kernel has its
		 * drivers built in): libkmod could find nothing there, and loading it and its
		 * libraries costs more than a whole scan. Said as for a tree.
		 */
		if (vd_sysfs_is_dir(k->s, dir) == -ENOENT) {
			snprintf(k->problem, sizeof(k->problem), "no %s", dir);
			return 0;
		}
	}
	if (load_libkmod(k->problem, sizeof(k->problem)) < 0)
		return 0; /* no libkmod: module facts come from sys/module and the kernel config */
	/* libkmod's defaults: /lib/modules/$(uname -r), the usual modprobe.d */
	k->ctx = kmod_new_quiet(NULL, NULL);
	if (!k->ctx)
		return -ENOMEM;
	vd_dl.kmod_set_log_fn(k->ctx, log_capture, k);
	vd_dl.kmod_set_log_priority(k->ctx, LOG_ERR);

	r = k->release[0] ? vd_dl.kmod_load_resources(k->ctx) : -ENOENT;
	if (r == 0) {
		k->has_index = true;
	} else if (k->release[0]) {
		int d = vd_sysfs_is_dir(k->s, dir);

		snprintf(k->problem, sizeof(k->problem), "%s %s (libkmod: %s)",
			 d == 1 ? "no module index in" : "no", dir, vd_strerror(r < 0 ? -r : EIO));
	}
	return 0;
}

int vd_kmod_open(struct vd_sysfs *s, const struct vd_cmdline *cmdline, struct vd_kmod **ret)
{
	struct vd_kmod *k;
	int r;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->s = s;
	if (cmdline) {
		r = vd_cmdline_parse(vd_cmdline_text(cmdline), &k->cmdline);
		if (r < 0)
			goto fail;
	}

	r = vd_sysfs_read(s, "proc/sys/kernel/osrelease", k->release, sizeof(k->release));
	if (r < 0 && is_live(k)) {
		struct utsname u;

		if (uname(&u) == 0)
			r = snprintf(k->release, sizeof(k->release), "%s", u.release);
	}
	if (r <= 0 || strchr(k->release, '/')) {
		k->release[0] = '\0';
		snprintf(k->problem, sizeof(k->problem),
			 "no proc/sys/kernel/osrelease: the kernel release is unknown");
		/* no release, no module tree to open; modprobe.d still helps */
	}

	if (!is_live(k)) {
		/* a tree: libkmod would leave it (links, /proc/cmdline); our readers do not */
		r = vd_kmodtree_open(s, k->release, &k->tree);
		if (r < 0)
			goto fail;
		k->has_index = vd_kmodtree_has_index(k->tree);
		if (!k->has_index)
			snprintf(k->problem, sizeof(k->problem), "%s",
				 vd_kmodtree_problem(k->tree));
		*ret = k;
		return 0;
	}
	r = open_live(k);
	if (r < 0)
		goto fail;
	*ret = k;
	return 0;
fail:
	vd_kmod_free(k);
	return r;
}

void vd_kmod_free(struct vd_kmod *k)
{
	if (!k)
		return;
	if (k->ctx)
		vd_dl.kmod_unref(k->ctx);
	vd_kmodtree_free(k->tree);
	vd_cmdline_free(k->cmdline);
	free(k);
}

bool vd_kmod_has_index(const struct vd_kmod *k)
{
	return k && k->has_index;
}

const char *vd_kmod_index_problem(const struct vd_kmod *k)
{
	return k && k->problem[0] ? k->problem : NULL;
}

const char *vd_kmod_skipped_config(const struct vd_kmod *k)
{
	return k ? vd_kmodtree_skipped(k->tree) : NULL;
}

const char *vd_kmod_release(const struct vd_kmod *k)
{
	return k ? k->release : "";
}

/*
 * sys/module/NAME, read through our layer (libkmod's initstate call hard-codes /sys):
 * 1 when the directory exists, with builtin/loaded set; 0 when it does not.
 */
static int sysfs_state(struct vd_kmod *k, const char *name, bool *builtin, bool *loaded)
{
	char path[128], state[32];
	int r;

	*builtin = *loaded = false;
	if (snprintf(path, sizeof(path), "sys/module/%s", name) >= (int)sizeof(path))
		return 0;
	if (vd_sysfs_is_dir(k->s, path) != 1)
		return 0;
	r = vd_sysfs_readf(k->s, state, sizeof(state), "sys/module/%s/initstate", name);
	/* built-in code with parameters or a version has a directory, no initstate */
	if (r == -ENOENT)
		*builtin = true;
	else if (r >= 0)
		*loaded = !strcmp(state, "live");
	return 1;
}

static bool cmdline_blacklisted(const struct vd_kmod *k, const char *name)
{
	return vd_cmdline_list_has(k->cmdline, "module_blacklist", name) ||
	       vd_cmdline_list_has(k->cmdline, "modprobe.blacklist", name);
}

/* Whether a module of that name is still in the list after the filter. */
static bool survives(struct vd_kmod *k, enum kmod_filter filter, const struct kmod_list *list,
		     const char *name)
{
	struct kmod_list *out = NULL, *l;
	bool found = false;

	if (vd_dl.kmod_module_apply_filter(k->ctx, filter, list, &out) < 0)
		return true; /* cannot tell: claim nothing */
	kmod_list_foreach(l, out)
	{
		struct kmod_module *m = vd_dl.kmod_module_get_module(l); /* a new reference */

		found = !strcmp(vd_dl.kmod_module_get_name(m), name);
		vd_dl.kmod_module_unref(m);
		if (found)
			break;
	}
	vd_dl.kmod_module_unref_list(out);
	return found;
}

/* modprobe.d "blacklist NAME", for a module the indexes do not know */
static bool config_blacklisted(struct vd_kmod *k, const char *name)
{
	struct kmod_config_iter *it = vd_dl.kmod_config_get_blacklists(k->ctx);
	bool found = false;

	if (!it)
		return false;
	while (!found && vd_dl.kmod_config_iter_next(it))
		found = !strcmp(vd_dl.kmod_config_iter_get_key(it), name);
	vd_dl.kmod_config_iter_free_iter(it);
	return found;
}

/*
 * The .ko path relative to the root ("lib/modules/6.1.0-56-amd64/kernel/..."). libkmod
 * answers with its own (absolute) module directory in front, whatever root we gave it.
 */
static void root_relative(const struct vd_kmod *k, const char *abs, char *buf, size_t size)
{
	const char *dir = vd_dl.kmod_get_dirname(k->ctx), *root = vd_sysfs_root(k->s);
	size_t dlen = dir ? strlen(dir) : 0, rlen = strlen(root);

	if (dlen && !strncmp(abs, dir, dlen) && abs[dlen] == '/') {
		snprintf(buf, size, "lib/modules/%s%s", k->release, abs + dlen);
		return;
	}
	/* an absolute path in modules.dep */
	while (rlen > 0 && root[rlen - 1] == '/')
		rlen--;
	if (rlen && !strncmp(abs, root, rlen) && abs[rlen] == '/')
		abs += rlen;
	while (*abs == '/')
		abs++;
	snprintf(buf, size, "%s", abs);
}

/*
 * Everything about one module. list (may be NULL) is the lookup result mod came from,
 * for the libkmod filters; without it the config is asked directly. Returns what
 * sysfs_state() said about sys/module/<info->name>.
 */
static int fill_info(struct vd_kmod *k, struct kmod_module *mod, const struct kmod_list *list,
		     struct vd_module_info *info)
{
	const char *name = vd_dl.kmod_module_get_name(mod), *path, *cmd;
	bool sys_builtin, sys_loaded;
	int in_sysfs;

	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", name);
	in_sysfs = sysfs_state(k, info->name, &sys_builtin, &sys_loaded);
	info->loaded = sys_loaded;
	info->builtin = sys_builtin;
	if (k->has_index) {
		path = vd_dl.kmod_module_get_path(mod);
		if (path && *path) {
			info->on_disk = true;
			root_relative(k, path, info->path, sizeof(info->path));
		}
		if (list && !survives(k, KMOD_FILTER_BUILTIN, list, name))
			info->builtin = true;
	}
	info->blacklisted = list ? !survives(k, KMOD_FILTER_BLACKLIST, list, name)
				 : config_blacklisted(k, name);
	info->cmdline_blacklisted = cmdline_blacklisted(k, name);
	cmd = vd_dl.kmod_module_get_install_commands(mod);
	if (cmd) {
		info->install_override = true;
		snprintf(info->install_cmd, sizeof(info->install_cmd), "%s", cmd);
	}
	return in_sysfs;
}

/* fill_info() for a tree: m came from a lookup when in_list, else from its name only */
static int tree_fill(struct vd_kmod *k, const struct vd_kmodtree_mod *m, bool in_list,
		     struct vd_module_info *info)
{
	bool sys_builtin, sys_loaded;
	const char *cmd;
	int in_sysfs;

	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", m->name);
	in_sysfs = sysfs_state(k, info->name, &sys_builtin, &sys_loaded);
	info->loaded = sys_loaded;
	info->builtin = sys_builtin;
	if (k->has_index) {
		info->on_disk = vd_kmodtree_path(k->tree, m->name, info->path, sizeof(info->path)) >
				0;
		if (in_list && (m->builtin || vd_kmodtree_is_builtin(k->tree, m->name)))
			info->builtin = true;
	}
	info->blacklisted = vd_kmodtree_blacklisted(k->tree, m->name);
	info->cmdline_blacklisted = cmdline_blacklisted(k, m->name);
	cmd = vd_kmodtree_install(k->tree, m->name, m->install_exact);
	if (cmd) {
		info->install_override = true;
		snprintf(info->install_cmd, sizeof(info->install_cmd), "%s", cmd);
	}
	return in_sysfs;
}

#define VD_KMOD_LOOKUP_MAX 32

static int tree_lookup_alias(struct vd_kmod *k, const char *modalias, struct vd_module_info *ret,
			     size_t max, size_t *ret_n)
{
	struct vd_kmodtree_mod mods[VD_KMOD_LOOKUP_MAX];
	size_t n = 0;
	int r;

	r = vd_kmodtree_lookup(k->tree, modalias, mods,
			       max < VD_KMOD_LOOKUP_MAX ? max : VD_KMOD_LOOKUP_MAX, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		tree_fill(k, &mods[i], true, &ret[i]);
	*ret_n = n;
	return 0;
}

/* vd_kmod_module() for a tree: the lookup's module of that name, else the name alone */
static int tree_module(struct vd_kmod *k, const char *norm, struct vd_module_info *ret)
{
	struct vd_kmodtree_mod mods[VD_KMOD_LOOKUP_MAX], *mod = NULL, byname = { 0 };
	struct vd_module_info info;
	bool sys_builtin, sys_loaded;
	size_t n = 0;
	int in_sysfs, r;

	if (k->has_index) {
		r = vd_kmodtree_lookup(k->tree, norm, mods, VD_KMOD_LOOKUP_MAX, &n);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n && !mod; i++)
			if (!strcmp(mods[i].name, norm))
				mod = &mods[i];
	}
	if (!mod)
		snprintf(byname.name, sizeof(byname.name), "%s", norm);
	in_sysfs = tree_fill(k, mod ? mod : &byname, mod != NULL, &info);
	if (strcmp(info.name, norm))
		in_sysfs = sysfs_state(k, norm, &sys_builtin, &sys_loaded);
	if (!in_sysfs && !info.on_disk && !info.builtin)
		return -ENOENT;
	*ret = info;
	return 0;
}

int vd_kmod_lookup_alias(struct vd_kmod *k, const char *modalias, struct vd_module_info *ret,
			 size_t max, size_t *ret_n)
{
	struct kmod_list *list = NULL, *l;
	size_t n = 0;
	int r;

	if (!k || !modalias || !ret_n || (max && !ret))
		return -EINVAL;
	/* no index: libkmod answers "nothing" for every alias; the caller has kconfig */
	if (!k->has_index) {
		*ret_n = 0;
		return 0;
	}
	if (k->tree)
		return tree_lookup_alias(k, modalias, ret, max, ret_n);
	r = vd_dl.kmod_module_new_from_lookup(k->ctx, modalias, &list);
	if (r < 0)
		return r;
	kmod_list_foreach(l, list)
	{
		struct kmod_module *m;

		if (n >= max)
			break;
		m = vd_dl.kmod_module_get_module(l);
		fill_info(k, m, list, &ret[n]);
		vd_dl.kmod_module_unref(m);
		n++;
	}
	vd_dl.kmod_module_unref_list(list);
	*ret_n = n;
	return 0;
}

int vd_kmod_module(struct vd_kmod *k, const char *name, struct vd_module_info *ret)
{
	struct vd_module_info info;
	struct kmod_list *list = NULL, *l;
	struct kmod_module *mod = NULL;
	char norm[64];
	bool sys_builtin, sys_loaded;
	int in_sysfs, r;

	if (!k || !name || !*name || !ret)
		return -EINVAL;
	if (strlen(name) >= sizeof(norm) || strchr(name, '/'))
		return -EINVAL;
	module_name_normalize(norm, sizeof(norm), name);

	if (k->tree)
		return tree_module(k, norm, ret);
	if (!k->ctx) {
		/* without libkmod only sys/module speaks */
		memset(&info, 0, sizeof(info));
		snprintf(info.name, sizeof(info.name), "%s", norm);
		if (!sysfs_state(k, norm, &info.builtin, &info.loaded))
			return -ENOENT;
		info.cmdline_blacklisted = cmdline_blacklisted(k, norm);
		*ret = info;
		return 0;
	}
	if (k->has_index) {
		r = vd_dl.kmod_module_new_from_lookup(k->ctx, norm, &list);
		if (r < 0)
			return r;
		kmod_list_foreach(l, list)
		{
			struct kmod_module *m = vd_dl.kmod_module_get_module(l);

			if (!strcmp(vd_dl.kmod_module_get_name(m), norm)) {
				mod = m;
				break;
			}
			vd_dl.kmod_module_unref(m);
		}
	}
	if (!mod) {
		vd_dl.kmod_module_unref_list(list);
		list = NULL;
		r = vd_dl.kmod_module_new_from_name(k->ctx, norm, &mod);
		if (r < 0)
			return r;
	}
	in_sysfs = fill_info(k, mod, list, &info);
	vd_dl.kmod_module_unref(mod);
	vd_dl.kmod_module_unref_list(list);

	/* fill_info() asked sys/module about libkmod's name for it: again only if different */
	if (strcmp(info.name, norm))
		in_sysfs = sysfs_state(k, norm, &sys_builtin, &sys_loaded);
	if (!in_sysfs && !info.on_disk && !info.builtin)
		return -ENOENT;
	*ret = info;
	return 0;
}

int vd_kmod_load(struct vd_kmod *k, const char *name, bool apply_blacklist, bool dry_run)
{
	struct kmod_module *mod = NULL;
	unsigned int flags = 0;
	bool builtin, loaded;
	char norm[64];
	int r;

	if (!k || !name || !*name)
		return -EINVAL;
	/* modules from a sysroot's tree are never loaded into the running kernel */
	if (!is_live(k))
		return -EXDEV;
	if (strlen(name) >= sizeof(norm) || strchr(name, '/'))
		return -EINVAL;
	module_name_normalize(norm, sizeof(norm), name);

	if (sysfs_state(k, norm, &builtin, &loaded) && (builtin || loaded))
		return 0;

	/* without indexes libkmod cannot find the .ko: nothing this kernel can load */
	if (!k->has_index)
		return -ENOENT;
	r = vd_dl.kmod_module_new_from_name_lookup(k->ctx, norm, &mod);
	if (r < 0)
		return r;
	if (!mod)
		return -ENOENT;

	if (apply_blacklist)
		flags |= KMOD_PROBE_APPLY_BLACKLIST;
	if (dry_run)
		flags |= KMOD_PROBE_DRY_RUN;
	r = vd_dl.kmod_module_probe_insert_module(mod, flags, NULL, NULL, NULL, NULL);
	vd_dl.kmod_module_unref(mod);
	/* a positive answer is the KMOD_PROBE_APPLY_BLACKLIST* rule that stopped it */
	if (r > 0)
		return -ECANCELED;
	return r;
}
