/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- depmod's binary indexes (modules.*.bin), read from a buffer (pure) */
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vd/facts/modidx.h"

/* libkmod-index.c: the format facts */
#define INDEX_MAGIC 0xB007F457u
#define INDEX_VERSION_MAJOR 0x0002u
#define INDEX_NODE_PREFIX 0x80000000u
#define INDEX_NODE_VALUES 0x40000000u
#define INDEX_NODE_CHILDS 0x20000000u
#define INDEX_NODE_MASK 0x0FFFFFFFu

/* A real modules.alias.bin search visits some hundred nodes; a loop in a hostile file stops. */
#define VD_MODIDX_MAX_VISITS 200000
#define VD_MODIDX_MAX_VALUES 4096
#define VD_MODIDX_MAX_KEY 1024

struct node {
	const char *prefix;
	unsigned int first, last; /* children: first..last, none when first > last */
	const uint8_t *children;
	uint32_t n_values;
	size_t values; /* offset of the first value */
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A NUL-terminated string at off, inside the buffer; its length in *ret_len. */
static const char *string_at(const struct vd_modidx *x, size_t off, size_t *ret_len)
{
	const uint8_t *nul;

	if (off >= x->len)
		return NULL;
	nul = memchr(x->buf + off, '\0', x->len - off);
	if (!nul)
		return NULL;
	*ret_len = (size_t)(nul - (x->buf + off));
	return (const char *)x->buf + off;
}

/* 1 and the node, 0 for the null offset (no node), -EINVAL when it does not fit. */
static int read_node(const struct vd_modidx *x, uint32_t offset, struct node *ret)
{
	size_t p = offset & INDEX_NODE_MASK, len;
	struct node n = { .prefix = "", .first = 1, .last = 0 };

	if (p == 0)
		return 0;
	if (offset & INDEX_NODE_PREFIX) {
		n.prefix = string_at(x, p, &len);
		if (!n.prefix)
			return -EINVAL;
		p += len + 1;
	}
	if (offset & INDEX_NODE_CHILDS) {
		if (p + 2 > x->len)
			return -EINVAL;
		n.first = x->buf[p];
		n.last = x->buf[p + 1];
		if (n.last < n.first || p + 2 + 4 * (size_t)(n.last - n.first + 1) > x->len)
			return -EINVAL;
		n.children = x->buf + p + 2;
		p += 2 + 4 * (size_t)(n.last - n.first + 1);
	}
	if (offset & INDEX_NODE_VALUES) {
		if (p + 4 > x->len)
			return -EINVAL;
		n.n_values = be32(x->buf + p);
		n.values = p + 4;
	}
	*ret = n;
	return 1;
}

static int read_child(const struct vd_modidx *x, const struct node *n, unsigned char ch,
		      struct node *ret)
{
	if (ch < n->first || ch > n->last)
		return 0;
	return read_node(x, be32(n->children + 4 * (size_t)(ch - n->first)), ret);
}

int vd_modidx_open(const void *buf, size_t len, struct vd_modidx *ret)
{
	const uint8_t *b = buf;

	if (!buf || len < 12 || be32(b) != INDEX_MAGIC || be32(b + 4) >> 16 != INDEX_VERSION_MAJOR)
		return -EINVAL;
	*ret = (struct vd_modidx){ .buf = b, .len = len, .root = be32(b + 8) };
	return 0;
}

int vd_modidx_search(const struct vd_modidx *x, const char *key, const char **ret_value)
{
	struct node n;
	size_t i = 0, len;
	int r;

	*ret_value = NULL;
	r = read_node(x, x->root, &n);
	/* every step takes at least one character of key: it ends */
	while (r > 0) {
		for (size_t j = 0; n.prefix[j]; j++, i++)
			if (n.prefix[j] != key[i])
				return 0;
		if (key[i] == '\0') {
			if (n.n_values == 0)
				return 0;
			if (n.values + 4 > x->len ||
			    !(*ret_value = string_at(x, n.values + 4, &len)))
				return -EINVAL;
			return 0;
		}
		r = read_child(x, &n, (unsigned char)key[i++], &n);
	}
	return r;
}

struct wild {
	const struct vd_modidx *x;
	struct vd_modidx_value *v;
	size_t n, cap;
	unsigned long visits;
	int err;
	char pattern[VD_MODIDX_MAX_KEY];
	size_t plen;
};

/* libkmod's add_value(): before the first value of a higher or equal priority. */
static void add_values(struct wild *w, const struct node *n)
{
	size_t p = n->values, len;

	for (uint32_t i = 0; i < n->n_values && !w->err; i++) {
		struct vd_modidx_value v;
		size_t at;

		if (p + 4 > w->x->len) {
			w->err = -EINVAL;
			return;
		}
		v.priority = be32(w->x->buf + p);
		v.value = string_at(w->x, p + 4, &len);
		if (!v.value) {
			w->err = -EINVAL;
			return;
		}
		p += 4 + len + 1;
		if (w->n == w->cap) {
			struct vd_modidx_value *nv;

			if (w->cap >= VD_MODIDX_MAX_VALUES) {
				w->err = -E2BIG;
				return;
			}
			w->cap = w->cap ? w->cap * 2 : 8;
			nv = realloc(w->v, w->cap * sizeof(*nv));
			if (!nv) {
				w->err = -ENOMEM;
				return;
			}
			w->v = nv;
		}
		for (at = 0; at < w->n && w->v[at].priority < v.priority; at++)
			;
		memmove(w->v + at + 1, w->v + at, (w->n - at) * sizeof(*w->v));
		w->v[at] = v;
		w->n++;
	}
}

static bool push(struct wild *w, const char *s, size_t len)
{
	if (w->plen + len >= sizeof(w->pattern)) {
		w->err = -E2BIG;
		return false;
	}
	memcpy(w->pattern + w->plen, s, len);
	w->plen += len;
	w->pattern[w->plen] = '\0';
	return true;
}

static bool visit(struct wild *w)
{
	if (++w->visits > VD_MODIDX_MAX_VISITS && !w->err)
		w->err = -E2BIG;
	return !w->err;
}

/* A subtree below a wildcard: every key in it is a pattern for subkey. */
static void wild_all(struct wild *w, const struct node *n, size_t j, const char *subkey)
{
	size_t saved = w->plen;

	if (!visit(w) || !push(w, n->prefix + j, strlen(n->prefix + j)))
		return;
	for (unsigned int ch = n->first; ch <= n->last && !w->err; ch++) {
		struct node c;
		char cc = (char)ch;
		size_t before;
		int r = read_child(w->x, n, (unsigned char)ch, &c);

		if (r < 0)
			w->err = r;
		if (r <= 0)
			continue;
		before = w->plen;

		if (push(w, &cc, 1))
			wild_all(w, &c, 0, subkey);
		w->plen = before;
		w->pattern[w->plen] = '\0';
	}
	if (!w->err && n->n_values && fnmatch(w->pattern, subkey, 0) == 0)
		add_values(w, n);
	w->plen = saved;
	w->pattern[w->plen] = '\0';
}

/* Down the literal part of the trie, into every wildcard subtree on the way. */
static void wild_node(struct wild *w, struct node n, const char *key)
{
	static const char wildcards[] = "*?[";
	size_t i = 0;
	int r;

	for (;;) {
		struct node c;

		if (!visit(w))
			return;
		for (size_t j = 0; n.prefix[j]; j++) {
			if (strchr(wildcards, n.prefix[j])) {
				wild_all(w, &n, j, key + i + j);
				return;
			}
			if (n.prefix[j] != key[i + j])
				return;
		}
		i += strlen(n.prefix);
		for (size_t k = 0; k < 3 && !w->err; k++) {
			r = read_child(w->x, &n, (unsigned char)wildcards[k], &c);
			if (r < 0)
				w->err = r;
			if (r > 0 && push(w, &wildcards[k], 1)) {
				wild_all(w, &c, 0, key + i);
				w->plen = 0;
			}
		}
		if (w->err)
			return;
		if (key[i] == '\0') {
			add_values(w, &n);
			return;
		}
		r = read_child(w->x, &n, (unsigned char)key[i++], &c);
		if (r <= 0) {
			if (r < 0)
				w->err = r;
			return;
		}
		n = c;
	}
}

int vd_modidx_searchwild(const struct vd_modidx *x, const char *key, struct vd_modidx_value **ret,
			 size_t *ret_n)
{
	struct wild w = { .x = x };
	struct node root;
	int r;

	*ret = NULL;
	*ret_n = 0;
	r = read_node(x, x->root, &root);
	if (r <= 0)
		return r;
	wild_node(&w, root, key);
	if (w.err) {
		free(w.v);
		return w.err;
	}
	*ret = w.v;
	*ret_n = w.n;
	return 0;
}
