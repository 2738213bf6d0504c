# vd-boot: initcall bare initcall_blacklist=virtio_pci_driver_init
# Scenario 9: virtio-pci kept from registering on the kernel command line
# (initcall_blacklist=virtio_pci_driver_init). Loading the module then fails
# with EPERM. explain must name the command line; bind --vsock must say why it
# cannot load virtio_pci, exit 1 and change nothing.
b=$(pci_of 1af4 1053)
rec cmdline cat /proc/cmdline
rec modprobe modprobe virtio_pci
rec driver_dir ls -d "$SYS/drivers/virtio-pci"
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain vsock
rec bind vd bind --vsock
rec snap_after snapshot
