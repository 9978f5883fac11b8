/* SPDX-License-Identifier: GPL-2.0-only */
/* The connect tracer's BPF object: open, configure, load, attach, read. */
#ifndef SYNSCOPE_TRACER_H
#define SYNSCOPE_TRACER_H

#include <bpf/libbpf.h>
#include "cli.h"
#include "collector.h"
#include "probe.h"

struct connect_bpf;

struct tracer {
	struct connect_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *getsockopt; /* cgroup hooks: SO_ERROR reads */
	struct bpf_link *connect4;   /* tracepoint mode: connect() calls */
	struct bpf_link *connect6;
	enum probe_mode mode;
	bool connect_errors; /* tracepoint mode: sys_exit_connect too */
};

/* Open, configure, load and attach: the first mode that works of the candidates. */
int tracer_start(struct tracer *t, const struct config *cfg, const struct kernel_support *ks,
		 ring_buffer_sample_fn on_event, void *ctx);

/* Steps of tracer_start(), for one mode. */
int tracer_open(struct tracer *t, const struct config *cfg, const struct kernel_support *ks,
		enum probe_mode mode);
int tracer_load(struct tracer *t, const struct config *cfg);
int tracer_attach(struct tracer *t, ring_buffer_sample_fn on_event, void *ctx);

/* A descriptor that polls readable when the ring buffer wants reading. */
int tracer_fd(const struct tracer *t);

/* Deliver what the ring buffer holds now; returns records read or -errno. */
int tracer_read(struct tracer *t);

/* Sum the kernel's per-CPU counters into counters[COUNTER__COUNT]. */
int tracer_counters(struct tracer *t, __u64 *counters);

/*
 * Runs of the programs that nothing handled: the kernel skipped them
 * because the same program was already running on that CPU (preempted, or
 * interrupted by a softirq), and no takeover program did the work instead.
 * counters are the kernel's, from tracer_counters().
 */
__u64 tracer_unhandled(struct tracer *t, const __u64 *counters);

/* Remove connect() calls older than ttl_ns that never returned. */
int tracer_expire_calls(struct tracer *t, struct collector *c, __u64 ttl_ns);

/*
 * Detach every program, so that nothing more is produced; the ring buffer
 * and the counters stay readable until tracer_destroy().
 */
void tracer_detach(struct tracer *t);

/* Detach and free everything; accepts a tracer that never started. */
void tracer_destroy(struct tracer *t);

#endif
