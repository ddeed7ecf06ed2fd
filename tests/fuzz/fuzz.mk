# tests/fuzz/fuzz.mk -- included by the top Makefile.
#
#   make fuzz          build the libFuzzer targets (tests/fuzz/fuzz_*.c) and
#                      the core with clang into build-fuzz/, then run each
#                      for FUZZ_TIME seconds (default 30) on a fresh copy of
#                      its seed corpus (tests/fuzz/corpus/<target>/); fails on
#                      any crash, leak or timeout (docs/testing.md)
#   make fuzz-build    only build them
#   make fuzz-seeds    rewrite the netlink seeds from the test fixtures
#   make fuzz FUZZ_TARGETS="fuzz_ledger fuzz_config" FUZZ_TIME=600
FUZZ_CC      ?= clang
FUZZ_TIME    ?= 30
FUZZ_RSS_MB  ?= 2048
FUZZ_BUILD   := build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral \
		-D_FILE_OFFSET_BITS=64 -fno-strict-aliasing $(FUZZ_SAN) \
		$(if $(filter 1,$(WERROR)),-Werror)
FUZZ_ALL     := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)
FUZZ_SUP     := $(FUZZ_BUILD)/tests/fuzz/fakesys.o
FUZZ_CORE    := $(CORE_SRCS:%.c=$(FUZZ_BUILD)/%.o)
# objects of the targets: kept, not make's intermediates
.SECONDARY: $(FUZZ_ALL:%=$(FUZZ_BUILD)/tests/fuzz/%.o) $(FUZZ_SUP)

.PHONY: fuzz fuzz-build fuzz-cc fuzz-clean fuzz-deps
fuzz-deps:
	@scripts/deps.sh fuzz

fuzz: fuzz-deps fuzz-cc
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TIME) $(FUZZ_RSS_MB) $(FUZZ_BINS)

fuzz-build: $(FUZZ_BINS)

# Say what is missing rather than fail in the middle of a build.
fuzz-cc:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
		echo "make fuzz: '$(FUZZ_CC)' not found: install clang (Debian: apt-get install clang)," \
		     "or set FUZZ_CC to a clang with libFuzzer" >&2; exit 1; }
	@mkdir -p $(FUZZ_BUILD)
	@printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
		>$(FUZZ_BUILD)/cc-check.c
	@$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $(FUZZ_BUILD)/cc-check \
		$(FUZZ_BUILD)/cc-check.c 2>$(FUZZ_BUILD)/cc-check.log || { \
		v=$$($(FUZZ_CC) -dumpversion | cut -d. -f1); \
		echo "make fuzz: '$(FUZZ_CC)' cannot link -fsanitize=fuzzer,address,undefined:" \
		     "libFuzzer or a sanitizer runtime is missing (Debian: apt-get install" \
		     "libclang-rt-$$v-dev); see $(FUZZ_BUILD)/cc-check.log" >&2; exit 1; }

# The core with coverage and the sanitizers; the targets link libFuzzer's main.
$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -Itests $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/libsrpass.a: $(FUZZ_CORE)
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_SUP) $(FUZZ_BUILD)/libsrpass.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

clean: fuzz-clean
fuzz-clean:
	rm -rf $(FUZZ_BUILD)

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)

# The netlink seeds come from the test fixtures (unit/nlvf_fix.h) and the
# builders; rerun this after changing either, and commit the result.
fuzz-seeds: $(BUILD)/tests/fuzz/mkseeds
	@mkdir -p tests/fuzz/corpus/fuzz_nlvf
	$(BUILD)/tests/fuzz/mkseeds tests/fuzz/corpus/fuzz_nlvf

$(BUILD)/tests/fuzz/mkseeds: $(BUILD)/tests/fuzz/mkseeds.o $(BUILD)/libsrpass.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)
