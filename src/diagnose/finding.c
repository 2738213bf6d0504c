/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- a finding's lines: on the heap, each sized to what it holds */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

void vd_rule_add(struct vd_finding *f, char **lines, size_t *n, size_t width, const char *fmt, ...)
{
	char buf[VD_FINDING_EVIDENCE_MAX];
	va_list ap;

	if (*n >= VD_FINDING_LINES)
		return;
	/* cut where the fixed-width lines of before were cut: the output stays the same */
	if (width > sizeof(buf))
		width = sizeof(buf);
	va_start(ap, fmt);
	vsnprintf(buf, width, fmt, ap);
	va_end(ap);
	lines[*n] = strdup(buf);
	if (!lines[*n]) {
		f->enomem = true;
		return;
	}
	(*n)++;
}

static void free_lines(char **lines, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free(lines[i]);
	*n = 0;
}

void vd_finding_done(struct vd_finding *f)
{
	if (!f)
		return;
	free_lines(f->evidence, &f->n_evidence);
	free_lines(f->remedy, &f->n_remedy);
	free_lines(f->unchecked, &f->n_unchecked);
}

void vd_findings_free(struct vd_finding *findings, size_t n)
{
	if (!findings)
		return;
	for (size_t i = 0; i < n; i++)
		vd_finding_done(&findings[i]);
	free(findings);
}
