/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- kernel configuration: /proc/config.gz (zlib) or /boot/config-RELEASE */
#ifndef VD_KCONFIG_H
#define VD_KCONFIG_H

#include <stddef.h>

#include "vd/base/sysfs.h"

struct vd_kconfig;

/*
 * Load the running kernel's configuration under the root: proc/config.gz first (read
 * through the sysfs layer, inflated in memory, at most 8 MiB of text), then
 * boot/config-<release> (release from proc/sys/kernel/osrelease). -ENOENT when neither
 * exists; -EBADMSG (corrupt or truncated gzip) or -EFBIG when config.gz is unusable and
 * there is no boot/config to fall back on. ret_source (optional) gets the root-relative
 * file used.
 */
int vd_kconfig_load(struct vd_sysfs *s, struct vd_kconfig **ret, char *ret_source,
		    size_t source_size);
/*
 * Parse a config text already in memory (pure; for tests and fuzzing): "CONFIG_X=value"
 * and "# CONFIG_X is not set" lines, anything else skipped; the last assignment wins.
 * -EFBIG over 8 MiB.
 */
int vd_kconfig_parse(const char *text, size_t len, struct vd_kconfig **ret);
void vd_kconfig_free(struct vd_kconfig *k);

/*
 * The value of an option given without "CONFIG_" (the prefix is tolerated): 'y', 'm',
 * 'n' ("is not set" or absent), or the first character of the value for string ('"')
 * and int/hex options.
 */
char vd_kconfig_get(const struct vd_kconfig *k, const char *option);

#endif
