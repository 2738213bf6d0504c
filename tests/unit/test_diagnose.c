/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- every diagnosis rule on hand-built evidence (no files) */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vd_diag_cases.h"

static const struct {
	const char *name;
	void (*mutate)(struct ctx *c);
	enum vd_verdict want;
	const char *evidence; /* a fragment one evidence line must contain */
} cases[] = {
	{ "ok", m_ok, VD_V_OK, "answers 42" },
	{ "not built", m_not_built, VD_V_PCI_DRIVER_NOT_BUILT, "CONFIG_VIRTIO_PCI=n" },
	{ "initcall", m_initcall, VD_V_PCI_DRIVER_INITCALL_BLACKLISTED, "initcall_blacklist" },
	{ "pci blacklisted", m_pci_blacklisted, VD_V_PCI_DRIVER_BLACKLISTED,
	  "blacklist virtio_pci" },
	{ "pci cmdline bl", m_pci_cmdline_blacklisted, VD_V_PCI_DRIVER_BLACKLISTED,
	  "module_blacklist" },
	{ "pci install", m_pci_install, VD_V_PCI_DRIVER_BLACKLISTED, "install virtio_pci" },
	{ "pci not loaded", m_pci_not_loaded, VD_V_PCI_DRIVER_NOT_LOADED,
	  "drivers/virtio-pci: does not exist" },
	{ "pci missing", m_pci_missing, VD_V_PCI_DRIVER_MISSING, "CONFIG_VIRTIO_PCI=m" },
	{ "pci missing noindex", m_pci_missing_noindex, VD_V_PCI_DRIVER_MISSING, "modules: " },
	{ "pci unknown", m_pci_unknown, VD_V_PCI_DRIVER_NOT_REGISTERED, "does not exist" },
	{ "override none", m_override_none, VD_V_OVERRIDE_NONE, "driver_override: 'none'" },
	{ "override other", m_override_other, VD_V_OVERRIDE_OTHER, "'pci-stub'" },
	{ "autoprobe", m_autoprobe, VD_V_AUTOPROBE_DISABLED, "drivers_autoprobe: 0" },
	{ "vf autoprobe", m_vf_autoprobe, VD_V_AUTOPROBE_DISABLED, "sriov_drivers_autoprobe: 0" },
	{ "no common", m_no_common, VD_V_PROBE_NO_COMMON_CAP,
	  "virtio capabilities: vendor@bar0 isr@bar0" },
	{ "common bar 7", m_common_bad_bar, VD_V_PROBE_NO_COMMON_CAP, "unusable BAR" },
	{ "common zero bar", m_common_zero_bar, VD_V_PROBE_NO_COMMON_CAP, "unusable BAR" },
	{ "missing isr", m_missing_isr, VD_V_PROBE_MISSING_CAPS, "config: virtio capabilities" },
	{ "missing notify", m_missing_notify, VD_V_PROBE_MISSING_CAPS, "config:" },
	{ "short common", m_short_common, VD_V_PROBE_BAD_CAP, "config:" },
	{ "cap past bar", m_cap_past_bar, VD_V_PROBE_BAD_CAP, "end of BAR 0" },
	{ "long notify", m_long_notify_ok, VD_V_PROBE_REJECTED, "config: virtio capabilities" },
	{ "short isr", m_short_isr, VD_V_PROBE_BAD_CAP, "config:" },
	{ "bar unset", m_bar_unset, VD_V_PROBE_BAR_UNASSIGNED, "resource: BAR 0" },
	{ "bar log", m_bar_log, VD_V_PROBE_BAR_UNASSIGNED, "not assigned" },
	{ "legacy no support", m_legacy_no_support, VD_V_LEGACY_UNSUPPORTED,
	  "CONFIG_VIRTIO_PCI_LEGACY" },
	{ "legacy revision", m_legacy_rev, VD_V_LEGACY_REVISION, "revision: 0x01" },
	{ "probe failed", m_probe_failed, VD_V_PROBE_FAILED, "failed with error -12" },
	{ "log missing caps", m_log_missing_caps, VD_V_PROBE_MISSING_CAPS, "missing capabilities" },
	{ "log leaving", m_log_leaving, VD_V_PROBE_NO_COMMON_CAP, "leaving for legacy" },
	{ "rejected", m_rejected, VD_V_PROBE_REJECTED, "new_id would answer EEXIST" },
	{ "foreign", m_foreign, VD_V_FOREIGN_DRIVER, "driver -> vfio-pci" },
	{ "no virtio device", m_no_virtio_dev, VD_V_NO_VIRTIO_DEVICE, "no virtio* child" },
	{ "virtio not built", m_virtio_not_built, VD_V_VIRTIO_DRIVER_NOT_BUILT,
	  "CONFIG_VIRTIO_VSOCKETS=n" },
	{ "virtio blacklisted", m_virtio_blacklisted, VD_V_VIRTIO_DRIVER_BLACKLISTED,
	  "blacklist vmw_vsock" },
	{ "virtio not loaded", m_virtio_not_loaded, VD_V_VIRTIO_DRIVER_NOT_LOADED, "not loaded" },
	{ "virtio missing", m_virtio_missing, VD_V_VIRTIO_DRIVER_MISSING,
	  "CONFIG_VIRTIO_VSOCKETS=m" },
	{ "virtio none", m_virtio_none, VD_V_VIRTIO_DRIVER_NONE, "status: 0x00000001" },
	{ "virtio not bound", m_virtio_not_bound, VD_V_VIRTIO_DRIVER_NOT_BOUND, "registered" },
	{ "refuses", m_refuses, VD_V_VIRTIO_FEATURES_REFUSED, "refuses features" },
	{ "access platform", m_access_platform, VD_V_VIRTIO_NEEDS_ACCESS_PLATFORM,
	  "ACCESS_PLATFORM" },
	{ "version 1", m_version_1, VD_V_VIRTIO_NEEDS_VERSION_1, "VERSION_1" },
	{ "virtio failed", m_virtio_failed, VD_V_VIRTIO_PROBE_FAILED, "status: 0x0000008b" },
	{ "needs reset", m_needs_reset, VD_V_VIRTIO_NEEDS_RESET, "0x0000004f" },
	{ "not ready", m_not_ready, VD_V_VIRTIO_NOT_READY, "0x0000000b" },
	{ "vsock no cid", m_vsock_no_cid, VD_V_VSOCK_NO_DEVICE, "4294967295" },
	{ "vsock competing", m_vsock_competing, VD_V_VSOCK_COMPETING_TRANSPORT,
	  "vmw_vsock_vmci_transport" },
	{ "vsock second", m_vsock_second, VD_V_VSOCK_SECOND_DEVICE, "error -16" },
	{ "vsock second unbound", m_vsock_second_unbound, VD_V_VSOCK_SECOND_DEVICE, "no link" },
	{ "mmio unbound", m_mmio_unbound, VD_V_MMIO_UNBOUND, "failed with error -22" },
	{ "mmio empty", m_mmio_empty, VD_V_MMIO_EMPTY, "virtio-mmio: registered; nothing in" },
	{ "mmio override", m_mmio_override, VD_V_OVERRIDE_NONE,
	  "sys/bus/platform/devices/a003e00.virtio_mmio/driver_override: 'none'" },
	{ "mmio not built", m_mmio_not_built, VD_V_MMIO_DRIVER_NOT_BUILT, "CONFIG_VIRTIO_MMIO=n" },
	{ "mmio initcall", m_mmio_initcall, VD_V_MMIO_DRIVER_INITCALL_BLACKLISTED,
	  "virtio_mmio_init" },
	{ "mmio blacklisted", m_mmio_blacklisted, VD_V_MMIO_DRIVER_BLACKLISTED,
	  "blacklist virtio_mmio" },
	{ "mmio not loaded", m_mmio_not_loaded, VD_V_MMIO_DRIVER_NOT_LOADED,
	  "32 virtio-mmio transports without a driver (a000000.virtio_mmio ... a003e00" },
	{ "mmio missing", m_mmio_missing, VD_V_MMIO_DRIVER_MISSING, "CONFIG_VIRTIO_MMIO=m" },
	{ "mmio virtio not loaded", m_mmio_virtio_not_loaded, VD_V_VIRTIO_DRIVER_NOT_LOADED,
	  "sys/bus/platform/devices/a003e00.virtio_mmio/driver -> virtio-mmio" },
	{ "bar zeroed", m_bar_zeroed, VD_V_PROBE_BAR_UNASSIGNED, "BAR 0 reads 0" },
	{ "bar probe-only", m_bar_probe_only, VD_V_PROBE_BAR_UNASSIGNED, "PROBE_ONLY enabled" },
	{ "cannot tell", m_cannot_tell, VD_V_CANNOT_TELL, "no link" },
};

static void test_every_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctx c;
		struct vd_finding f;
		bool found = false;

		healthy(&c);
		cases[i].mutate(&c);
		vd_diagnose(&c.d, &c.de, &c.se, &f);
		if (f.verdict != cases[i].want)
			fail_msg("case '%s': got %s (%s), want %s", cases[i].name,
				 vd_verdict_code(f.verdict), f.summary,
				 vd_verdict_code(cases[i].want));
		for (size_t k = 0; k < f.n_evidence; k++)
			if (strstr(f.evidence[k], cases[i].evidence))
				found = true;
		if (!found) {
			for (size_t k = 0; k < f.n_evidence; k++)
				print_error("  evidence: %s\n", f.evidence[k]);
			fail_msg("case '%s': no evidence line mentions '%s'", cases[i].name,
				 cases[i].evidence);
		}
		/* no verdict without evidence, and a problem always comes with a fix */
		assert_true(f.n_evidence > 0);
		assert_true(f.summary[0] != '\0');
		if (vd_verdict_is_problem(f.verdict) && f.verdict != VD_V_VIRTIO_DRIVER_NONE)
			assert_true(f.n_remedy > 0);
		vd_finding_done(&f);
	}
}

/* every verdict has a case above, a code and a help line */
static void test_verdict_table(void **state)
{
	(void)state;
	for (int v = 0; v < _VD_V_MAX; v++) {
		bool covered = false;

		assert_true(vd_verdict_code(v)[0] != '\0');
		assert_true(vd_verdict_help(v)[0] != '\0');
		for (int w = 0; w < v; w++)
			assert_string_not_equal(vd_verdict_code(v), vd_verdict_code(w));
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			if (cases[i].want == (enum vd_verdict)v)
				covered = true;
		if (!covered)
			fail_msg("verdict %s has no test case", vd_verdict_code(v));
	}
}

static void test_remedies_name_the_device(void **state)
{
	struct ctx c;
	struct vd_finding f;

	(void)state;
	healthy(&c);
	m_override_none(&c);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_string_equal(f.remedy[0], "virtio-doctor bind --force 0000:00:04.0 (sets "
					 "driver_override to virtio-pci)");
	/* where someone might reach for new_id, say why it cannot help */
	healthy(&c);
	m_rejected(&c);
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_non_null(strstr(f.evidence[1], "new_id would answer EEXIST"));
	assert_non_null(strstr(f.unchecked[0], "needs root"));
	vd_finding_done(&f);
}

static bool remedy_has(const struct vd_finding *f, const char *what)
{
	for (size_t k = 0; k < f->n_remedy; k++)
		if (strstr(f->remedy[k], what))
			return true;
	return false;
}

/*
 * Behind arm64's generic host bridge pci=realloc is read on neither path: the fix names the
 * device tree's window (assigning mode) or the VMM's BAR programming (probe-only), and
 * the zeroed BAR is never taken for a missing capability.
 */
static void test_arm64_bar_fixes(void **state)
{
	struct ctx c;
	struct vd_finding f;

	(void)state;
	healthy(&c);
	m_bar_zeroed(&c);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_int_equal(f.verdict, VD_V_PROBE_BAR_UNASSIGNED);
	assert_non_null(strstr(f.summary, "silent -ENODEV"));
	assert_true(remedy_has(&f, "ranges"));
	assert_false(remedy_has(&f, "boot with pci=realloc"));
	healthy(&c);
	m_bar_probe_only(&c);
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_non_null(strstr(f.summary, "probe-only"));
	assert_true(remedy_has(&f, "linux,pci-probe-only"));
	assert_false(remedy_has(&f, "boot with pci=realloc"));
	/* on x86 (no device-tree host bridge) pci=realloc can re-size bridge windows */
	healthy(&c);
	m_bar_unset(&c);
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_true(remedy_has(&f, "pci=realloc"));
	vd_finding_done(&f);
}

/* A built-in driver is never told to modprobe; force_legacy only ever explains legacy mode. */
static void test_builtin_and_force_legacy(void **state)
{
	struct ctx c;
	struct vd_finding f;

	(void)state;
	healthy(&c);
	m_cannot_tell(&c);
	c.de.vdrv.kconfig_val = 'y';
	c.de.vdrv.looked_up = true;
	c.de.vdrv.info.builtin = true;
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_int_equal(f.verdict, VD_V_CANNOT_TELL);
	assert_false(remedy_has(&f, "modprobe vmw"));
	healthy(&c);
	m_mmio_group_builtin(&c);
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_false(remedy_has(&f, "modprobe"));

	/* a modern-only device is never blamed on force_legacy */
	healthy(&c);
	m_rejected(&c);
	c.se.force_legacy = 'Y';
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	for (size_t k = 0; k < f.n_evidence; k++)
		assert_null(strstr(f.evidence[k], "force_legacy"));
	assert_null(strstr(f.summary, "force_legacy"));
	/* a transitional device running legacy because of it is told so */
	healthy(&c);
	c.d.device = 0x1000;
	vd_classify_pci(0x1af4, 0x1000, 0x0001, true, &c.d.cls);
	c.d.type_id = 1;
	c.d.transport = VD_TRANSPORT_TRANSITIONAL;
	c.d.have_features = true;
	c.d.status = 0x07;
	c.se.force_legacy = 'Y';
	vd_finding_done(&f);
	vd_diagnose(&c.d, &c.de, &c.se, &f);
	assert_int_equal(f.verdict, VD_V_OK);
	assert_non_null(strstr(f.evidence[f.n_evidence - 1], "force_legacy: Y"));
	vd_finding_done(&f);
}

/* The machine facts read for every device: no kernel config, modules or log among them. */
static void machine_without_logs_and_modules(const struct vd_sys_ev *full, struct vd_sys_ev *ret)
{
	memset(ret, 0, sizeof(*ret));
	memcpy(ret->root, full->root, sizeof(ret->root));
	ret->pci_autoprobe = full->pci_autoprobe;
	ret->cmdline_loaded = full->cmdline_loaded;
	memcpy(ret->cmdline, full->cmdline, sizeof(ret->cmdline));
	ret->initcall_blacklisted = full->initcall_blacklisted;
	ret->mmio_initcall_blacklisted = full->mmio_initcall_blacklisted;
	ret->noautodetect = full->noautodetect;
	ret->pci_nomsi = full->pci_nomsi;
	ret->platform_autoprobe = full->platform_autoprobe;
	ret->force_legacy = full->force_legacy;
	ret->vsock_err = full->vsock_err;
	ret->vsock_cid = full->vsock_cid;
	ret->vmci_loaded = full->vmci_loaded;
	ret->hv_sock_loaded = full->hv_sock_loaded;
	ret->vsock_bound = full->vsock_bound;
	memcpy(ret->unread, full->unread, sizeof(ret->unread));
}

static void assert_same_finding(const struct vd_finding *a, const struct vd_finding *b)
{
	assert_int_equal(a->verdict, b->verdict);
	assert_string_equal(a->summary, b->summary);
	assert_int_equal(a->n_evidence, b->n_evidence);
	assert_int_equal(a->n_remedy, b->n_remedy);
	assert_int_equal(a->n_unchecked, b->n_unchecked);
	for (size_t k = 0; k < a->n_evidence; k++)
		assert_string_equal(a->evidence[k], b->evidence[k]);
	for (size_t k = 0; k < a->n_remedy; k++)
		assert_string_equal(a->remedy[k], b->remedy[k]);
	for (size_t k = 0; k < a->n_unchecked; k++)
		assert_string_equal(a->unchecked[k], b->unchecked[k]);
}

/*
 * Where vd_diagnose_needs_evidence() says no, the commands skip the device's evidence and
 * the machine's config, modules and log: the finding must be the same without them. Every
 * case that is a problem needs them. Both on every case of the table, healthy included.
 */
static void test_needs_evidence(void **state)
{
	size_t skipped = 0;

	(void)state;
	for (size_t i = 0; i <= sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctx c;
		struct vd_sys_ev light;
		struct vd_dev_ev none;
		struct vd_finding full, lean;

		healthy(&c);
		if (i < sizeof(cases) / sizeof(cases[0]))
			cases[i].mutate(&c);
		vd_diagnose(&c.d, &c.de, &c.se, &full);
		if (vd_diagnose_needs_evidence(&c.d)) {
			vd_finding_done(&full);
			continue;
		}
		if (vd_verdict_is_problem(full.verdict) && full.verdict != VD_V_VSOCK_NO_DEVICE)
			fail_msg("case %zu: %s without evidence", i, vd_verdict_code(full.verdict));
		machine_without_logs_and_modules(&c.se, &light);
		vd_evidence_none(&none);
		vd_diagnose(&c.d, &none, &light, &lean);
		assert_same_finding(&full, &lean);
		vd_finding_done(&full);
		vd_finding_done(&lean);
		skipped++;
	}
	assert_true(skipped >= 1); /* the healthy device at least */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_rule),
		cmocka_unit_test(test_needs_evidence),
		cmocka_unit_test(test_verdict_table),
		cmocka_unit_test(test_remedies_name_the_device),
		cmocka_unit_test(test_arm64_bar_fixes),
		cmocka_unit_test(test_builtin_and_force_legacy),
	};
	return cmocka_run_group_tests_name("diagnose", tests, NULL, NULL);
}
