/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- strings that live as long as the model that holds them */
#include <stdlib.h>
#include <string.h>

#include "vd/base/strpool.h"

/* 16 KiB holds the paths of about 200 devices; a longer string gets a chunk of its own. */
#define CHUNK_SIZE (16384 - 64)

struct vd_strchunk {
	struct vd_strchunk *next;
	size_t used, size;
	char data[];
};

const char *vd_strpool_add(struct vd_strpool *p, const char *s, size_t len)
{
	struct vd_strchunk *c = p->head;
	char *out;

	if (len >= CHUNK_SIZE / 4 || !c || c->size - c->used < len + 1) {
		size_t size = len + 1 > CHUNK_SIZE / 4 ? len + 1 : CHUNK_SIZE;

		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = size;
		/* an oversized string's own chunk goes second, so the open one stays in front */
		if (size != CHUNK_SIZE && p->head) {
			c->next = p->head->next;
			p->head->next = c;
		} else {
			c->next = p->head;
			p->head = c;
		}
	}
	out = c->data + c->used;
	memcpy(out, s, len);
	out[len] = '\0';
	c->used += len + 1;
	return out;
}

const char *vd_strpool_addz(struct vd_strpool *p, const char *s)
{
	return vd_strpool_add(p, s, strlen(s));
}

void vd_strpool_done(struct vd_strpool *p)
{
	while (p->head) {
		struct vd_strchunk *next = p->head->next;

		free(p->head);
		p->head = next;
	}
}
