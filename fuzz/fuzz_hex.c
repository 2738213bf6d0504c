/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz vd_parse_hex: vendor, device, class, revision, status attribute values */
#include <errno.h>

#include "fuzz.h"
#include "vd/base/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t maxes[] = { 0xff, 0xffff, 0xffffff, 0xffffffff };
	char *s = vd_fuzz_str(data, size);

	for (size_t i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
		uint32_t v = 0xdeadbeef;
		int r = vd_parse_hex(s, maxes[i], &v);

		VD_FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ERANGE);
		if (r == 0)
			VD_FUZZ_ASSERT(v <= maxes[i] && s[0] == '0' && s[size > 1 ? 1 : 0] != '\0');
		else
			VD_FUZZ_ASSERT(v == 0xdeadbeef); /* output touched only on success */
	}
	free(s);
	return 0;
}
