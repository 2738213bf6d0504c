# vd-boot: twovsock coldplug
# vd-vsock-devices: 2
# Scenario 12: two virtio-vsock functions (00:08.0 CID 42, 00:09.0 CID 43).
# Linux supports one: the second virtio_vsock_probe returns -EBUSY, the virtio
# core sets FAILED, the first keeps working. scan must not call the second ok,
# explain must say only one vsock device is supported, bind must not "fix" it.
b1=$(pci_of 1af4 1053)
b2=$(for d in "$SYS"/devices/*; do
	[ "$(cat "$d/device")" = 0x1053 ] && basename "$d"; done | sed -n 2p)
note bdfs "$b1 $b2"
rec first state "$b1"
rec second state "$b2"
rec cid vsock-cid
rec klog dmesg
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain "$b2"
rec bind vd bind --vsock
rec snap_after snapshot
