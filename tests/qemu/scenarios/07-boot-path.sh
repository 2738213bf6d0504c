# vd-boot: bootpath bare
# Scenario 7: the OpenRC-style boot path. virtio_pci registered while
# drivers_autoprobe was 0 (so nothing bound, as when hwdrivers/mdev did not bind
# the functions), no virtio-level module loaded. The guest's init then runs
# `virtio-doctor bind --vsock --wait 5` the way the service would, before
# anything uses vsock; a second run is the already-bound path, which writes nothing.
# (How long either takes is measured in bench/, not asserted here.)
b=$(pci_of 1af4 1053)
w 0 "$SYS/drivers_autoprobe"
rec modprobe modprobe virtio_pci
w 1 "$SYS/drivers_autoprobe"
rec before state "$b"
rec snap_before snapshot
rec bind vd bind --vsock --wait 5
rec after state "$b"
rec cid_after vsock-cid
rec snap_after snapshot
rec bind2 vd bind --vsock --wait 5
rec after2 state "$b"
rec snap_after2 snapshot
rec plan2 vd bind --vsock --dry-run
