/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- the catalogue of verdicts: code and one line of help */
#include <stdbool.h>

#include "vd/diagnose/diagnose.h"

static const struct {
	const char *code, *help;
} verdicts[_VD_V_MAX] = {
	[VD_V_OK] = { "ok", "bound at both levels and running" },
	[VD_V_PCI_DRIVER_NOT_BUILT] = { "pci-driver-not-built",
					"this kernel has no virtio-pci (CONFIG_VIRTIO_PCI is not set)" },
	[VD_V_PCI_DRIVER_INITCALL_BLACKLISTED] = { "pci-driver-initcall-blacklisted",
						   "initcall_blacklist=virtio_pci_driver_init keeps virtio-pci from registering" },
	[VD_V_PCI_DRIVER_BLACKLISTED] = { "pci-driver-blacklisted",
					  "virtio_pci is blacklisted, so nothing loads it" },
	[VD_V_PCI_DRIVER_NOT_LOADED] = { "pci-driver-not-loaded",
					 "the virtio_pci module exists but is not loaded" },
	[VD_V_PCI_DRIVER_MISSING] = { "pci-driver-missing",
				      "virtio_pci is a module of this kernel but is not installed" },
	[VD_V_PCI_DRIVER_NOT_REGISTERED] = { "pci-driver-not-registered",
					     "virtio-pci is not registered; the reason is unclear" },
	[VD_V_OVERRIDE_NONE] = { "override-none",
				 "driver_override is 'none': no driver may bind the function" },
	[VD_V_OVERRIDE_OTHER] = { "override-other",
				  "driver_override names another driver, so virtio-pci never matches" },
	[VD_V_AUTOPROBE_DISABLED] = { "autoprobe-disabled",
				      "automatic probing is off (drivers_autoprobe or sriov)" },
	[VD_V_PROBE_NO_COMMON_CAP] = { "probe-no-common-cap",
				       "no usable virtio common capability: 'leaving for legacy driver', then -ENODEV" },
	[VD_V_PROBE_MISSING_CAPS] = { "probe-missing-caps",
				      "the ISR or notify capability is missing: -EINVAL" },
	[VD_V_PROBE_BAD_CAP] = { "probe-bad-cap",
				 "a virtio capability's length or offset does not fit: -EINVAL" },
	[VD_V_PROBE_BAR_UNASSIGNED] = { "probe-bar-unassigned",
					"a BAR has no address: pci_enable_device fails with -EINVAL" },
	[VD_V_LEGACY_UNSUPPORTED] = { "legacy-unsupported",
				      "a legacy-only device on a kernel without CONFIG_VIRTIO_PCI_LEGACY" },
	[VD_V_LEGACY_REVISION] = { "legacy-revision",
				   "legacy probing needs PCI revision 0, the device has another" },
	[VD_V_PROBE_FAILED] = { "probe-failed",
				"virtio-pci's probe failed with an error in the log" },
	[VD_V_PROBE_REJECTED] = { "probe-rejected",
				  "virtio-pci is registered and may match, but holds nothing: a silent -ENODEV" },
	[VD_V_FOREIGN_DRIVER] = { "foreign-driver", "another PCI driver holds the function" },
	[VD_V_NO_VIRTIO_DEVICE] = { "no-virtio-device",
				    "the transport driver is bound but registered no virtio device" },
	[VD_V_VIRTIO_DRIVER_NOT_BUILT] = { "virtio-driver-not-built",
					   "the kernel lacks the driver for this virtio type" },
	[VD_V_VIRTIO_DRIVER_BLACKLISTED] = { "virtio-driver-blacklisted",
					     "the virtio driver's module is blacklisted" },
	[VD_V_VIRTIO_DRIVER_NOT_LOADED] = { "virtio-driver-not-loaded",
					    "the virtio driver's module exists but is not loaded" },
	[VD_V_VIRTIO_DRIVER_MISSING] = { "virtio-driver-missing",
					 "the virtio driver's module is not installed" },
	[VD_V_VIRTIO_DRIVER_NONE] = { "virtio-driver-none", "Linux has no driver for this type" },
	[VD_V_VIRTIO_DRIVER_NOT_BOUND] = { "virtio-driver-not-bound",
					   "the virtio driver is registered but did not take the device" },
	[VD_V_VIRTIO_FEATURES_REFUSED] = { "virtio-features-refused",
					   "the device refused the negotiated features" },
	[VD_V_VIRTIO_NEEDS_ACCESS_PLATFORM] = { "virtio-needs-access-platform",
						"the guest requires VIRTIO_F_ACCESS_PLATFORM and the device does not offer it" },
	[VD_V_VIRTIO_NEEDS_VERSION_1] = { "virtio-needs-version-1",
					  "the device does not offer VIRTIO_F_VERSION_1" },
	[VD_V_VIRTIO_PROBE_FAILED] = { "virtio-probe-failed",
				       "the virtio driver's probe failed (status FAILED)" },
	[VD_V_VIRTIO_NEEDS_RESET] = { "virtio-needs-reset", "the device set NEEDS_RESET" },
	[VD_V_VIRTIO_NOT_READY] = { "virtio-not-ready",
				    "a driver is bound but status lacks DRIVER_OK" },
	[VD_V_VSOCK_NO_DEVICE] = { "vsock-no-device",
				   "the vsock transport is registered but no vsock device probed" },
	[VD_V_VSOCK_COMPETING_TRANSPORT] = { "vsock-competing-transport",
					     "another guest-to-host vsock transport (VMCI, Hyper-V) blocks virtio's" },
	[VD_V_VSOCK_SECOND_DEVICE] = { "vsock-second-device",
				       "only one virtio vsock device is supported: -EBUSY" },
	[VD_V_MMIO_UNBOUND] = { "mmio-unbound",
				"a virtio-mmio transport has no driver: its probe failed, or the evidence does not say why" },
	[VD_V_MMIO_DRIVER_NOT_BUILT] = { "mmio-driver-not-built",
					 "this kernel has no virtio-mmio (CONFIG_VIRTIO_MMIO is not set)" },
	[VD_V_MMIO_DRIVER_INITCALL_BLACKLISTED] = { "mmio-driver-initcall-blacklisted",
						    "initcall_blacklist=virtio_mmio_init keeps virtio-mmio from registering" },
	[VD_V_MMIO_DRIVER_BLACKLISTED] = { "mmio-driver-blacklisted",
					   "virtio_mmio is blacklisted, so nothing loads it" },
	[VD_V_MMIO_DRIVER_NOT_LOADED] = { "mmio-driver-not-loaded",
					  "the virtio_mmio module exists but is not loaded" },
	[VD_V_MMIO_DRIVER_MISSING] = { "mmio-driver-missing",
				       "virtio_mmio is a module of this kernel but is not installed" },
	[VD_V_MMIO_EMPTY] = { "mmio-empty",
			      "an empty virtio-mmio slot (device ID 0, a placeholder): not a problem" },
	[VD_V_CANNOT_TELL] = { "cannot-tell", "the evidence that would decide is not readable" },
};

const char *vd_verdict_code(enum vd_verdict v)
{
	return (unsigned)v < _VD_V_MAX ? verdicts[v].code : "";
}

const char *vd_verdict_help(enum vd_verdict v)
{
	return (unsigned)v < _VD_V_MAX ? verdicts[v].help : "";
}

bool vd_verdict_is_problem(enum vd_verdict v)
{
	return v != VD_V_OK && v != VD_V_MMIO_EMPTY;
}
