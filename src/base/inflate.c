/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- zlib's gzip inflate, loaded on first use */
#include <errno.h>

#include "vd/base/dlib.h"
#include "vd/base/inflate.h"
#include "vd/base/macro.h"

/* inflateInit2() is a macro over inflateInit2_(), which checks the header's version */
#define ZLIB_SYMS(X) X(inflateInit2_) X(inflate) X(inflateReset) X(inflateEnd)
static struct {
	ZLIB_SYMS(VD_DLIB_SLOT)
} vd_dl;

static int load_zlib(void)
{
	static const char *const names[] = { ZLIB_SYMS(VD_DLIB_NAME) };
	void **const slots[] = { ZLIB_SYMS(VD_DLIB_ADDR) };
	static int state = 1;
	char err[256];

	return vd_dlib_load(&state, "libz.so.1", names, slots, ARRAY_SIZE(names), err,
			    sizeof(err)) < 0
		       ? -ELIBACC
		       : 0;
}

int vd_inflate_init_gzip(z_stream *z)
{
	int r = load_zlib();

	if (r < 0)
		return r;
	return vd_dl.inflateInit2_(z, 16 + MAX_WBITS, ZLIB_VERSION, (int)sizeof(*z)) == Z_OK
		       ? 0
		       : -ENOMEM;
}

int vd_inflate(z_stream *z, int flush)
{
	return vd_dl.inflate(z, flush);
}

int vd_inflate_reset(z_stream *z)
{
	return vd_dl.inflateReset(z);
}

void vd_inflate_end(z_stream *z)
{
	vd_dl.inflateEnd(z);
}
