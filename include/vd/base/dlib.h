/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- load a shared library on first use, not at every start */
#ifndef VD_DLIB_H
#define VD_DLIB_H

#include <stddef.h>

/*
 * libkmod drags in libcrypto, libzstd and liblzma, libarchive drags in libxml2 and ICU:
 * linked normally they cost more start-up time than a whole scan. Like systemd, load
 * them with dlopen() when a command first needs them.
 *
 * Open soname and resolve names[i] into *slots[i]. Returns 0, or -ENOENT with a dlerror()
 * text in err. With state (the caller's, starting at 1), the first answer is kept there and
 * given again without another try; a kept failure says "SONAME cannot be loaded".
 */
int vd_dlib_load(int *state, const char *soname, const char *const *names, void **const *slots,
		 size_t n, char *err, size_t errsz);

/* A table of symbols named like the library's own functions, declared from its header. */
#define VD_DLIB_SLOT(sym) __typeof__(sym) *sym;
#define VD_DLIB_NAME(sym) #sym,
#ifdef VD_STATIC
/*
 * The static build (make static) links the libraries in and has no dlopen(): the same
 * table is filled with the linked symbols as the list of slots is built, and
 * vd_dlib_load() has nothing left to do. Callers are the same in both builds.
 */
#define VD_DLIB_ADDR(sym) (vd_dl.sym = &(sym), (void **)&vd_dl.sym),
#else
#define VD_DLIB_ADDR(sym) (void **)&vd_dl.sym,
#endif

#endif
