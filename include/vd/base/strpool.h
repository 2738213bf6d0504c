/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- strings that live as long as the model that holds them */
#ifndef VD_STRPOOL_H
#define VD_STRPOOL_H

#include <stddef.h>

/*
 * An append-only pool: strings are copied into large chunks and freed all at once. A
 * scan of 4096 devices keeps two paths per device; a fixed 320-byte buffer for each was
 * most of the peak RSS, a malloc per string another 16 bytes of header apiece.
 */
struct vd_strchunk;

struct vd_strpool {
	struct vd_strchunk *head;
};

/* A copy of the first len bytes of s, NUL-terminated; NULL when memory runs out. */
const char *vd_strpool_add(struct vd_strpool *p, const char *s, size_t len);
const char *vd_strpool_addz(struct vd_strpool *p, const char *s);
void vd_strpool_done(struct vd_strpool *p);

#endif
