/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- an errno's text, worded the same on every C library */
#include <errno.h>
#include <string.h>

#include "vd/base/macro.h"
#include "vd/base/strerror.h"

/*
 * Every errno whose glibc text musl 1.2 words otherwise (its "No error information"
 * included); any other errno gets the C library's own text.
 */
static const char *const texts[] = {
	[EIO] = "Input/output error",
	[ECHILD] = "No child processes",
	[ENOMEM] = "Cannot allocate memory",
	[EBUSY] = "Device or resource busy",
	[EXDEV] = "Invalid cross-device link",
	[EMFILE] = "Too many open files",
	[ENOTTY] = "Inappropriate ioctl for device",
	[ESPIPE] = "Illegal seek",
	[EDOM] = "Numerical argument out of domain",
	[ERANGE] = "Numerical result out of range",
	[EDEADLK] = "Resource deadlock avoided",
	[ENAMETOOLONG] = "File name too long",
	[ELOOP] = "Too many levels of symbolic links",
	[ECHRNG] = "Channel number out of range",
	[EL2NSYNC] = "Level 2 not synchronized",
	[EL3HLT] = "Level 3 halted",
	[EL3RST] = "Level 3 reset",
	[ELNRNG] = "Link number out of range",
	[EUNATCH] = "Protocol driver not attached",
	[ENOCSI] = "No CSI structure available",
	[EL2HLT] = "Level 2 halted",
	[EBADE] = "Invalid exchange",
	[EBADR] = "Invalid request descriptor",
	[EXFULL] = "Exchange full",
	[ENOANO] = "No anode",
	[EBADRQC] = "Invalid request code",
	[EBADSLT] = "Invalid slot",
	[EBFONT] = "Bad font file format",
	[ETIME] = "Timer expired",
	[ENONET] = "Machine is not on the network",
	[ENOPKG] = "Package not installed",
	[EREMOTE] = "Object is remote",
	[EADV] = "Advertise error",
	[ESRMNT] = "Srmount error",
	[ECOMM] = "Communication error on send",
	[EDOTDOT] = "RFS specific error",
	[EOVERFLOW] = "Value too large for defined data type",
	[ENOTUNIQ] = "Name not unique on network",
	[EREMCHG] = "Remote address changed",
	[ELIBACC] = "Can not access a needed shared library",
	[ELIBBAD] = "Accessing a corrupted shared library",
	[ELIBSCN] = ".lib section in a.out corrupted",
	[ELIBMAX] = "Attempting to link in too many shared libraries",
	[ELIBEXEC] = "Cannot exec a shared library directly",
	[EILSEQ] = "Invalid or incomplete multibyte or wide character",
	[ERESTART] = "Interrupted system call should be restarted",
	[ESTRPIPE] = "Streams pipe error",
	[EUSERS] = "Too many users",
	[ENOTSOCK] = "Socket operation on non-socket",
	[EMSGSIZE] = "Message too long",
	[EOPNOTSUPP] = "Operation not supported",
	[EADDRINUSE] = "Address already in use",
	[EADDRNOTAVAIL] = "Cannot assign requested address",
	[ENETUNREACH] = "Network is unreachable",
	[ENETRESET] = "Network dropped connection on reset",
	[ECONNABORTED] = "Software caused connection abort",
	[EISCONN] = "Transport endpoint is already connected",
	[ENOTCONN] = "Transport endpoint is not connected",
	[ESHUTDOWN] = "Cannot send after transport endpoint shutdown",
	[ETOOMANYREFS] = "Too many references: cannot splice",
	[ETIMEDOUT] = "Connection timed out",
	[EHOSTUNREACH] = "No route to host",
	[EINPROGRESS] = "Operation now in progress",
	[EUCLEAN] = "Structure needs cleaning",
	[ENOTNAM] = "Not a XENIX named type file",
	[ENAVAIL] = "No XENIX semaphores available",
	[EISNAM] = "Is a named type file",
	[EDQUOT] = "Disk quota exceeded",
	[EOWNERDEAD] = "Owner died",
	[ERFKILL] = "Operation not possible due to RF-kill",
};

const char *vd_strerror(int errnum)
{
	if (errnum > 0 && (size_t)errnum < ARRAY_SIZE(texts) && texts[errnum])
		return texts[errnum];
	return strerror(errnum);
}

const char *vd_errno_code(int err)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" },
		{ ENOENT, "ENOENT" },
		{ EIO, "EIO" },
		{ ENXIO, "ENXIO" },
		{ EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" },
		{ EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" },
		{ EXDEV, "EXDEV" },
		{ ENODEV, "ENODEV" },
		{ ENOTDIR, "ENOTDIR" },
		{ EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" },
		{ EFBIG, "EFBIG" },
		{ ENOSPC, "ENOSPC" },
		{ EROFS, "EROFS" },
		{ ENAMETOOLONG, "ENAMETOOLONG" },
		{ ELOOP, "ELOOP" },
		{ ENOLINK, "ENOLINK" },
		{ ETIMEDOUT, "ETIMEDOUT" },
		{ ECANCELED, "ECANCELED" },
		{ ENOSYS, "ENOSYS" },
		{ ENOEXEC, "ENOEXEC" },
		{ E2BIG, "E2BIG" },
		{ ENODATA, "ENODATA" },
		{ 517, "EPROBE_DEFER" }, /* the kernel's own, not in <errno.h> */
	};

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == err)
			return names[i].name;
	return NULL;
}
