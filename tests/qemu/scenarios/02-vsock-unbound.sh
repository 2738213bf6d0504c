# vd-boot: main coldplug
# Scenario 2: the vsock PCI function is unbound (the crosvm/Alpine story):
# scan says unbound, explain gives the verdict, bind --vsock repairs it at both
# levels, a second bind --vsock writes nothing.
b=$(pci_of 1af4 1053)
make_healthy "$b" vmw_vsock_virtio_transport
rec unbind w "$b" "$SYS/drivers/virtio-pci/unbind"
rec before state "$b"
rec cid_before vsock-cid
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain vsock
rec explain_json vd explain vsock -J
rec dryrun vd bind --vsock --dry-run
rec after_dryrun state "$b"
rec bind1 vd bind --vsock
rec after1 state "$b"
rec cid_after vsock-cid
rec snap_after snapshot
# clear the override bind may have kept: a second bind that writes nothing leaves it clear
w "" "$SYS/devices/$b/driver_override"
rec bind2 vd bind --vsock
rec after2 state "$b"
rec cid_after2 vsock-cid
make_healthy "$b" vmw_vsock_virtio_transport
