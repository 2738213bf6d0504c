/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- an errno's text, worded the same on every C library */
#ifndef VD_STRERROR_H
#define VD_STRERROR_H

/*
 * strerror(), but glibc's wording wherever musl (the static build, Alpine) words it
 * otherwise ("Symbolic link loop" for "Too many levels of symbolic links"), so the
 * tool's messages, its documentation and its tests are one text on every build.
 */
const char *vd_strerror(int errnum);

/* An errno's symbolic name ("ENODEV", the kernel's "EPROBE_DEFER"); NULL for one not named. */
const char *vd_errno_code(int err);

#endif
