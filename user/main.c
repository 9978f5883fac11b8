// SPDX-License-Identifier: GPL-2.0-only
/*
 * synscope: why do TCP connects stall?  Follows every outgoing connect
 * attempt to its outcome with eBPF and reports it per destination.
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "probe.h"
#include "run.h"
#include "signals.h"

static bool verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	/* The tracer reports its own failures in one line; -v shows libbpf's reasons. */
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

int main(int argc, char **argv)
{
	struct kernel_support ks;
	struct config cfg;

	/* From the start: a signal during start-up stops it cleanly too. */
	signals_install();
	/* What the user asked for; exits 2 on invalid input. */
	cli_parse(argc, argv, &cfg);
	verbose = cfg.verbose;
	libbpf_set_print(print_libbpf);
	if (geteuid() != 0) {
		fprintf(stderr, "synscope: needs root (CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)\n");
		return 1;
	}
	/* What this kernel allows. */
	probe_kernel(&ks);
	if (cfg.check)
		return probe_check(&ks, cfg.probe_mode);
	/* Trace until interrupted or done. */
	return run_session(&cfg, &ks);
}
