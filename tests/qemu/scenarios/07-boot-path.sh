# vd-boot: bootpath bare
# Scenario 7: the OpenRC-style boot path. virtio_pci registered while
# drivers_autoprobe was 0 (so nothing bound, as when hwdrivers/mdev did not bind
# the functions), no virtio-level module loaded. The guest's init then runs
# `virtio-doctor bind --vsock --wait 5` the way the service would, before
# anything uses vsock; a second run is the already-bound fast path.
b=$(pci_of 1af4 1053)
w 0 "$SYS/drivers_autoprobe"
rec modprobe modprobe virtio_pci
w 1 "$SYS/drivers_autoprobe"
rec before state "$b"
rec snap_before snapshot
rec t0 cut -d' ' -f1 /proc/uptime
rec bind vd bind --vsock --wait 5
rec t1 cut -d' ' -f1 /proc/uptime
rec after state "$b"
rec cid_after vsock-cid
rec snap_after snapshot
rec bind2 vd bind --vsock --wait 5
rec t2 cut -d' ' -f1 /proc/uptime
rec after2 state "$b"
