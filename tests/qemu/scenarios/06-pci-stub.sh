# vd-boot: main coldplug
# Scenario 6: a virtio function (rng, 00:03.0) held by another PCI driver,
# pci-stub, through driver_override + drivers_probe: scan says foreign; bind
# refuses without --force, then moves it back to virtio-pci and verifies.
b=$(pci_of 1af4 1044)
make_healthy "$b" virtio_rng
rec modprobe modprobe pci-stub
rec unbind w "$b" "$SYS/drivers/virtio-pci/unbind"
rec override w pci-stub "$SYS/devices/$b/driver_override"
rec probe w "$b" "$SYS/drivers_probe"
rec before state "$b"
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain "$b"
rec bind_noforce vd bind "$b"
rec snap_after_noforce snapshot
rec bind_force vd bind "$b" --force
rec after state "$b"
rec snap_after snapshot
make_healthy "$b" virtio_rng
