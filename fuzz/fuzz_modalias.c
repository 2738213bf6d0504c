/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz vd_parse_pci_modalias and vd_parse_virtio_modalias: "modalias" attribute values */
#include <errno.h>
#include <stdio.h>

#include "fuzz.h"
#include "vd/base/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = vd_fuzz_str(data, size);
	struct vd_pci_modalias m;
	uint32_t d, v;
	int r;

	r = vd_parse_pci_modalias(s, &m);
	VD_FUZZ_ASSERT(r == 0 || r == -EINVAL);
	if (r == 0) {
		/* round trip: the kernel's format gives back the same numbers */
		char buf[128];
		struct vd_pci_modalias m2;

		snprintf(buf, sizeof(buf), "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", m.vendor,
			 m.device, m.subvendor, m.subdevice, m.base_class, m.sub_class, m.prog_if);
		VD_FUZZ_ASSERT(vd_parse_pci_modalias(buf, &m2) == 0);
		VD_FUZZ_ASSERT(m.vendor == m2.vendor && m.device == m2.device &&
			       m.subvendor == m2.subvendor && m.subdevice == m2.subdevice &&
			       m.base_class == m2.base_class && m.sub_class == m2.sub_class &&
			       m.prog_if == m2.prog_if);
		VD_FUZZ_ASSERT(strlen(s) == strlen(buf));
	}
	r = vd_parse_virtio_modalias(s, &d, &v);
	VD_FUZZ_ASSERT(r == 0 || r == -EINVAL);
	if (r == 0)
		VD_FUZZ_ASSERT(strlen(s) == strlen("virtio:d00000013v00001AF4"));
	free(s);
	return 0;
}
