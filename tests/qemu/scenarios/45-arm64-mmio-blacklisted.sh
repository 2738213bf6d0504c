# vd-boot: arm64 coldplug
# vd-arch: arm64
# Scenario 45: virtio_mmio, the virtio-mmio transport driver, blacklisted in modprobe.d
# and not loaded: all 32 transports of the device tree wait (2 hold a device, 30 are
# empty, which nobody can tell without the driver). explain gives one verdict for the
# transport driver that names the blacklist and says how many wait, not one per
# transport; bind of an mmio device says what blocks it and changes nothing.
rng=$(mmio_of 0x0004)
bal=$(mmio_of 0x0005)
make_healthy_mmio "$rng" virtio_rng
echo "blacklist virtio_mmio" >/etc/modprobe.d/vd-test-blacklist.conf
rec rmmod rmmod virtio_mmio
rec before mstate "$rng"
rec driver_dir ls /sys/bus/platform/drivers/virtio-mmio
rec snap_before snapshot
rec scan vd scan -J
rec check vd check
rec explain vd explain
rec explain_json vd explain -J
rec bind vd bind "$rng"
rec snap_after snapshot
rm -f /etc/modprobe.d/vd-test-blacklist.conf
make_healthy_mmio "$rng" virtio_rng
make_healthy_mmio "$bal" virtio_balloon
rec restored.0x0004 mstate "$rng"
rec restored.0x0005 mstate "$bal"
