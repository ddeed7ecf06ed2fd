# srpass -- SR-IOV passthrough for KVM and Xen hosts
#
#   make            build build/srpass and build/libsrpass.a
#   make check      install missing build deps, build, run the whole test suite
#   make demo       install missing build deps, build, run srpass on the demo host
#   make SANITIZE=1 ...   the same with ASan + UBSan (objects in build-san/)
#   make WERROR=1 ...     warnings are errors (CI)

CC      ?= cc
PKG     ?= pkg-config
SANITIZE ?= 0
WERROR  ?= 0
BUILD   ?= $(if $(filter 1,$(SANITIZE)),build-san,build)

PKGS      := libpci libmnl json-c
PKG_CFLAGS := $(shell $(PKG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG) --libs $(PKGS) 2>/dev/null)
# Debian's libiniparser-dev ships no .pc file; use one if a distribution has it.
INI_CFLAGS := $(shell $(PKG) --cflags iniparser 2>/dev/null || echo -I/usr/include/iniparser)
INI_LIBS   := $(shell $(PKG) --libs iniparser 2>/dev/null || echo -liniparser)
CMOCKA_LIBS := $(shell $(PKG) --libs cmocka 2>/dev/null)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral \
	   -D_FILE_OFFSET_BITS=64 -fno-strict-aliasing
CPPFLAGS += -Iinclude -Isrc $(PKG_CFLAGS) $(INI_CFLAGS)
ifeq ($(WERROR),1)
CFLAGS  += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
LDLIBS  += $(PKG_LIBS) $(INI_LIBS)

CLI_SRCS  := src/main.c $(wildcard src/cmd_*.c)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
CORE_SRCS := $(filter-out $(CLI_SRCS),$(wildcard src/*.c)) $(wildcard backends/kvm/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/%.o)
TSUP_SRCS := $(wildcard tests/lib/*.c)
TSUP_OBJS := $(TSUP_SRCS:%.c=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
TOOL_BINS := $(BUILD)/tests/mkhost

.PHONY: all deps check demo clean bench
all: $(BUILD)/srpass $(BUILD)/libsrpass.a

deps:
	@scripts/deps.sh build

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libsrpass.a: $(CORE_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/srpass: $(CLI_OBJS) $(BUILD)/libsrpass.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TSUP_OBJS) $(BUILD)/libsrpass.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

# The test suite: cmocka binaries, then the shell tests that run the CLI.
check: deps
	@$(MAKE) --no-print-directory all $(TEST_BINS) $(TOOL_BINS)
	@BUILD=$(BUILD) tests/run.sh $(TEST_BINS) $(wildcard tests/t[0-9]*.sh)

DEMO_ROOT := $(BUILD)/demo-host
demo: deps
	@$(MAKE) --no-print-directory all $(TOOL_BINS)
	@BUILD=$(BUILD) demo/run.sh $(DEMO_ROOT)

# Benchmarks are programs: they print ratios against a baseline run
# beside them (lspci on the same trees), not pass/fail.
bench: deps
	@$(MAKE) --no-print-directory all $(TOOL_BINS)
	@BUILD=$(BUILD) bench/inventory.sh

clean:
	rm -rf build build-san

-include tests/vm/vm.mk
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
