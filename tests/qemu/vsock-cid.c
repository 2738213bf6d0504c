// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vsock-cid: print the guest's vsock CID the way the kernel reports it, so the
 * guest-side checks do not depend on virtio-doctor. Built statically on the host
 * and put into the initramfs.
 *
 * Prints the CID in decimal (4294967295 = VMADDR_CID_ANY: vsock core present but
 * no transport device probed) and exits 0; prints "error: ..." and exits 1 when
 * /dev/vsock cannot be opened or the ioctl fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef IOCTL_VM_SOCKETS_GET_LOCAL_CID
#define IOCTL_VM_SOCKETS_GET_LOCAL_CID _IO(7, 0xb9) /* include/uapi/linux/vm_sockets.h */
#endif

int main(void)
{
	unsigned int cid = 0;
	int fd = open("/dev/vsock", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		printf("error: open /dev/vsock: %s\n", strerror(errno));
		return 1;
	}
	if (ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid) < 0) {
		printf("error: IOCTL_VM_SOCKETS_GET_LOCAL_CID: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	printf("%u\n", cid);
	return 0;
}
