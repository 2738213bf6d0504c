# vd-boot: arm64 coldplug
# vd-arch: arm64
# Scenario 42: the vsock PCI function behind arm64's generic host bridge is unbound:
# scan says unbound, explain gives the verdict, bind --vsock repairs it at both levels,
# a second bind --vsock writes nothing.
b=$(pci_of 1af4 1053)
make_healthy "$b" vmw_vsock_virtio_transport
rec unbind w "$b" "$SYS/drivers/virtio-pci/unbind"
rec before state "$b"
rec cid_before vsock-cid
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain vsock
rec dryrun vd bind --vsock --dry-run
rec after_dryrun state "$b"
rec bind1 vd bind --vsock
rec after1 state "$b"
rec cid_after vsock-cid
rec snap_after snapshot
w "" "$SYS/devices/$b/driver_override"
rec bind2 vd bind --vsock
rec after2 state "$b"
make_healthy "$b" vmw_vsock_virtio_transport
