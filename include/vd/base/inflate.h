/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- zlib's gzip inflate, loaded on first use */
#ifndef VD_INFLATE_H
#define VD_INFLATE_H

#include <zlib.h>

/*
 * Only a kernel config in /proc/config.gz and a bundle need zlib, and a scan needs
 * neither: linked in, the library cost every start about 6% of a live scan. These are
 * zlib's inflateInit2(z, 16 + MAX_WBITS) (gzip), inflate(), inflateReset() and
 * inflateEnd(); vd_inflate_init_gzip() returns 0, -ENOMEM, or -ELIBACC when libz.so.1
 * cannot be loaded. The others are only called after it succeeded.
 */
int vd_inflate_init_gzip(z_stream *z);
int vd_inflate(z_stream *z, int flush);
int vd_inflate_reset(z_stream *z);
void vd_inflate_end(z_stream *z);

#endif
