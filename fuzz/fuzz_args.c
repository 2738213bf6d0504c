/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz the command-line argument parsers: vd_parse_bdf (both forms), vd_parse_pci_id,
 * vd_parse_virtio_name, vd_virtio_type_by_name and vd_device_matches against a PCI and
 * an mmio device. An argument that passes must never be able to act as a path.
 */
#include <errno.h>
#include <stdio.h>

#include "fuzz.h"
#include "vd/model/model.h"
#include "vd/base/parse.h"

/*
 * "." and ".." may pass vd_device_matches (a platform device could be called that); they
 * are only ever compared with names read from sysfs, never joined into a path.
 */
static void no_path(const char *s)
{
	VD_FUZZ_ASSERT(!strchr(s, '/'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = vd_fuzz_str(data, size);
	struct vd_device pci = {
		.bus = VD_BUS_PCI,
		.name = "0000:00:04.0",
		.bdf = { 0, 0, 4, 0 },
		.have_id = true,
		.vendor = 0x1af4,
		.device = 0x1053,
		.type_id = 19,
		.path = "sys/devices/pci0000:00/0000:00:04.0",
		.pcidrv = "virtio-pci",
		.virtio = "virtio3",
		.vpath = "sys/devices/pci0000:00/0000:00:04.0/virtio3",
		.driver = "vmw_vsock_virtio_transport",
	};
	/* every string "", as VD_DEVICE_INIT leaves them: the model's strings are never NULL */
	struct vd_device mmio = {
		.bus = VD_BUS_PLATFORM,
		.name = "virtio-mmio.0",
		.type_id = -1,
		.path = "",
		.pcidrv = "",
		.virtio = "",
		.vpath = "",
		.driver = "",
	};
	struct vd_bdf b;
	uint16_t v, d;
	unsigned int n;
	int r;

	for (int allow_short = 0; allow_short < 2; allow_short++) {
		r = vd_parse_bdf(s, allow_short, &b);
		VD_FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ERANGE);
		if (r == 0) {
			char buf[32], *back = buf;
			struct vd_bdf b2;

			no_path(s);
			vd_bdf_format(&b, buf, sizeof(buf));
			VD_FUZZ_ASSERT(vd_parse_bdf(buf, false, &b2) == 0);
			VD_FUZZ_ASSERT(b.domain == b2.domain && b.bus == b2.bus &&
				       b.dev == b2.dev && b.func == b2.func);
			if (strlen(s) == 7)
				back += 5;
			VD_FUZZ_ASSERT(!strcasecmp(back, s));
		}
	}
	r = vd_parse_pci_id(s, &v, &d);
	VD_FUZZ_ASSERT(r == 0 || r == -EINVAL);
	if (r == 0) {
		no_path(s);
		VD_FUZZ_ASSERT(strcmp(s, ".") && strcmp(s, ".."));
	}
	r = vd_parse_virtio_name(s, &n);
	VD_FUZZ_ASSERT(r == 0 || r == -EINVAL);
	if (r == 0) {
		char buf[32];

		no_path(s);
		snprintf(buf, sizeof(buf), "virtio%u", n);
		VD_FUZZ_ASSERT(!strcmp(buf, s));
	}
	if (vd_virtio_type_by_name(s))
		no_path(s);

	r = vd_device_matches(&pci, s);
	VD_FUZZ_ASSERT(r == 0 || r == 1 || r == -EINVAL);
	if (r >= 0) {
		no_path(s);
		VD_FUZZ_ASSERT(strlen(s) >= 1 && strlen(s) <= 63);
		for (const char *p = s; *p; p++)
			VD_FUZZ_ASSERT(*p > 0x20 && *p < 0x7f);
	}
	VD_FUZZ_ASSERT(vd_device_matches(&mmio, s) == r ||
		       (r >= 0 && vd_device_matches(&mmio, s) >= 0));
	free(s);
	return 0;
}
