/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- kernel log: recognise the messages that explain a virtio device */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd/facts/klog.h"

static const char *const kind_names[_VD_KLOG_KIND_MAX] = {
	[VD_KLOG_NONE] = "none",
	[VD_KLOG_PROBE_FAILED] = "probe-failed",
	[VD_KLOG_LEAVING_LEGACY] = "leaving-for-legacy",
	[VD_KLOG_MISSING_CAPS] = "missing-capabilities",
	[VD_KLOG_BAD_CAP] = "bad-capability",
	[VD_KLOG_BAR_NOT_ASSIGNED] = "bar-not-assigned",
	[VD_KLOG_BAR_NOT_CLAIMED] = "bar-not-claimed",
	[VD_KLOG_BAR_NO_SPACE] = "bar-no-space",
	[VD_KLOG_BAR_FAILED_ASSIGN] = "bar-failed-to-assign",
	[VD_KLOG_REFUSES_FEATURES] = "device-refuses-features",
	[VD_KLOG_NEEDS_VERSION_1] = "needs-version-1",
	[VD_KLOG_NEEDS_ACCESS_PLATFORM] = "needs-access-platform",
	[VD_KLOG_MODERN_NO_VERSION_1] = "modern-without-version-1",
	[VD_KLOG_ENABLING_DEVICE] = "enabling-device",
	[VD_KLOG_RESOURCES_PRESENT] = "resources-present",
	[VD_KLOG_MMIO_REJECTED] = "mmio-rejected",
	[VD_KLOG_BAR_CANT_CLAIM] = "bar-cannot-claim",
};

const char *vd_klog_kind_name(enum vd_klog_kind k)
{
	if ((unsigned)k >= _VD_KLOG_KIND_MAX)
		return NULL;
	return kind_names[k];
}

/* ---- recognising one message ---------------------------------------------------- */

/* p advanced past lit when p starts with it, else NULL */
static const char *skip_lit(const char *p, const char *lit)
{
	size_t n = strlen(lit);

	return p && !strncmp(p, lit, n) ? p + n : NULL;
}

static bool ends_with(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && !memcmp(s + len - n, lit, n);
}

/* Copy [p, p+len) into a fixed field; false when it does not fit or is empty. */
static bool copy_field(char *dst, size_t size, const char *p, size_t len)
{
	if (len == 0 || len >= size)
		return false;
	memcpy(dst, p, len);
	dst[len] = '\0';
	return true;
}

/* A signed decimal that ends the message (trailing blanks allowed). */
static bool parse_errno_tail(const char *p, int *ret)
{
	char *end;
	long v;

	if (!p || !(*p == '-' || isdigit((unsigned char)*p)))
		return false;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || end == p || v < INT_MIN || v > INT_MAX)
		return false;
	while (*end == ' ' || *end == '\r' || *end == '\n')
		end++;
	if (*end)
		return false;
	*ret = (int)v;
	return true;
}

/* An unsigned number in base 10 or 16, then p points after it. */
static const char *skip_number(const char *p, int base)
{
	const char *q = p;

	if (!p)
		return NULL;
	while (base == 16 ? isxdigit((unsigned char)*q) : isdigit((unsigned char)*q))
		q++;
	return q == p ? NULL : q;
}

/*
 * dev_printk() puts "<driver or bus name> <device name>: " in front of the text:
 * "virtio-pci 0000:00:04.0: ", "pci 0000:00:04.0: ", "virtio_net virtio1: ". The first
 * word has no ':' (which tells it from pr_*() "virtio-pci: probe of ..." lines).
 */
struct dev_prefix {
	const char *drv;
	size_t drv_len;
	const char *dev;
	size_t dev_len;
	const char *rest;
};

static bool parse_dev_prefix(const char *msg, struct dev_prefix *p)
{
	const char *sp = strchr(msg, ' '), *dev, *end;

	if (!sp || sp == msg || memchr(msg, ':', (size_t)(sp - msg)))
		return false;
	dev = sp + 1;
	end = dev;
	while (*end && *end != ' ')
		end++;
	/* "name:" followed by a blank or the end of the message */
	if (end - dev < 2 || end[-1] != ':')
		return false;
	p->drv = msg;
	p->drv_len = (size_t)(sp - msg);
	p->dev = dev;
	p->dev_len = (size_t)(end - 1 - dev);
	p->rest = *end ? end + 1 : end;
	return true;
}

/* The first word of the prefix is the bus name until a driver is bound. */
static bool is_bus_name(const char *p, size_t len)
{
	static const char *const buses[] = { "pci", "virtio", "platform", "pnp", "acpi" };

	for (size_t i = 0; i < ARRAY_SIZE(buses); i++)
		if (strlen(buses[i]) == len && !memcmp(p, buses[i], len))
			return true;
	return false;
}

/* "[    0.123456] " in front of a message from a saved dmesg */
static const char *skip_timestamp(const char *msg)
{
	const char *p = msg;

	if (*p != '[')
		return msg;
	for (p++; *p == ' ' || *p == '.' || isdigit((unsigned char)*p); p++)
		;
	if (*p != ']' || p == msg + 1)
		return msg;
	p++;
	return *p == ' ' ? p + 1 : p;
}

/* Old driver core (<= 6.7, still in 6.1.192): "drv: probe of DEV failed with error -N" */
static bool match_probe_of(const char *msg, struct vd_klog_event *ev)
{
	const char *at = strstr(msg, "probe of "), *dev, *p;

	if (!at || (at != msg && (at < msg + 2 || at[-1] != ' ' || at[-2] != ':')))
		return false;
	dev = at + strlen("probe of ");
	p = dev;
	while (*p && *p != ' ')
		p++;
	if (!copy_field(ev->device, sizeof(ev->device), dev, (size_t)(p - dev)))
		return false;
	if (!parse_errno_tail(skip_lit(p, " failed with error "), &ev->error))
		return false;
	/* the driver name is the whole text before ": probe of" */
	if (at != msg) {
		size_t len = (size_t)(at - 2 - msg);

		if (memchr(msg, ' ', len) || !copy_field(ev->driver, sizeof(ev->driver), msg, len))
			ev->driver[0] = '\0';
	}
	ev->kind = VD_KLOG_PROBE_FAILED;
	return true;
}

/* >= 6.8: dev_err(dev, "probe with driver %s failed with error %d") */
static bool match_probe_with(const char *rest, struct vd_klog_event *ev)
{
	const char *drv = skip_lit(rest, "probe with driver "), *p;

	if (!drv)
		return false;
	p = drv;
	while (*p && *p != ' ')
		p++;
	if (!copy_field(ev->driver, sizeof(ev->driver), drv, (size_t)(p - drv)))
		return false;
	if (!parse_errno_tail(skip_lit(p, " failed with error "), &ev->error))
		return false;
	ev->kind = VD_KLOG_PROBE_FAILED;
	return true;
}

/* virtio_pci_modern_dev.c: vp_modern_probe() and vp_modern_map_capability() */
static enum vd_klog_kind match_virtio_pci(const char *rest)
{
	const char *vp = skip_lit(rest, "virtio_pci: ");
	const char *t = vp ? vp : rest, *p;
	size_t len = strlen(t);

	while (len && (t[len - 1] == ' ' || t[len - 1] == '\r'))
		len--;
	if (len == strlen("leaving for legacy driver") &&
	    !strncmp(t, "leaving for legacy driver", len))
		return VD_KLOG_LEAVING_LEGACY;
	p = skip_lit(t, "missing capabilities ");
	if (p) {
		/* "%i/%i/%i": the three cap offsets, 0 for a missing one */
		p = skip_number(p, 10);
		p = skip_lit(p, "/");
		p = skip_number(p, 10);
		p = skip_lit(p, "/");
		p = skip_number(p, 10);
		if (p)
			return VD_KLOG_MISSING_CAPS;
	}
	if (skip_lit(t, "bad capability len ") || skip_lit(t, "map wrap-around ") ||
	    skip_lit(t, "unable to map virtio ") || skip_lit(t, "bar unexpectedly changed to "))
		return VD_KLOG_BAD_CAP;
	if (skip_lit(t, "map virtio ") && strstr(t, " out of range on bar "))
		return VD_KLOG_BAD_CAP;
	/* too generic a phrase to trust without the "virtio_pci: " tag */
	if (vp && skip_lit(skip_number(skip_lit(t, "offset "), 10), " not aligned to "))
		return VD_KLOG_BAD_CAP;
	return VD_KLOG_NONE;
}

/* drivers/pci/setup-res.c, both wordings (6.1 and the 6.1.1xx/6.18 "%s %pR: ...") */
static enum vd_klog_kind match_bar(const char *rest)
{
	size_t len = strlen(rest);

	while (len && (rest[len - 1] == ' ' || rest[len - 1] == '\r'))
		len--;
	if (skip_lit(rest, "can't enable device: BAR ")) {
		if (ends_with(rest, len, " not assigned"))
			return VD_KLOG_BAR_NOT_ASSIGNED;
		if (ends_with(rest, len, " not claimed"))
			return VD_KLOG_BAR_NOT_CLAIMED;
		return VD_KLOG_NONE;
	}
	if (!strchr(rest, '['))
		return VD_KLOG_NONE;
	if (ends_with(rest, len, ": not assigned; can't enable device"))
		return VD_KLOG_BAR_NOT_ASSIGNED;
	if (ends_with(rest, len, ": not claimed; can't enable device"))
		return VD_KLOG_BAR_NOT_CLAIMED;
	if (ends_with(rest, len, ": can't assign; no space"))
		return VD_KLOG_BAR_NO_SPACE;
	if (ends_with(rest, len, ": failed to assign"))
		return VD_KLOG_BAR_FAILED_ASSIGN;
	if (ends_with(rest, len, ": can't claim; no compatible bridge window"))
		return VD_KLOG_BAR_CANT_CLAIM;
	/* 6.1: "BAR %d: no space for %pR", "BAR %d: failed to assign %pR" */
	if (skip_lit(rest, "BAR ")) {
		const char *p = skip_number(rest + 4, 10);

		if (skip_lit(p, ": no space for "))
			return VD_KLOG_BAR_NO_SPACE;
		if (skip_lit(p, ": failed to assign "))
			return VD_KLOG_BAR_FAILED_ASSIGN;
	}
	return VD_KLOG_NONE;
}

/* drivers/virtio/virtio.c virtio_features_ok(), virtio_pci_modern.c finalize_features */
static enum vd_klog_kind match_virtio(const char *rest)
{
	const char *t = skip_lit(rest, "virtio: ");

	if (!t)
		t = rest;
	if (skip_number(skip_lit(t, "device refuses features: "), 16))
		return VD_KLOG_REFUSES_FEATURES;
	if (skip_lit(t, "device must provide VIRTIO_F_VERSION_1"))
		return VD_KLOG_NEEDS_VERSION_1;
	if (skip_lit(t, "device must provide VIRTIO_F_ACCESS_PLATFORM"))
		return VD_KLOG_NEEDS_ACCESS_PLATFORM;
	if (skip_lit(t, "device uses modern interface but does not have VIRTIO_F_VERSION_1"))
		return VD_KLOG_MODERN_NO_VERSION_1;
	return VD_KLOG_NONE;
}

/* drivers/virtio/virtio_mmio.c virtio_mmio_probe(): a transport that is not virtio */
static enum vd_klog_kind match_virtio_mmio(const char *rest)
{
	if (skip_lit(rest, "Wrong magic value 0x") ||
	    skip_lit(skip_number(skip_lit(rest, "Version "), 10), " not supported!"))
		return VD_KLOG_MMIO_REJECTED;
	return VD_KLOG_NONE;
}

static enum vd_klog_kind match_driver_core(const char *rest)
{
	const char *p = skip_lit(rest, "enabling device (");

	p = skip_lit(skip_number(p, 16), " -> ");
	if (skip_lit(skip_number(p, 16), ")"))
		return VD_KLOG_ENABLING_DEVICE;
	if (skip_lit(rest, "Resources present before probing"))
		return VD_KLOG_RESOURCES_PRESENT;
	return VD_KLOG_NONE;
}

int vd_klog_match(const char *msg, struct vd_klog_event *ret)
{
	struct vd_klog_event ev = { .kind = VD_KLOG_NONE };
	struct dev_prefix pre;
	enum vd_klog_kind kind;

	if (!ret)
		return -EINVAL;
	*ret = ev;
	if (!msg)
		return -EINVAL;
	msg = skip_timestamp(msg);

	if (!parse_dev_prefix(msg, &pre)) {
		/* pr_*() lines have no device prefix: only the old probe failure counts */
		if (!match_probe_of(msg, &ev))
			return 0;
		*ret = ev;
		return 1;
	}
	if (!copy_field(ev.device, sizeof(ev.device), pre.dev, pre.dev_len))
		return 0;
	if (!is_bus_name(pre.drv, pre.drv_len))
		copy_field(ev.driver, sizeof(ev.driver), pre.drv, pre.drv_len);

	if (match_probe_with(pre.rest, &ev)) {
		*ret = ev;
		return 1;
	}
	kind = match_virtio_pci(pre.rest);
	if (kind == VD_KLOG_NONE)
		kind = match_bar(pre.rest);
	if (kind == VD_KLOG_NONE)
		kind = match_virtio(pre.rest);
	if (kind == VD_KLOG_NONE)
		kind = match_driver_core(pre.rest);
	if (kind == VD_KLOG_NONE)
		kind = match_virtio_mmio(pre.rest);
	if (kind == VD_KLOG_NONE)
		return 0;
	ev.kind = kind;
	*ret = ev;
	return 1;
}
