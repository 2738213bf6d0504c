/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- what a PCI ID, a virtio type and a status byte mean (pure) */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vd/base/ids.h"
#include "vd/base/macro.h"

/*
 * IDs 14, 15 and 37 are not in the spec's table; 42-49 are spec-only (no Linux driver).
 * The driver is the virtio bus driver name, which equals the module name.
 */
static const struct vd_virtio_type types[] = {
	{ 1, "net", "Network device", "virtio_net", "VIRTIO_NET" },
	{ 2, "block", "Block device", "virtio_blk", "VIRTIO_BLK" },
	{ 3, "console", "Console", "virtio_console", "VIRTIO_CONSOLE" },
	{ 4, "rng", "Entropy source", "virtio_rng", "HW_RANDOM_VIRTIO" },
	{ 5, "balloon", "Memory balloon (traditional)", "virtio_balloon", "VIRTIO_BALLOON" },
	{ 6, "iomem", "ioMemory", NULL, NULL },
	{ 7, "rpmsg", "rpmsg", "virtio_rpmsg_bus", "RPMSG_VIRTIO" },
	{ 8, "scsi", "SCSI host", "virtio_scsi", "SCSI_VIRTIO" },
	{ 9, "9p", "9P transport", "9pnet_virtio", "NET_9P_VIRTIO" },
	{ 10, "mac80211_wlan", "mac80211 wlan", NULL, NULL },
	{ 11, "rproc_serial", "rproc serial", "virtio_rproc_serial", "VIRTIO_CONSOLE" },
	{ 12, "caif", "virtio CAIF", NULL, NULL },
	{ 13, "memory_balloon", "Memory balloon", NULL, NULL },
	{ 16, "gpu", "GPU device", "virtio_gpu", "DRM_VIRTIO_GPU" },
	{ 17, "clock", "RTC (Real Time Clock) device", "viortc", "VIRTIO_RTC" },
	{ 18, "input", "Input device", "virtio_input", "VIRTIO_INPUT" },
	{ 19, "vsock", "Socket device", "vmw_vsock_virtio_transport", "VIRTIO_VSOCKETS" },
	{ 20, "crypto", "Crypto device", "virtio_crypto", "CRYPTO_DEV_VIRTIO" },
	{ 21, "signal_dist", "Signal Distribution Module", NULL, NULL },
	{ 22, "pstore", "pstore device", NULL, NULL },
	{ 23, "iommu", "IOMMU device", "virtio_iommu", "VIRTIO_IOMMU" },
	{ 24, "mem", "Memory device", "virtio_mem", "VIRTIO_MEM" },
	{ 25, "sound", "Sound device", "virtio_snd", "SND_VIRTIO" },
	{ 26, "fs", "File system device", "virtiofs", "VIRTIO_FS" },
	{ 27, "pmem", "PMEM device", "virtio_pmem", "VIRTIO_PMEM" },
	{ 28, "rpmb", "RPMB device", NULL, NULL },
	{ 29, "mac80211_hwsim", "mac80211 hwsim wireless simulation device", NULL, NULL },
	{ 30, "video_encoder", "Video encoder device", NULL, NULL },
	{ 31, "video_decoder", "Video decoder device", NULL, NULL },
	{ 32, "scmi", "SCMI device", "scmi-virtio", "ARM_SCMI_TRANSPORT_VIRTIO" },
	{ 33, "nitro_sec_mod", "NitroSecureModule", "nsm", "NSM" },
	{ 34, "i2c_adapter", "I2C adapter", "i2c_virtio", "I2C_VIRTIO" },
	{ 35, "watchdog", "Watchdog", NULL, NULL },
	{ 36, "can", "CAN device", NULL, NULL },
	{ 38, "param_serv", "Parameter Server", NULL, NULL },
	{ 39, "audio_policy", "Audio policy device", NULL, NULL },
	{ 40, "bt", "Bluetooth device", "virtio_bt", "BT_VIRTIO" },
	{ 41, "gpio", "GPIO device", "gpio_virtio", "GPIO_VIRTIO" },
	{ 42, "rdma", "RDMA device", NULL, NULL },
	{ 43, "camera", "Camera device", NULL, NULL },
	{ 44, "ism", "ISM device", NULL, NULL },
	{ 45, "spi", "SPI controller", "spi-virtio", "SPI_VIRTIO" },
	{ 46, "tee", "TEE device", NULL, NULL },
	{ 47, "cpu_balloon", "CPU balloon device", NULL, NULL },
	{ 48, "media", "Media device", NULL, NULL },
	{ 49, "usb", "USB controller", NULL, NULL },
};

const struct vd_virtio_type *vd_virtio_type_by_id(unsigned int id)
{
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (types[i].id == id)
			return &types[i];
	return NULL;
}

const struct vd_virtio_type *vd_virtio_type_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(types[i].name, name))
			return &types[i];
	/* the spec and virtio_blk say "blk" as often as "block" */
	if (!strcmp(name, "blk"))
		return vd_virtio_type_by_id(2);
	return NULL;
}

const struct vd_virtio_type *vd_virtio_type_at(size_t i)
{
	return i < ARRAY_SIZE(types) ? &types[i] : NULL;
}

const char *vd_virtio_type_short(unsigned int id, char *buf, size_t size)
{
	const struct vd_virtio_type *t = vd_virtio_type_by_id(id);

	if (t)
		return t->name;
	snprintf(buf, size, "unknown-%u", id);
	return buf;
}

void vd_classify_pci(uint16_t vendor, uint16_t device, uint16_t subsys_device, bool have_subsys,
		     struct vd_pci_class *ret)
{
	*ret = (struct vd_pci_class){ .type_id = -1 };

	if (vendor == VD_VENDOR_QEMU) {
		ret->not_virtio = "QEMU device (1b36 is never virtio)";
		return;
	}
	if (vendor != VD_VENDOR_VIRTIO)
		return;
	if (device < 0x1000 || device > 0x107f) {
		/* QEMU's docs/specs/pci-ids.rst allocations outside the virtio range */
		if (device == 0x1110)
			ret->not_virtio = "ivshmem (inter-VM shared memory), not virtio";
		else if (device >= 0x10f0 && device <= 0x10ff)
			ret->not_virtio = "QEMU experimental ID, not virtio";
		else
			ret->not_virtio = "outside the virtio range 0x1000-0x107f";
		return;
	}
	ret->virtio = true;
	if (device >= 0x1040) {
		ret->modern = true;
		ret->type_id = device - 0x1040;
	} else if (have_subsys) {
		/* 0x1012 (QEMU's bug-compatible vsock) included: Linux reads the subsystem */
		ret->type_id = subsys_device;
	}
}

const char *vd_transport_name(enum vd_transport t)
{
	static const char *const names[_VD_TRANSPORT_MAX] = {
		[VD_TRANSPORT_NONE] = "",
		[VD_TRANSPORT_MODERN] = "modern",
		[VD_TRANSPORT_TRANSITIONAL] = "transitional",
		[VD_TRANSPORT_LEGACY] = "legacy",
		[VD_TRANSPORT_UNKNOWN] = "unknown",
		[VD_TRANSPORT_MMIO] = "mmio",
	};
	return (unsigned)t < _VD_TRANSPORT_MAX ? names[t] : "";
}

int vd_status_decode(uint32_t status, char *buf, size_t size)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{ VD_STATUS_ACKNOWLEDGE, "ACKNOWLEDGE" }, { VD_STATUS_DRIVER, "DRIVER" },
		{ VD_STATUS_FEATURES_OK, "FEATURES_OK" }, { VD_STATUS_DRIVER_OK, "DRIVER_OK" },
		{ VD_STATUS_SUSPEND, "SUSPEND" },	  { VD_STATUS_NEEDS_RESET, "NEEDS_RESET" },
		{ VD_STATUS_FAILED, "FAILED" },
	};
	uint32_t left = status;
	size_t len = 0;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (size_t i = 0; i <= ARRAY_SIZE(bits); i++) {
		char hex[16];
		const char *name;
		int n;

		if (i < ARRAY_SIZE(bits)) {
			if (!(status & bits[i].bit))
				continue;
			name = bits[i].name;
			left &= ~bits[i].bit;
		} else {
			if (!left)
				break;
			snprintf(hex, sizeof(hex), "0x%x", left);
			name = hex;
		}
		n = snprintf(buf + len, size - len, "%s%s", len ? "," : "", name);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOSPC;
		len += (size_t)n;
	}
	return (int)len;
}

/* The spec's transitional device IDs (and QEMU's bug-compatible vsock 0x1012). */
static int transitional_type(uint16_t device)
{
	switch (device) {
	case 0x1000:
		return VD_VIRTIO_ID_NET;
	case 0x1001:
		return VD_VIRTIO_ID_BLOCK;
	case 0x1002:
		return VD_VIRTIO_ID_BALLOON;
	case 0x1003:
		return VD_VIRTIO_ID_CONSOLE;
	case 0x1004:
		return VD_VIRTIO_ID_SCSI;
	case 0x1005:
		return VD_VIRTIO_ID_RNG;
	case 0x1009:
		return VD_VIRTIO_ID_9P;
	case 0x1012:
		return VD_VIRTIO_ID_VSOCK;
	default:
		return -1;
	}
}

void vd_decode_pci_id(uint16_t vendor, uint16_t device, bool have_subsys, uint16_t subvendor,
		      uint16_t subdevice, struct vd_id_info *ret)
{
	*ret = (struct vd_id_info){
		.vendor = vendor,
		.device = device,
		.have_subsys = have_subsys,
		.subvendor = subvendor,
		.subdevice = subdevice,
	};
	vd_classify_pci(vendor, device, subdevice, have_subsys, &ret->cls);
	if (!ret->cls.virtio) {
		if (vendor == VD_VENDOR_VIRTIO)
			ret->note =
				"virtio-pci's ID table matches every 1af4 device, but its probe "
				"rejects IDs outside 0x1000-0x107f silently (-ENODEV)";
		else if (!ret->cls.not_virtio)
			ret->note = "not a virtio vendor ID (virtio is 1af4:1000-107f)";
		return;
	}
	if (ret->cls.modern) {
		ret->transport = VD_TRANSPORT_MODERN;
		ret->note = "modern only: virtio-pci binds it through the common, notify and ISR "
			    "capabilities; the legacy path never takes IDs above 0x103f; new_id "
			    "answers EEXIST (the ID table already matches every 1af4 device)";
		return;
	}
	ret->transport = VD_TRANSPORT_TRANSITIONAL;
	if (!have_subsys) {
		ret->cls.type_id = transitional_type(device);
		ret->type_conventional = ret->cls.type_id >= 0;
	}
	ret->note = "transitional range: the type is the PCI subsystem device ID; without "
		    "virtio capabilities it is legacy-only, which needs revision 0 and "
		    "CONFIG_VIRTIO_PCI_LEGACY";
}
