/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz vd_pcicfg_parse: a config-space blob as the "config" attribute gives it. The input
 * is walked as it is (any length: 0..63 must give -ENODATA), then as a 256-byte and a
 * 4096-byte config space (zero-padded or cut), each in a buffer of exactly that size so
 * ASan sees any read past the end.
 */
#include <errno.h>

#include "fuzz.h"
#include "vd/facts/pcicfg.h"

static void walk(const uint8_t *cfg, size_t len)
{
	struct vd_pcicfg c;
	int r = vd_pcicfg_parse(cfg, len, &c);

	if (len < 64) {
		VD_FUZZ_ASSERT(r == -ENODATA);
		return;
	}
	VD_FUZZ_ASSERT(r == 0);
	VD_FUZZ_ASSERT(c.n_caps <= VD_PCICFG_MAX_CAPS && c.len == len);
	for (size_t i = 0; i < c.n_caps; i++) {
		VD_FUZZ_ASSERT(c.caps[i].pos >= 0x40 && c.caps[i].pos % 4 == 0);
		VD_FUZZ_ASSERT((size_t)c.caps[i].pos + 16 <= len);
		VD_FUZZ_ASSERT(vd_pcicfg_find(&c, c.caps[i].cfg_type) != NULL);
		(void)vd_virtio_cfg_type_name(c.caps[i].cfg_type);
	}
}

static void walk_sized(const uint8_t *data, size_t size, size_t len)
{
	uint8_t *buf = calloc(1, len);

	if (!buf)
		abort();
	memcpy(buf, data, size < len ? size : len);
	walk(buf, len);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *exact = malloc(size ? size : 1);

	if (!exact)
		abort();
	memcpy(exact, data, size);
	walk(exact, size);
	free(exact);
	walk_sized(data, size, 256);
	walk_sized(data, size, 4096);
	return 0;
}
