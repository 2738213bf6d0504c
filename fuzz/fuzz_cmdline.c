/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz vd_cmdline_parse and its queries: a /proc/cmdline. The queries are the ones
 * evidence.c asks, plus keys and items taken from the input itself.
 */
#include <errno.h>

#include "fuzz.h"
#include "vd/facts/cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "initcall_blacklist",
					    "module_blacklist",
					    "modprobe.blacklist",
					    "pci",
					    "noautodetect",
					    "--",
					    "",
					    "=" };
	char *s = vd_fuzz_str(data, size);
	struct vd_cmdline *c = NULL;
	const char *text, *v;
	int r = vd_cmdline_parse(s, &c);

	VD_FUZZ_ASSERT(r == 0 || r == -EFBIG);
	if (r < 0)
		goto out;
	text = vd_cmdline_text(c);
	VD_FUZZ_ASSERT(text && strlen(text) <= strlen(s));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		(void)vd_cmdline_has(c, keys[i]);
		v = vd_cmdline_value(c, keys[i]);
		if (v)
			(void)strlen(v);
		(void)vd_cmdline_list_has(c, keys[i], "virtio_pci_driver_init");
		(void)vd_cmdline_list_has(c, keys[i], "virtio-pci");
		(void)vd_cmdline_list_has(c, keys[i], "nomsi");
		(void)vd_cmdline_list_has(c, keys[i], "");
	}
	/* the input's first and last words as key and item */
	{
		const char *sp = strchr(s, ' ');
		char *first = strndup(s, sp ? (size_t)(sp - s) : strlen(s));
		const char *last = strrchr(s, ' ');

		if (!first)
			abort();
		(void)vd_cmdline_has(c, first);
		(void)vd_cmdline_value(c, first);
		(void)vd_cmdline_list_has(c, first, last ? last + 1 : s);
		free(first);
	}
	vd_cmdline_free(c);
out:
	/* NULL handling is part of the contract */
	VD_FUZZ_ASSERT(vd_cmdline_parse(NULL, &c) == -EINVAL);
	VD_FUZZ_ASSERT(!vd_cmdline_has(NULL, "x") && !vd_cmdline_value(NULL, "x"));
	free(s);
	return 0;
}
