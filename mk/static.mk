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
	rm -rf $(STATIC_DIR) virtio-doctor-static

clean-checks: clean-static
.PHONY: static check-static clean-static
-include $(wildcard $(STATIC_DIR)/obj/*.d $(STATIC_DIR)/obj/*/*.d $(STATIC_DIR)/tests/*.d)
