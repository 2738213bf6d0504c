# vd-boot: main coldplug
# Scenario 8: the legacy-only balloon (1af4:1002, no virtio capabilities) is
# unbound and bound back by address. On 6.1 the probe logs "virtio_pci: leaving
# for legacy driver" and then binds through the legacy path: that line is not a
# failure, and a working legacy device has status 0x07, which is ok.
b=$(pci_of 1af4 1002)
make_healthy "$b" virtio_balloon
rec unbind w "$b" "$SYS/drivers/virtio-pci/unbind"
rec before state "$b"
rec scan vd scan -J
rec explain vd explain "$b"
rec bind vd bind "$b"
rec after state "$b"
rec klog dmesg
rec scan_after vd scan -J
rec explain_after vd explain "$b"
make_healthy "$b" virtio_balloon
