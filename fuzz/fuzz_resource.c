/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz vd_parse_resource_line: a PCI "resource" file, split into lines as evidence.c does */
#include <errno.h>

#include "fuzz.h"
#include "vd/base/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = vd_fuzz_str(data, size), *line, *save = NULL;
	struct vd_resource res;
	int r;

	/* the whole text as one line (the parser stops at '\n') */
	r = vd_parse_resource_line(text, &res);
	VD_FUZZ_ASSERT(r == 0 || r == -EINVAL);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		r = vd_parse_resource_line(line, &res);
		VD_FUZZ_ASSERT(r == 0 || r == -EINVAL);
	}
	free(text);
	return 0;
}
