/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz vd_kconfig_parse and vd_kconfig_get: a kernel .config text (not NUL-terminated) */
#include <errno.h>

#include "fuzz.h"
#include "vd/facts/kconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const opts[] = { "VIRTIO_PCI",
					    "CONFIG_VIRTIO_PCI",
					    "VIRTIO_PCI_LEGACY",
					    "VIRTIO_MMIO",
					    "VHOST_VSOCK",
					    "VIRTIO_VSOCKETS",
					    "",
					    "CONFIG_",
					    "A",
					    "CONFIG_CONFIG_X" };
	/* an exact-size copy: the parser must respect len, not look for a NUL */
	char *text = malloc(size ? size : 1);
	struct vd_kconfig *k = NULL;
	int r;

	if (!text)
		abort();
	memcpy(text, data, size);
	r = vd_kconfig_parse(text, size, &k);
	VD_FUZZ_ASSERT(r == 0 || r == -EFBIG);
	if (r == 0) {
		for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
			char v = vd_kconfig_get(k, opts[i]);

			VD_FUZZ_ASSERT(v != '\0');
		}
		/* every option name in the input can be asked for */
		for (size_t i = 0; i + 7 < size; i++) {
			if (memcmp(text + i, "CONFIG_", 7))
				continue;
			size_t j = i + 7, n;
			char name[64];

			while (j < size && j - i < 60 &&
			       ((text[j] >= 'A' && text[j] <= 'Z') ||
				(text[j] >= '0' && text[j] <= '9') || text[j] == '_' ||
				(text[j] >= 'a' && text[j] <= 'z')))
				j++;
			n = j - i;
			memcpy(name, text + i, n);
			name[n] = '\0';
			VD_FUZZ_ASSERT(vd_kconfig_get(k, name) != '\0');
			VD_FUZZ_ASSERT(vd_kconfig_get(k, name + 7) != '\0');
		}
		vd_kconfig_free(k);
	}
	free(text);
	return 0;
}
