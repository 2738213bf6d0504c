/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- snapshot --redact: what a bundle need not tell about the customer */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vd/act/redact.h"

/* A growing output string; a failed allocation makes the result NULL. */
struct out {
	char *s;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *p, size_t n)
{
	if (o->oom)
		return;
	if (!o->s || o->len + n + 1 > o->cap) {
		size_t cap = (o->len + n + 1) * 2;
		char *ns = realloc(o->s, cap);

		if (!ns) {
			o->oom = true;
			return;
		}
		o->s = ns;
		o->cap = cap;
	}
	memcpy(o->s + o->len, p, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static void puts_(struct out *o, const char *p)
{
	put(o, p, strlen(p));
}

static char *done(struct out *o)
{
	if (o->oom || !o->s) {
		free(o->s);
		return o->oom ? NULL : strdup("");
	}
	return o->s;
}

void vd_redact_init(struct vd_redact *r, const char *hostname)
{
	static const char *const keep[] = { "", "(none)", "localhost", "localhost.localdomain" };

	memset(r, 0, sizeof(*r));
	if (!hostname)
		return;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (!strcasecmp(hostname, keep[i]))
			return;
	snprintf(r->host[0], sizeof(r->host[0]), "%s", hostname);
	if (strchr(hostname, '.'))
		snprintf(r->host[1], sizeof(r->host[1]), "%.*s", (int)strcspn(hostname, "."),
			 hostname);
}

/* ---- addresses ---- */

static bool word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Colon-separated hex pairs, at least six (a MAC address, an InfiniBand address). */
static size_t mac_len(const char *p)
{
	size_t n = 0, groups = 0;

	while (isxdigit((unsigned char)p[n]) && isxdigit((unsigned char)p[n + 1])) {
		groups++;
		n += 2;
		if ((p[n] != ':' && p[n] != '-') || !isxdigit((unsigned char)p[n + 1]))
			break;
		n++;
	}
	if (groups < 6 || word(p[n]) || p[n] == ':')
		return 0;
	return n;
}

static size_t ipv4_len(const char *p)
{
	size_t n = 0;

	for (int g = 0; g < 4; g++) {
		unsigned int v = 0;
		size_t d = 0;

		if (g && p[n++] != '.')
			return 0;
		while (isdigit((unsigned char)p[n]) && d < 4) {
			v = v * 10 + (unsigned int)(p[n++] - '0');
			d++;
		}
		if (!d || d > 3 || v > 255)
			return 0;
	}
	if (word(p[n]) || (p[n] == '.' && isdigit((unsigned char)p[n + 1])))
		return 0;
	return n;
}

/* Hex groups and colons, with one "::" or eight groups, an IPv4 tail allowed. */
static size_t ipv6_len(const char *p)
{
	size_t n = 0, groups = 0, v4;
	bool gap = false;

	for (;;) {
		size_t d = 0;

		if (p[n] == ':' && p[n + 1] == ':') {
			if (gap)
				return 0;
			gap = true;
			n += 2;
		} else if (groups && p[n] == ':') {
			n++;
		} else if (groups) {
			break;
		}
		v4 = ipv4_len(p + n);
		if (v4 && (gap || groups == 6)) {
			n += v4;
			groups += 2;
			break;
		}
		while (isxdigit((unsigned char)p[n + d]) && d < 5)
			d++;
		if (!d) {
			if (gap && p[n - 1] == ':')
				break; /* "fe80::" ends there */
			return 0;
		}
		if (d > 4)
			return 0;
		n += d;
		groups++;
		if (p[n] != ':')
			break;
	}
	if (word(p[n]) || p[n] == '.' || (gap ? groups < 2 || groups > 7 : groups != 8))
		return 0;
	return n;
}

static size_t host_len(const struct vd_redact *r, const char *p, int *which)
{
	for (int i = 0; i < 2; i++) {
		size_t n = strlen(r->host[i]);

		if (n && !strncasecmp(p, r->host[i], n) && !word(p[n]) && p[n] != '-') {
			*which = i;
			return n;
		}
	}
	return 0;
}

char *vd_redact_text(struct vd_redact *r, const char *text)
{
	struct out o = { 0 };
	const char *p = text, *plain = text;

	while (*p) {
		size_t n = 0;
		const char *mask = NULL;
		int which;

		/* a token starts after something that is not part of a word or an address */
		if (p == text || (!word(p[-1]) && p[-1] != ':' && p[-1] != '.' && p[-1] != '-')) {
			if ((n = mac_len(p))) {
				mask = "xx:xx:xx:xx:xx:xx";
				r->mac++;
			} else if ((n = ipv6_len(p))) {
				mask = "x:x:x:x:x:x:x:x";
				r->ipv6++;
			} else if ((n = ipv4_len(p))) {
				mask = "x.x.x.x";
				r->ipv4++;
			} else if ((n = host_len(r, p, &which))) {
				mask = "HOSTNAME";
				r->hostname++;
			}
		}
		if (!mask) {
			p++;
			continue;
		}
		put(&o, plain, (size_t)(p - plain));
		puts_(&o, mask);
		p += n;
		plain = p;
	}
	put(&o, plain, (size_t)(p - plain));
	return done(&o);
}

/* ---- the kernel command line ---- */

static bool keep_key(const char *key, size_t len)
{
	static const char *const keys[] = {
		"module_blacklist", "modprobe.blacklist", "initcall_blacklist", "pci",
		"novirtiodoctor",   "noautodetect",
	};
	const char *dot = memchr(key, '.', len);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i]) == len && !strncmp(key, keys[i], len))
			return true;
	/* mod.param=: a module's parameter; rd.* (dracut) and systemd.* are not modules */
	if (dot && dot > key) {
		size_t m = (size_t)(dot - key);

		return !(m == 2 && !strncmp(key, "rd", 2)) &&
		       !(m == 7 && !strncmp(key, "systemd", 7));
	}
	return false;
}

static void note_key(struct vd_redact *r, const char *key, size_t len)
{
	size_t have = strlen(r->keys);

	for (const char *p = r->keys; *p;) {
		size_t l = strcspn(p, " ");

		if (l == len && !strncmp(p, key, len))
			return;
		p += l;
		p += *p == ' ';
	}
	if (len <= 64 && have + len + 2 < sizeof(r->keys))
		snprintf(r->keys + have, sizeof(r->keys) - have, "%s%.*s", have ? " " : "",
			 (int)len, key);
}

char *vd_redact_cmdline(struct vd_redact *r, const char *text)
{
	struct out o = { 0 };
	const char *p = text;
	bool init_args = false;

	while (*p) {
		const char *start = p, *eq = NULL;
		bool quote = false;

		if (isspace((unsigned char)*p)) {
			put(&o, p++, 1);
			continue;
		}
		/* one argument, as the kernel splits them: quotes group spaces */
		for (; *p && (quote || !isspace((unsigned char)*p)); p++) {
			if (*p == '"')
				quote = !quote;
			else if (*p == '=' && !eq && p > start)
				eq = p;
		}
		if (init_args) {
			puts_(&o, "REDACTED");
			r->cmdline++;
		} else if (!eq || keep_key(start, (size_t)(eq - start))) {
			put(&o, start, (size_t)(p - start));
			init_args = !eq && p - start == 2 && !strncmp(start, "--", 2);
		} else {
			put(&o, start, (size_t)(eq + 1 - start));
			puts_(&o, "REDACTED");
			note_key(r, start[0] == '"' ? start + 1 : start,
				 (size_t)(eq - start) - (start[0] == '"'));
			r->cmdline++;
		}
	}
	return done(&o);
}

char *vd_redact_klog(struct vd_redact *r, const char *text)
{
	static const char *const heads[] = { "Kernel command line: ", "Command line: " };
	struct out o = { 0 };
	char *masked;

	for (const char *p = text; *p;) {
		const char *end = strchrnul(p, '\n');
		const char *at = NULL;
		size_t hl = 0;

		for (size_t i = 0; i < 2 && !at; i++) {
			const char *h = strstr(p, heads[i]);

			if (h && h < end) {
				at = h;
				hl = strlen(heads[i]);
			}
		}
		if (at) {
			char *line = strndup(at + hl, (size_t)(end - at - hl));
			char *red = line ? vd_redact_cmdline(r, line) : NULL;

			put(&o, p, (size_t)(at + hl - p));
			if (red)
				puts_(&o, red);
			else
				o.oom = true;
			free(line);
			free(red);
		} else {
			put(&o, p, (size_t)(end - p));
		}
		if (*end)
			put(&o, "\n", 1);
		p = *end ? end + 1 : end;
	}
	masked = done(&o);
	if (!masked)
		return NULL;
	text = masked;
	masked = vd_redact_text(r, text);
	free((char *)text);
	return masked;
}

void vd_redact_summary(const struct vd_redact *r, char *buf, size_t size)
{
	snprintf(buf, size,
		 "# redacted: %u MAC, %u IPv4 and %u IPv6 addresses, %u mentions of the host "
		 "name, %u command line values (%s)",
		 r->mac, r->ipv4, r->ipv6, r->hostname, r->cmdline, r->keys[0] ? r->keys : "none");
}
