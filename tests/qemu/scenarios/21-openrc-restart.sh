# vd-boot: openrc openrc rdinit=/sbin/init
# Scenario 21 (OpenRC): on the guest scenario 20 left bound, "rc-service virtio-doctor
# restart", "status" and "check" write nothing and exit 0. driver_override is cleared
# first: a bind that wrote would set it again.
case $VD_PHASE in
post)
	b=$(pci_of 1af4 1053)
	w "" "$SYS/devices/$b/driver_override"
	rec before state "$b"
	rec snap_before snapshot
	rec restart rc-service virtio-doctor restart
	rec status rc-service virtio-doctor status
	rec check rc-service virtio-doctor check
	rec after state "$b"
	rec snap_after snapshot
	rec dryrun vd bind --vsock --dry-run
	rec user_status rc-service vd-vsock-user status
	rec cid_after vsock-cid
	;;
esac
