/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- snapshot --redact: what is masked and what must stay */
#include <stdlib.h>
#include <string.h>

#include "vd_test.h"

#include "vd/act/redact.h"

static void check_text(struct vd_redact *r, const char *in, const char *want)
{
	char *got = vd_redact_text(r, in);

	assert_non_null(got);
	if (strcmp(got, want))
		fail_msg("redact('%s'):\n got '%s'\nwant '%s'", in, got, want);
	free(got);
}

static void test_addresses(void **state)
{
	struct vd_redact r;

	(void)state;
	vd_redact_init(&r, NULL);
	check_text(&r, "eth0: 52:54:00:12:34:56 up", "eth0: xx:xx:xx:xx:xx:xx up");
	check_text(&r, "hw 52-54-00-AB-cd-EF.", "hw xx:xx:xx:xx:xx:xx.");
	check_text(&r, "ib 80:00:00:48:fe:80:00:00:00:00:00:00", "ib xx:xx:xx:xx:xx:xx");
	check_text(&r, "from 10.0.2.15:22 to 192.168.1.1/24", "from x.x.x.x:22 to x.x.x.x/24");
	check_text(&r, "fe80::5054:ff:fe12:3456%eth0", "x:x:x:x:x:x:x:x%eth0");
	check_text(&r, "2001:db8:0:0:1:0:0:1 ::ffff:10.1.2.3 2001:db8::",
		   "x:x:x:x:x:x:x:x x:x:x:x:x:x:x:x x:x:x:x:x:x:x:x");
	assert_int_equal(r.mac, 3);
	assert_int_equal(r.ipv4, 2);
	assert_int_equal(r.ipv6, 4);
	/* what the diagnosis reads stays as it is */
	static const char *const keep[] = {
		"virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error -22",
		"pci 0000:00:1f.2: [8086:2922] type 00 class 0x010601",
		"pci_bus 0000:00: root bus resource [mem 0xfebc0000-0xfebfffff window]",
		"at 12:34:56 Linux version 6.1.0-13-amd64 1.2.3.4.5 256.1.1.1",
		"std::string ::1 dead:beef:1 52:54:00:12:34",
		"virtio_net virtio1 enp0s3: renamed from eth0",
	};
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		check_text(&r, keep[i], keep[i]);
}

static void test_hostname(void **state)
{
	struct vd_redact r;

	(void)state;
	vd_redact_init(&r, "web01.example.com");
	check_text(&r, "systemd[1]: Hostname set to <web01.example.com>.",
		   "systemd[1]: Hostname set to <HOSTNAME>.");
	check_text(&r, "WEB01 web01-b web012 xweb01 web01.other",
		   "HOSTNAME web01-b web012 xweb01 HOSTNAME.other");
	assert_int_equal(r.hostname, 3);
	vd_redact_init(&r, "localhost");
	check_text(&r, "localhost", "localhost");
	vd_redact_init(&r, "(none)");
	check_text(&r, "(none)", "(none)");
}

static void test_cmdline(void **state)
{
	struct vd_redact r;
	char *got, line[256];

	(void)state;
	vd_redact_init(&r, NULL);
	got = vd_redact_cmdline(&r,
				"BOOT_IMAGE=/vmlinuz root=UUID=1234 ro quiet "
				"module_blacklist=virtio_pci modprobe.blacklist=a,b "
				"initcall_blacklist=virtio_pci_driver_init pci=nomsi "
				"novirtiodoctor noautodetect virtio_mmio.device=4K@0xd0000000:5 "
				"rd.luks.uuid=luks-1 systemd.unit=x.target ip=10.0.0.2:::: "
				"acpi=\"a b\" -- init secret=1\n");
	assert_non_null(got);
	assert_string_equal(got, "BOOT_IMAGE=REDACTED root=REDACTED ro quiet "
				 "module_blacklist=virtio_pci modprobe.blacklist=a,b "
				 "initcall_blacklist=virtio_pci_driver_init pci=nomsi "
				 "novirtiodoctor noautodetect virtio_mmio.device=4K@0xd0000000:5 "
				 "rd.luks.uuid=REDACTED systemd.unit=REDACTED ip=REDACTED "
				 "acpi=REDACTED -- REDACTED REDACTED\n");
	free(got);
	assert_int_equal(r.cmdline, 8);
	vd_redact_summary(&r, line, sizeof(line));
	assert_non_null(strstr(line, "(BOOT_IMAGE root rd.luks.uuid systemd.unit ip acpi)"));

	got = vd_redact_klog(&r, "x\nKernel command line: root=/dev/vda1 pci=nomsi\n"
				 "[    0.0] Command line: root=/dev/vda1\nmac 52:54:00:12:34:56\n");
	assert_non_null(got);
	assert_string_equal(got, "x\nKernel command line: root=REDACTED pci=nomsi\n"
				 "[    0.0] Command line: root=REDACTED\nmac xx:xx:xx:xx:xx:xx\n");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_cmdline),
	};
	return cmocka_run_group_tests_name("redact", tests, NULL, NULL);
}
