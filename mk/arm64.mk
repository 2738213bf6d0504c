# ---- arm64 (issue 14) ------------------------------------------------------------------
# check-arm64: the library, the binary and every cmocka test cross-built for arm64 with
# Debian's multiarch (contrib/debian-deps-arm64 installs the toolchain and the :arm64
# packages), then the whole suite run on arm64 under qemu-user: directly where
# binfmt_misc runs arm64 programs, through qemu-aarch64 otherwise (tests/arm64-exec).
# The command-level cases (test_cli, test_bundle, test_robustness) run the arm64 binary
# through ARM64_DIR/root/virtio-doctor, a script that hands it to tests/arm64-exec.
ARM64_DIR        := build/arm64
ARM64_CC         ?= aarch64-linux-gnu-gcc
ARM64_AR         ?= aarch64-linux-gnu-ar
ARM64_READELF    ?= aarch64-linux-gnu-readelf
ARM64_PKG_CONFIG ?= aarch64-linux-gnu-pkg-config

# DEPS_CFLAGS, DEPS_LIBS and the cmocka flags ask $(PKG_CONFIG) when they are used: in
# ARM64_DIR they ask the arm64 one, so headers and libraries are the :arm64 packages'.
$(ARM64_DIR)/%: PKG_CONFIG := $(ARM64_PKG_CONFIG)
$(ARM64_DIR)/%: AR := $(ARM64_AR)
$(eval $(call vd_variant,$(ARM64_DIR),$(ARM64_CC),-O2 -g,$(CURDIR)/tests/arm64-exec))

deps-arm64:
	./contrib/debian-deps-arm64

# The cross build only (no emulator needed): tests/qemu's arm64 guests use its binary.
build-arm64: $(VARIANT_TESTS_build_arm64)
	@for f in $(ARM64_DIR)/virtio-doctor $(filter-out %/virtio-doctor,$^); do \
		$(ARM64_READELF) -h $$f | grep -q 'Machine: *AArch64' || \
			{ echo "$$f: not an arm64 program"; exit 1; }; \
	done

# What the wrapper script and qemu-user open themselves when they run the binary, which
# test_confine must not count against the tool (paths and prefixes).
ARM64_RUNNER_FILES := $(CURDIR)/$(ARM64_DIR)/root/virtio-doctor:$(CURDIR)/$(ARM64_DIR)/virtio-doctor:$\
	$(CURDIR)/tests/arm64-exec:/proc/sys/fs/binfmt_misc:/proc/sys/vm/mmap_min_addr:$\
	/proc/self/maps:/proc/self/status:/sys/devices/system/node:/sys/devices/system/cpu/possible:$\
	/usr/share/locale/locale.alias:/etc/locale.alias

# Installs first (a fresh machine has no cross toolchain), then builds in a sub-make,
# whose pkg-config calls then find the :arm64 packages. Emulated runs are slow: the
# robustness suite's per-run limit is raised as under valgrind.
check-arm64:
	./contrib/debian-deps-arm64
	$(MAKE) build-arm64
	@echo "arm64 programs run through: $$(tests/arm64-exec --mode)"
	VD_TEST_WRAPPER=tests/arm64-exec VD_ROBUSTNESS_TIMEOUT=300 \
		VD_TEST_RUNNER_FILES='$(ARM64_RUNNER_FILES)' ./tests/run \
		$(filter-out %/virtio-doctor,$(VARIANT_TESTS_build_arm64))

CHECK_ALL_EXTRA += check-arm64

clean-arm64:
	rm -rf $(ARM64_DIR)

clean: clean-arm64
.PHONY: deps-arm64 build-arm64 check-arm64 clean-arm64
-include $(wildcard $(ARM64_DIR)/obj/*/*.d $(ARM64_DIR)/tests/*.d)

# Real arm64 kernel: Debian's arm64 6.1 under qemu-system-aarch64 (virt, TCG) with the
# static musl arm64 binary inside (make static-arm64, mk/static.mk: one file, as an admin
# copies it in); the scenarios of tests/qemu/ marked "# vd-arch: arm64". Needs root.
check-qemu-arm64:
	./contrib/debian-deps-arm64 --qemu
	$(MAKE) static-arm64
	tests/qemu/run --arch arm64 --binary virtio-doctor-static-arm64

CHECK_ALL_EXTRA += check-qemu-arm64
.PHONY: check-qemu-arm64
