/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz vd_klog_match: one kernel-log message (dmesg text or the text of a kmsg record) */
#include <errno.h>

#include "fuzz.h"
#include "vd/facts/klog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = vd_fuzz_str(data, size);
	struct vd_klog_event ev;
	int r = vd_klog_match(s, &ev);

	VD_FUZZ_ASSERT(r == 0 || r == 1);
	VD_FUZZ_ASSERT((r == 1) == (ev.kind != VD_KLOG_NONE));
	VD_FUZZ_ASSERT((unsigned)ev.kind < _VD_KLOG_KIND_MAX);
	VD_FUZZ_ASSERT(vd_klog_kind_name(ev.kind) != NULL);
	VD_FUZZ_ASSERT(memchr(ev.device, '\0', sizeof(ev.device)) != NULL);
	VD_FUZZ_ASSERT(memchr(ev.driver, '\0', sizeof(ev.driver)) != NULL);
	if (r == 1)
		VD_FUZZ_ASSERT(ev.device[0] != '\0');
	free(s);
	return 0;
}
