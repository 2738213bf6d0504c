/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- replace a file whole: a reader sees the old one or the new one */
#ifndef VD_TEXTFILE_H
#define VD_TEXTFILE_H

#include <stddef.h>

/*
 * Write data to dir/name the way node_exporter's textfile collector wants it: into a new
 * temporary file in dir (".name.tmp-PID-N": no reader takes it for a *.prom file), fsync,
 * then rename() over name. On any failure the temporary file is removed and name is left
 * as it was. name is a plain file name (no '/'). Returns 0 or -errno.
 */
int vd_textfile_write(const char *dir, const char *name, const void *data, size_t len);

#endif
