# vd-boot: modblacklist coldplug module_blacklist=vmw_vsock_virtio_transport
# Scenario 11: the vsock transport is blacklisted on the KERNEL command line
# (module_blacklist=): the kernel refuses to load it even by name (EPERM), so
# the PCI level is bound and the virtio level is not. explain must name the
# command line; bind --vsock must say what blocks it, exit 1, change nothing.
b=$(pci_of 1af4 1053)
rec cmdline cat /proc/cmdline
rec modprobe modprobe vmw_vsock_virtio_transport
rec before state "$b"
rec cid_before vsock-cid
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain vsock
rec bind vd bind --vsock
rec snap_after snapshot
