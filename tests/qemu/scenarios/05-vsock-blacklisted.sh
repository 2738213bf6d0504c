# vd-boot: main coldplug
# Scenario 5: the PCI level is bound, the virtio level is not: the vsock virtio
# driver module is blacklisted in modprobe.d and not loaded. explain says
# no-driver with the blacklist evidence; bind --vsock says what blocks it,
# exits 1 and touches nothing.
b=$(pci_of 1af4 1053)
make_healthy "$b" vmw_vsock_virtio_transport
echo "blacklist vmw_vsock_virtio_transport" >/etc/modprobe.d/vd-test-blacklist.conf
rec rmmod rmmod vmw_vsock_virtio_transport
rec before state "$b"
rec cid_before vsock-cid
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain vsock
rec explain_json vd explain vsock -J
rec bind vd bind --vsock
rec snap_after snapshot
rec cid_after vsock-cid
rm -f /etc/modprobe.d/vd-test-blacklist.conf
make_healthy "$b" vmw_vsock_virtio_transport
rec restored state "$b"
