# vd-boot: openrc-disabled openrc rdinit=/sbin/init novirtiodoctor
# Scenario 23 (OpenRC): "novirtiodoctor" on the kernel command line, the vsock function
# unbound: the service says it skips, binds nothing, and does not fail.
case $VD_PHASE in
pre)
	b=$(pci_of 1af4 1053)
	modprobe virtio_pci
	w "$b" "$SYS/drivers/virtio-pci/unbind"
	rec before state "$b"
	rec snap_before snapshot
	;;
post)
	b=$(pci_of 1af4 1053)
	rec cmdline cat /proc/cmdline
	rec log cat /vd-log/openrc.log
	rec services orc_services
	rec status rc-service virtio-doctor status
	rec after state "$b"
	rec snap_after snapshot
	;;
esac
