// SPDX-License-Identifier: GPL-2.0-only
/*
 * synscope: why do TCP connects stall?  Follows every outgoing connect
 * attempt to its outcome with eBPF and reports it per destination.
 */
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
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

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/*
 * The capabilities tracing needs, and the older one that grants each too
 * (kernels before 5.8 have only CAP_SYS_ADMIN): loading and attaching the
 * programs, reading kernel memory in them, the cgroup and socket programs.
 */
static const struct {
	int cap;
	const char *name;
} needed_caps[] = {
	{ CAP_BPF, "CAP_BPF" },
	{ CAP_PERFMON, "CAP_PERFMON" },
	{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
};

static bool cap_effective(const struct __user_cap_data_struct *data, int cap)
{
	return data[cap / 32].effective & (1U << (cap % 32));
}

/* One line naming the capabilities missing, and false; true when none is. */
static bool privileged(void)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	char missing[64] = "";
	unsigned int i;

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &header, data))
		return true; /* cannot tell: the kernel will say */
	if (cap_effective(data, CAP_SYS_ADMIN))
		return true;
	for (i = 0; i < sizeof(needed_caps) / sizeof(needed_caps[0]); i++)
		if (!cap_effective(data, needed_caps[i].cap))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 "%s%s", missing[0] ? ", " : "", needed_caps[i].name);
	if (!missing[0])
		return true;
	fprintf(stderr,
		"synscope: needs root, or CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN (missing: %s)\n",
		missing);
	return false;
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
	if (!privileged())
		return 1;
	/* What this kernel allows. */
	probe_kernel(&ks);
	if (cfg.check)
		return probe_check(&ks, cfg.probe_mode);
	if (!ks.btf) {
		fprintf(stderr,
			"synscope: no kernel BTF at /sys/kernel/btf/vmlinux: needs a kernel "
			"built with CONFIG_DEBUG_INFO_BTF=y\n");
		return 1;
	}
	/* Trace until interrupted or done. */
	return run_session(&cfg, &ks);
}
