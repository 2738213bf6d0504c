# vd-boot: openrc-broken openrc rdinit=/sbin/init
# Scenario 24 (OpenRC): vsock's transport module is blacklisted in modprobe.d, so hwdrivers
# leaves the vsock virtio device without a driver. The service fails with one line naming
# the cause; the boot goes on to the default runlevel.
case $VD_PHASE in
pre)
	echo "blacklist vmw_vsock_virtio_transport" >/etc/modprobe.d/vd-test-blacklist.conf
	;;
post)
	b=$(pci_of 1af4 1053)
	rec log cat /vd-log/openrc.log
	rec services orc_services
	rec status rc-service virtio-doctor status
	rec sentinel cat /run/vd-sentinel
	rec after state "$b"
	rec modules cat /proc/modules
	;;
esac
