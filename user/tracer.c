// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "clock.h"
#include "connect.skel.h"
#include "dns_capture.h"
#include "maps.h"
#include "tracer.h"

#define SCAN_BATCH 4096

static void set_autoload(struct bpf_program *prog, bool on)
{
	bpf_program__set_autoload(prog, on);
}

/* Load only the entry points of mode. */
static void select_programs(struct connect_bpf *skel, enum probe_mode mode, bool ipv6,
			    bool connect_errors)
{
	bool fentry = mode == PROBE_MODE_FENTRY, kprobe = mode == PROBE_MODE_KPROBE;
	bool tracepoint = mode == PROBE_MODE_TRACEPOINT;

	set_autoload(skel->progs.fentry_tcp_v4_connect, fentry);
	set_autoload(skel->progs.fexit_tcp_v4_connect, fentry);
	set_autoload(skel->progs.fentry_tcp_v6_connect, fentry && ipv6);
	set_autoload(skel->progs.fexit_tcp_v6_connect, fentry && ipv6);
	set_autoload(skel->progs.kprobe_tcp_v4_connect, kprobe);
	set_autoload(skel->progs.kretprobe_tcp_v4_connect, kprobe);
	set_autoload(skel->progs.kprobe_tcp_v6_connect, kprobe && ipv6);
	set_autoload(skel->progs.kretprobe_tcp_v6_connect, kprobe && ipv6);
	set_autoload(skel->progs.cgroup_connect4, tracepoint);
	set_autoload(skel->progs.cgroup_connect6, tracepoint && ipv6);
	set_autoload(skel->progs.tp_sys_exit_connect, tracepoint && connect_errors);
}

static void set_filters(struct connect_bpf *skel, const struct config *cfg)
{
	skel->rodata->filter_tgid = cfg->pid;
	skel->rodata->filter_dport = cfg->dport;
	skel->rodata->filter_family = cfg->family;
	skel->rodata->filter_dst = cfg->n_dst > 0;
	memcpy((char *)skel->rodata->filter_comm, cfg->comm, COMM_LEN);
}

/* Calls are followed where their return is traced. */
static bool tracks_calls(enum probe_mode mode, const struct config *cfg)
{
	return mode != PROBE_MODE_TRACEPOINT || cfg->connect_errors;
}

/*
 * The sockets' slots: twice the attempts in flight and connections open
 * the flags allow, rounded up to a power of two.  At most half of them
 * are taken when both are full, so that a socket finds a free slot in its
 * window, and one beyond the flags is counted as in-flight or open map
 * full, not as no slot.  At least MIN_SLOTS (384 KiB), for small flags.
 */
static __u32 slots_for(const struct config *cfg)
{
	__u64 need = 2 * (cfg->max_inflight + cfg->max_open), slots = MIN_SLOTS;

	while (slots < need)
		slots <<= 1;
	return slots;
}

static int set_sizes(struct connect_bpf *skel, const struct config *cfg, enum probe_mode mode)
{
	__u64 ring_bytes = (__u64)cfg->ringbuf_mb << 20;
	__u32 slots = slots_for(cfg);
	int err;

	/* Wake the reader when an eighth of the ring is waiting. */
	skel->rodata->wakeup_bytes = ring_bytes / 8;
	skel->rodata->max_inflight = cfg->max_inflight;
	skel->rodata->max_open = cfg->max_open;
	skel->rodata->inflight_ttl_ns = cfg->inflight_ttl_ms * 1000000ULL;
	skel->rodata->track_calls = tracks_calls(mode, cfg);
	skel->rodata->slot_mask = slots - 1;
	err = bpf_map__set_max_entries(skel->maps.events, ring_bytes);
	err = err ?: bpf_map__set_max_entries(skel->maps.socks, slots);
	/* Calls in progress at once: one per connecting thread. */
	if (!tracks_calls(mode, cfg))
		err = err ?: bpf_map__set_max_entries(skel->maps.connect_calls, 1);
	return err;
}

int tracer_open(struct tracer *t, const struct config *cfg, const struct kernel_support *ks,
		enum probe_mode mode)
{
	memset(t, 0, sizeof(*t));
	t->mode = mode;
	t->connect_errors = mode == PROBE_MODE_TRACEPOINT && cfg->connect_errors;
	t->skel = connect_bpf__open();
	if (!t->skel)
		return -errno;
	set_filters(t->skel, cfg);
	select_programs(t->skel, mode, ks->ipv6, cfg->connect_errors);
	return set_sizes(t->skel, cfg, mode);
}

static int fill_dst_filter(struct connect_bpf *skel, const struct config *cfg)
{
	int fd = bpf_map__fd(skel->maps.dst_filter);
	unsigned int i;
	__u8 one = 1;

	for (i = 0; i < cfg->n_dst; i++) {
		struct dst_key key;

		memset(&key, 0, sizeof(key));
		key.prefixlen = 8 + cfg->dst[i].prefix_len;
		key.family = cfg->dst[i].family;
		memcpy(key.addr, cfg->dst[i].addr, ADDR_LEN);
		if (bpf_map_update_elem(fd, &key, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

int tracer_load(struct tracer *t, const struct config *cfg)
{
	int err = connect_bpf__load(t->skel);

	if (err)
		return err;
	return fill_dst_filter(t->skel, cfg);
}

/*
 * The hooks on the cgroup v2 root (every network namespace): SO_ERROR
 * reads in every mode, connect() calls in the tracepoint mode.
 */
static int attach_cgroup_hooks(struct tracer *t)
{
	struct connect_bpf *skel = t->skel;
	int fd = cgroup2_root_fd(), err = 0;

	/* Without cgroup v2 the fentry and kprobe modes do without the SO_ERROR hook. */
	if (fd < 0)
		return t->mode == PROBE_MODE_TRACEPOINT ? fd : 0;
	t->getsockopt = bpf_program__attach_cgroup(skel->progs.cgroup_getsockopt, fd);
	if (!t->getsockopt)
		err = -errno;
	if (!err && bpf_program__autoload(skel->progs.cgroup_connect4)) {
		t->connect4 = bpf_program__attach_cgroup(skel->progs.cgroup_connect4, fd);
		if (!t->connect4)
			err = -errno;
	}
	if (!err && bpf_program__autoload(skel->progs.cgroup_connect6)) {
		t->connect6 = bpf_program__attach_cgroup(skel->progs.cgroup_connect6, fd);
		if (!t->connect6)
			err = -errno;
	}
	close(fd);
	return err;
}

int tracer_attach(struct tracer *t, ring_buffer_sample_fn on_event, void *ctx)
{
	int err = connect_bpf__attach(t->skel);

	if (!err)
		err = attach_cgroup_hooks(t);
	if (err)
		return err;
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_event, ctx, NULL);
	if (!t->rb)
		return -errno;
	return 0;
}

static int tracer_start_mode(struct tracer *t, const struct config *cfg,
			     const struct kernel_support *ks, enum probe_mode mode,
			     ring_buffer_sample_fn on_event, void *ctx)
{
	const char *step = "open";
	int err;

	err = tracer_open(t, cfg, ks, mode);
	/* libbpf finds sys_exit_connect in tracefs: mounted, or mounted now. */
	if (!err && t->connect_errors) {
		step = "mounting tracefs at " TRACEFS_DEFAULT " (for --connect-errors)";
		err = tracefs_ensure(cfg->verbose);
	}
	if (!err) {
		step = "load";
		err = tracer_load(t, cfg);
	}
	if (!err) {
		step = "attach";
		err = tracer_attach(t, on_event, ctx);
	}
	if (err) {
		fprintf(stderr, "synscope: %s mode: %s failed: %s (-v shows why)\n",
			probe_mode_name(mode), step, strerror(err < 0 ? -err : err));
		tracer_destroy(t);
	}
	return err;
}

int tracer_start(struct tracer *t, const struct config *cfg, const struct kernel_support *ks,
		 ring_buffer_sample_fn on_event, void *ctx)
{
	enum probe_mode modes[3];
	int i, n, err = -ENOTSUP;

	n = probe_candidates(ks, cfg->probe_mode, modes);
	for (i = 0; i < n; i++) {
		err = tracer_start_mode(t, cfg, ks, modes[i], on_event, ctx);
		if (!err)
			return 0;
	}
	if (!n)
		fprintf(stderr, "synscope: no attach mode works on this kernel (see --check)\n");
	return err;
}

int tracer_fd(const struct tracer *t)
{
	return ring_buffer__epoll_fd(t->rb);
}

int tracer_read(struct tracer *t)
{
	/* Also the records committed without a wake-up. */
	return t->rb ? ring_buffer__consume(t->rb) : 0;
}

int tracer_counters(struct tracer *t, __u64 *counters)
{
	return map_percpu_sum(bpf_map__fd(t->skel->maps.counters), COUNTER__COUNT, counters);
}

/* The kernel's count of the runs of prog it skipped. */
static __u64 prog_misses(const struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 0;
	return info.recursion_misses;
}

__u64 tracer_unhandled(struct tracer *t, const __u64 *counters)
{
	struct connect_bpf *skel = t->skel;
	/* First programs and how many of their skipped runs their takeover handled. */
	const struct {
		struct bpf_program *first, *takeover;
		enum counter handled;
	} pairs[] = {
		{ skel->progs.btf_inet_sock_set_state, skel->progs.btf_inet_sock_set_state_takeover,
		  COUNTER_TAKEOVER_STATE },
		{ skel->progs.btf_tcp_retransmit_skb, skel->progs.btf_tcp_retransmit_skb_takeover,
		  COUNTER_TAKEOVER_RETRANSMIT },
		{ skel->progs.btf_tcp_destroy_sock, skel->progs.btf_tcp_destroy_sock_takeover,
		  COUNTER_TAKEOVER_DESTROY },
	};
	struct bpf_program *prog;
	__u64 unhandled = 0;
	unsigned int i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		__u64 missed = prog_misses(pairs[i].first);

		/* Read apart, the two may disagree for a moment. */
		if (missed > counters[pairs[i].handled])
			unhandled += missed - counters[pairs[i].handled];
	}
	/* A takeover skipped only nests in a run of its own: the first one handled that. */
	bpf_object__for_each_program(prog, skel->obj)
	{
		bool paired = false;

		for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
			paired |= prog == pairs[i].first || prog == pairs[i].takeover;
		if (!paired && bpf_program__autoload(prog))
			unhandled += prog_misses(prog);
	}
	return unhandled;
}

/*
 * Read a hash map in batches, calling visit() for every entry.  Returns the
 * number of entries or a negative errno.
 */
static int map_walk(int fd, size_t key_size, size_t value_size,
		    int (*visit)(void *key, void *value, void *arg), void *arg)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	char *keys = calloc(SCAN_BATCH, key_size);
	char *values = calloc(SCAN_BATCH, value_size);
	__u64 batch = 0;
	bool first = true, last = false;
	int total = 0, err = 0;

	if (!keys || !values) {
		err = -ENOMEM;
		goto out_free;
	}
	while (!last) {
		__u32 i, count = SCAN_BATCH;

		if (bpf_map_lookup_batch(fd, first ? NULL : &batch, &batch, keys, values, &count,
					 &opts)) {
			if (errno != ENOENT) {
				err = -errno;
				goto out_free;
			}
			last = true;
		}
		first = false;
		for (i = 0; i < count; i++)
			visit(keys + i * key_size, values + i * value_size, arg);
		total += count;
	}
	err = total;
out_free:
	free(keys);
	free(values);
	return err;
}

struct calls_scan {
	struct collector *c;
	int fd;
	__u64 now_ns;
	__u64 ttl_ns;
};

static int visit_call(void *key, void *value, void *arg)
{
	const struct connect_call *call = value;
	struct calls_scan *s = arg;

	if (s->now_ns > call->start_ns + s->ttl_ns && !bpf_map_delete_elem(s->fd, key))
		collector_expired(s->c, true);
	return 0;
}

int tracer_expire_calls(struct tracer *t, struct collector *c, __u64 ttl_ns)
{
	struct calls_scan s = { c, bpf_map__fd(t->skel->maps.connect_calls), mono_now_ns(),
				ttl_ns };
	int err;

	if (t->mode == PROBE_MODE_TRACEPOINT && !t->connect_errors)
		return 0;
	err = map_walk(s.fd, sizeof(__u32), sizeof(struct connect_call), visit_call, &s);
	return err < 0 ? err : 0;
}

void tracer_detach(struct tracer *t)
{
	bpf_link__destroy(t->getsockopt);
	bpf_link__destroy(t->connect4);
	bpf_link__destroy(t->connect6);
	t->getsockopt = t->connect4 = t->connect6 = NULL;
	if (t->skel)
		connect_bpf__detach(t->skel);
}

void tracer_destroy(struct tracer *t)
{
	tracer_detach(t);
	ring_buffer__free(t->rb);
	connect_bpf__destroy(t->skel);
	t->rb = NULL;
	t->skel = NULL;
}
