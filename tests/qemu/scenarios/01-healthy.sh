# vd-boot: main coldplug
# Scenario 1: healthy mixed guest (modern rng, transitional net and console,
# legacy balloon, ivshmem, vsock). Nothing is broken: scan must match sysfs.
for id in 1044 1000 1002 1003 1110 1053; do
	b=$(pci_of 1af4 $id) && rec "state.$id" state "$b"
done
rec snapshot snapshot
rec cid vsock-cid
rec dev_vsock ls -l /dev/vsock
rec scan vd scan -J
rec scan_text vd scan
rec explain vd explain
rec explain_all vd explain --all
rec dryrun vd bind --vsock --dry-run
rec bind vd bind --vsock
rec snap_after snapshot
