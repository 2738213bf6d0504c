/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- a tree's module facts without libkmod: its indexes and modprobe.d */
#ifndef VD_KMODTREE_H
#define VD_KMODTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "vd/base/sysfs.h"

/*
 * Under --sysroot libkmod is never called: it opens paths itself (following links out of
 * the root, into FIFOs and devices) and reads this machine's /proc/cmdline. These answer
 * the same questions, the way libkmod 30 does, from lib/modules/RELEASE/modules.*.bin and
 * modprobe.d read through the root-confined layer.
 */
struct vd_kmodtree;

/*
 * The indexes of lib/modules/release (release "" when unknown). Succeeds without them:
 * then has_index is false and problem says why ("no lib/modules/6.1.0-56-amd64").
 */
int vd_kmodtree_open(struct vd_sysfs *s, const char *release, struct vd_kmodtree **ret);
void vd_kmodtree_free(struct vd_kmodtree *t);
bool vd_kmodtree_has_index(const struct vd_kmodtree *t);
const char *vd_kmodtree_problem(const struct vd_kmodtree *t);
/* modprobe.d files named but not read, "etc/modprobe.d/x.conf (Invalid argument), ...", or NULL */
const char *vd_kmodtree_skipped(const struct vd_kmodtree *t);

struct vd_kmodtree_mod {
	char name[64];
	bool builtin;	    /* found through modules.builtin(.alias).bin */
	bool install_exact; /* found through an "install NAME" line: that line is its command */
};

/*
 * kmod_module_new_from_lookup(): the modules an alias or a name resolves to, from the
 * first source that knows it (modprobe.d aliases, modules.dep, symbols, install/remove
 * commands, modules.alias, modules.builtin, modules.builtin.alias). Needs the index.
 * Fills at most max entries; *ret_n is the number filled.
 */
int vd_kmodtree_lookup(struct vd_kmodtree *t, const char *alias, struct vd_kmodtree_mod *ret,
		       size_t max, size_t *ret_n);
/* modules.builtin.bin knows name */
bool vd_kmodtree_is_builtin(struct vd_kmodtree *t, const char *name);
/* The .ko path, root-relative, from modules.dep.bin: 1 found, 0 not, -errno. */
int vd_kmodtree_path(struct vd_kmodtree *t, const char *name, char *buf, size_t size);
bool vd_kmodtree_blacklisted(const struct vd_kmodtree *t, const char *name);
/* The install command for name: the first "install" line naming it (exact) or matching it. */
const char *vd_kmodtree_install(const struct vd_kmodtree *t, const char *name, bool exact);

#endif
