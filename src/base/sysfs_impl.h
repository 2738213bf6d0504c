/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor -- what the files of the sysfs layer share (private to src/base/sysfs*.c):
 * the root handle, and opening a path under it. sysfs.c: the root and what it means;
 * sysfs_resolve.c: the confined resolution (openat2 or the walk); sysfs_read.c: the
 * attribute, link and directory readers; sysfs_held.c: a held directory's entries;
 * sysfs_path.c: the *f() variants; sysfs_write.c: writes and creating trees;
 * sysfs_remove.c: removal at any depth.
 */
#ifndef VD_SYSFS_IMPL_H
#define VD_SYSFS_IMPL_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "vd/base/sysfs.h"

/* Spent descriptors held at most: a few dozen fds, never near a limit of 1,024. */
#define VD_SYSFS_SPENT_MAX 32

struct vd_sysfs {
	int root_fd;
	char *root;
	/* openat2() is Linux 5.6+; without it resolve_in_root() walks the path itself. */
	bool no_openat2;
	/* the root is "/": the kernel's own resolution cannot leave it */
	bool live;
	/*
	 * /proc/self/fd (O_PATH) under a tree, where a file looked at is reopened as one name
	 * in it: the walk through /proc, self and fd for each file cost as much again as the
	 * open (the tool never forks, so "self" stays this process). -1 live, and where
	 * /proc cannot do it: vd_sysfs_open_file() then opens the path again.
	 */
	int proc_fd;
	/* vd_sysfs_hold_dir(): a directory (O_PATH, -1: none) and its path, rel() spelling */
	int held_fd;
	char held[256];
	/* descriptors reads are done with, closed a run at a time (vd_sysfs_spend) */
	int spent[VD_SYSFS_SPENT_MAX];
	unsigned int nspent;
};

/* Paths are written rooted ("/sys/..."): the root fd is the anchor. */
static inline const char *rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

/* fd is done with: closed now or with the next run (-1 is ignored) */
void vd_sysfs_spend(struct vd_sysfs *s, int fd);
/* an open failed with err: 1 when spent descriptors were closed and it may be tried again */
bool vd_sysfs_retry_open(struct vd_sysfs *s, int err);

/*
 * sysfs_held.c, the held directory (vd_sysfs_hold_dir): the name of path when it is one
 * entry of it, else NULL; an entry looked at (O_PATH, with its stat), a link read, a
 * directory opened for listing by name. Each answers as the whole walk does, or -EAGAIN
 * where only the walk can: a link to follow, a failure other than ENOENT, nothing held.
 */
const char *vd_sysfs_held_name(const struct vd_sysfs *s, const char *path);
int vd_sysfs_look_held(struct vd_sysfs *s, const char *path, struct stat *st);
ssize_t vd_sysfs_readlink_held(struct vd_sysfs *s, const char *path, char *buf, size_t size);
int vd_sysfs_open_held_dir(struct vd_sysfs *s, const char *path);

/* path opened with flags (never O_CREAT) inside the root; -errno */
int vd_sysfs_open_in_root(struct vd_sysfs *s, const char *path, int flags);
/* a regular file only: under a tree, looked at (O_PATH) before it is opened */
int vd_sysfs_open_file(struct vd_sysfs *s, const char *path, int flags);
/* path's parent opened O_PATH inside the root, its last component in *ret_base */
int vd_sysfs_open_parent(struct vd_sysfs *s, const char *path, const char **ret_base);

#endif
