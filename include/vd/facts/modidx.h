/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- depmod's binary indexes (modules.*.bin), read from a buffer (pure) */
#ifndef VD_MODIDX_H
#define VD_MODIDX_H

#include <stddef.h>
#include <stdint.h>

/*
 * The trie depmod writes and libkmod reads (format 2: magic 0xB007F457, big-endian
 * offsets whose high bits say whether a node has a prefix, children and values). Every
 * offset and string is checked against the buffer, and a search visits a bounded number
 * of nodes, so a hostile file costs at most that and gives -EINVAL or -E2BIG.
 */
struct vd_modidx {
	const uint8_t *buf;
	size_t len;
	uint32_t root;
};

/* -EINVAL unless buf starts with the magic, major version 2 and a root offset. */
int vd_modidx_open(const void *buf, size_t len, struct vd_modidx *ret);

/*
 * Exact lookup of key, as libkmod's index_mm_search(): the node's first value (a pointer
 * into the buffer) in *ret_value, or NULL when key is not in the index. Returns 0 or
 * -EINVAL for a malformed index.
 */
int vd_modidx_search(const struct vd_modidx *x, const char *key, const char **ret_value);

struct vd_modidx_value {
	uint32_t priority;
	const char *value; /* into the buffer */
};

/*
 * Every value whose key, read as an fnmatch() pattern, matches key (modules.alias: "alias
 * virtio:d00000013v* vmw_vsock_virtio_transport"), in libkmod's order (index_mm_searchwild:
 * sorted by priority). *ret is malloc'ed (free it), *ret_n its length. -E2BIG when the
 * search would visit too many nodes or return too many values, -EINVAL for a malformed
 * index, -ENOMEM.
 */
int vd_modidx_searchwild(const struct vd_modidx *x, const char *key, struct vd_modidx_value **ret,
			 size_t *ret_n);

#endif
