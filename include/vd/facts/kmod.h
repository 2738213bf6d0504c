/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- kernel modules: libkmod on the live system, the tree's files under a sysroot */
#ifndef VD_KMOD_H
#define VD_KMOD_H

#include <stdbool.h>
#include <stddef.h>

#include "vd/facts/cmdline.h"
#include "vd/base/sysfs.h"

struct vd_kmod;

struct vd_module_info {
	char name[64];		  /* module name, underscores: "virtio_pci" */
	bool builtin;		  /* in modules.builtin (or sys/module/NAME without initstate) */
	bool loaded;		  /* sys/module/NAME/initstate is "live" */
	bool on_disk;		  /* modules.dep knows a path for it */
	char path[256];		  /* its .ko path, root-relative, if on disk */
	bool blacklisted;	  /* modprobe.d "blacklist" (KMOD_FILTER_BLACKLIST) */
	bool cmdline_blacklisted; /* module_blacklist= or modprobe.blacklist= */
	bool install_override;	  /* an "install" command replaces loading */
	char install_cmd[128];
};

/*
 * Module facts of the root. The live root: libkmod with its own defaults
 * (/lib/modules/$(uname -r), the usual modprobe.d, /proc/cmdline). Any other root: never
 * libkmod, which would open paths itself and follow links out of the tree; the tree's
 * lib/modules/<release>/modules.*.bin (release from proc/sys/kernel/osrelease) and its
 * etc/, run/, usr/local/lib/ and lib/modprobe.d are read through s and answered the way
 * libkmod does (kmodtree.c). Succeeds even without index files: then vd_kmod_has_index()
 * is false and lookups fall back to sys/module and (when the caller has it) the kernel
 * config. cmdline (may be NULL) is copied: module_blacklist= and modprobe.blacklist= there
 * set cmdline_blacklisted. s must outlive k. libkmod's log is captured, never printed.
 */
int vd_kmod_open(struct vd_sysfs *s, const struct vd_cmdline *cmdline, struct vd_kmod **ret);
void vd_kmod_free(struct vd_kmod *k);
bool vd_kmod_has_index(const struct vd_kmod *k);
/* Why there is no index: "no lib/modules/6.18.44 (libkmod: No such file ...)". */
const char *vd_kmod_index_problem(const struct vd_kmod *k);
const char *vd_kmod_release(const struct vd_kmod *k);
/* Under a sysroot: modprobe.d files that were named but not read, with why; else NULL. */
const char *vd_kmod_skipped_config(const struct vd_kmod *k);

/*
 * Modules a modalias resolves to ("virtio:d00000013v00001AF4"): 0 with *ret_n = 0 means
 * none claims it. Fills at most max entries.
 */
int vd_kmod_lookup_alias(struct vd_kmod *k, const char *modalias, struct vd_module_info *ret,
			 size_t max, size_t *ret_n);
/*
 * Everything known about one module by name ('-' and '_' alike); -ENOENT when libkmod's
 * indexes and sys/module know nothing of it.
 */
int vd_kmod_module(struct vd_kmod *k, const char *name, struct vd_module_info *ret);

/*
 * Load a module and its dependencies (KMOD_PROBE_APPLY_BLACKLIST when apply_blacklist).
 * Returns 0 when loaded or already live, -EPERM... from the kernel, -ENOENT when the module
 * does not exist in this kernel, -ECANCELED when the blacklist stopped it. With dry_run
 * nothing is loaded (KMOD_PROBE_DRY_RUN). Refuses (-EXDEV) under a root other than "/":
 * modules from a tree are never loaded into the running kernel.
 */
int vd_kmod_load(struct vd_kmod *k, const char *name, bool apply_blacklist, bool dry_run);

#endif
