/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- how a snapshot copies: links kept as links, paths kept in the root, the manifest */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_snap.h"
#include "vd/base/strerror.h"

void vd_snap_note(struct snap *sn, const char *fmt, ...)
{
	char line[1200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (sn->mlen + (size_t)n + 2 > sn->mcap) {
		size_t cap = (sn->mcap + (size_t)n + 2) * 2;
		char *nm = realloc(sn->manifest, cap);

		if (!nm)
			return;
		sn->manifest = nm;
		sn->mcap = cap;
	}
	memcpy(sn->manifest + sn->mlen, line, (size_t)n);
	sn->mlen += (size_t)n;
	sn->manifest[sn->mlen++] = '\n';
}

void vd_snap_err(struct snap *sn, int r)
{
	if (r < 0 && !sn->w->error)
		sn->w->error = r;
}

/*
 * What a bundle collects. A link whose target leaves it (modprobe.d/x.conf -> /root/secret)
 * is kept as the link it is and not followed: the bundle never carries a file from
 * elsewhere on the customer's machine.
 */
static const char *const collected_exact[] = {
	"proc/cmdline",
	"proc/sys/kernel/osrelease",
	"proc/config.gz",
};
static const char *const collected_under[] = {
	"sys/bus/",	   "sys/devices/",     "sys/module/",	      "sys/class/",
	"lib/modules/",	   "usr/lib/modules/", "boot/config-",	      "etc/modprobe.d/",
	"lib/modprobe.d/", "run/modprobe.d/",  "usr/lib/modprobe.d/",
};

/* 1 inside what a bundle collects, or a directory on the way there ("usr/lib"); else 0 */
static bool collected(const char *p)
{
	size_t len = strlen(p);

	for (size_t i = 0; i < sizeof(collected_exact) / sizeof(collected_exact[0]); i++) {
		const char *c = collected_exact[i];

		if (!strcmp(p, c) || (!strncmp(c, p, len) && c[len] == '/'))
			return true;
	}
	for (size_t i = 0; i < sizeof(collected_under) / sizeof(collected_under[0]); i++) {
		const char *c = collected_under[i];
		size_t cl = strlen(c);

		if (!strncmp(p, c, cl) || (len < cl && !strncmp(c, p, len) && c[len] == '/') ||
		    (len + 1 == cl && !strncmp(c, p, len)))
			return true;
	}
	return false;
}

/* Write the directories leading to a canonical path. */
void vd_snap_add_parents(struct snap *sn, const char *path)
{
	char buf[1024];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return;
	memcpy(buf, path, len + 1);
	for (char *p = buf; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (vd_bundle_pathset_add(&sn->done, buf) == 1) {
			vd_snap_err(sn, sn->w->dir(sn->w, buf));
			vd_snap_note(sn, "d %s", buf);
		}
		*p = '/';
	}
}

/* A link as the link it is; what it points to is copied where that matters. */
void vd_snap_copy_link(struct snap *sn, const char *path)
{
	char target[1024];

	if (vd_bundle_pathset_add(&sn->done, path) != 1 ||
	    vd_sysfs_readlink(sn->s, path, target, sizeof(target)) < 0)
		return;
	vd_snap_err(sn, sn->w->link(sn->w, path, target));
	vd_snap_note(sn, "l %s -> %s", path, target);
}

/*
 * The path with every symlink on the way resolved (lexically, inside the root), and each
 * of those links written as a link: a tar entry under a link's name would be wrong.
 */
int vd_snap_canonical(struct snap *sn, const char *path, char *out, size_t size, int depth)
{
	char cur[1024] = "", cand[1024];
	const char *p = path;

	if (depth > MAX_LINK_DEPTH)
		return -ELOOP;
	while (*p == '/')
		p++;
	while (*p) {
		const char *end = strchrnul(p, '/');
		int k;

		if ((size_t)snprintf(cand, sizeof(cand), "%s%s%.*s", cur, *cur ? "/" : "",
				     (int)(end - p), p) >= sizeof(cand))
			return -ENAMETOOLONG;
		k = vd_sysfs_kind(sn->s, cand);
		if (k == 'l') {
			char target[1024], resolved[1024];
			int r;

			if (vd_sysfs_readlink(sn->s, cand, target, sizeof(target)) < 0 ||
			    vd_sysfs_link_path(sn->s, cand, resolved, sizeof(resolved)) < 0)
				return -EINVAL;
			vd_snap_add_parents(sn, cand);
			vd_snap_copy_link(sn, cand);
			if (!collected(resolved)) {
				vd_snap_note(
					sn,
					"# not followed: %s (it leads out of what a bundle collects)",
					cand);
				return -EXDEV;
			}
			r = vd_snap_canonical(sn, resolved, cur, sizeof(cur), depth + 1);
			if (r < 0)
				return r;
		} else {
			snprintf(cur, sizeof(cur), "%s", cand);
		}
		p = *end ? end + 1 : end;
	}
	if (strlen(cur) >= size)
		return -ENAMETOOLONG;
	strcpy(out, cur);
	return 0;
}

/* snapshot --redact: the command line, and the modprobe.d files (addresses, host name) */
static bool is_redacted(const char *canon)
{
	return !strcmp(canon, "proc/cmdline") || strstr(canon, "modprobe.d/") ||
	       strstr(canon, "/mountinfo");
}

int vd_snap_redact(struct snap *sn, const char *canon, char **data, size_t *len)
{
	char *m;

	if (!is_redacted(canon))
		return 0;
	m = !strcmp(canon, "proc/cmdline") ? vd_redact_cmdline(sn->red, *data)
					   : vd_redact_text(sn->red, *data);
	if (!m)
		return -ENOMEM;
	free(*data);
	*data = m;
	*len = strlen(m);
	return 0;
}

/* Copy one file (or a link, or an empty directory) found at path. */
void vd_snap_copy(struct snap *sn, const char *path)
{
	char canon[1024];
	char *data = NULL;
	size_t len = 0;
	int k, r;

	if (vd_snap_canonical(sn, path, canon, sizeof(canon), 0) < 0 || !canon[0])
		return;
	k = vd_sysfs_kind(sn->s, canon);
	if (k < 0 || vd_bundle_pathset_add(&sn->done, canon) != 1)
		return;
	vd_snap_add_parents(sn, canon);
	if (k == 'd') {
		vd_snap_err(sn, sn->w->dir(sn->w, canon));
		vd_snap_note(sn, "d %s", canon);
		return;
	}
	if (k != 'f')
		return;
	r = vd_sysfs_read_alloc(sn->s, canon, MAX_FILE, &data, &len);
	if (r < 0) {
		/*
		 * Write-only attributes (bind, new_id, ...) read as EACCES or EIO: keep an
		 * empty file so the bundle stays a valid --sysroot for a dry run.
		 */
		vd_snap_err(sn, sn->w->file(sn->w, canon, "", 0));
		vd_snap_note(sn, "f %s 0 (unreadable: %s)", canon, vd_strerror(-r));
		return;
	}
	if (sn->red && vd_snap_redact(sn, canon, &data, &len) < 0) {
		vd_snap_err(sn, -ENOMEM);
		free(data);
		return;
	}
	vd_snap_err(sn, sn->w->file(sn->w, canon, data, len));
	vd_snap_note(sn, "f %s %zu%s", canon, len,
		     sn->red && is_redacted(canon) ? " (redacted)" : "");
	free(data);
}

void vd_snap_copyf(struct snap *sn, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(path))
		vd_snap_copy(sn, path);
}

/* Every entry of a directory: files, links (with what they point to), subdirectories. */
void vd_snap_copy_dir(struct snap *sn, const char *dir, int depth)
{
	struct vd_names names;
	char canon[1024];

	if (depth > 3 || vd_snap_canonical(sn, dir, canon, sizeof(canon), 0) < 0)
		return;
	if (vd_sysfs_list(sn->s, canon, &names) < 0)
		return;
	vd_snap_copy(sn, canon);
	for (size_t i = 0; i < names.n; i++) {
		char p[1024];
		int k;

		if ((size_t)snprintf(p, sizeof(p), "%s/%s", canon, names.v[i]) >= sizeof(p))
			continue;
		k = vd_sysfs_kind(sn->s, p);
		if (k == 'l') {
			vd_snap_copy_link(sn, p);
		} else if (k == 'd') {
			vd_snap_copy_dir(sn, p, depth + 1);
		} else if (k == 'f') {
			vd_snap_copy(sn, p);
		}
	}
	vd_names_done(&names);
}
