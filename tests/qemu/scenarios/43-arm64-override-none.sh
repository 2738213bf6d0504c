# vd-boot: arm64 coldplug
# vd-arch: arm64
# Scenario 43: driver_override = none on the arm64 vsock function: explain names it;
# bind refuses without --force and succeeds with it.
b=$(pci_of 1af4 1053)
make_healthy "$b" vmw_vsock_virtio_transport
rec unbind w "$b" "$SYS/drivers/virtio-pci/unbind"
rec override w none "$SYS/devices/$b/driver_override"
rec before state "$b"
rec sysfs_bind w "$b" "$SYS/drivers/virtio-pci/bind"
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain vsock
rec bind_noforce vd bind --vsock
rec snap_after_noforce snapshot
rec bind_force vd bind --vsock --force
rec after state "$b"
rec cid_after vsock-cid
make_healthy "$b" vmw_vsock_virtio_transport
