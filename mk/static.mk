# ---- the static musl binary (issue 16) --------------------------------------------------
# make static: ./virtio-doctor-static, one file with libsmartcols, zlib, libkmod
# (gzip, xz and zstd modules) and libarchive linked in, and no dlopen() (-DVD_STATIC,
# src/base/dlib.c): the rescue binary copied into a guest whose network is down, or an Alpine
# guest. The libraries are built with musl-gcc from Debian's source packages by
# contrib/build-static-deps, cached in /var/cache/virtio-doctor-musl.
#
# It is a build variant (vd_variant in the Makefile): the library, the binary and every
# cmocka test rebuilt with musl-gcc in $(STATIC_DIR), the tests linked against a musl
# cmocka and running $(STATIC_DIR)/root/virtio-doctor, the same file as
# ./virtio-doctor-static.
MUSL_CC      ?= musl-gcc
STATIC_DIR   := build/static
STATIC_DEPS  := $(STATIC_DIR)/deps
# musl has no _FORTIFY_SOURCE: its plain snprintf() gets gcc's -Wformat-truncation=2
# (from -Wformat=2), which glibc's fortified __snprintf_chk never gets in the normal
# build; an intended cut of a long path would fail here only.
STATIC_FLAGS := -DVD_STATIC -O2 -Wno-format-truncation

$(eval $(call vd_variant,$(STATIC_DIR),$(MUSL_CC),$(STATIC_FLAGS)))

# The variant's rules read these when they run: here they name the musl builds only.
# No -pie: musl-gcc's specs cannot link a static-pie.
$(STATIC_DIR)/%: DEPS_CFLAGS = -I$(STATIC_DEPS)/include -I$(STATIC_DEPS)/include/libsmartcols \
	-idirafter $(STATIC_DEPS)/uapi
$(STATIC_DIR)/%: DEPS_LIBS = -L$(STATIC_DEPS)/lib -lsmartcols -lkmod -larchive -lzstd \
	-llzma -lz
$(STATIC_DIR)/%: TEST_CFLAGS =
$(STATIC_DIR)/%: TEST_LIBS = -lcmocka
$(STATIC_DIR)/%: VD_LDFLAGS = -static -Wl,-z,relro,-z,now

# every object needs the libraries' headers (sources in src/ or src/LAYER/)
$(patsubst src/%.c,$(STATIC_DIR)/obj/%.o,$(wildcard src/*.c src/*/*.c)): | $(STATIC_DEPS)/versions
$(patsubst tests/unit/%.c,$(STATIC_DIR)/tests/%,$(TEST_SRCS)): | $(STATIC_DEPS)/versions

# Built again only when the script changes (then each library only if its recipe did).
$(STATIC_DEPS)/versions: contrib/build-static-deps
	JOBS=2 MUSL_CC=$(MUSL_CC) contrib/build-static-deps $(STATIC_DEPS)

virtio-doctor-static: $(STATIC_DIR)/root/virtio-doctor
	cp $< $@

static: virtio-doctor-static

# Every cmocka test of the musl build (the command-level and robustness cases run the
# static binary), then its output against the dynamic build's on every fixture and on
# this machine (tests/check-static-diff).
check-static: $(VARIANT_TESTS_build_static) virtio-doctor-static virtio-doctor
	./tests/run $(filter-out %/virtio-doctor,$(VARIANT_TESTS_build_static))
	tests/check-static-diff ./virtio-doctor ./virtio-doctor-static

CHECK_ALL_EXTRA += check-static

clean-static:
	rm -rf $(STATIC_DIR) virtio-doctor-static $(STATIC_ARM64_DIR) virtio-doctor-static-arm64

clean-checks: clean-static
.PHONY: static check-static clean-static
-include $(wildcard $(STATIC_DIR)/obj/*.d $(STATIC_DIR)/obj/*/*.d $(STATIC_DIR)/tests/*.d)

# ---- the same for arm64 (issues 14 and 16) ----------------------------------------------
# make static-arm64: ./virtio-doctor-static-arm64, the static musl binary for arm64 guests
# (check-qemu-arm64 runs it). Debian's musl-dev:arm64 (multiarch) brings musl's arm64
# headers, crt files and libc.a with aarch64-linux-musl-gcc, which runs the cross gcc with
# musl's specs; contrib/build-static-deps cross-builds the same libraries with it, cached
# in their own directory. The tests of this build run under qemu-user (check-static-arm64).
MUSL_ARM64_CC     ?= aarch64-linux-musl-gcc
STATIC_ARM64_DIR  := build/static-arm64
STATIC_ARM64_DEPS := $(STATIC_ARM64_DIR)/deps
VD_MUSL_ARM64_CACHE ?= /var/cache/virtio-doctor-musl-arm64

$(eval $(call vd_variant,$(STATIC_ARM64_DIR),$(MUSL_ARM64_CC),$(STATIC_FLAGS),$(CURDIR)/tests/arm64-exec))

$(STATIC_ARM64_DIR)/%: AR := $(ARM64_AR)
$(STATIC_ARM64_DIR)/%: DEPS_CFLAGS = -I$(STATIC_ARM64_DEPS)/include \
	-I$(STATIC_ARM64_DEPS)/include/libsmartcols -idirafter $(STATIC_ARM64_DEPS)/uapi
$(STATIC_ARM64_DIR)/%: DEPS_LIBS = -L$(STATIC_ARM64_DEPS)/lib -lsmartcols -lkmod -larchive \
	-lzstd -llzma -lz
$(STATIC_ARM64_DIR)/%: TEST_CFLAGS =
$(STATIC_ARM64_DIR)/%: TEST_LIBS = -lcmocka
$(STATIC_ARM64_DIR)/%: VD_LDFLAGS = -static -Wl,-z,relro,-z,now

$(patsubst src/%.c,$(STATIC_ARM64_DIR)/obj/%.o,$(wildcard src/*.c src/*/*.c)): \
	| $(STATIC_ARM64_DEPS)/versions
$(patsubst tests/unit/%.c,$(STATIC_ARM64_DIR)/tests/%,$(TEST_SRCS)): | $(STATIC_ARM64_DEPS)/versions

# a fresh machine has neither the cross toolchain nor musl-dev:arm64
$(STATIC_ARM64_DEPS)/versions: contrib/build-static-deps
	./contrib/debian-deps-arm64 --static
	JOBS=2 MUSL_CC=$(MUSL_ARM64_CC) VD_MUSL_CACHE=$(VD_MUSL_ARM64_CACHE) \
		contrib/build-static-deps $(STATIC_ARM64_DEPS)

# the arm64 file itself (root/virtio-doctor beside it is the script running it here)
virtio-doctor-static-arm64: $(STATIC_ARM64_DIR)/root/virtio-doctor
	cp $(STATIC_ARM64_DIR)/virtio-doctor $@
	@file -b $@ | grep -q 'ARM aarch64.*statically linked' || \
		{ echo "$@: not a static arm64 program: $$(file -b $@)"; exit 1; }

static-arm64: virtio-doctor-static-arm64

# every cmocka test of the arm64 musl build under qemu-user (slow: the robustness
# suite's per-run limit is raised as in check-arm64)
check-static-arm64: $(VARIANT_TESTS_build_static_arm64) virtio-doctor-static-arm64
	@echo "arm64 programs run through: $$(tests/arm64-exec --mode)"
	VD_TEST_WRAPPER=tests/arm64-exec VD_ROBUSTNESS_TIMEOUT=300 \
		VD_TEST_RUNNER_FILES='$(subst $(ARM64_DIR)/,$(STATIC_ARM64_DIR)/,$(ARM64_RUNNER_FILES))' \
		./tests/run $(filter-out %/virtio-doctor,$(VARIANT_TESTS_build_static_arm64))

.PHONY: static-arm64 check-static-arm64

# Only the musl libraries of both static builds: on a cold machine about 20 CPU-minutes,
# mostly configure scripts on one core, so .ci/run builds them beside the first checks.
# build-static-deps locks its cache: a check that needs them meanwhile waits, then reuses.
static-deps: $(STATIC_DEPS)/versions $(STATIC_ARM64_DEPS)/versions
.PHONY: static-deps
-include $(wildcard $(STATIC_ARM64_DIR)/obj/*/*.d $(STATIC_ARM64_DIR)/tests/*.d)
