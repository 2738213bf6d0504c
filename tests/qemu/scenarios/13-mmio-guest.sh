# vd-boot: microvm coldplug
# vd-machine: microvm
# Scenario 13: a Firecracker-like guest with no PCI function at all: modern
# virtio-mmio rng, net and vsock (QEMU microvm, devices from ACPI LNRO0005).
# scan must list them as TRANSPORT mmio (not "no devices found"), explain --all
# has nothing to fix, and bind --vsock finds the mmio vsock already bound and
# touches nothing.
rec pci ls /sys/bus/pci/devices
for v in /sys/bus/virtio/devices/*; do
	rec "virtio.$(basename "$v")" vstate "$(basename "$v")"
done
rec cid vsock-cid
rec snap_before snapshot
rec scan vd scan -J
rec scan_text vd scan
rec explain_all vd explain --all
rec bind vd bind --vsock
rec snap_after snapshot
rec cid_after vsock-cid
