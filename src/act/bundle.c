/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- support bundles: capture what scan and explain read */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle_snap.h"
#include "vd/act/bundle.h"
#include "vd/act/redact.h"
#include "vd/base/strerror.h"
#include "vd/facts/klog.h"
#include "vd/model/model.h"
#include "vd/base/parse.h"
#include "vd/facts/vsock.h"

/* ---- what is captured ---- */

static const char *const pci_attrs[] = {
	"vendor",
	"device",
	"subsystem_vendor",
	"subsystem_device",
	"revision",
	"class",
	"config",
	"resource",
	"driver_override",
	"enable",
	"irq",
	"modalias",
	"uevent",
	"numa_node",
	"driver",
	"physfn",
	"sriov_drivers_autoprobe",
};

static const char *const virtio_attrs[] = {
	"device", "vendor", "status", "features", "modalias", "uevent", "driver",
};

static void copy_device(struct snap *sn, const char *dev, const char *const *attrs, size_t n)
{
	char canon[1024];

	if (vd_snap_canonical(sn, dev, canon, sizeof(canon), 0) < 0)
		return;
	vd_snap_copy(sn, canon);
	for (size_t i = 0; i < n; i++) {
		int k;
		char p[1100];

		snprintf(p, sizeof(p), "%s/%s", canon, attrs[i]);
		k = vd_sysfs_kind(sn->s, p);
		if (k == 'l') {
			/* driver, physfn: the driver directory comes with its bus */
			vd_snap_copy_link(sn, p);
		} else if (k == 'f') {
			vd_snap_copy(sn, p);
		}
	}
	vd_snap_copyf(sn, "%s/msi_irqs", canon);
	{
		char p[1100];
		struct vd_names m;

		snprintf(p, sizeof(p), "%s/msi_irqs", canon);
		if (vd_sysfs_list(sn->s, p, &m) == 0) {
			for (size_t i = 0; i < m.n; i++)
				vd_snap_copyf(sn, "%s/%s", p, m.v[i]);
			vd_names_done(&m);
		}
	}
}

static bool is_virtio_module(const char *n)
{
	static const char *const parts[] = { "virtio",	 "vsock",  "hv_sock", "9pnet",
					     "failover", "viortc", "nsm",     "vhost" };

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strstr(n, parts[i]))
			return true;
	return false;
}

/* The mount table (BLKDEV's mark), a file in the bundle where proc/self is a live link. */
static void copy_mounts(struct snap *sn)
{
	static const char path[] = "proc/self/mountinfo";
	char *data = NULL;
	size_t len = 0;

	if (vd_sysfs_read_alloc(sn->s, path, MAX_FILE, &data, &len) < 0)
		return;
	if (sn->red && vd_snap_redact(sn, path, &data, &len) < 0)
		vd_snap_err(sn, -ENOMEM);
	else if (vd_bundle_pathset_add(&sn->done, path) == 1) {
		vd_snap_add_parents(sn, path);
		vd_snap_err(sn, sn->w->file(sn->w, path, data, len));
		vd_snap_note(sn, "f %s %zu%s", path, len, sn->red ? " (redacted)" : "");
	}
	free(data);
}

/* What scan's NETDEV and BLKDEV read: virtioN/net/IF and virtioN/block/DISK[/PART]. */
static void copy_carried(struct snap *sn, const char *dev)
{
	static const char *const files[] = { "operstate", "flags", "dev", "partition" };
	struct vd_names net = { 0 }, blk = { 0 };
	char canon[1024];

	if (vd_snap_canonical(sn, dev, canon, sizeof(canon), 0) < 0)
		return;
	for (int b = 0; b < 2; b++) {
		struct vd_names *l = b ? &blk : &net;
		char dir[1100];

		snprintf(dir, sizeof(dir), "%s/%s", canon, b ? "block" : "net");
		if (vd_sysfs_list(sn->s, dir, l) < 0)
			continue;
		for (size_t i = 0; i < l->n; i++) {
			struct vd_names parts = { 0 };
			char p[1400];

			snprintf(p, sizeof(p), "%s/%s", dir, l->v[i]);
			for (size_t k = 0; k < ARRAY_SIZE(files); k++)
				vd_snap_copyf(sn, "%s/%s", p, files[k]);
			if (b && vd_sysfs_list(sn->s, p, &parts) < 0)
				parts.n = 0;
			for (size_t k = 0; k < parts.n; k++) {
				/* partitions carry the disk's name: vda1, nvme0n1p1 */
				if (strncmp(parts.v[k], l->v[i], strlen(l->v[i])))
					continue;
				vd_snap_copyf(sn, "%s/%s/dev", p, parts.v[k]);
				vd_snap_copyf(sn, "%s/%s/partition", p, parts.v[k]);
			}
			vd_names_done(&parts);
		}
		vd_names_done(l);
	}
}

/* Each bus: its devices (as the kernel links them), their attributes, its drivers. */
static void copy_bus(struct snap *sn, const char *bus, bool (*want)(const char *),
		     const char *const *attrs, size_t nattrs)
{
	struct vd_names names;
	char p[512];

	snprintf(p, sizeof(p), "sys/bus/%s/devices", bus);
	if (vd_sysfs_list(sn->s, p, &names) == 0) {
		vd_snap_copy(sn, p);
		for (size_t i = 0; i < names.n; i++) {
			if (want && !want(names.v[i]))
				continue;
			snprintf(p, sizeof(p), "sys/bus/%s/devices/%s", bus, names.v[i]);
			copy_device(sn, p, attrs, nattrs);
			if (!strcmp(bus, "virtio"))
				copy_carried(sn, p);
		}
		vd_names_done(&names);
	}
	vd_snap_copyf(sn, "sys/bus/%s/drivers_autoprobe", bus);
	vd_snap_copyf(sn, "sys/bus/%s/drivers_probe", bus);
	snprintf(p, sizeof(p), "sys/bus/%s/drivers", bus);
	if (vd_sysfs_list(sn->s, p, &names) == 0) {
		for (size_t i = 0; i < names.n; i++) {
			/* platform has hundreds of drivers: only virtio-mmio matters */
			if (!strcmp(bus, "platform") && strcmp(names.v[i], "virtio-mmio"))
				continue;
			snprintf(p, sizeof(p), "sys/bus/%s/drivers/%s", bus, names.v[i]);
			vd_snap_copy_dir(sn, p, 3);
		}
		vd_names_done(&names);
	}
}

static void copy_modules(struct snap *sn)
{
	struct vd_names names;

	if (vd_sysfs_list(sn->s, "sys/module", &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		static const char *const files[] = { "initstate", "refcnt", "version" };

		if (!is_virtio_module(names.v[i]))
			continue;
		vd_snap_copyf(sn, "sys/module/%s", names.v[i]);
		for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++)
			vd_snap_copyf(sn, "sys/module/%s/%s", names.v[i], files[k]);
	}
	vd_names_done(&names);
}

static void copy_tree_files(struct snap *sn, const char *dir)
{
	struct vd_names names;

	if (vd_sysfs_list(sn->s, dir, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++)
		vd_snap_copyf(sn, "%s/%s", dir, names.v[i]);
	vd_names_done(&names);
}

static void copy_modules_index(struct snap *sn)
{
	static const char *const files[] = {
		"modules.dep",	       "modules.dep.bin",	    "modules.alias",
		"modules.alias.bin",   "modules.symbols.bin",	    "modules.builtin",
		"modules.builtin.bin", "modules.builtin.alias.bin", "modules.softdep",
		"modules.devname",
	};
	char rel[128];

	if (vd_sysfs_read(sn->s, "proc/sys/kernel/osrelease", rel, sizeof(rel)) <= 0 ||
	    strchr(rel, '/') || !strcmp(rel, "..") || !strcmp(rel, "."))
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		vd_snap_copyf(sn, "lib/modules/%s/%s", rel, files[i]);
	vd_snap_copyf(sn, "boot/config-%s", rel);
}

/* The kernel log as plain text, one message a line (what dmesg -t prints). */
static void write_klog(struct snap *sn)
{
	struct vd_klog k;
	char *text;
	size_t len = 0, cap = 1;
	int r = vd_klog_load(sn->s, NULL, &k);

	if (r < 0) {
		vd_snap_note(sn, "- kmsg.txt (kernel log unreadable: %s)", vd_strerror(-r));
		return;
	}
	for (size_t i = 0; i < k.n; i++)
		cap += strlen(k.lines[i]) + 1;
	text = malloc(cap);
	if (text) {
		for (size_t i = 0; i < k.n; i++)
			len += (size_t)sprintf(text + len, "%s\n", k.lines[i]);
		if (sn->red) {
			char *m = vd_redact_klog(sn->red, text);

			free(text);
			text = m;
			len = m ? strlen(m) : 0;
		}
	}
	if (text && vd_bundle_pathset_add(&sn->done, "kmsg.txt") == 1) {
		vd_snap_err(sn, sn->w->file(sn->w, "kmsg.txt", text, len));
		vd_snap_note(sn, "f kmsg.txt %zu (kernel log from %s%s)", len, k.source,
			     sn->red ? ", redacted" : "");
	} else if (!text) {
		vd_snap_err(sn, -ENOMEM);
	}
	free(text);
	vd_klog_done(&k);
}

/* The host name --redact masks: the kernel's, else /etc/hostname. */
static void redact_init(struct snap *sn, struct vd_redact *red)
{
	char host[256];

	if (vd_sysfs_read(sn->s, "proc/sys/kernel/hostname", host, sizeof(host)) <= 0 &&
	    vd_sysfs_read(sn->s, "etc/hostname", host, sizeof(host)) <= 0)
		host[0] = '\0';
	vd_redact_init(red, host);
	sn->red = red;
}

int vd_bundle_snapshot(struct vd_sysfs *src, struct vd_bundle_writer *w, const char *version,
		       unsigned int flags)
{
	struct snap sn = { .s = src, .w = w };
	struct vd_redact red;
	uint32_t cid;
	char meta[512];
	int n;

	if (flags & VD_SNAPSHOT_REDACT)
		redact_init(&sn, &red);

	vd_snap_note(&sn, "# virtio-doctor %s bundle: every entry, as type path [size|-> target]",
		     version);
	vd_snap_copy(&sn, "proc/cmdline");
	copy_mounts(&sn);
	vd_snap_copy(&sn, "proc/sys/kernel/osrelease");
	vd_snap_copy(&sn, "proc/config.gz");
	copy_modules_index(&sn);
	copy_tree_files(&sn, "etc/modprobe.d");
	copy_tree_files(&sn, "lib/modprobe.d");
	copy_tree_files(&sn, "run/modprobe.d");
	copy_tree_files(&sn, "usr/lib/modprobe.d");
	vd_snap_copy(&sn, "sys/class/dmi/id/sys_vendor");
	vd_snap_copy(&sn, "sys/class/dmi/id/product_name");
	copy_bus(&sn, "pci", NULL, pci_attrs, sizeof(pci_attrs) / sizeof(pci_attrs[0]));
	copy_bus(&sn, "virtio", NULL, virtio_attrs, sizeof(virtio_attrs) / sizeof(virtio_attrs[0]));
	copy_bus(&sn, "platform", vd_is_mmio_name, pci_attrs,
		 sizeof(pci_attrs) / sizeof(pci_attrs[0]));
	copy_modules(&sn);
	write_klog(&sn);

	vd_snap_add_parents(&sn, "virtio-doctor/x");
	if (vd_vsock_local_cid(src, &cid) == 0) {
		char buf[32];

		n = snprintf(buf, sizeof(buf), "%u\n", cid);
		if (vd_bundle_pathset_add(&sn.done, "virtio-doctor/vsock-cid") == 1) {
			vd_snap_err(&sn, w->file(w, "virtio-doctor/vsock-cid", buf, (size_t)n));
			vd_snap_note(
				&sn,
				"f virtio-doctor/vsock-cid %d (IOCTL_VM_SOCKETS_GET_LOCAL_CID)", n);
		}
	}
	n = snprintf(meta, sizeof(meta), "tool: virtio-doctor %s\ndate: %lld\nsource: %s\n",
		     version, (long long)time(NULL), vd_sysfs_root(src));
	vd_snap_err(&sn, w->file(w, "virtio-doctor/META", meta, (size_t)n));
	vd_snap_note(&sn, "f virtio-doctor/META %d", n);
	if (sn.red) {
		vd_redact_summary(sn.red, meta, sizeof(meta));
		vd_snap_note(&sn, "%s", meta);
	}
	vd_snap_note(&sn, "f virtio-doctor/MANIFEST");
	vd_snap_err(&sn,
		    w->file(w, "virtio-doctor/MANIFEST", sn.manifest ? sn.manifest : "", sn.mlen));
	free(sn.manifest);
	vd_bundle_pathset_done(&sn.done);
	return w->error;
}
