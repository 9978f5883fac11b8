# SPDX-License-Identifier: GPL-2.0-only
#
# make            build ./synscope (and tools/connburst)
# make static     build a statically linked build/synscope-static (for the VM, or to copy)
# make run        install what is missing, build, run the tracer (ARGS="...")
# make test       install what is missing, build, run every test tier
# make vm         the attach modes this machine refuses, in a QEMU VM
# make unit-asan  the unit tests with ASan (leaks too) and UBSan (build-asan/)
# make fuzz       run the DNS fuzz targets for FUZZ_SECONDS each
# make bench      what tracing costs (issue 9): same-run ratios, BPF and CPU time, and a
#                 1,000,000-connect memory soak (issue 12) -> bench/RESULTS.md; then bench-vm
# make bench-vm   the fentry and kprobe modes' ratios and BPF time in QEMU (6.1, 6.12)
# make scale      the exactness check at the seed's scale (tools/lab, minutes; in make test)
# make bench-metrics  how long a scrape of 500 (and 5000) destinations takes to render
# make tsan       the unit tests and synscope with ThreadSanitizer (build-tsan/)
# make demo       the NAT Gateway limit at full scale, found and named (tools/lab, demo.png)
# make format     format the tree with .clang-format
# make install    install synscope and its man page (PREFIX=/usr/local, DESTDIR); make uninstall
# make V=1        show the commands

OUTPUT    := build
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= cc
ARCH      := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/;s/ppc64le/powerpc/')
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# The system include directories clang would use for the host, so that the
# BPF programs can include <asm-generic/errno.h> and friends.
CLANG_BPF_SYS_INCLUDES ?= $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')

# Userspace: user/ and its folders (dns/: no libbpf, fuzzed; dashboard/).
USER_DIRS := user $(patsubst %/,%,$(sort $(dir $(wildcard user/*/*.c))))
USER_SRCS := $(foreach d,$(USER_DIRS),$(wildcard $(d)/*.c))
DNS_SRCS  := $(wildcard user/dns/*.c)

CFLAGS    ?= -O2 -g
CFLAGS    += $(SANITIZE) -std=gnu11 -Wall -Wextra -Werror -Iinclude $(addprefix -I,$(USER_DIRS)) -I$(OUTPUT) \
	-MMD -MP
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-Iinclude -I$(OUTPUT) $(CLANG_BPF_SYS_INCLUDES)
LDLIBS    := -lbpf -lelf -lz -lncursesw -ltinfo -lmicrohttpd
# libmicrohttpd without TLS, built from the distribution's source (tools/static-mhd.sh):
# the distribution's own libmicrohttpd.a needs GnuTLS and p11-kit, which has no static library.
STATIC_MHD := $(OUTPUT)/static-mhd/lib/libmicrohttpd.a
STATIC_LDLIBS := $(STATIC_MHD) -l:libbpf.a -l:libelf.a -l:libz.a -l:libncursesw.a -l:libtinfo.a

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))

# Everything but main.c is a library the tests link too.
LIB_SRCS  := $(filter-out user/main.c,$(USER_SRCS))
LIB_OBJS  := $(patsubst %.c,$(OUTPUT)/%.o,$(LIB_SRCS))
MAIN_OBJ  := $(OUTPUT)/user/main.o
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))
# Against the built ./synscope, as an unprivileged user: options, the man page, make install.
UNIT_SCRIPTS := $(wildcard tests/unit/test_*.sh)
# What the man page must describe, as the code has it (for test_manpage.sh).
MANPAGE_NAMES := $(OUTPUT)/tests/manpage_names
# What several unit tests build on: DNS packets, the fixed scenario.
UNIT_SUPPORT := $(patsubst tests/unit/support/%.c,$(OUTPUT)/tests/support/%.o, \
	$(wildcard tests/unit/support/*.c))
TOOLS     := $(patsubst tools/%.c,$(OUTPUT)/tools/%,$(wildcard tools/*.c))
STATIC_TOOLS := $(addsuffix -static,$(TOOLS))

PREFIX    ?= /usr/local
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man

FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Iuser -Iuser/dns
FUZZ_BINS := $(OUTPUT)/fuzz/dns_parse_fuzz $(OUTPUT)/fuzz/dns_track_fuzz

.PHONY: all static run deps test unit unit-asan e2e vm fuzz bench bench-vm bench-metrics tsan scale \
	demo format check-format clean install uninstall
.DELETE_ON_ERROR:
# Kept, not deleted as intermediates: a deleted skeleton is made again, newer,
# and every object that includes it is compiled again.
.SECONDARY: $(BPF_OBJS) $(SKELS) $(UNIT_SUPPORT) $(OUTPUT)/tests/hooks.bpf.o \
	$(OUTPUT)/tests/hooks.skel.h $(OUTPUT)/tests/variants.bpf.o $(OUTPUT)/tests/variants.skel.h

all: synscope $(TOOLS)

synscope: $(MAIN_OBJ) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# Not ./synscope: the tests that follow in the same tree need the dynamic one
# (an LD_PRELOAD shim, valgrind).
static: $(OUTPUT)/synscope-static $(STATIC_TOOLS)

$(OUTPUT)/synscope-static: $(MAIN_OBJ) $(LIB_OBJS) $(STATIC_MHD)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -static $(MAIN_OBJ) $(LIB_OBJS) $(STATIC_LDLIBS) -o $@

$(STATIC_MHD):
	$(Q)tools/static-mhd.sh $(OUTPUT)/static-mhd

$(OUTPUT) $(OUTPUT)/tests $(OUTPUT)/tests/support $(OUTPUT)/tools:
	$(Q)mkdir -p $@

$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(OUTPUT)/vmlinux.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -MF $(@:.o=.d) -MT $@ -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp
	$(Q)rm -f $@.tmp

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .,_,$*)_bpf > $@

$(OUTPUT)/user/%.o: user/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# An object waits for the skeletons its source includes, and only those (on a
# fresh tree there are no .d files yet to say so).
skels_of = $(addprefix $(OUTPUT)/,$(shell sed -n 's/^\#include "\(.*\.skel\.h\)"/\1/p' $(1)))
$(foreach src,$(USER_SRCS),$(eval $(src:%.c=$(OUTPUT)/%.o): $(call skels_of,$(src))))

$(OUTPUT)/tools/%: tools/%.c | $(OUTPUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

$(OUTPUT)/tools/%-static: tools/%.c | $(OUTPUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -static $< -o $@

$(OUTPUT)/tests/support/%.o: tests/unit/support/%.c | $(OUTPUT)/tests/support
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/tests/%: tests/unit/%.c $(LIB_OBJS) $(UNIT_SUPPORT) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(filter %.c %.o,$^) $(LDLIBS) -lcmocka -o $@

# Out of memory, made to happen: malloc and calloc fail when the test says so.
$(OUTPUT)/tests/test_collector_alloc: LDLIBS += -Wl,--wrap=malloc,--wrap=calloc
$(OUTPUT)/tests/test_dns_alloc: LDLIBS += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc

# The time a scrape takes to render (tests/bench/metrics_render.c).
$(OUTPUT)/tests/bench_metrics: tests/bench/metrics_render.c $(LIB_OBJS) $(UNIT_SUPPORT) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $(filter %.c %.o,$^) $(LDLIBS) -o $@

bench-metrics: $(OUTPUT)/tests/bench_metrics
	$(Q)$< 500 && $< 5000

# make bench's BPF helper (tests/bench/benchbpf.c): program counters, the floor of bpf_stats
# (programs that do nothing, tests/bench/hooks.bpf.c), BPF_PROG_TEST_RUN of the DNS programs;
# statically linked for the VM.
BENCHBPF_LDLIBS := -lbpf -lelf -lz
BENCHBPF_STATIC_LDLIBS := -l:libbpf.a -l:libelf.a -l:libz.a

# The benchmark's own BPF objects (tests/bench/*.bpf.c); variants.bpf.c takes and gives
# slots with compare-and-swap (BPF atomics of -mcpu=v3, kernel 5.12 and later).
BENCH_BPF_SKELS := $(OUTPUT)/tests/hooks.skel.h $(OUTPUT)/tests/variants.skel.h

$(OUTPUT)/tests/variants.bpf.o: BPF_CFLAGS += -mcpu=v3

$(OUTPUT)/tests/%.bpf.o: tests/bench/%.bpf.c $(OUTPUT)/vmlinux.h | $(OUTPUT)/tests
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -MF $(@:.o=.d) -MT $@ -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp
	$(Q)rm -f $@.tmp

$(OUTPUT)/tests/%.skel.h: $(OUTPUT)/tests/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(OUTPUT)/tests/benchbpf: tests/bench/benchbpf.c $(BENCH_BPF_SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(BENCHBPF_LDLIBS) -o $@

$(OUTPUT)/tests/benchbpf-static: tests/bench/benchbpf.c $(BENCH_BPF_SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -static $< $(BENCHBPF_STATIC_LDLIBS) -o $@

# ThreadSanitizer: the unit tests, and a traced session scraped over and over
# (tests/tsan_metrics.sh, root), built in build-tsan/.
tsan:
	$(Q)$(MAKE) --no-print-directory OUTPUT=build-tsan SANITIZE=-fsanitize=thread unit \
		build-tsan/synscope

$(OUTPUT)/synscope: $(MAIN_OBJ) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/fuzz:
	$(Q)mkdir -p $@

$(OUTPUT)/fuzz/dns_parse_fuzz: tests/fuzz/dns_parse_fuzz.c user/dns/dns_parse.c | $(OUTPUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $^ -o $@

$(OUTPUT)/fuzz/dns_track_fuzz: tests/fuzz/dns_track_fuzz.c $(DNS_SRCS) user/table.c | $(OUTPUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $^ -o $@

# Each fuzz target for FUZZ_SECONDS; any finding fails.
fuzz: $(FUZZ_BINS)
	$(Q)tests/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

deps:
	$(Q)tools/install-deps.sh test

run:
	$(Q)tools/install-deps.sh build
	$(Q)$(MAKE) --no-print-directory all
	./synscope $(ARGS)

unit: $(UNIT_BINS) $(MANPAGE_NAMES) synscope
	$(Q)tests/run-unit.sh $(UNIT_BINS) $(UNIT_SCRIPTS)

# The unit tests and the library again, built in build-asan/ with ASan and
# UBSan; any leak, invalid access or undefined behaviour fails.
ASAN_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_ENV  := ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ASAN_UNIT_BINS := $(patsubst $(OUTPUT)/%,build-asan/%,$(UNIT_BINS))
unit-asan:
	$(Q)$(MAKE) --no-print-directory OUTPUT=build-asan SANITIZE="$(ASAN_SANITIZE)" $(ASAN_UNIT_BINS)
	$(Q)$(ASAN_ENV) tests/run-unit.sh $(ASAN_UNIT_BINS)

e2e: all
	$(Q)tests/run-e2e.sh

# Under the shared lock: flock /tmp/synscope-heavy.lock make bench (see tests/bench/run.sh).
bench: deps
	$(Q)$(MAKE) --no-print-directory all $(OUTPUT)/tests/benchbpf
	$(Q)tests/bench/run.sh
	$(Q)tests/bench/soak.sh
	$(Q)tests/bench/vm.sh

# The fentry and kprobe modes, measured in QEMU (tests/bench/vm.sh; about 8 minutes).
# No "+" (which make -n would run): its make static gets no jobserver, and runs serially.
bench-vm:
	$(Q)tests/bench/vm.sh

# 64,000 connects through the lab's NAT at full size, synscope's counts
# against the load generator's and the kernel's (part of make test).
scale: all
	$(Q)bash tests/scale/exact.sh

# Two bursts of 60,000 held connects through the lab's NAT, 1 then 2 addresses.
demo:
	$(Q)tools/install-deps.sh demo
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo

# Every scenario in every attach mode on Debian's 6.1 and 6.12 kernels in QEMU;
# SYNSCOPE_SKIP_VM=1 skips.
vm:
	+$(Q)tests/vm/run.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory check-format
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory unit-asan
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20
	$(Q)$(MAKE) --no-print-directory e2e
	$(Q)$(MAKE) --no-print-directory scale
	$(Q)$(MAKE) --no-print-directory vm

FORMAT_SRCS = $(wildcard bpf/*.c include/*.h $(addsuffix /*.[ch],$(USER_DIRS)) tools/*.c \
	tests/unit/*.c tests/unit/support/*.[ch] tests/fuzz/*.c tests/bench/*.c)

format:
	$(Q)clang-format -i $(FORMAT_SRCS)

check-format:
	$(call msg,FORMAT,check)
	$(Q)clang-format --dry-run -Werror $(FORMAT_SRCS)

install: synscope
	$(call msg,INSTALL,$(DESTDIR)$(SBINDIR)/synscope)
	$(Q)install -D -m 0755 synscope $(DESTDIR)$(SBINDIR)/synscope
	$(call msg,INSTALL,$(DESTDIR)$(MANDIR)/man8/synscope.8)
	$(Q)install -D -m 0644 doc/synscope.8 $(DESTDIR)$(MANDIR)/man8/synscope.8

uninstall:
	$(call msg,RM,$(DESTDIR)$(SBINDIR)/synscope $(DESTDIR)$(MANDIR)/man8/synscope.8)
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/synscope $(DESTDIR)$(MANDIR)/man8/synscope.8

clean:
	$(Q)rm -rf $(OUTPUT) build-tsan build-asan synscope

-include $(wildcard $(OUTPUT)/*.d $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(OUTPUT)/tests/*.d \
	$(OUTPUT)/tests/support/*.d $(OUTPUT)/tools/*.d)
