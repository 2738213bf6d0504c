/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- snapshot --redact: what a bundle need not tell about the customer */
#ifndef VD_REDACT_H
#define VD_REDACT_H

#include <stddef.h>

/*
 * What was masked, counted for the manifest. The masks: a MAC address (and any longer run
 * of colon-separated hex pairs) becomes xx:xx:xx:xx:xx:xx, an IPv4 address x.x.x.x, an IPv6
 * address x:x:x:x:x:x:x:x, the host name HOSTNAME, a command line value REDACTED.
 */
struct vd_redact {
	char host[2][256]; /* the host name, and its first label when it has a domain */
	unsigned int mac, ipv4, ipv6, hostname, cmdline;
	char keys[512]; /* command line keys whose values were masked, space-separated */
};

/* hostname may be NULL, "(none)" or "localhost": none is masked then. */
void vd_redact_init(struct vd_redact *r, const char *hostname);

/* A copy of text (malloc'ed, NULL without memory) with addresses and the host name masked. */
char *vd_redact_text(struct vd_redact *r, const char *text);

/*
 * A copy of a kernel command line with every value masked except the ones the diagnosis
 * reads: module parameters (mod.param=, but not the rd. and systemd. namespaces),
 * module_blacklist, modprobe.blacklist, initcall_blacklist, pci, novirtiodoctor and
 * noautodetect. Bare flags stay; after "--" (init's arguments) every word is masked.
 */
char *vd_redact_cmdline(struct vd_redact *r, const char *text);

/* A kernel log: its "Command line:" lines as a command line, then vd_redact_text(). */
char *vd_redact_klog(struct vd_redact *r, const char *text);

/* One line for the manifest saying what was masked. */
void vd_redact_summary(const struct vd_redact *r, char *buf, size_t size);

#endif
