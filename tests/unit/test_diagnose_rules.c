/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor tests -- each diagnosis rule in a table of cases at its boundaries (both
 * sides), its exclusions and its order against its neighbours, on root and non-root
 * evidence; and the manual's VERDICTS section against the verdict catalogue
 */
#include <stdio.h>
#include <string.h>

#include "vd_diag_cases.h"

/* ---- rule tables: each rule at its boundaries, its exclusions, its order ---- */

/* not root: 64 bytes of config space, so the kernel log decides */
static void nonroot(struct ctx *c)
{
	unbind(c);
	c->d.cfg_len = 64;
}
static void ev_probe_failed(struct ctx *c, int err)
{
	char line[128];

	snprintf(line, sizeof(line),
		 "virtio-pci 0000:00:04.0: probe with driver virtio-pci failed with error %d", err);
	event(c, VD_KLOG_PROBE_FAILED, "0000:00:04.0", err, line);
}
static void ev_missing_caps(struct ctx *c)
{
	event(c, VD_KLOG_MISSING_CAPS, "0000:00:04.0", 0,
	      "virtio-pci 0000:00:04.0: virtio_pci: missing capabilities 64/0/112");
}
static void ev_bad_cap(struct ctx *c)
{
	event(c, VD_KLOG_BAD_CAP, "0000:00:04.0", 0,
	      "virtio-pci 0000:00:04.0: virtio_pci: bad capability len 4 (>=16 expected)");
}
static void ev_leaving(struct ctx *c)
{
	event(c, VD_KLOG_LEAVING_LEGACY, "0000:00:04.0", 0,
	      "virtio-pci 0000:00:04.0: virtio_pci: leaving for legacy driver");
}
static void ev_bar_log(struct ctx *c)
{
	event(c, VD_KLOG_BAR_NOT_ASSIGNED, "0000:00:04.0", 0,
	      "pci 0000:00:04.0: BAR 0 [mem size 0x00080000]: not assigned; can't enable device");
}
static void transitional_net(struct ctx *c)
{
	c->d.device = 0x1000;
	vd_classify_pci(0x1af4, 0x1000, 0x0001, true, &c->d.cls);
	c->d.type_id = 1;
	c->d.transport = VD_TRANSPORT_TRANSITIONAL;
}

/* the override rule: 'none', another driver; never virtio-pci itself or an empty one */
static void o_virtio_pci(struct ctx *c)
{
	unbind(c);
	strcpy(c->de.override, "virtio-pci");
}
static void o_empty(struct ctx *c)
{
	unbind(c);
	c->de.override[0] = '\0';
}
static void o_unreadable(struct ctx *c)
{
	unbind(c);
	c->de.have_override = false;
	strcpy(c->de.override, "pci-stub");
}
static void o_virtio_pci_nonroot(struct ctx *c)
{
	o_virtio_pci(c);
	c->d.cfg_len = 64;
	ev_probe_failed(c, -12);
}
static void o_other_before_autoprobe(struct ctx *c)
{
	m_override_other(c);
	c->se.pci_autoprobe = 0;
}
static void o_other_before_caps(struct ctx *c)
{
	m_override_other(c);
	set_cap_type(c, VD_CAP_ISR, VD_CAP_VENDOR);
}
static void o_none_before_log(struct ctx *c)
{
	m_override_none(c);
	c->d.cfg_len = 64;
	ev_missing_caps(c);
}

/* autoprobe: 0 only (-1 is unreadable, not off); a PF's only for a VF */
static void a_unreadable(struct ctx *c)
{
	unbind(c);
	c->se.pci_autoprobe = -1;
}
static void a_vf_pf_unreadable(struct ctx *c)
{
	unbind(c);
	c->de.is_vf = true;
	c->de.pf_autoprobe = -1;
}
static void a_vf_pf_on(struct ctx *c)
{
	unbind(c);
	c->de.is_vf = true;
	c->de.pf_autoprobe = 1;
}
static void a_not_vf_pf_off(struct ctx *c)
{
	unbind(c);
	c->de.pf_autoprobe = 0;
}
static void a_before_bar(struct ctx *c)
{
	m_bar_unset(c);
	c->se.pci_autoprobe = 0;
}

/* capabilities read as root: the length and offset limits, both sides */
static void k_common_len_16(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].cap_len = 16;
}
static void k_common_len_15(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].cap_len = 15;
}
static void k_common_56(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].length = 56;
}
static void k_common_55(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].length = 55;
}
static void k_notify_2(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[3].length = 2;
}
static void k_notify_1(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[3].length = 1;
}
static void k_isr_1(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[1].length = 1;
}
/* BAR 0 is 0x80000 bytes; the common area maps 56 */
static void k_ends_at_bar_end(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].offset = 0x80000 - 56;
}
static void k_ends_past_bar_end(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[0].offset = 0x80000 - 55;
}
static void k_isr_last_byte(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[1].offset = 0x80000 - 1;
}
static void k_isr_past_end(struct ctx *c)
{
	unbind(c);
	c->cfg.caps[1].offset = 0x80000;
}
/* 256 bytes of config space is root's view; anything shorter leaves it to the log */
static void k_missing_isr_root(struct ctx *c)
{
	m_missing_isr(c);
	c->d.cfg_len = 256;
}
static void k_missing_isr_nonroot(struct ctx *c)
{
	m_missing_isr(c);
	c->d.cfg_len = 64;
}
static void k_missing_isr_255(struct ctx *c)
{
	m_missing_isr(c);
	c->d.cfg_len = 255;
}
/* root config space outranks the log: it names the cause, the log only the errno */
static void k_root_missing_isr_log_failed(struct ctx *c)
{
	m_missing_isr(c);
	ev_probe_failed(c, -22);
}
static void k_root_fine_log_failed(struct ctx *c)
{
	unbind(c);
	ev_probe_failed(c, -12);
}
static void k_bad_cap_before_missing(struct ctx *c)
{
	m_missing_isr(c);
	c->cfg.caps[0].cap_len = 12;
}
static void k_missing_before_bad_len(struct ctx *c)
{
	m_missing_isr(c);
	c->cfg.caps[3].length = 1;
}
static void k_bar_before_caps(struct ctx *c)
{
	m_bar_unset(c);
	set_cap_type(c, VD_CAP_ISR, VD_CAP_VENDOR);
}

/* legacy path: transitional IDs only, revision 0 only, where the kernel has it */
static void l_rev0_supported(struct ctx *c)
{
	legacy_balloon(c);
}
static void l_rev_unknown(struct ctx *c)
{
	legacy_balloon(c);
	c->d.revision = 1;
	c->d.have_rev = false;
}
static void l_rev_before_unsupported(struct ctx *c)
{
	m_legacy_no_support(c);
	c->d.revision = 2;
}
static void l_modern_no_common_rev0(struct ctx *c)
{
	m_no_common(c);
	c->d.revision = 0;
	c->se.kc_virtio_pci_legacy = 'n';
}

/* the log's rules (not root), in their order: BAR, missing caps, bad cap, legacy, errno */
static void g_missing_and_failed(struct ctx *c)
{
	nonroot(c);
	ev_missing_caps(c);
	ev_probe_failed(c, -22);
}
static void g_failed_then_missing(struct ctx *c)
{
	nonroot(c);
	ev_probe_failed(c, -22);
	ev_missing_caps(c);
}
static void g_bad_cap_and_failed(struct ctx *c)
{
	nonroot(c);
	ev_probe_failed(c, -22);
	ev_bad_cap(c);
}
static void g_bad_cap(struct ctx *c)
{
	nonroot(c);
	ev_bad_cap(c);
}
static void g_missing_before_bad(struct ctx *c)
{
	nonroot(c);
	ev_bad_cap(c);
	ev_missing_caps(c);
}
static void g_leaving_and_failed(struct ctx *c)
{
	nonroot(c);
	ev_probe_failed(c, -19);
	ev_leaving(c);
}
static void g_leaving_transitional(struct ctx *c)
{
	nonroot(c);
	transitional_net(c);
	ev_leaving(c);
	ev_probe_failed(c, -19);
}
static void g_bar_before_missing(struct ctx *c)
{
	nonroot(c);
	ev_missing_caps(c);
	ev_bar_log(c);
}
static void g_autoprobe_before_log(struct ctx *c)
{
	nonroot(c);
	ev_probe_failed(c, -22);
	c->se.pci_autoprobe = 0;
}

/* virtio level */
static void v_missing_by_index(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.kconfig_val = 0; /* no kernel config: the module index alone decides */
}
static void v_no_index_no_config(struct ctx *c)
{
	v_missing_by_index(c);
	c->se.kmod_index = false;
}
static void v_not_looked_up(struct ctx *c)
{
	v_missing_by_index(c);
	c->de.vdrv.looked_up = false;
}
static void v_builtin_blacklisted(struct ctx *c)
{
	virtio_unbound(c);
	c->de.vdrv.kconfig_val = 'y';
	c->de.vdrv.info.builtin = true;
	c->de.vdrv.info.blacklisted = true;
}
static void v_vsock_ebusy_alone(struct ctx *c)
{
	virtio_failed(c);
	event(c, VD_KLOG_PROBE_FAILED, "virtio3", -16,
	      "vmw_vsock_virtio_transport: probe of virtio3 failed with error -16");
}
static void v_vsock_einval(struct ctx *c)
{
	virtio_failed(c);
	event(c, VD_KLOG_PROBE_FAILED, "virtio3", -22,
	      "vmw_vsock_virtio_transport: probe of virtio3 failed with error -22");
}
static void v_ebusy_not_vsock(struct ctx *c)
{
	v_vsock_ebusy_alone(c);
	c->d.device = 0x1041;
	vd_classify_pci(0x1af4, 0x1041, 0x1041, true, &c->d.cls);
	c->d.type_id = 1;
	strcpy(c->de.vdrv.info.name, "virtio_net");
}
static void v_reset_before_failed(struct ctx *c)
{
	virtio_failed(c);
	c->d.status |= 0x40;
}
static void v_platform_before_version(struct ctx *c)
{
	m_version_1(c);
	event(c, VD_KLOG_NEEDS_ACCESS_PLATFORM, "virtio3", 0,
	      "vmw_vsock_virtio_transport virtio3: device must provide VIRTIO_F_ACCESS_PLATFORM");
}
static void v_version_before_refuses(struct ctx *c)
{
	m_refuses(c);
	event(c, VD_KLOG_NEEDS_VERSION_1, "virtio3", 0,
	      "vmw_vsock_virtio_transport virtio3: device must provide VIRTIO_F_VERSION_1");
}

static const struct {
	const char *rule, *name;
	void (*mutate)(struct ctx *c);
	enum vd_verdict want;
} rule_cases[] = {
	{ "override", "virtio-pci itself (root)", o_virtio_pci, VD_V_PROBE_REJECTED },
	{ "override", "virtio-pci itself (not root)", o_virtio_pci_nonroot, VD_V_PROBE_FAILED },
	{ "override", "empty", o_empty, VD_V_PROBE_REJECTED },
	{ "override", "unreadable", o_unreadable, VD_V_PROBE_REJECTED },
	{ "override", "other", m_override_other, VD_V_OVERRIDE_OTHER },
	{ "override", "none", m_override_none, VD_V_OVERRIDE_NONE },
	{ "override", "ahead of autoprobe", o_other_before_autoprobe, VD_V_OVERRIDE_OTHER },
	{ "override", "ahead of caps (root)", o_other_before_caps, VD_V_OVERRIDE_OTHER },
	{ "override", "ahead of the log (not root)", o_none_before_log, VD_V_OVERRIDE_NONE },
	{ "autoprobe", "0", m_autoprobe, VD_V_AUTOPROBE_DISABLED },
	{ "autoprobe", "1", m_rejected, VD_V_PROBE_REJECTED },
	{ "autoprobe", "unreadable", a_unreadable, VD_V_PROBE_REJECTED },
	{ "autoprobe", "VF, PF off", m_vf_autoprobe, VD_V_AUTOPROBE_DISABLED },
	{ "autoprobe", "VF, PF unreadable", a_vf_pf_unreadable, VD_V_PROBE_REJECTED },
	{ "autoprobe", "VF, PF on", a_vf_pf_on, VD_V_PROBE_REJECTED },
	{ "autoprobe", "not a VF, PF value 0", a_not_vf_pf_off, VD_V_PROBE_REJECTED },
	{ "autoprobe", "ahead of BAR", a_before_bar, VD_V_AUTOPROBE_DISABLED },
	{ "autoprobe", "ahead of the log", g_autoprobe_before_log, VD_V_AUTOPROBE_DISABLED },
	{ "caps", "common cap_len 16", k_common_len_16, VD_V_PROBE_REJECTED },
	{ "caps", "common cap_len 15", k_common_len_15, VD_V_PROBE_BAD_CAP },
	{ "caps", "common length 56", k_common_56, VD_V_PROBE_REJECTED },
	{ "caps", "common length 55", k_common_55, VD_V_PROBE_BAD_CAP },
	{ "caps", "notify length 2", k_notify_2, VD_V_PROBE_REJECTED },
	{ "caps", "notify length 1", k_notify_1, VD_V_PROBE_BAD_CAP },
	{ "caps", "ISR length 1", k_isr_1, VD_V_PROBE_REJECTED },
	{ "caps", "common ends at the BAR's end", k_ends_at_bar_end, VD_V_PROBE_REJECTED },
	{ "caps", "common ends 1 past the BAR", k_ends_past_bar_end, VD_V_PROBE_BAD_CAP },
	{ "caps", "ISR in the BAR's last byte", k_isr_last_byte, VD_V_PROBE_REJECTED },
	{ "caps", "ISR at the BAR's size", k_isr_past_end, VD_V_PROBE_BAD_CAP },
	{ "caps", "missing ISR, 256 bytes", k_missing_isr_root, VD_V_PROBE_MISSING_CAPS },
	{ "caps", "missing ISR, 255 bytes", k_missing_isr_255, VD_V_PROBE_REJECTED },
	{ "caps", "missing ISR, 64 bytes", k_missing_isr_nonroot, VD_V_PROBE_REJECTED },
	{ "caps", "root caps ahead of the log's errno", k_root_missing_isr_log_failed,
	  VD_V_PROBE_MISSING_CAPS },
	{ "caps", "root caps fine, the log's errno", k_root_fine_log_failed, VD_V_PROBE_FAILED },
	{ "caps", "short common ahead of missing", k_bad_cap_before_missing, VD_V_PROBE_BAD_CAP },
	{ "caps", "missing ahead of short notify", k_missing_before_bad_len,
	  VD_V_PROBE_MISSING_CAPS },
	{ "caps", "BAR ahead of caps", k_bar_before_caps, VD_V_PROBE_BAR_UNASSIGNED },
	{ "legacy", "revision 0, supported", l_rev0_supported, VD_V_PROBE_REJECTED },
	{ "legacy", "revision 1", m_legacy_rev, VD_V_LEGACY_REVISION },
	{ "legacy", "revision unknown", l_rev_unknown, VD_V_PROBE_REJECTED },
	{ "legacy", "revision ahead of support", l_rev_before_unsupported, VD_V_LEGACY_REVISION },
	{ "legacy", "modern ID never legacy", l_modern_no_common_rev0, VD_V_PROBE_NO_COMMON_CAP },
	{ "log", "missing caps, then probe failed", g_missing_and_failed, VD_V_PROBE_MISSING_CAPS },
	{ "log", "probe failed, then missing caps", g_failed_then_missing,
	  VD_V_PROBE_MISSING_CAPS },
	{ "log", "bad cap and probe failed", g_bad_cap_and_failed, VD_V_PROBE_BAD_CAP },
	{ "log", "bad cap", g_bad_cap, VD_V_PROBE_BAD_CAP },
	{ "log", "missing ahead of bad cap", g_missing_before_bad, VD_V_PROBE_MISSING_CAPS },
	{ "log", "leaving (modern) and probe failed", g_leaving_and_failed,
	  VD_V_PROBE_NO_COMMON_CAP },
	{ "log", "leaving, transitional", g_leaving_transitional, VD_V_PROBE_FAILED },
	{ "log", "BAR ahead of missing caps", g_bar_before_missing, VD_V_PROBE_BAR_UNASSIGNED },
	{ "log", "probe failed alone", m_probe_failed, VD_V_PROBE_FAILED },
	{ "log", "nothing", m_rejected, VD_V_PROBE_REJECTED },
	{ "virtio", "module index, no kconfig", v_missing_by_index, VD_V_VIRTIO_DRIVER_MISSING },
	{ "virtio", "no index, no kconfig", v_no_index_no_config, VD_V_CANNOT_TELL },
	{ "virtio", "index, module not looked up", v_not_looked_up, VD_V_CANNOT_TELL },
	{ "virtio", "built-in ignores a blacklist", v_builtin_blacklisted, VD_V_CANNOT_TELL },
	{ "virtio", "vsock -EBUSY, none bound", v_vsock_ebusy_alone, VD_V_VSOCK_SECOND_DEVICE },
	{ "virtio", "vsock -EINVAL", v_vsock_einval, VD_V_VIRTIO_PROBE_FAILED },
	{ "virtio", "-EBUSY, not vsock", v_ebusy_not_vsock, VD_V_VIRTIO_PROBE_FAILED },
	{ "virtio", "NEEDS_RESET ahead of FAILED", v_reset_before_failed, VD_V_VIRTIO_NEEDS_RESET },
	{ "virtio", "ACCESS_PLATFORM ahead of VERSION_1", v_platform_before_version,
	  VD_V_VIRTIO_NEEDS_ACCESS_PLATFORM },
	{ "virtio", "VERSION_1 ahead of refused", v_version_before_refuses,
	  VD_V_VIRTIO_NEEDS_VERSION_1 },
};

static void test_rule_tables(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
		struct ctx c;
		struct vd_finding f;

		healthy(&c);
		rule_cases[i].mutate(&c);
		vd_diagnose(&c.d, &c.de, &c.se, &f);
		if (f.verdict != rule_cases[i].want) {
			print_error("%s: %s: got %s (%s), want %s\n", rule_cases[i].rule,
				    rule_cases[i].name, vd_verdict_code(f.verdict), f.summary,
				    vd_verdict_code(rule_cases[i].want));
			bad++;
		}
		vd_finding_done(&f);
	}
	assert_int_equal(bad, 0);
}

/* a problem is every verdict but ok and an empty mmio slot */
static void test_verdict_is_problem(void **state)
{
	(void)state;
	for (int v = 0; v < _VD_V_MAX; v++)
		assert_int_equal(vd_verdict_is_problem(v), v != VD_V_OK && v != VD_V_MMIO_EMPTY);
	assert_false(vd_verdict_is_problem(VD_V_MMIO_EMPTY));
	assert_true(vd_verdict_is_problem(VD_V_CANNOT_TELL));
}

/* Plain text of one roff line: the escapes a meaning may use, nothing else. */
static void unroff(const char *in, char *out, size_t size)
{
	size_t n = 0;

	while (*in && n + 1 < size) {
		if (in[0] == '\\' && in[1] == '-') {
			out[n++] = '-';
			in += 2;
		} else if (in[0] == '\\' && in[1] == '&') {
			in += 2;
		} else if (!strncmp(in, "\\(aq", 4)) {
			out[n++] = '\'';
			in += 4;
		} else if (in[0] == '\\' && in[1] == 'e') {
			out[n++] = '\\';
			in += 2;
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = '\0';
}

/*
 * man/virtio-doctor.8's VERDICTS section against the catalogue, word for word: each
 * ".TP" / ".B code" entry's first sentence (its text lines up to the first that ends in
 * '.') is vd_verdict_help() and a '.'; every verdict has one entry, and no entry is extra.
 */
static void test_man_verdicts_match_catalogue(void **state)
{
	FILE *f = fopen(VD_SRCDIR "/man/virtio-doctor.8", "r");
	char line[1024], meaning[4096], code[1024];
	int seen[_VD_V_MAX] = { 0 }, v;
	bool in_section = false, after_tp = false;
	int bad = 0, entries = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, ".SH ", 4)) {
			in_section = !strcmp(line, ".SH VERDICTS");
			continue;
		}
		if (!in_section)
			continue;
		if (!strcmp(line, ".TP")) {
			after_tp = true;
			continue;
		}
		if (!after_tp)
			continue;
		after_tp = false;
		if (strncmp(line, ".B ", 3)) {
			print_error("VERDICTS: a .TP entry not of the form '.B code': '%s'\n",
				    line);
			bad++;
			continue;
		}
		strcpy(code, line + 3);
		entries++;
		meaning[0] = '\0';
		while (fgets(line, sizeof(line), f)) {
			char plain[1024];
			size_t len;

			line[strcspn(line, "\n")] = '\0';
			if (line[0] == '.' || line[0] == '\0') {
				print_error(
					"VERDICTS: %s: the meaning must be plain text lines ending "
					"in '.', found '%s'\n",
					code, line);
				bad++;
				break;
			}
			unroff(line, plain, sizeof(plain));
			len = strlen(meaning);
			assert_true(len + 1 + strlen(plain) < sizeof(meaning));
			if (len)
				meaning[len++] = ' ';
			strcpy(meaning + len, plain);
			len = strlen(meaning);
			if (meaning[len - 1] == '.') {
				meaning[len - 1] = '\0';
				break;
			}
		}
		for (v = 0; v < _VD_V_MAX && strcmp(vd_verdict_code(v), code);)
			v++;
		if (v == _VD_V_MAX) {
			print_error("VERDICTS: '%s' is no verdict of the catalogue\n", code);
			bad++;
			continue;
		}
		if (seen[v]++) {
			print_error("VERDICTS: '%s' is documented twice\n", code);
			bad++;
		}
		if (strcmp(meaning, vd_verdict_help(v))) {
			print_error("VERDICTS: %s:\n  man page:  %s.\n  catalogue: %s.\n", code,
				    meaning, vd_verdict_help(v));
			bad++;
		}
	}
	fclose(f);
	for (v = 0; v < _VD_V_MAX; v++)
		if (!seen[v]) {
			print_error("VERDICTS: verdict '%s' is not documented\n",
				    vd_verdict_code(v));
			bad++;
		}
	assert_int_equal(entries, _VD_V_MAX);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_tables),
		cmocka_unit_test(test_verdict_is_problem),
		cmocka_unit_test(test_man_verdicts_match_catalogue),
	};
	return cmocka_run_group_tests_name("diagnose_rules", tests, NULL, NULL);
}
