/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- modprobe.d under a root, parsed as libkmod does, read through our layer */
#ifndef VD_MODCONF_H
#define VD_MODCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "vd/base/sysfs.h"

/* One "alias PATTERN MODULE", "blacklist MODULE", "install MODULE CMD" or "remove ...". */
struct vd_modconf_entry {
	char *name;  /* alias pattern, or module name (underscores) */
	char *value; /* module of an alias, command of install/remove, NULL for blacklist */
};

struct vd_modconf_list {
	struct vd_modconf_entry *v;
	size_t n, cap;
};

struct vd_modconf {
	struct vd_modconf_list aliases, blacklists, installs, removes;
	/* files that were named but not read ("etc/modprobe.d/x.conf: not a regular file") */
	char skipped[512];
	size_t n_skipped;
};

/*
 * Parse one file's text (NUL-terminated) into c, as libkmod's kmod_config_parse(): '#'
 * comments, a backslash joins the next line, '-' in names becomes '_' (not inside [...]),
 * a bad line is ignored. options and softdep lines carry nothing the diagnosis reads and
 * are skipped. Returns 0 or -ENOMEM.
 */
int vd_modconf_parse(struct vd_modconf *c, const char *text);

/*
 * Every configuration file libkmod would read for this root: moddir/modules.softdep (when
 * moddir is not NULL), then the *.conf and *.alias files of etc/, run/, usr/local/lib/
 * and lib/modprobe.d in name order, a name already seen in an earlier directory hiding a
 * later one. Each is read through s, so links resolve inside the root and only regular
 * files are read (at most VD_MODCONF_FILE_MAX bytes each); what could not be read is
 * counted and named in skipped. Returns 0 or -ENOMEM.
 */
#define VD_MODCONF_FILE_MAX (1 << 20)
#define VD_MODCONF_FILES_MAX 1024
int vd_modconf_load(struct vd_sysfs *s, const char *moddir, struct vd_modconf *ret);
void vd_modconf_done(struct vd_modconf *c);

/* Whether "blacklist name" is in c. */
bool vd_modconf_blacklisted(const struct vd_modconf *c, const char *name);

#endif
