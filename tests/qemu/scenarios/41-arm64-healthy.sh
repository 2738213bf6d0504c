# vd-boot: arm64 coldplug
# vd-arch: arm64
# Scenario 41: healthy arm64 guest (QEMU virt, device tree): modern PCI rng, net, console
# and vsock behind the generic host bridge, modern virtio-mmio rng and balloon, and 30
# empty virtio-mmio placeholder transports. Nothing is broken: check exits 0. A snapshot of
# the guest scans as the guest itself does.
for id in 1044 1041 1043 1053; do
	b=$(pci_of 1af4 $id) && rec "state.$id" state "$b"
done
rec serial state "$(pci_of 1b36 0002)"
rec bridge ls /sys/bus/platform/devices/4010000000.pcie
for t in 0x0004 0x0005; do
	m=$(mmio_of $t) && rec "mmio.$t" mstate "$m"
done
rec transports ls -d /sys/bus/platform/devices/*.virtio_mmio
rec snapshot snapshot
rec cid vsock-cid
rec scan vd scan -J
rec scan_all vd scan -J -a
rec scan_text vd scan
rec check vd check
rec explain vd explain
rec explain_all vd explain --all
rec dryrun vd bind --vsock --dry-run
rec bind vd bind --vsock
rec snap_after snapshot
# a support bundle of this guest, read back as a --sysroot; its base64 is how
# tests/fixtures-gen/capture-arm64 takes it out (the crosvm fixtures start from it)
rec bundle vd snapshot /tmp/arm64-bundle.tar.gz
rec scan_bundle vd scan -J --sysroot /tmp/arm64-bundle.tar.gz
rec bundle_b64 base64 /tmp/arm64-bundle.tar.gz
