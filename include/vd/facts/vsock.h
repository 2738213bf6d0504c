/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the vsock core's view: /dev/vsock and the local CID */
#ifndef VD_VSOCK_H
#define VD_VSOCK_H

#include <stdint.h>

#include "vd/base/sysfs.h"

#define VD_VSOCK_CID_ANY 0xffffffffu /* no guest-to-host transport has a device */

/*
 * IOCTL_VM_SOCKETS_GET_LOCAL_CID on dev/vsock. On the live root this asks the kernel;
 * under another root (a bundle) the CID comes from the text file
 * virtio-doctor/vsock-cid written by "snapshot" (decimal or 0x hex; -EINVAL/-ERANGE when
 * it is neither). -ENOENT: no /dev/vsock (no vsock core), or no such file in a bundle.
 * *ret is touched only on success.
 */
int vd_vsock_local_cid(struct vd_sysfs *s, uint32_t *ret);

#endif
