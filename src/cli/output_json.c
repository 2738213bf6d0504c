/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- a libsmartcols JSON table printed in the shape the documents promise */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
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

/*
 * libsmartcols 2.38 prints an array cell without data as [null] and leaves "children" out
 * of a line without any: print [] for both, the documented shape. Only these exact
 * patterns change (a string "null" is quoted), so a libsmartcols that prints [] itself
 * passes through untouched. Each line's newline is written when the next one comes, so
 * that a "," can still be added to it.
 */
static int print_fixed(FILE *out, const char *text, size_t size, bool no_children)
{
	const char *p = text, *end = text + size, *l, *l2, *l3;
	size_t n, n2, n3;

	while ((l = next_line(&p, end, &n))) {
		const char *save = p;

		if (n && l[n - 1] == '[' && (l2 = next_line(&p, end, &n2)) &&
		    line_is(l2, n2, "null") && (l3 = next_line(&p, end, &n3)) &&
		    line_is(l3, n3, "]")) {
			const char *close = memchr(l3, ']', n3);

			fprintf(out, "\n%.*s%.*s", (int)n, l, (int)(n3 - (size_t)(close - l3)),
				close);
			continue;
		}
		p = save;
		/* the machine's object closes at six spaces: a last key before it */
		if (no_children && n == 7 && !memcmp(l, "      }", 7))
			fputs(",\n         \"children\": []", out);
		if (l != text)
			fputc('\n', out);
		fwrite(l, 1, n, out);
	}
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}

int vd_output_json_table(FILE *out, struct libscols_table *tb, bool no_children)
{
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	int r;

	if (!mem)
		return -ENOMEM;
	scols_table_set_stream(tb, mem);
	r = scols_print_table(tb) < 0 ? -EIO : 0;
	if (fclose(mem) != 0 && r == 0)
		r = -ENOMEM;
	/* the text ends in "}\n": its last line is handled as a line of its own */
	if (r == 0)
		r = print_fixed(out, text, size && text[size - 1] == '\n' ? size - 1 : size,
				no_children);
	free(text);
	return r;
}
