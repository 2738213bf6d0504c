/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the vsock core's view: /dev/vsock and the local CID */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/vm_sockets.h>

#include "vd/facts/vsock.h"

/* include/uapi/linux/vm_sockets.h; missing from very old or non-glibc headers */
#ifndef IOCTL_VM_SOCKETS_GET_LOCAL_CID
#define IOCTL_VM_SOCKETS_GET_LOCAL_CID _IO(7, 0xb9)
#endif

/* "3", "0x3", "4294967295", "0xffffffff", with blanks around */
static int parse_cid(const char *text, uint32_t *ret)
{
	unsigned long long v;
	const char *p = text;
	char *end;
	int base = 10;

	while (isspace((unsigned char)*p))
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!(base == 16 ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)))
		return -EINVAL;
	errno = 0;
	v = strtoull(p, &end, base);
	if (errno || v > UINT32_MAX)
		return -ERANGE;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

int vd_vsock_local_cid(struct vd_sysfs *s, uint32_t *ret)
{
	char text[64];
	uint32_t cid;
	int r;

	if (!s || !ret)
		return -EINVAL;
	if (vd_sysfs_is_live(s)) {
		_cleanup_close_ int fd = -1;
		struct stat st;
		unsigned int v = 0;

		/* the vsock core's misc device: there whenever vsock.ko / VSOCKETS=y is */
		fd = vd_sysfs_open_special(s, "dev/vsock", O_RDONLY | O_NONBLOCK | O_NOCTTY);
		if (fd < 0)
			return fd;
		if (fstat(fd, &st) < 0)
			return -errno;
		if (!S_ISCHR(st.st_mode))
			return -ENODEV;
		if (ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &v) < 0)
			return -errno;
		*ret = v;
		return 0;
	}
	/* a bundle: "snapshot" wrote down what the ioctl said */
	r = vd_sysfs_read(s, "virtio-doctor/vsock-cid", text, sizeof(text));
	if (r < 0)
		return r;
	r = parse_cid(text, &cid);
	if (r < 0)
		return r;
	*ret = cid;
	return 0;
}
