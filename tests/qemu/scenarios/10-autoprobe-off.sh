# vd-boot: main coldplug
# Scenario 10: /sys/bus/pci/drivers_autoprobe = 0 and the vsock function unbound
# (a rescan or hotplug would not bind it). explain names autoprobe; an explicit
# bind still works, and autoprobe is left as it was.
b=$(pci_of 1af4 1053)
make_healthy "$b" vmw_vsock_virtio_transport
rec unbind w "$b" "$SYS/drivers/virtio-pci/unbind"
rec autoprobe_off w 0 "$SYS/drivers_autoprobe"
rec before state "$b"
rec autoprobe_before cat "$SYS/drivers_autoprobe"
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain vsock
rec bind vd bind --vsock
rec after state "$b"
rec cid_after vsock-cid
rec autoprobe_after cat "$SYS/drivers_autoprobe"
rec snap_after snapshot
w 1 "$SYS/drivers_autoprobe"
make_healthy "$b" vmw_vsock_virtio_transport
