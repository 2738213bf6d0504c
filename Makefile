# virtio-doctor -- see README.md
VERSION     := 0.1.0

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
SYSCONFDIR  ?= /etc
UNITDIR     ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
PKG_CONFIG  ?= pkg-config

# User-owned; never overridden below.
CFLAGS      ?= -O2 -g
LDFLAGS     ?=

# Project flags live apart so they survive any CFLAGS/LDFLAGS given by a packager.
VD_CPPFLAGS  = -Iinclude -D_GNU_SOURCE -DVD_VERSION=\"$(VERSION)\"
VD_WARN      = -Wall -Wextra -Werror -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
               -Wshadow -Wno-unused-parameter
VD_HARDEN    = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
VD_CFLAGS    = -std=gnu11 $(VD_WARN) $(VD_HARDEN)
VD_LDFLAGS   = -pie -Wl,-z,relro,-z,now
# zlib, libkmod and libarchive are dlopen()ed on first use (src/base/dlib.c): headers only.
DEPS         = smartcols
DLOPEN_DEPS  = zlib libkmod libarchive
DEPS_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags $(DEPS) $(DLOPEN_DEPS))
DEPS_LIBS   ?= $(shell $(PKG_CONFIG) --libs $(DEPS)) -ldl
TEST_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags cmocka)
TEST_LIBS   ?= $(shell $(PKG_CONFIG) --libs cmocka zlib)

# src/LAYER/*.c, one folder per layer (src/README.md); everything but main() is libvd.a
LIB_SRCS    := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJS    := $(LIB_SRCS:.c=.o)
TEST_SRCS   := $(wildcard tests/unit/test_*.c)
TEST_BINS   := $(TEST_SRCS:.c=)

all: virtio-doctor

%.o: %.c
	$(CC) $(VD_CPPFLAGS) $(CPPFLAGS) $(VD_CFLAGS) $(DEPS_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

libvd.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

virtio-doctor: src/cli/main.o libvd.a
	$(CC) $(VD_CFLAGS) $(CFLAGS) $(VD_LDFLAGS) $(LDFLAGS) -o $@ $^ $(DEPS_LIBS) $(LDLIBS)

tests/unit/%.o: tests/unit/%.c
	$(CC) $(VD_CPPFLAGS) -DVD_SRCDIR=\"$(CURDIR)\" $(CPPFLAGS) $(VD_CFLAGS) $(DEPS_CFLAGS) \
		$(TEST_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

tests/unit/test_%: tests/unit/test_%.o libvd.a
	$(CC) $(VD_CFLAGS) $(CFLAGS) $(VD_LDFLAGS) $(LDFLAGS) -o $@ $^ $(DEPS_LIBS) \
		$(TEST_LIBS) $(LDLIBS)

tests: $(TEST_BINS) virtio-doctor

check: tests
	tests/check-layers
	./tests/run
	tests/check-report-schema
	tests/check-readme
	tests/check-metrics ./virtio-doctor
	tests/check-completion ./virtio-doctor

# One-line bugs from tests/mutants.txt, one at a time: at least 90% must make a test fail.
# Slow (a rebuild and the suite per mutant), so not part of check.
mutate:
	tests/mutate

install: virtio-doctor
	install -Dm755 virtio-doctor "$(DESTDIR)$(BINDIR)/virtio-doctor"
	install -Dm644 man/virtio-doctor.8 "$(DESTDIR)$(MANDIR)/man8/virtio-doctor.8"
	install -Dm644 doc/report.schema.json "$(DESTDIR)$(PREFIX)/share/virtio-doctor/report.schema.json"
	install -Dm644 contrib/completion/virtio-doctor.bash "$(DESTDIR)$(BASHCOMPDIR)/virtio-doctor"
	install -Dm644 contrib/completion/_virtio-doctor "$(DESTDIR)$(ZSHCOMPDIR)/_virtio-doctor"

# Boot-time services: the binary's path substituted into the templates.
install-openrc:
	install -d "$(DESTDIR)$(SYSCONFDIR)/init.d" "$(DESTDIR)$(SYSCONFDIR)/conf.d"
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/openrc/virtio-doctor.initd \
		> "$(DESTDIR)$(SYSCONFDIR)/init.d/virtio-doctor"
	chmod 755 "$(DESTDIR)$(SYSCONFDIR)/init.d/virtio-doctor"
	install -m644 contrib/openrc/virtio-doctor.confd "$(DESTDIR)$(SYSCONFDIR)/conf.d/virtio-doctor"

install-systemd:
	install -d "$(DESTDIR)$(UNITDIR)"
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/systemd/virtio-doctor-bind.service \
		> "$(DESTDIR)$(UNITDIR)/virtio-doctor-bind.service"
	chmod 644 "$(DESTDIR)$(UNITDIR)/virtio-doctor-bind.service"
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/systemd/virtio-doctor-metrics.service \
		> "$(DESTDIR)$(UNITDIR)/virtio-doctor-metrics.service"
	chmod 644 "$(DESTDIR)$(UNITDIR)/virtio-doctor-metrics.service"
	install -m644 contrib/systemd/virtio-doctor-metrics.timer "$(DESTDIR)$(UNITDIR)"

# Metrics every 15 minutes on OpenRC: crond's /etc/periodic/15min (Alpine). Not part of
# install-openrc: installing it turns it on.
install-openrc-metrics:
	install -d "$(DESTDIR)$(SYSCONFDIR)/periodic/15min"
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		contrib/openrc/virtio-doctor-metrics.periodic \
		> "$(DESTDIR)$(SYSCONFDIR)/periodic/15min/virtio-doctor-metrics"
	chmod 755 "$(DESTDIR)$(SYSCONFDIR)/periodic/15min/virtio-doctor-metrics"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/virtio-doctor" "$(DESTDIR)$(MANDIR)/man8/virtio-doctor.8"
	rm -f "$(DESTDIR)$(PREFIX)/share/virtio-doctor/report.schema.json"
	rm -f "$(DESTDIR)$(BASHCOMPDIR)/virtio-doctor" "$(DESTDIR)$(ZSHCOMPDIR)/_virtio-doctor"

lint-man:
	mandoc -Tlint -W warning man/virtio-doctor.8

# The boot-time service files must at least parse (OpenRC's scripts are POSIX sh).
lint-contrib:
	sh -n contrib/openrc/virtio-doctor.initd
	sh -n contrib/openrc/virtio-doctor.confd
	grep -q '^ExecStart=@BINDIR@/virtio-doctor bind' contrib/systemd/virtio-doctor-bind.service
	sh -n contrib/openrc/virtio-doctor-metrics.periodic
	grep -q '^ExecStart=@BINDIR@/virtio-doctor metrics --textfile' \
		contrib/systemd/virtio-doctor-metrics.service

# Debian 12: install what is missing (root), then build or test.
deps:
	./contrib/debian-deps

# Everything check-all needs, arm64's cross tools and QEMU included, so that no check
# has to call apt while another runs beside it.
deps-test:
	./contrib/debian-deps --test
	./contrib/debian-deps-arm64 --qemu

# Real kernels: Debian's 6.1 under QEMU (TCG), scenarios in tests/qemu/. Needs root. The
# guests run the static binary (mk/static.mk): one file, nothing else to copy in.
check-qemu: virtio-doctor-static
	tests/qemu/run --binary ./virtio-doctor-static

clean:
	rm -f virtio-doctor libvd.a src/*/*.o src/*/*.d tests/unit/*.o tests/unit/*.d $(TEST_BINS)


.PHONY: all tests check mutate check-all check-all-steps check-qemu lint-contrib install uninstall clean lint-man deps deps-test
.SECONDARY: $(TEST_SRCS:.c=.o)

-include $(wildcard src/*/*.d tests/unit/*.d)

# ---- robustness, speed, static checks (issue 7) ---------------------------------------
# Every rule below builds into its own directory and never touches the normal objects.

# libFuzzer targets (clang): the library rebuilt with fuzzer coverage, ASan and UBSan.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
FUZZ_DIR     := fuzz/build
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fno-omit-frame-pointer $(VD_WARN) $(FUZZ_SAN)
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_BINS    := $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))
# the fuzz targets call the library below the command layer only
FUZZ_LIBOBJS := $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(filter-out src/cli/%,$(LIB_SRCS)))

$(FUZZ_DIR)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(VD_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(DEPS_CFLAGS) \
		-MMD -MP -c -o $@ $<

$(FUZZ_DIR)/libvd-fuzz.a: $(FUZZ_LIBOBJS)
	$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_DIR)/libvd-fuzz.a
	$(FUZZ_CC) $(VD_CPPFLAGS) -DVD_SRCDIR=\"$(CURDIR)\" $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		$(DEPS_CFLAGS) -o $@ $< $(FUZZ_DIR)/libvd-fuzz.a $(DEPS_LIBS)

fuzz: $(FUZZ_BINS)

# Each target for FUZZ_SECONDS from a scratch copy of its seed corpus (the checked-in
# corpus is never written); a crash stops the run with the reproducer in $(FUZZ_DIR).
fuzz-run: fuzz
	@set -e; for t in $(FUZZ_TARGETS); do \
		n=$${t#fuzz_}; work=$(FUZZ_DIR)/corpus-$$n; mkdir -p $$work; \
		dict=; [ -f fuzz/dict/$$n.dict ] && dict=-dict=fuzz/dict/$$n.dict; \
		opts=; [ -f fuzz/options/$$n ] && opts=$$(cat fuzz/options/$$n); \
		echo "== $$t: $(FUZZ_SECONDS) s"; \
		rc=0; $(FUZZ_DIR)/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/$$n- $$dict $$opts \
			$$work fuzz/corpus/$$n >$(FUZZ_DIR)/$$n.log 2>&1 || rc=$$?; \
		grep -E '^stat::number_of_executed_units|^Done|SUMMARY|^==[0-9]+==ERROR' \
			$(FUZZ_DIR)/$$n.log || true; \
		[ $$rc = 0 ] || { echo "$$t: FAILED (see $(FUZZ_DIR)/$$n.log)"; exit 1; }; \
	done

# Build variants: the library, the binary and every test rebuilt in a directory of their
# own with another compiler or flags. The tests find the binary and the fixtures through
# DIR/root (links to tests/ and man/, and that variant's virtio-doctor), so the normal
# build is never touched. $(call vd_variant,DIR,CC,FLAGS[,RUNNER]) defines DIR's rules and
# sets VARIANT_TESTS_DIR (DIR with / and - as _) to its test binaries and its virtio-doctor.
# With RUNNER (a program that runs another: an emulator for a foreign architecture), the
# binary is DIR/virtio-doctor and DIR/root/virtio-doctor a script running it through RUNNER.
define vd_variant
$(1)/obj/%.o: src/%.c
	@mkdir -p $$(@D)
	$(2) $$(VD_CPPFLAGS) $$(VD_CFLAGS) $$(DEPS_CFLAGS) $(3) -MMD -MP -c -o $$@ $$<

$(1)/libvd.a: $$(patsubst src/%.c,$(1)/obj/%.o,$$(LIB_SRCS))
	$$(AR) rcs $$@ $$^

$(1)/root/virtio-doctor: $(1)/obj/cli/main.o $(1)/libvd.a
	@mkdir -p $$(@D)
	ln -sfn $$(CURDIR)/tests $(1)/root/tests
	ln -sfn $$(CURDIR)/man $(1)/root/man
	ln -sfn $$(CURDIR)/README.md $(1)/root/README.md
	$(2) $$(VD_CFLAGS) $(3) $$(VD_LDFLAGS) -o $(if $(4),$(1)/virtio-doctor,$$@) $$^ \
		$$(DEPS_LIBS) $$(LDLIBS)
	$(if $(4),printf '#!/bin/sh\nexec %s %s "$$$$@"\n' '$(4)' '$$(CURDIR)/$(1)/virtio-doctor' \
		>$$@ && chmod 755 $$@)

$(1)/tests/test_%: tests/unit/test_%.c $(1)/libvd.a
	@mkdir -p $$(@D)
	$(2) $$(VD_CPPFLAGS) -DVD_SRCDIR=\"$$(CURDIR)/$(1)/root\" $$(VD_CFLAGS) \
		$$(DEPS_CFLAGS) $$(TEST_CFLAGS) $(3) $$(VD_LDFLAGS) -MMD -MP -o $$@ $$< \
		$(1)/libvd.a $$(DEPS_LIBS) $$(TEST_LIBS) $$(LDLIBS)

VARIANT_TESTS_$(subst -,_,$(subst /,_,$(1))) := \
	$$(patsubst tests/unit/%.c,$(1)/tests/%,$$(TEST_SRCS)) $(1)/root/virtio-doctor
endef

# ASan+UBSan. Sanitizer exits use codes of their own so they cannot pass for the tool's 1.
ASAN_DIR     := build/asan
ASAN_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
		-fno-sanitize-recover=all
ASAN_ENV     := ASAN_OPTIONS=exitcode=86:detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
$(eval $(call vd_variant,$(ASAN_DIR),$(CC),$(ASAN_FLAGS)))

check-asan: $(VARIANT_TESTS_build_asan)
	$(ASAN_ENV) ./tests/run $(filter-out %/virtio-doctor,$^)

# clang with the same warnings (-Werror) and hardening flags as the normal build, and the
# whole suite run against its binary: gcc's "warning-free" alone proves nothing for clang.
CLANG        ?= clang
CLANG_DIR    := build/clang
$(eval $(call vd_variant,$(CLANG_DIR),$(CLANG),-O2 -g))

check-clang: $(VARIANT_TESTS_build_clang)
	./tests/run $(filter-out %/virtio-doctor,$^)

# musl (Alpine): every source against musl's headers with -Werror (tests/check-musl).
check-musl:
	tests/check-musl

# valgrind on every run of the binary by the command-level tests (test_cli, test_bundle,
# test_robustness): they are built against $(VG_DIR)/root, whose virtio-doctor runs the
# real one under valgrind. Each process logs to its own file; any error or leak fails.
# valgrind 3.19 (Debian 12) does not know openat2() (ENOSYS), so under it the tool walks
# every path itself (src/base/sysfs_resolve.c resolve_in_root()), with the same confinement: every case
# runs here too, the ones that link out of the root (sys-link-out, driver-escape) included.
VG_DIR       := build/valgrind
VG_TESTS     := $(VG_DIR)/tests/test_cli $(VG_DIR)/tests/test_bundle \
		$(VG_DIR)/tests/test_robustness
VALGRIND     ?= valgrind
VG_OPTS      := -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --track-fds=no

# -q leaves only errors and leaks in the logs, and these notes about ioctls valgrind does
# not know (the vsock CID query), which are no errors
VG_BENIGN    := Warning: noted but unhandled ioctl|This could cause spurious value errors|See README_MISSING_SYSCALL_OR_IOCTL

$(VG_DIR)/root/virtio-doctor: virtio-doctor
	@mkdir -p $(@D) $(VG_DIR)/log
	ln -sfn $(CURDIR)/tests $(VG_DIR)/root/tests
	ln -sfn $(CURDIR)/man $(VG_DIR)/root/man
	ln -sfn $(CURDIR)/README.md $(VG_DIR)/root/README.md
	printf '#!/bin/sh\nexec $(VALGRIND) $(VG_OPTS) --log-file=%s/vg.%%p.log %s "$$@"\n' \
		"$(CURDIR)/$(VG_DIR)/log" "$(CURDIR)/virtio-doctor" > $@
	chmod 755 $@

$(VG_DIR)/tests/test_%: tests/unit/test_%.o libvd.a
	@mkdir -p $(@D)
	$(CC) $(VD_CPPFLAGS) -DVD_SRCDIR=\"$(CURDIR)/$(VG_DIR)/root\" $(VD_CFLAGS) $(DEPS_CFLAGS) \
		$(TEST_CFLAGS) $(CFLAGS) $(VD_LDFLAGS) $(LDFLAGS) -o $@ tests/unit/test_$*.c \
		libvd.a $(DEPS_LIBS) $(TEST_LIBS) $(LDLIBS)

check-valgrind: $(VG_TESTS) $(VG_DIR)/root/virtio-doctor
	rm -f $(VG_DIR)/log/vg.*.log
	VD_ROBUSTNESS_TIMEOUT=300 ./tests/run $(VG_TESTS)
	@bad=0; runs=0; for f in $(VG_DIR)/log/vg.*.log; do runs=$$((runs + 1)); \
		if grep -E '^==[0-9]+==' "$$f" | grep -qvE "$(VG_BENIGN)"; then \
			bad=$$((bad + 1)); grep -E '^==[0-9]+==' "$$f" | head -30; fi; \
	done; \
	echo "valgrind: $$runs runs of virtio-doctor, $$bad with errors or leaks"; \
	[ $$bad = 0 ]

# Static checks: cppcheck, clang-tidy (.clang-tidy), clang-format (.clang-format),
# mandoc. Every one runs; the target fails if any complained. cppcheck's memleak check
# does not know __attribute__((cleanup)) (_cleanup_free_) and reports every such buffer;
# leaks are checked at run time instead (check-asan's LeakSanitizer, check-valgrind).
LINT_SRCS    := $(wildcard src/*/*.c)
FORMAT_SRCS  := $(wildcard src/*/*.c include/vd/*/*.h tests/unit/*.c tests/unit/*.h fuzz/*.c \
		fuzz/*.h)
CLANG_TIDY   ?= clang-tidy
CLANG_FORMAT ?= clang-format
CPPCHECK     ?= cppcheck

lint:
	@rc=0; \
	echo "== cppcheck"; \
	$(CPPCHECK) -q --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem --suppress=memleak \
		-D_GNU_SOURCE -Iinclude \
		$(LINT_SRCS) || rc=1; \
	echo "== clang-tidy"; \
	$(CLANG_TIDY) --quiet $(LINT_SRCS) -- $(VD_CPPFLAGS) -std=gnu11 $(DEPS_CFLAGS) \
		2>/dev/null | grep -E '(warning|error):' && rc=1; \
	echo "== clang-format"; \
	$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_SRCS) 2>&1 | grep -c 'error:' | \
		sed 's/^/lines clang-format would change: /'; \
	$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_SRCS) >/dev/null 2>&1 || rc=1; \
	echo "== mandoc"; \
	mandoc -Tlint -W warning man/virtio-doctor.8 || rc=1; \
	exit $$rc

bench: virtio-doctor
	bench/run

.PHONY: fuzz fuzz-run check-asan check-clang check-musl check-valgrind lint bench
-include $(wildcard $(FUZZ_DIR)/obj/*/*.d $(ASAN_DIR)/obj/*/*.d $(CLANG_DIR)/obj/*/*.d)

clean-checks:
	rm -rf $(FUZZ_DIR) $(ASAN_DIR) $(CLANG_DIR) $(VG_DIR) build/musl bench/out

clean: clean-checks
.PHONY: clean-checks

# Larger checks keep their rules in mk/*.mk; each adds its target to CHECK_ALL_EXTRA.
# Last, so that a mk/*.mk can use everything above (vd_variant).
CHECK_ALL_EXTRA :=
-include $(sort $(wildcard mk/*.mk))

# Everything CI runs: unit and command-level tests, static checks, the clang build and its
# tests, the sources against musl's headers, the sanitizer and valgrind runs, every fuzz
# target for FUZZ_SECONDS, the QEMU guests, and the checks of mk/*.mk.
# The static builds' musl libraries (mk/static.mk; cold: about 20 CPU-minutes, mostly
# configure on one core) are built beside the first checks, not after them; their script
# locks its cache, so a check that needs them meanwhile waits and then reuses them.
check-all:
	@mkdir -p build
	$(MAKE) static-deps >build/static-deps.log 2>&1 & deps=$$!; \
	$(MAKE) check-all-steps; rc=$$?; \
	if ! wait $$deps; then tail -n 40 build/static-deps.log; rc=1; fi; exit $$rc

check-all-steps: check lint-man lint-contrib lint check-clang check-musl check-asan \
	   check-valgrind fuzz-run check-qemu $(CHECK_ALL_EXTRA)
