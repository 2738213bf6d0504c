/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- strict parsers for sysfs attribute values and arguments (pure) */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vd/base/parse.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly n hex digits at s (n <= 16). */
static int hex_fixed(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		int d = hexval(s[i]);

		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	*ret = v;
	return 0;
}

/* 1..max_digits hex digits at *s; advances *s. */
static int hex_run(const char **s, size_t max_digits, uint64_t *ret)
{
	const char *p = *s;
	size_t n = 0;

	while (hexval(p[n]) >= 0)
		n++;
	if (n == 0 || n > max_digits)
		return -EINVAL;
	*s = p + n;
	return hex_fixed(p, n, ret);
}

int vd_parse_hex(const char *s, uint32_t max, uint32_t *ret)
{
	uint64_t v;
	int r;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	s += 2;
	r = hex_run(&s, 8, &v);
	if (r < 0 || *s)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*ret = (uint32_t)v;
	return 0;
}

int vd_parse_features(const char *s, uint64_t ret[2], unsigned int *ret_nbits)
{
	uint64_t f[2] = { 0, 0 };
	size_t n = strlen(s);

	if (n == 0 || n > 128)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '1')
			f[i / 64] |= 1ULL << (i % 64);
		else if (s[i] != '0')
			return -EINVAL;
	}
	ret[0] = f[0];
	ret[1] = f[1];
	if (ret_nbits)
		*ret_nbits = (unsigned int)n;
	return 0;
}

/* "<prefix><n uppercase-or-lowercase hex digits>" */
static int field(const char **s, const char *prefix, size_t digits, uint64_t *ret)
{
	size_t pl = strlen(prefix);

	if (strncmp(*s, prefix, pl))
		return -EINVAL;
	if (strlen(*s + pl) < digits || hex_fixed(*s + pl, digits, ret) < 0)
		return -EINVAL;
	*s += pl + digits;
	return 0;
}

int vd_parse_pci_modalias(const char *s, struct vd_pci_modalias *ret)
{
	uint64_t v, d, sv, sd, bc, sc, pi;

	if (field(&s, "pci:v", 8, &v) < 0 || field(&s, "d", 8, &d) < 0 ||
	    field(&s, "sv", 8, &sv) < 0 || field(&s, "sd", 8, &sd) < 0 ||
	    field(&s, "bc", 2, &bc) < 0 || field(&s, "sc", 2, &sc) < 0 ||
	    field(&s, "i", 2, &pi) < 0 || *s)
		return -EINVAL;
	*ret = (struct vd_pci_modalias){
		.vendor = (uint32_t)v,
		.device = (uint32_t)d,
		.subvendor = (uint32_t)sv,
		.subdevice = (uint32_t)sd,
		.base_class = (uint8_t)bc,
		.sub_class = (uint8_t)sc,
		.prog_if = (uint8_t)pi,
	};
	return 0;
}

int vd_parse_virtio_modalias(const char *s, uint32_t *ret_device, uint32_t *ret_vendor)
{
	uint64_t d, v;

	if (field(&s, "virtio:d", 8, &d) < 0 || field(&s, "v", 8, &v) < 0 || *s)
		return -EINVAL;
	*ret_device = (uint32_t)d;
	*ret_vendor = (uint32_t)v;
	return 0;
}

int vd_parse_bdf(const char *s, bool allow_short, struct vd_bdf *ret)
{
	uint64_t dom = 0, bus, dev, fn;
	size_t len = strlen(s);

	if (len == 12 && s[4] == ':' && s[7] == ':' && s[10] == '.') {
		if (hex_fixed(s, 4, &dom) < 0)
			return -EINVAL;
		s += 5;
	} else if (!(allow_short && len == 7 && s[2] == ':' && s[5] == '.')) {
		return -EINVAL;
	}
	if (hex_fixed(s, 2, &bus) < 0 || hex_fixed(s + 3, 2, &dev) < 0 ||
	    hex_fixed(s + 6, 1, &fn) < 0)
		return -EINVAL;
	if (dev > 0x1f || fn > 7)
		return -ERANGE;
	*ret = (struct vd_bdf){ (uint32_t)dom, (uint8_t)bus, (uint8_t)dev, (uint8_t)fn };
	return 0;
}

void vd_bdf_format(const struct vd_bdf *b, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%02x:%02x.%x", b->domain, b->bus, b->dev, b->func);
}

int vd_parse_pci_id(const char *s, uint16_t *ret_vendor, uint16_t *ret_device)
{
	uint64_t v, d;

	if (strlen(s) != 9 || s[4] != ':' || hex_fixed(s, 4, &v) < 0 || hex_fixed(s + 5, 4, &d) < 0)
		return -EINVAL;
	*ret_vendor = (uint16_t)v;
	*ret_device = (uint16_t)d;
	return 0;
}

int vd_parse_virtio_name(const char *s, unsigned int *ret)
{
	unsigned int v = 0;
	size_t n = 0;

	if (strncmp(s, "virtio", 6))
		return -EINVAL;
	s += 6;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 9)
			return -EINVAL;
		v = v * 10 + (unsigned int)(s[n] - '0');
	}
	if (n == 0 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	*ret = v;
	return 0;
}

int vd_parse_resource_line(const char *line, struct vd_resource *ret)
{
	uint64_t v[3];

	for (int i = 0; i < 3; i++) {
		if (line[0] != '0' || line[1] != 'x')
			return -EINVAL;
		line += 2;
		if (hex_run(&line, 16, &v[i]) < 0)
			return -EINVAL;
		if (i < 2) {
			if (*line != ' ')
				return -EINVAL;
			line++;
		}
	}
	if (*line && *line != '\n')
		return -EINVAL;
	*ret = (struct vd_resource){ v[0], v[1], v[2] };
	return 0;
}

bool vd_parse_field(const char *p, int n, char *buf, size_t size)
{
	const char *e;

	for (int i = 0; i < n; i++) {
		p = strpbrk(p, " \n");
		if (!p || *p == '\n')
			return false;
		p++;
	}
	e = p + strcspn(p, " \n");
	if ((size_t)(e - p) >= size)
		return false;
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return true;
}
