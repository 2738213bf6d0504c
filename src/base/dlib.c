/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- load a shared library on first use, not at every start */
#include <errno.h>
#include <stdio.h>

#include "vd/base/dlib.h"

#ifdef VD_STATIC
/* linked in: VD_DLIB_ADDR() has filled every slot already */
int vd_dlib_load(int *state, const char *soname, const char *const *names, void **const *slots,
		 size_t n, char *err, size_t errsz)
{
	if (state)
		*state = 0;
	return 0;
}
#else
#include <dlfcn.h>

static int load(const char *soname, const char *const *names, void **const *slots, size_t n,
		char *err, size_t errsz)
{
	/* the loader keeps one handle per library; a second dlopen only counts up */
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(err, errsz, "cannot load %s: %s", soname, dlerror());
		return -ENOENT;
	}
	for (size_t i = 0; i < n; i++) {
		*slots[i] = dlsym(h, names[i]);
		if (!*slots[i]) {
			snprintf(err, errsz, "%s has no %s", soname, names[i]);
			return -ENOENT;
		}
	}
	return 0;
}

int vd_dlib_load(int *state, const char *soname, const char *const *names, void **const *slots,
		 size_t n, char *err, size_t errsz)
{
	if (!state)
		return load(soname, names, slots, n, err, errsz);
	if (*state > 0)
		*state = load(soname, names, slots, n, err, errsz);
	else if (*state < 0)
		snprintf(err, errsz, "%s cannot be loaded", soname);
	return *state;
}
#endif
