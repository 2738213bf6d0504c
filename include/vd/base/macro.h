/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- small helpers shared by every module */
#ifndef VD_MACRO_H
#define VD_MACRO_H

#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void vd_freep(void *p)
{
	free(*(void **)p);
}

static inline void vd_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(vd_freep)
#define _cleanup_close_ _cleanup_(vd_closep)

/* Hand a cleanup-owned pointer to someone else. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _tp = (p);                                                           \
		(p) = NULL;                                                                        \
		_tp;                                                                               \
	})

#define VD_PRINTF(a, b) __attribute__((format(printf, a, b)))

#endif
