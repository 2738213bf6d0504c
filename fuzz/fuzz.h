/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor fuzz targets -- shared helpers */
#ifndef VD_FUZZ_H
#define VD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a C string, the way a sysfs read or argv hands it over: cut at a NUL. */
static inline char *vd_fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Stop the fuzzer on a broken promise: libFuzzer reports it as a crash. */
#define VD_FUZZ_ASSERT(cond)                                                                       \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

#endif
