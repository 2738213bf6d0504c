# vd-boot: nopci bare
# Scenario 3: virtio_pci is not registered (the module was never loaded: no
# udev/mdev, or hwdrivers skipped it). explain says so with the module evidence;
# bind --vsock loads it through libkmod and binds.
b=$(pci_of 1af4 1053)
rec modules_before cat /proc/modules
rec driver_dir_before ls -d "$SYS/drivers/virtio-pci"
rec before state "$b"
rec snap_before snapshot
rec scan vd scan -J
rec explain vd explain vsock
rec explain_json vd explain vsock -J
rec dryrun vd bind --vsock --dry-run
rec modules_after_dryrun cat /proc/modules
rec bind vd bind --vsock
rec modules_after cat /proc/modules
rec driver_dir_after ls -d "$SYS/drivers/virtio-pci"
rec after state "$b"
rec cid_after vsock-cid
