# vd-boot: openrc openrc rdinit=/sbin/init
# Scenario 20 (OpenRC): the vsock PCI function is unbound when OpenRC starts, and its
# transport module is not loaded. virtio-doctor (boot runlevel, as the README says) binds
# it; vd-vsock-user, "need virtio-doctor", starts after it and finds the CID.
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
	rec rc_update cat /vd-log/rc-update.log
	rec runlevel_boot ls /etc/runlevels/boot
	rec log cat /vd-log/openrc.log
	rec services orc_services
	rec status rc-service virtio-doctor status
	rec user_cid cat /run/vd-vsock-user.cid
	rec after state "$b"
	rec cid_after vsock-cid
	rec snap_after snapshot
	;;
esac
