# vd-boot: arm64 coldplug
# vd-arch: arm64
# Scenario 46: an mmio device whose virtio driver is blacklisted: the balloon on
# virtio-mmio with virtio_balloon blacklisted in modprobe.d and not loaded (transport
# bound, virtio level not): explain names the blacklist, bind says what blocks it and
# changes nothing. Then, the blacklist gone and the transport unbound, bind of the mmio
# device binds it at both levels (platform driver_override + bind on virtio-mmio). An
# unbound transport shows no device ID in sysfs: nothing tells it from an empty slot
# (scan -a may call it either), but a bind by name must work.
bal=$(mmio_of 0x0005)
make_healthy_mmio "$bal" virtio_balloon
echo "blacklist virtio_balloon" >/etc/modprobe.d/vd-test-blacklist.conf
rec rmmod rmmod virtio_balloon
rec before mstate "$bal"
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain "$bal"
rec bind_bl vd bind "$bal"
rec snap_after_bl snapshot
rm -f /etc/modprobe.d/vd-test-blacklist.conf
rec unbind w "$bal" /sys/bus/platform/drivers/virtio-mmio/unbind
rec unbound mstate "$bal"
rec snap_unbound snapshot
rec scan2 vd scan -J -a
rec dryrun vd bind "$bal" --dry-run
rec after_dryrun mstate "$bal"
rec bind vd bind "$bal"
rec after mstate "$bal"
rec snap_after snapshot
rec bind_again vd bind "$bal"
rec after_again mstate "$bal"
make_healthy_mmio "$bal" virtio_balloon
