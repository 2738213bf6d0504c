/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- tests: kernel log recognition and loading */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd_test.h"

#include "vd/facts/klog.h"

struct want {
	const char *msg;
	enum vd_klog_kind kind;
	const char *device;
	const char *driver;
	int error;
};

static void check(const struct want *w)
{
	struct vd_klog_event ev;
	int r = vd_klog_match(w->msg, &ev);

	if (ev.kind != w->kind)
		fail_msg("'%s': kind %s, want %s", w->msg, vd_klog_kind_name(ev.kind),
			 vd_klog_kind_name(w->kind));
	assert_int_equal(r, w->kind == VD_KLOG_NONE ? 0 : 1);
	if (w->kind == VD_KLOG_NONE)
		return;
	if (strcmp(ev.device, w->device))
		fail_msg("'%s': device '%s', want '%s'", w->msg, ev.device, w->device);
	if (strcmp(ev.driver, w->driver ? w->driver : ""))
		fail_msg("'%s': driver '%s', want '%s'", w->msg, ev.driver,
			 w->driver ? w->driver : "");
	assert_int_equal(ev.error, w->error);
}

static void check_all(const struct want *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		check(&w[i]);
}

static void test_probe_failed(void **state)
{
	static const struct want w[] = {
		/* 6.1 (and 6.1.192): pr_warn, device named in the text */
		{ "virtio-pci: probe of 0000:00:04.0 failed with error -22", VD_KLOG_PROBE_FAILED,
		  "0000:00:04.0", "virtio-pci", -22 },
		{ "virtio-pci: probe of 0000:00:05.0 failed with error -16", VD_KLOG_PROBE_FAILED,
		  "0000:00:05.0", "virtio-pci", -16 },
		/* >= 6.8: dev_err, device from the prefix */
		{ "virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error -22",
		  VD_KLOG_PROBE_FAILED, "0000:00:04.0", "virtio-pci", -22 },
		/* virtio-level drivers, both wordings */
		{ "vmw_vsock_virtio_transport: probe of virtio3 failed with error -16",
		  VD_KLOG_PROBE_FAILED, "virtio3", "vmw_vsock_virtio_transport", -16 },
		{ "vmw_vsock_virtio_transport virtio3: probe with driver vmw_vsock_virtio_transport "
		  "failed with error -16",
		  VD_KLOG_PROBE_FAILED, "virtio3", "vmw_vsock_virtio_transport", -16 },
		{ "probe of virtio3 failed with error -16", VD_KLOG_PROBE_FAILED, "virtio3", NULL,
		  -16 },
		/* a timestamp left in front is tolerated */
		{ "[    3.748904] virtio-pci: probe of 0000:00:04.0 failed with error -12",
		  VD_KLOG_PROBE_FAILED, "0000:00:04.0", "virtio-pci", -12 },
		/* near misses */
		{ "virtio-pci: probe of 0000:00:04.0 failed with error", VD_KLOG_NONE, NULL, NULL,
		  0 },
		{ "virtio-pci: probe of 0000:00:04.0 failed with error -22 extra", VD_KLOG_NONE,
		  NULL, NULL, 0 },
		{ "virtio-pci: probe of 0000:00:04.0 rejects match -19", VD_KLOG_NONE, NULL, NULL,
		  0 },
		{ "virtio-pci 0000:00:04.0: probe with driver virtio-pci rejects match -19",
		  VD_KLOG_NONE, NULL, NULL, 0 },
		{ "someprobe of x failed with error -1", VD_KLOG_NONE, NULL, NULL, 0 },
		{ "virtio-pci 0000:00:04.0: probe with driver  failed with error -22", VD_KLOG_NONE,
		  NULL, NULL, 0 },
	};

	check_all(w, ARRAY_SIZE(w));
}

static void test_virtio_pci_caps(void **state)
{
	static const struct want w[] = {
		{ "virtio-pci 0000:00:05.0: virtio_pci: leaving for legacy driver",
		  VD_KLOG_LEAVING_LEGACY, "0000:00:05.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: virtio_pci: missing capabilities 64/0/84",
		  VD_KLOG_MISSING_CAPS, "0000:00:04.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: virtio_pci: bad capability len 8 (>=16 expected)",
		  VD_KLOG_BAD_CAP, "0000:00:04.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: virtio_pci: bad capability len 4 (>4 expected)",
		  VD_KLOG_BAD_CAP, "0000:00:04.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: virtio_pci: map wrap-around 4294967295+16",
		  VD_KLOG_BAD_CAP, "0000:00:04.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: virtio_pci: offset 2 not aligned to 4", VD_KLOG_BAD_CAP,
		  "0000:00:04.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: virtio_pci: map virtio 56@0 out of range on bar 4 "
		  "length 0",
		  VD_KLOG_BAD_CAP, "0000:00:04.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: virtio_pci: unable to map virtio 56@0 on bar 4",
		  VD_KLOG_BAD_CAP, "0000:00:04.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: virtio_pci: bar unexpectedly changed to 5",
		  VD_KLOG_BAD_CAP, "0000:00:04.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: virtio_pci: missing capabilities", VD_KLOG_NONE, NULL,
		  NULL, 0 },
		{ "virtio-pci 0000:00:04.0: virtio_pci: leaving for legacy driver now",
		  VD_KLOG_NONE, NULL, NULL, 0 },
		/* "offset ... not aligned" is only trusted with the virtio_pci tag */
		{ "foo 0000:00:04.0: offset 2 not aligned to 4", VD_KLOG_NONE, NULL, NULL, 0 },
		/* no device prefix: not tied to anything */
		{ "virtio_pci: leaving for legacy driver", VD_KLOG_NONE, NULL, NULL, 0 },
	};

	check_all(w, ARRAY_SIZE(w));
}

static void test_bars(void **state)
{
	static const struct want w[] = {
		/* 6.1 */
		{ "virtio-pci 0000:00:04.0: can't enable device: BAR 4 [mem 0x00000000-0x00003fff "
		  "64bit pref] not assigned",
		  VD_KLOG_BAR_NOT_ASSIGNED, "0000:00:04.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: can't enable device: BAR 1 [mem 0xfebfd000-0xfebfdfff] "
		  "not claimed",
		  VD_KLOG_BAR_NOT_CLAIMED, "0000:00:04.0", "virtio-pci", 0 },
		{ "pci 0000:00:04.0: BAR 4: no space for [mem size 0x00004000 64bit pref]",
		  VD_KLOG_BAR_NO_SPACE, "0000:00:04.0", NULL, 0 },
		{ "pci 0000:00:04.0: BAR 4: failed to assign [mem size 0x00004000 64bit pref]",
		  VD_KLOG_BAR_FAILED_ASSIGN, "0000:00:04.0", NULL, 0 },
		/* 6.1.192 and 6.18 */
		{ "virtio-pci 0000:00:04.0: BAR 4 [mem size 0x00004000 64bit pref]: not assigned; "
		  "can't enable device",
		  VD_KLOG_BAR_NOT_ASSIGNED, "0000:00:04.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: BAR 1 [mem 0xfebfd000-0xfebfdfff]: not claimed; can't "
		  "enable device",
		  VD_KLOG_BAR_NOT_CLAIMED, "0000:00:04.0", "virtio-pci", 0 },
		{ "pci 0000:00:04.0: BAR 4 [mem size 0x00004000 64bit pref]: can't assign; no space",
		  VD_KLOG_BAR_NO_SPACE, "0000:00:04.0", NULL, 0 },
		{ "pci 0000:00:04.0: BAR 4 [mem size 0x00004000 64bit pref]: failed to assign",
		  VD_KLOG_BAR_FAILED_ASSIGN, "0000:00:04.0", NULL, 0 },
		/* the ordinary BAR lines of every boot */
		{ "pci 0000:00:04.0: BAR 4 [mem 0xfeb04000-0xfeb07fff 64bit pref]", VD_KLOG_NONE,
		  NULL, NULL, 0 },
		{ "pci 0000:00:01.1: BAR 0 [io  0x01f0-0x01f7]: legacy IDE quirk", VD_KLOG_NONE,
		  NULL, NULL, 0 },
		{ "pci 0000:00:04.0: BAR 4: assigned [mem 0xfeb04000-0xfeb07fff 64bit pref]",
		  VD_KLOG_NONE, NULL, NULL, 0 },
		{ "pci 0000:00:04.0: reg 0x20: [mem 0xfeb04000-0xfeb07fff 64bit pref]",
		  VD_KLOG_NONE, NULL, NULL, 0 },
	};

	check_all(w, ARRAY_SIZE(w));
}

static void test_features(void **state)
{
	static const struct want w[] = {
		{ "virtio_net virtio1: virtio: device refuses features: 3",
		  VD_KLOG_REFUSES_FEATURES, "virtio1", "virtio_net", 0 },
		{ "vmw_vsock_virtio_transport virtio2: device must provide VIRTIO_F_VERSION_1",
		  VD_KLOG_NEEDS_VERSION_1, "virtio2", "vmw_vsock_virtio_transport", 0 },
		{ "vmw_vsock_virtio_transport virtio2: device must provide VIRTIO_F_ACCESS_PLATFORM",
		  VD_KLOG_NEEDS_ACCESS_PLATFORM, "virtio2", "vmw_vsock_virtio_transport", 0 },
		{ "virtio_rng virtio4: virtio: device uses modern interface but does not have "
		  "VIRTIO_F_VERSION_1",
		  VD_KLOG_MODERN_NO_VERSION_1, "virtio4", "virtio_rng", 0 },
		/* no driver bound yet: the prefix is the bus name */
		{ "virtio virtio4: device must provide VIRTIO_F_ACCESS_PLATFORM",
		  VD_KLOG_NEEDS_ACCESS_PLATFORM, "virtio4", NULL, 0 },
		{ "virtio_net virtio1: virtio: device refuses features: ", VD_KLOG_NONE, NULL, NULL,
		  0 },
		{ "virtio_blk virtio1: 1/0/0 default/read/poll queues", VD_KLOG_NONE, NULL, NULL,
		  0 },
		{ "virtio_blk virtio1: [vda] 536870912 512-byte logical blocks (275 GB/256 GiB)",
		  VD_KLOG_NONE, NULL, NULL, 0 },
	};

	check_all(w, ARRAY_SIZE(w));
}

static void test_driver_core(void **state)
{
	static const struct want w[] = {
		{ "virtio-pci 0000:00:01.0: enabling device (0000 -> 0002)",
		  VD_KLOG_ENABLING_DEVICE, "0000:00:01.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:04.0: Resources present before probing",
		  VD_KLOG_RESOURCES_PRESENT, "0000:00:04.0", "virtio-pci", 0 },
		{ "virtio-pci 0000:00:01.0: enabling device (0000 -> )", VD_KLOG_NONE, NULL, NULL,
		  0 },
		{ "pci 0000:00:01.0: PIIX3: Enabling Passive Release", VD_KLOG_NONE, NULL, NULL,
		  0 },
	};

	check_all(w, ARRAY_SIZE(w));
}

static void test_noise(void **state)
{
	static const char *const noise[] = {
		"",
		" ",
		"Linux version 6.18.44-fc-v782 (builder@sandboxing) #1 SMP PREEMPT_DYNAMIC @0",
		"NET: Registered PF_VSOCK protocol family",
		"Spectre V1 : Mitigation: usercopy/swapgs barriers and __user pointer sanitization",
		"[Firmware Bug]: TSC doesn't count with P0 frequency!",
		"kprobes: kprobe jump-optimization is enabled. All kprobes are optimized if possible.",
		"BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
		"a b:",
		"x :",
		":",
		"virtio-pci",
		"virtio-pci 0000:00:04.0:",
		"virtio-pci 0000:00:04.0: ",
		"virtio-pci 0000:00:04.0: probe with driver",
		"pci 0000:00:04.0: [1af4:1053] type 00 class 0x028000 conventional PCI endpoint",
		"serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A",
	};
	struct vd_klog_event ev;

	for (size_t i = 0; i < ARRAY_SIZE(noise); i++) {
		if (vd_klog_match(noise[i], &ev) != 0 || ev.kind != VD_KLOG_NONE)
			fail_msg("noise line '%s' recognised as %s", noise[i],
				 vd_klog_kind_name(ev.kind));
	}
	assert_int_equal(vd_klog_match(NULL, &ev), -EINVAL);
	assert_int_equal(vd_klog_match("x", NULL), -EINVAL);
	/* a device name longer than the field is not recognised rather than cut */
	{
		char msg[256];

		snprintf(msg, sizeof(msg), "virtio-pci %0100d: enabling device (0000 -> 0002)", 0);
		assert_int_equal(vd_klog_match(msg, &ev), 0);
	}
}

static void test_kind_names(void **state)
{
	for (int k = 0; k < _VD_KLOG_KIND_MAX; k++) {
		assert_non_null(vd_klog_kind_name((enum vd_klog_kind)k));
		for (int j = 0; j < k; j++)
			assert_string_not_equal(vd_klog_kind_name((enum vd_klog_kind)k),
						vd_klog_kind_name((enum vd_klog_kind)j));
	}
	assert_null(vd_klog_kind_name(_VD_KLOG_KIND_MAX));
}

/* ---- loading ---- */

static size_t count_kind(const struct vd_klog *k, enum vd_klog_kind kind, const char *device)
{
	struct vd_klog_event ev;
	size_t n = 0;

	for (size_t i = 0; i < k->n; i++)
		if (vd_klog_match(k->lines[i], &ev) == 1 && ev.kind == kind &&
		    (!device || !strcmp(ev.device, device)))
			n++;
	return n;
}

static void test_fixture_qemu_mixed(void **state)
{
	struct vd_sysfs *s = NULL;
	struct vd_klog k = { 0 };

	assert_int_equal(vd_sysfs_open(VD_FIXTURE("qemu-6.1-mixed"), &s), 0);
	assert_int_equal(vd_klog_load(s, NULL, &k), 0);
	assert_string_equal(k.source, "kmsg.txt");
	assert_int_equal(k.n, 366);
	assert_false(k.truncated);
	/* prefixes are gone */
	assert_int_equal(strncmp(k.lines[0], "Linux version 6.1.0-56-amd64", 28), 0);
	assert_int_equal(count_kind(&k, VD_KLOG_LEAVING_LEGACY, "0000:00:05.0"), 1);
	assert_int_equal(count_kind(&k, VD_KLOG_PROBE_FAILED, NULL), 0);
	vd_klog_done(&k);
	vd_sysfs_free(s);
}

static void test_fixture_firecracker(void **state)
{
	struct vd_sysfs *s = NULL;
	struct vd_klog k = { 0 };

	assert_int_equal(vd_sysfs_open(VD_FIXTURE("firecracker-6.18"), &s), 0);
	assert_int_equal(vd_klog_load(s, NULL, &k), 0);
	assert_int_equal(k.n, 327);
	/* the five devices were enabled by virtio-pci: the probe ran */
	assert_int_equal(count_kind(&k, VD_KLOG_ENABLING_DEVICE, NULL), 5);
	assert_int_equal(count_kind(&k, VD_KLOG_ENABLING_DEVICE, "0000:00:05.0"), 1);
	assert_int_equal(count_kind(&k, VD_KLOG_PROBE_FAILED, NULL), 0);
	assert_int_equal(count_kind(&k, VD_KLOG_LEAVING_LEGACY, NULL), 0);
	vd_klog_done(&k);
	vd_sysfs_free(s);
}

static void test_fixture_qemu_vsock(void **state)
{
	struct vd_sysfs *s = NULL;
	struct vd_klog k = { 0 };
	size_t recognised = 0;

	assert_int_equal(vd_sysfs_open(VD_FIXTURE("qemu-6.1-vsock"), &s), 0);
	assert_int_equal(vd_klog_load(s, NULL, &k), 0);
	assert_int_equal(k.n, 352);
	for (int kind = 1; kind < _VD_KLOG_KIND_MAX; kind++)
		recognised += count_kind(&k, (enum vd_klog_kind)kind, NULL);
	/* a healthy boot: nothing that explains a failure */
	assert_int_equal(recognised, count_kind(&k, VD_KLOG_ENABLING_DEVICE, NULL));
	vd_klog_done(&k);

	/* the same log named explicitly, as "--kmsg FILE" does */
	assert_int_equal(vd_klog_load(s, VD_FIXTURE("qemu-6.1-vsock/kmsg.txt"), &k), 0);
	assert_int_equal(k.n, 352);
	assert_string_equal(k.source, VD_FIXTURE("qemu-6.1-vsock/kmsg.txt"));
	vd_klog_done(&k);
	vd_sysfs_free(s);
}

/* ---- temp roots ---- */

/* every message kind, both kernels' wordings, in a dmesg text between noise lines */
static void test_saved_text(void **state)
{
	static const char text[] =
		"[    0.000000] Linux version 6.1.0-56-amd64\n"
		"[    0.909348] pci 0000:00:04.0: BAR 4 [mem 0xfeb04000-0xfeb07fff 64bit pref]\n"
		"[    1.0] pci 0000:00:04.0: BAR 4: no space for [mem size 0x00004000 64bit pref]\n"
		"[    1.1] pci 0000:00:04.0: BAR 4: failed to assign [mem size 0x00004000]\n"
		"[    1.2] virtio-pci 0000:00:04.0: can't enable device: BAR 4 [mem 0x0-0x3fff] not "
		"assigned\n"
		"[    1.3] virtio-pci: probe of 0000:00:04.0 failed with error -22\n"
		"[    1.4] NET: Registered PF_VSOCK protocol family\n"
		"[    1.5] virtio-pci 0000:00:05.0: virtio_pci: leaving for legacy driver\n"
		"[    1.6] virtio-pci 0000:00:06.0: BAR 4 [mem size 0x00004000 64bit pref]: not "
		"assigned; can't enable device\n"
		"[    1.7] virtio-pci 0000:00:06.0: probe with driver virtio-pci failed with error "
		"-22\n"
		"\n"
		"<4>[    1.8] vmw_vsock_virtio_transport virtio2: device must provide "
		"VIRTIO_F_ACCESS_PLATFORM\n"
		"virtio-pci 0000:00:07.0: enabling device (0000 -> 0002)\r\n"
		"[    1.9] serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200)";
	char *root = vd_test_tmpdir();
	struct vd_sysfs *s = NULL;
	struct vd_klog k = { 0 };

	vd_test_write(root, "kmsg.txt", text, sizeof(text) - 1);
	assert_int_equal(vd_sysfs_open(root, &s), 0);
	assert_int_equal(vd_klog_load(s, NULL, &k), 0);
	assert_int_equal(k.n, 13);
	assert_string_equal(k.lines[0], "Linux version 6.1.0-56-amd64");
	assert_string_equal(k.lines[12], "serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = "
					 "115200)");
	assert_string_equal(k.lines[10], "vmw_vsock_virtio_transport virtio2: device must provide "
					 "VIRTIO_F_ACCESS_PLATFORM");
	/* "\r\n" endings lose their "\r" */
	assert_string_equal(k.lines[11], "virtio-pci 0000:00:07.0: enabling device (0000 -> 0002)");
	assert_int_equal(count_kind(&k, VD_KLOG_BAR_NO_SPACE, "0000:00:04.0"), 1);
	assert_int_equal(count_kind(&k, VD_KLOG_BAR_FAILED_ASSIGN, "0000:00:04.0"), 1);
	assert_int_equal(count_kind(&k, VD_KLOG_BAR_NOT_ASSIGNED, "0000:00:04.0"), 1);
	assert_int_equal(count_kind(&k, VD_KLOG_BAR_NOT_ASSIGNED, "0000:00:06.0"), 1);
	assert_int_equal(count_kind(&k, VD_KLOG_PROBE_FAILED, "0000:00:04.0"), 1);
	assert_int_equal(count_kind(&k, VD_KLOG_PROBE_FAILED, "0000:00:06.0"), 1);
	assert_int_equal(count_kind(&k, VD_KLOG_LEAVING_LEGACY, "0000:00:05.0"), 1);
	assert_int_equal(count_kind(&k, VD_KLOG_NEEDS_ACCESS_PLATFORM, "virtio2"), 1);
	assert_int_equal(count_kind(&k, VD_KLOG_ENABLING_DEVICE, "0000:00:07.0"), 1);
	vd_klog_done(&k);
	vd_sysfs_free(s);
	vd_test_remove_copy(root);
}

/* a saved copy of /dev/kmsg: records with dictionary continuation lines */
static void test_saved_kmsg_records(void **state)
{
	static const char text[] =
		"6,1,0,-;Linux version 6.18.44\n"
		"4,512,323537,-,caller=T1;virtio-pci 0000:00:05.0: probe with driver virtio-pci "
		"failed with error -22\n"
		" SUBSYSTEM=pci\n"
		" DEVICE=+pci:0000:00:05.0\n"
		"6,513,323540,c;virtio-pci 0000:00:05.0: virtio_pci: leaving for legacy driver\n"
		" SUBSYSTEM=pci\n";
	char *root = vd_test_tmpdir();
	struct vd_sysfs *s = NULL;
	struct vd_klog k = { 0 };

	vd_test_write(root, "kmsg.txt", text, sizeof(text) - 1);
	assert_int_equal(vd_sysfs_open(root, &s), 0);
	assert_int_equal(vd_klog_load(s, NULL, &k), 0);
	assert_int_equal(k.n, 3);
	assert_string_equal(k.lines[0], "Linux version 6.18.44");
	assert_int_equal(count_kind(&k, VD_KLOG_PROBE_FAILED, "0000:00:05.0"), 1);
	assert_int_equal(count_kind(&k, VD_KLOG_LEAVING_LEGACY, "0000:00:05.0"), 1);
	vd_klog_done(&k);
	vd_sysfs_free(s);
	vd_test_remove_copy(root);
}

/* a 100 KiB line is cut to 4 KiB, and the lines around it survive */
static void test_long_line(void **state)
{
	size_t big = 100 * 1024, len = 0;
	char *root = vd_test_tmpdir();
	struct vd_sysfs *s = NULL;
	struct vd_klog k = { 0 };
	char *text = malloc(big + 256);

	assert_non_null(text);
	len += (size_t)sprintf(text + len, "[    0.1] first\n[    0.2] ");
	memset(text + len, 'x', big);
	len += big;
	/* a UTF-8 character straddling the cut is not split */
	memcpy(text + len - big + 4094, "\xc3\xa9", 2);
	len += (size_t)sprintf(text + len, "\n[    0.3] virtio-pci: probe of 0000:00:04.0 failed "
					   "with error -22\n");
	vd_test_write(root, "kmsg.txt", text, len);
	assert_int_equal(vd_sysfs_open(root, &s), 0);
	assert_int_equal(vd_klog_load(s, NULL, &k), 0);
	assert_int_equal(k.n, 3);
	assert_string_equal(k.lines[0], "first");
	assert_true(strlen(k.lines[1]) < 4096);
	assert_int_equal(strlen(k.lines[1]), 4094);
	assert_int_equal(strspn(k.lines[1], "x"), strlen(k.lines[1]));
	assert_int_equal(count_kind(&k, VD_KLOG_PROBE_FAILED, "0000:00:04.0"), 1);
	vd_klog_done(&k);
	vd_sysfs_free(s);
	free(text);
	vd_test_remove_copy(root);
}

/* FIFOs must never block: not as kmsg.txt, not as dev/kmsg, not as --kmsg FILE */
static void test_fifo(void **state)
{
	char *root = vd_test_tmpdir(), path[256];
	struct vd_sysfs *s = NULL;
	struct vd_klog k = { 0 };

	assert_int_equal(vd_sysfs_open(root, &s), 0);

	snprintf(path, sizeof(path), "%s/kmsg.txt", root);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(vd_klog_load(s, NULL, &k), -EINVAL);
	assert_int_equal(vd_klog_load(s, path, &k), -EINVAL);

	/* dev/kmsg that is not the kmsg device is not read: kmsg.txt is */
	snprintf(path, sizeof(path), "%s/dev", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/dev/kmsg", root);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/kmsg.txt", root);
	assert_int_equal(unlink(path), 0);
	vd_test_write(root, "kmsg.txt", "[ 1.0] hello\n", 13);
	assert_int_equal(vd_klog_load(s, NULL, &k), 0);
	assert_string_equal(k.source, "kmsg.txt");
	assert_int_equal(k.n, 1);
	assert_string_equal(k.lines[0], "hello");
	vd_klog_done(&k);

	/* a directory given as the file */
	assert_int_equal(vd_klog_load(s, root, &k), -EISDIR);
	vd_sysfs_free(s);
	vd_test_remove_copy(root);
}

static void test_missing(void **state)
{
	char *root = vd_test_tmpdir(), cwd[512], rel[600];
	struct vd_sysfs *s = NULL;
	struct vd_klog k = { 0 };

	assert_int_equal(vd_sysfs_open(root, &s), 0);
	assert_int_equal(vd_klog_load(s, NULL, &k), -ENOENT);
	assert_int_equal(vd_klog_load(s, "/nonexistent/dmesg.txt", &k), -ENOENT);
	assert_int_equal(vd_klog_load(s, NULL, NULL), -EINVAL);

	/* a relative --kmsg FILE is relative to the working directory, not the root */
	vd_test_write(root, "saved.txt", "[ 2.0] relative\n", 16);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(root), 0);
	snprintf(rel, sizeof(rel), "saved.txt");
	assert_int_equal(vd_klog_load(s, rel, &k), 0);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.lines[0], "relative");
	vd_klog_done(&k);
	assert_int_equal(chdir(cwd), 0);

	vd_sysfs_free(s);
	vd_test_remove_copy(root);
}

/* This machine: reading /dev/kmsg is harmless; it needs root or CAP_SYSLOG. */
static void test_live(void **state)
{
	struct vd_sysfs *s = NULL;
	struct vd_klog k = { 0 };
	int r;

	assert_int_equal(vd_sysfs_open("/", &s), 0);
	r = vd_klog_load(s, NULL, &k);
	vd_sysfs_free(s);
	if (r == -EPERM || r == -EACCES || r == -ENOENT)
		skip();
	assert_int_equal(r, 0);
	assert_string_equal(k.source, "/dev/kmsg");
	assert_true(k.n > 0);
	for (size_t i = 0; i < k.n; i++)
		assert_true(strlen(k.lines[i]) < 4096);
	vd_klog_done(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_failed),
		cmocka_unit_test(test_virtio_pci_caps),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_driver_core),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_fixture_qemu_mixed),
		cmocka_unit_test(test_fixture_firecracker),
		cmocka_unit_test(test_fixture_qemu_vsock),
		cmocka_unit_test(test_saved_text),
		cmocka_unit_test(test_saved_kmsg_records),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
