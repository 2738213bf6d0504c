# vd-boot: arm64 coldplug
# vd-arch: arm64
# Scenario 44: the arm64 vsock function is bound at the PCI level, but its virtio driver
# (the vsock transport module) is blacklisted in modprobe.d and not loaded.
b=$(pci_of 1af4 1053)
make_healthy "$b" vmw_vsock_virtio_transport
echo "blacklist vmw_vsock_virtio_transport" >/etc/modprobe.d/vd-test-blacklist.conf
rec rmmod rmmod vmw_vsock_virtio_transport
rec before state "$b"
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain vsock
rec bind vd bind --vsock
rec snap_after snapshot
rm -f /etc/modprobe.d/vd-test-blacklist.conf
make_healthy "$b" vmw_vsock_virtio_transport
rec restored state "$b"
