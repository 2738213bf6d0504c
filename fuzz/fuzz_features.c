/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz vd_parse_features: the virtio "features" attribute (64 or 128 '0'/'1') */
#include <errno.h>

#include "fuzz.h"
#include "vd/base/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = vd_fuzz_str(data, size);
	uint64_t f[2] = { 1, 2 };
	unsigned int n = 12345;
	int r = vd_parse_features(s, f, &n);

	VD_FUZZ_ASSERT(r == 0 || r == -EINVAL);
	if (r == 0) {
		VD_FUZZ_ASSERT(n >= 1 && n <= 128 && n == strlen(s));
		for (unsigned int b = 0; b < 130; b++)
			VD_FUZZ_ASSERT(vd_feature_has(f, b) == (b < n && s[b] == '1'));
	} else {
		VD_FUZZ_ASSERT(f[0] == 1 && f[1] == 2 && n == 12345);
	}
	free(s);
	return 0;
}
