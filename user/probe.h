/* SPDX-License-Identifier: GPL-2.0-only */
/* What the running kernel lets the tracer do, and the attach mode that follows. */
#ifndef SYNSCOPE_PROBE_H
#define SYNSCOPE_PROBE_H

#include <stdbool.h>
#include "connect.h"

#define TRACEFS_DEFAULT "/sys/kernel/tracing"

struct kernel_support {
	char release[65];
	bool btf;	     /* /sys/kernel/btf/vmlinux */
	bool ringbuf;	     /* BPF ring buffer maps */
	bool tp_btf;	     /* BTF for inet_sock_set_state, tcp_retransmit_skb, tcp_destroy_sock */
	bool ipv6;	     /* tcp_v6_connect exists (IPv6 built in or loaded) */
	int fentry_error;    /* 0 when fentry/fexit on tcp_v4_connect attach */
	int kprobe_error;    /* 0 when a kprobe on tcp_v4_connect attaches */
	int cgroup_error;    /* 0 when there is a cgroup v2 root (tracepoint mode's hooks) */
	int syscall_error;   /* 0 when syscalls:sys_exit_connect exists (--connect-errors) */
	const char *tracefs; /* where tracefs is mounted; NULL if nowhere yet */
};

/* Fill ks.  Changes nothing on the system: tracefs is looked at, not mounted. */
void probe_kernel(struct kernel_support *ks);

/* The modes to try, best first, for the requested one; returns how many. */
int probe_candidates(const struct kernel_support *ks, enum probe_mode requested,
		     enum probe_mode out[3]);

/* Why mode cannot be used, or NULL when it can. */
const char *probe_mode_unusable(const struct kernel_support *ks, enum probe_mode mode);

/* Mount tracefs where libbpf looks for it, if it is not mounted; 0 on success. */
int tracefs_ensure(bool verbose);

/* --check: report and exit status (0 when tracing can work). */
int probe_check(const struct kernel_support *ks, enum probe_mode requested);

#endif
