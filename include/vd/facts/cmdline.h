/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the kernel command line (/proc/cmdline), parsed like the kernel does */
#ifndef VD_CMDLINE_H
#define VD_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "vd/base/sysfs.h"

struct vd_cmdline;

int vd_cmdline_load(struct vd_sysfs *s, struct vd_cmdline **ret);
/* Pure: split like the kernel's next_arg() (double quotes group, "--" ends kernel args). */
int vd_cmdline_parse(const char *text, struct vd_cmdline **ret);
void vd_cmdline_free(struct vd_cmdline *c);

/* A bare flag ("noautodetect") or a key with any value ("pci=..."). */
bool vd_cmdline_has(const struct vd_cmdline *c, const char *key);
/* The value of the last key=value, or NULL. */
const char *vd_cmdline_value(const struct vd_cmdline *c, const char *key);
/*
 * Whether any key=a,b,c lists item (module_blacklist=, initcall_blacklist=,
 * modprobe.blacklist=, pci=nomsi). Module names compare with '-' and '_' as equal.
 */
bool vd_cmdline_list_has(const struct vd_cmdline *c, const char *key, const char *item);
/* The raw text (for evidence lines). */
const char *vd_cmdline_text(const struct vd_cmdline *c);

#endif
