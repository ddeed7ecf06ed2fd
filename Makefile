# srpass -- SR-IOV passthrough for KVM and Xen hosts
#
#   make            build build/srpass and build/libsrpass.a
#   make check      install missing build deps, build, run the whole test suite
#   make demo       install missing build deps, build, run srpass on the demo host
#   make SANITIZE=1 ...   the same with ASan + UBSan (objects in build-san/)
#   make WERROR=1 ...     warnings are errors (CI)

VERSION := 0.1.0
CC      ?= cc
PKG     ?= pkg-config
SANITIZE ?= 0
WERROR  ?= 0
BUILD   ?= $(if $(filter 1,$(SANITIZE)),build-san,build)

PKGS      := libpci libmnl json-c libxml-2.0
PKG_CFLAGS := $(shell $(PKG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG) --libs $(PKGS) 2>/dev/null)
# Debian's libiniparser-dev ships no .pc file; use one if a distribution has it.
INI_CFLAGS := $(shell $(PKG) --cflags iniparser 2>/dev/null || echo -I/usr/include/iniparser)
INI_LIBS   := $(shell $(PKG) --libs iniparser 2>/dev/null || echo -liniparser)
CMOCKA_LIBS := $(shell $(PKG) --libs cmocka 2>/dev/null)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral \
	   -D_FILE_OFFSET_BITS=64 -fno-strict-aliasing -fPIC -fvisibility=hidden
CPPFLAGS += -Iinclude -Isrc $(PKG_CFLAGS) $(INI_CFLAGS)
ifeq ($(WERROR),1)
CFLAGS  += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
LDLIBS  += $(PKG_LIBS) $(INI_LIBS)

# The layers (docs/design.md): cli -> core -> switch -> os -> base.
CLI_SRCS  := $(filter-out src/cli/main.c,$(wildcard src/cli/*.c))
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
CORE_SRCS := $(wildcard src/base/*.c src/os/*.c src/switch/*.c src/core/*.c backends/kvm/*.c \
		       backends/xen/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/%.o)
# The simulated host (tests/sim): a library for the tests and srpass-sim;
# the tools mkhost (tests/sim/mkhost*.c) and srpass-sim are not in it.
MKHOST_SRCS := $(wildcard tests/sim/mkhost*.c)
MKHOST_OBJS := $(MKHOST_SRCS:%.c=$(BUILD)/%.o)
SIM_MAINS := $(MKHOST_SRCS) tests/sim/srpass-sim.c
SIM_SRCS  := $(filter-out $(SIM_MAINS),$(wildcard tests/sim/*.c))
SIM_OBJS  := $(SIM_SRCS:%.c=$(BUILD)/%.o)
TSUP_SRCS := $(wildcard tests/lib/*.c)
TSUP_OBJS := $(TSUP_SRCS:%.c=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BINS := $(BUILD)/tests/mkhost
# t48 reads srpass launch xl's line with Xen's own parser, where libxen-dev is
XLU_PKGS := xlutil xenlight xentoollog
XLU_LIBS := $(shell $(PKG) --libs $(XLU_PKGS) 2>/dev/null)
ifneq ($(XLU_LIBS),)
TOOL_BINS += $(BUILD)/tests/xlcfg-pci
endif

# libsrpass.so exports only the API of include/srpass/ (SRP_API); the
# programs link the archive, which has the insides too.
SO_VERSION := 0
SO_NAME    := libsrpass.so.$(SO_VERSION)
LIB_SO     := $(BUILD)/$(SO_NAME)
PC_UNINST  := $(BUILD)/pkgconfig/srpass.pc
# a sanitized library needs its runtime linked into the program first
, := ,
PC_LIBS_EXTRA := $(if $(filter 1,$(SANITIZE)), -fsanitize=address$(,)undefined)

.PHONY: all sim lib man deps check demo clean bench
all: $(BUILD)/srpass $(BUILD)/libsrpass.a lib man
lib: $(LIB_SO) $(BUILD)/libsrpass.so $(PC_UNINST)
# srpass on the simulated platform, for the demo and the tests
sim: $(BUILD)/srpass-sim $(TOOL_BINS)

deps:
	@scripts/deps.sh build

# Before the first compile: every build dependency there, or the Debian
# package names of those that are not (instead of a missing header).
$(BUILD)/.deps-ok:
	@PKG="$(PKG)" scripts/deps.sh probe
	@mkdir -p $(dir $@) && touch $@

$(BUILD)/%.o: %.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# Tests and the simulator also see tests/ (lib/, sim/).
$(BUILD)/tests/%.o: tests/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libsrpass.a: $(CORE_OBJS)
	$(AR) rcs $@ $^

$(LIB_SO): $(CORE_OBJS)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SO_NAME) -Wl,--no-undefined -o $@ $^ $(LDLIBS)

$(BUILD)/libsrpass.so: $(LIB_SO)
	ln -sf $(SO_NAME) $@

# srpass.pc for this build tree (make install writes one for its prefix)
$(PC_UNINST): conf/srpass.pc.in Makefile
	@mkdir -p $(dir $@)
	sed -e 's|@libdir@|$(abspath $(BUILD))|' -e 's|@includedir@|$(abspath include)|' \
	    -e 's|@version@|$(VERSION)|' -e 's|@requires@|$(PKGS)|' \
	    -e 's|@libs_extra@|$(PC_LIBS_EXTRA)|' $< >$@

$(BUILD)/srpass: $(BUILD)/src/cli/main.o $(CLI_OBJS) $(BUILD)/libsrpass.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/srpass-sim: $(BUILD)/tests/sim/srpass-sim.o $(CLI_OBJS) $(BUILD)/tests/sim/libsrpass-sim.a \
		     $(BUILD)/libsrpass.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/sim/libsrpass-sim.a: $(SIM_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TSUP_OBJS) $(BUILD)/tests/sim/libsrpass-sim.a $(BUILD)/libsrpass.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

$(BUILD)/tests/mkhost: $(MKHOST_OBJS) $(TSUP_OBJS) $(BUILD)/libsrpass.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/xlcfg-pci: tests/tools/xlcfg_pci.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell $(PKG) --cflags $(XLU_PKGS) 2>/dev/null) $(LDFLAGS) -o $@ $< $(XLU_LIBS)

# The test suite: cmocka binaries, then the shell tests that run the CLI.
check: deps
	@$(MAKE) --no-print-directory all sim $(TEST_BINS)
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) tests/run.sh $(TEST_BINS) $(wildcard tests/shell/t[0-9]*.sh)

DEMO_ROOT := $(BUILD)/demo-host
demo: deps
	@$(MAKE) --no-print-directory all sim
	@BUILD=$(BUILD) demo/run.sh $(DEMO_ROOT)

# Benchmarks are programs: they print ratios against a baseline run
# beside them (lspci on the same trees), not pass/fail.
bench: deps
	@$(MAKE) --no-print-directory all sim
	@BUILD=$(BUILD) bench/inventory.sh

# The man pages, dated from the build: docs/ has them with @DATE@ and
# @VERSION@ in their .TH lines (they render as they are, undated);
# $(MAN_BUILD) gets them with the date of SOURCE_DATE_EPOCH if set (a
# reproducible build), else of the last commit, else today (a tarball),
# and VERSION.  The stamp holds both, so a new commit or version redoes
# the pages and nothing else does.
MAN_BUILD ?= $(BUILD)/man
MAN_PAGES := $(MAN_BUILD)/srpass.1 $(MAN_BUILD)/srpass.conf.5
MAN_DATE := $(shell \
	if [ -n '$(SOURCE_DATE_EPOCH)' ]; then \
		date -u -d '@$(SOURCE_DATE_EPOCH)' +%F 2>/dev/null || echo bad; \
	else \
		d=; [ -e .git ] && d=$$(git log -1 --format=%cs 2>/dev/null); \
		echo "$${d:-$$(date -u +%F)}"; \
	fi)
man: $(MAN_PAGES)

$(MAN_BUILD)/.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(MAN_DATE) $(VERSION)' | cmp -s - $@ || echo '$(MAN_DATE) $(VERSION)' >$@

$(MAN_BUILD)/%: docs/% $(MAN_BUILD)/.stamp
	@case '$(MAN_DATE)' in [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;; \
	 *) echo "man: SOURCE_DATE_EPOCH='$(SOURCE_DATE_EPOCH)' is not a time (seconds since 1970)" >&2; \
	    exit 1 ;; esac
	sed -e 's|@DATE@|$(MAN_DATE)|g' -e 's|@VERSION@|$(VERSION)|g' $< >$@.tmp && mv $@.tmp $@

.PHONY: FORCE
FORCE:

# make install [PREFIX=/usr/local] [DESTDIR=...]: a tree a package can ship.
# The configuration stays /etc/srpass/srpass.conf whatever the prefix
# (srpass reads that path); an existing one is never overwritten.
PREFIX         ?= /usr/local
SBINDIR        ?= $(PREFIX)/sbin
LIBDIR         ?= $(PREFIX)/lib
INCLUDEDIR     ?= $(PREFIX)/include
MANDIR         ?= $(PREFIX)/share/man
SYSCONFDIR     ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR    ?= $(PREFIX)/share/bash-completion/completions
INSTALL        ?= install

.PHONY: install uninstall
install: all lib man
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/srpass $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSCONFDIR)/srpass \
		$(DESTDIR)$(SYSCONFDIR)/libvirt/hooks/qemu.d
	$(INSTALL) -m 0755 $(BUILD)/srpass $(DESTDIR)$(SBINDIR)/srpass
	$(INSTALL) -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/$(SO_NAME)
	ln -sf $(SO_NAME) $(DESTDIR)$(LIBDIR)/libsrpass.so
	$(INSTALL) -m 0644 include/srpass/*.h $(DESTDIR)$(INCLUDEDIR)/srpass/
	sed -e 's|@libdir@|$(LIBDIR)|' -e 's|@includedir@|$(INCLUDEDIR)|' \
	    -e 's|@version@|$(VERSION)|' -e 's|@requires@|$(PKGS)|' -e 's|@libs_extra@||' \
	    conf/srpass.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/srpass.pc
	$(INSTALL) -m 0644 $(MAN_BUILD)/srpass.1 $(DESTDIR)$(MANDIR)/man1/srpass.1
	$(INSTALL) -m 0644 $(MAN_BUILD)/srpass.conf.5 $(DESTDIR)$(MANDIR)/man5/srpass.conf.5
	sed 's|/usr/sbin/srpass|$(SBINDIR)/srpass|' conf/srpass-restore.service \
	    >$(DESTDIR)$(SYSTEMDUNITDIR)/srpass-restore.service
	$(INSTALL) -m 0644 conf/srpass.bash $(DESTDIR)$(BASHCOMPDIR)/srpass
	sed 's|/usr/sbin/srpass|$(SBINDIR)/srpass|' conf/libvirt-hooks/qemu \
	    >$(DESTDIR)$(SYSCONFDIR)/libvirt/hooks/qemu.d/srpass
	chmod 0755 $(DESTDIR)$(SYSCONFDIR)/libvirt/hooks/qemu.d/srpass
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/srpass/srpass.conf ]; then \
		echo "keeping $(DESTDIR)$(SYSCONFDIR)/srpass/srpass.conf"; \
	else \
		$(INSTALL) -m 0644 conf/srpass.conf $(DESTDIR)$(SYSCONFDIR)/srpass/srpass.conf; \
	fi

# removes what install put there, except the configuration
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/srpass $(DESTDIR)$(LIBDIR)/$(SO_NAME) \
	      $(DESTDIR)$(LIBDIR)/libsrpass.so $(DESTDIR)$(LIBDIR)/pkgconfig/srpass.pc \
	      $(DESTDIR)$(MANDIR)/man1/srpass.1 $(DESTDIR)$(MANDIR)/man5/srpass.conf.5 \
	      $(DESTDIR)$(SYSTEMDUNITDIR)/srpass-restore.service $(DESTDIR)$(BASHCOMPDIR)/srpass \
	      $(DESTDIR)$(SYSCONFDIR)/libvirt/hooks/qemu.d/srpass
	rm -rf $(DESTDIR)$(INCLUDEDIR)/srpass

clean:
	rm -rf build build-san

-include tests/vm/vm.mk
-include tests/fuzz/fuzz.mk
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
