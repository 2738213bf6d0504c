/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the only code that touches files: everything under one root */
#ifndef VD_SYSFS_H
#define VD_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vd/base/macro.h"

/*
 * Every path given to these functions is relative to the root ("sys/bus/pci"); a leading
 * '/' is ignored. Symlinks, absolute ones included, resolve inside the root (openat2
 * RESOLVE_IN_ROOT; where the kernel has no openat2(), a walk of the path with the same
 * rules), so a bundle or a hostile tree can never make us read or write outside it.
 * Functions return 0 or a positive count on success, -errno on failure.
 */
struct vd_sysfs;

/* Largest sysfs attribute the kernel produces (PAGE_SIZE); larger files are garbage. */
#define VD_ATTR_MAX 4096

int vd_sysfs_open(const char *root, struct vd_sysfs **ret);
/*
 * vd_sysfs_open() with flags (0 for its behaviour). VD_SYSFS_NO_OPENAT2: resolve paths
 * in userspace as a kernel without openat2() makes us do, so tests can check that path
 * on any kernel. VD_SYSFS_NO_PROC: under a tree, open a file looked at by its path again
 * (and check it is the same inode) instead of through /proc/self/fd, as where /proc is
 * not mounted. Unknown flags: -EINVAL.
 */
enum vd_sysfs_flags {
	VD_SYSFS_NO_OPENAT2 = 1 << 0,
	VD_SYSFS_NO_PROC = 1 << 1,
};
int vd_sysfs_open_flags(const char *root, unsigned int flags, struct vd_sysfs **ret);
void vd_sysfs_free(struct vd_sysfs *s);
/*
 * Reads leave the descriptors they are done with open, at most a few dozen, to close them
 * a run at a time; vd_sysfs_free() closes them, and this does now (a caller about to
 * count its descriptors).
 */
void vd_sysfs_close_spent(struct vd_sysfs *s);
/*
 * The root, the one place that knows what it means. vd_sysfs_root(): "/" for the live
 * system (also when given as "//"), else the directory without trailing slashes.
 * vd_sysfs_is_live(): the root is the running system's, so /dev, /proc and the loaded
 * kernel are this tree's. vd_sysfs_shown_path(): a root-relative path as the user knows
 * it, "/sys/..." live and "DIR/sys/..." under --sysroot DIR; returns buf.
 */
const char *vd_sysfs_root(const struct vd_sysfs *s);
bool vd_sysfs_is_live(const struct vd_sysfs *s);
const char *vd_sysfs_shown_path(const struct vd_sysfs *s, const char *path, char *buf, size_t size);

/*
 * Read a text attribute into buf (NUL-terminated), stripping one trailing newline.
 * Returns the length; -EFBIG when the file holds more than size-1 bytes, -EINVAL when it
 * is not a regular file (a FIFO or device must never block us).
 */
int vd_sysfs_read(struct vd_sysfs *s, const char *path, char *buf, size_t size);
int vd_sysfs_readf(struct vd_sysfs *s, char *buf, size_t size, const char *fmt, ...)
	VD_PRINTF(4, 5);

/* Read up to size raw bytes from offset 0 (config space); returns bytes read. */
int vd_sysfs_read_bin(struct vd_sysfs *s, const char *path, void *buf, size_t size);

/* Read a whole regular file of at most max bytes into a malloc'ed, NUL-terminated buffer. */
int vd_sysfs_read_alloc(struct vd_sysfs *s, const char *path, size_t max, char **ret,
			size_t *ret_len);

/* Target text of a symlink (not followed). */
int vd_sysfs_readlink(struct vd_sysfs *s, const char *path, char *buf, size_t size);
/*
 * Last component of a symlink's target, e.g. "driver" -> "virtio-pci". The target must
 * exist inside the root: a dangling link gives -ENOENT, a loop -ELOOP.
 */
int vd_sysfs_link_base(struct vd_sysfs *s, const char *path, char *buf, size_t size);
int vd_sysfs_link_basef(struct vd_sysfs *s, char *buf, size_t size, const char *fmt, ...)
	VD_PRINTF(4, 5);

/*
 * Resolve a symlink lexically to a root-relative path ("sys/bus/virtio/devices/virtio0"
 * -> "sys/devices/platform/virtio-mmio.0/virtio0"); ".." never climbs above the root.
 */
int vd_sysfs_link_path(struct vd_sysfs *s, const char *path, char *buf, size_t size);

/* Names in a directory, sorted in version order, without "." and "..". */
struct vd_names {
	char **v;
	size_t n;
	bool typed; /* from vd_sysfs_list(): each name carries its entry's kind */
	/* from vd_sysfs_list_keep(): the listed directory, open, and its path in the root */
	bool kept;
	int dir_fd;
	char *dir;
};
int vd_sysfs_list(struct vd_sysfs *s, const char *path, struct vd_names *ret);
void vd_names_done(struct vd_names *names);
/*
 * A directory of links (a bus's devices/): vd_sysfs_list_keep() lists it as
 * vd_sysfs_list() does and keeps it open; vd_sysfs_listed_link_path() then answers what
 * vd_sysfs_link_path() answers for entry i with one readlinkat() on that descriptor
 * instead of a walk, an O_PATH open and a close. Confined all the same: the directory was
 * resolved inside the root, and one name is no walk. vd_names_done() closes it.
 */
int vd_sysfs_list_keep(struct vd_sysfs *s, const char *path, struct vd_names *ret);
int vd_sysfs_listed_link_path(const struct vd_names *names, size_t i, char *buf, size_t size);
/*
 * The kind of entry i as the listing saw it, in vd_sysfs_kind()'s letters ('f', 'd', 'l',
 * 'o'), or 0 when the filesystem did not say (DT_UNKNOWN) or the names are no listing.
 */
char vd_names_kind(const struct vd_names *names, size_t i);

/*
 * Hold the directory at path (NULL: none; the last one is let go): until the next call,
 * a file or link directly in it is opened as one name under it instead of a walk of its
 * whole path. Every answer stays what the walk gives: a name that is a link is walked
 * whole. A directory that cannot be opened holds nothing.
 */
void vd_sysfs_hold_dir(struct vd_sysfs *s, const char *path);

/* 0 if path exists (following links inside the root), else -errno. */
int vd_sysfs_access(struct vd_sysfs *s, const char *path);
int vd_sysfs_accessf(struct vd_sysfs *s, const char *fmt, ...) VD_PRINTF(2, 3);
/* 1 if path is a directory, 0 if something else, -errno if it cannot be reached. */
int vd_sysfs_is_dir(struct vd_sysfs *s, const char *path);

/*
 * Write value to an existing attribute: O_WRONLY|O_TRUNC|O_CLOEXEC, never O_CREAT, one
 * write() of the whole value. A short write is -EIO. The kernel's answer (-ENODEV,
 * -EBUSY, -EEXIST, ...) comes back unchanged.
 */
int vd_sysfs_write(struct vd_sysfs *s, const char *path, const char *value, size_t len);

/*
 * Creating trees (bundles, their unpacked copies): the same root confinement. create
 * opens a new file O_WRONLY|O_CREAT|O_EXCL and returns the fd; mkdir succeeds when the
 * directory exists; remove_tree removes a directory and everything under it without
 * following links.
 */
int vd_sysfs_create(struct vd_sysfs *s, const char *path, mode_t mode);
/* A new file (mode 0644) holding data; a short write is -ENOSPC. */
int vd_sysfs_create_file(struct vd_sysfs *s, const char *path, const void *data, size_t len);
int vd_sysfs_mkdir(struct vd_sysfs *s, const char *path, mode_t mode);
int vd_sysfs_mkdir_p(struct vd_sysfs *s, const char *path);
int vd_sysfs_symlink(struct vd_sysfs *s, const char *target, const char *path);
int vd_sysfs_rename(struct vd_sysfs *s, const char *from, const char *to);
/*
 * remove_tree works at any depth with two directory fds and no memory, and uses only
 * async-signal-safe calls (openat, getdents64, unlinkat, renameat2, close): a signal
 * handler may call it on a path without '/' (the root's own fd is then the parent).
 */
int vd_sysfs_remove_tree(struct vd_sysfs *s, const char *path);
/* Create a new directory (mode 0700) in the root, name ending in XXXXXX (replaced). */
int vd_sysfs_mkdtemp(struct vd_sysfs *s, char *name);
/* What path is, without following a final link: 'f' file, 'd' dir, 'l' link, 'o' other. */
int vd_sysfs_kind(struct vd_sysfs *s, const char *path);

/*
 * For a path a shell will be given (bind's dry-run plan): 0 when resolving it on the host
 * ends where it does inside the root (no absolute link, no ".." above the root: openat2's
 * RESOLVE_BENEATH), -EXDEV when a link leaves the root, another -errno when it cannot be
 * resolved. The live root: always 0.
 */
int vd_sysfs_beneath(struct vd_sysfs *s, const char *path);
/* The absolute path, free of links, of what path resolves to inside the root. */
int vd_sysfs_real_path(struct vd_sysfs *s, const char *path, char *buf, size_t size);

/*
 * Whether an error from the functions above means the read itself failed (EIO, EACCES,
 * ENOMEM, EAGAIN, ...) rather than saying something about the tree: absent (ENOENT), not
 * a file or directory, a dangling or looping link, too large, a device node. After a
 * failed read nothing is known, and nothing may be concluded from the absence of a value.
 */
bool vd_sysfs_failed(int r);

/*
 * Open a character device or other special file (/dev/vsock, /dev/kmsg): on the live root
 * only. Under any other root -EXDEV, and the other functions here refuse (-EINVAL) to
 * open anything but a regular file or a directory there: a tree's device nodes, FIFOs and
 * sockets are never opened.
 */
int vd_sysfs_open_special(struct vd_sysfs *s, const char *path, int flags);

static inline void vd_sysfs_freep(struct vd_sysfs **s)
{
	vd_sysfs_free(*s);
}

#endif
