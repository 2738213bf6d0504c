/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- a libsmartcols JSON table printed in the shape the documents promise */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "vd/cli/output.h"

/* The next line of text (without its '\n'), or NULL at the end. */
static const char *next_line(const char **p, const char *end, size_t *ret_len)
{
	const char *s = *p, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	*ret_len = nl ? (size_t)(nl - s) : (size_t)(end - s);
	*p = nl ? nl + 1 : end;
	return s;
}

/* The line, indentation aside, is what (or, for "]", starts with it: "]," too). */
static bool line_is(const char *s, size_t len, const char *what)
{
	size_t w = strlen(what);

	while (len && *s == ' ')
		s++, len--;
	return len >= w && !memcmp(s, what, w) && (len == w || !strcmp(what, "]"));
}

/* The text libsmartcols writes, fixed on its way to out a few lines at a time. */
struct json_fixer {
	FILE *out;
	bool no_children;
	/* a line was written: the next one starts with its '\n' */
	bool started;
	/* what is not yet written: a line without its '\n', or a "[" line and what follows */
	char *text;
	size_t len, cap;
};

/*
 * libsmartcols 2.38 prints an array cell without data as [null] and leaves "children" out
 * of a line without any: print [] for both, the documented shape. Only these exact
 * patterns change (a string "null" is quoted), so a libsmartcols that prints [] itself
 * passes through untouched. Each line's newline is written when the next one comes, so
 * that a "," can still be added to it. Until the text is final, a line is taken only
 * when it is whole, and a "[" line only with the two after it. The bytes taken.
 */
static size_t fix_lines(struct json_fixer *f, bool final)
{
	const char *text = f->text, *p = text, *end = text + f->len, *l, *l2, *l3;
	size_t n, n2, n3;

	while ((l = next_line(&p, end, &n))) {
		const char *save = p;
		bool whole = l + n < end;

		if (!final && !whole)
			return (size_t)(l - text);
		if (n && l[n - 1] == '[') {
			l2 = next_line(&p, end, &n2);
			l3 = l2 ? next_line(&p, end, &n3) : NULL;
			if (!final && (!l3 || l3 + n3 == end))
				return (size_t)(l - text);
			if (l3 && line_is(l2, n2, "null") && line_is(l3, n3, "]")) {
				const char *close = memchr(l3, ']', n3);

				fprintf(f->out, "\n%.*s%.*s", (int)n, l,
					(int)(n3 - (size_t)(close - l3)), close);
				f->started = true;
				continue;
			}
		}
		p = save;
		/* the machine's object closes at six spaces: a last key before it */
		if (f->no_children && n == 7 && !memcmp(l, "      }", 7))
			fputs(",\n         \"children\": []", f->out);
		if (f->started)
			fputc('\n', f->out);
		fwrite(l, 1, n, f->out);
		f->started = true;
	}
	return (size_t)(p - text);
}

/* fopencookie()'s write: the chunk kept, and every line that can be fixed written. */
static ssize_t fixer_write(void *cookie, const char *buf, size_t size)
{
	struct json_fixer *f = cookie;
	size_t done;

	if (f->len + size > f->cap) {
		size_t cap = (f->len + size) * 2;
		char *text = realloc(f->text, cap);

		if (!text)
			return -1;
		f->text = text;
		f->cap = cap;
	}
	memcpy(f->text + f->len, buf, size);
	f->len += size;
	done = fix_lines(f, false);
	memmove(f->text, f->text + done, f->len - done);
	f->len -= done;
	return ferror(f->out) ? -1 : (ssize_t)size;
}

/*
 * libsmartcols writes into a stream that fixes the text as it comes: no copy of the
 * whole document (6 MB for 4,096 functions) grows by reallocation and is read again.
 */
int vd_output_json_table(FILE *out, struct libscols_table *tb, bool no_children)
{
	struct json_fixer f = { .out = out, .no_children = no_children };
	cookie_io_functions_t io = { .write = fixer_write };
	FILE *fixer = fopencookie(&f, "w", io);
	int r;

	if (!fixer)
		return -ENOMEM;
	/* only this thread writes it: libsmartcols' fputc() per character then takes no lock */
	__fsetlocking(fixer, FSETLOCKING_BYCALLER);
	scols_table_set_stream(tb, fixer);
	r = scols_print_table(tb) < 0 ? -EIO : 0;
	if (fclose(fixer) != 0 && r == 0)
		r = -EIO;
	/* the text ends in "}\n": its last line is handled as a line of its own */
	if (r == 0) {
		if (f.len && f.text[f.len - 1] == '\n')
			f.len--;
		fix_lines(&f, true);
		fputc('\n', out);
		r = ferror(out) ? -EIO : 0;
	}
	free(f.text);
	return r;
}
