# vd-boot: openrc-novsock openrc rdinit=/sbin/init
# vd-vsock-devices: 0
# Scenario 22 (OpenRC): a guest without any vsock device, with the default conf.d
# (--vsock): every service starts, virtio-doctor says once that there is no vsock.
case $VD_PHASE in
pre)
	rec vsock_fn pci_of 1af4 1053
	;;
post)
	rec log cat /vd-log/openrc.log
	rec services orc_services
	rec status rc-service virtio-doctor status
	rec check rc-service virtio-doctor check
	rec restart rc-service virtio-doctor restart
	rec snap snapshot
	;;
esac
