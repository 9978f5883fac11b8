// SPDX-License-Identifier: GPL-2.0-only
/*
 * The connect tracer: follows every outgoing TCP connect from its start to
 * its outcome, counts its SYN retransmissions, and follows established
 * connections until they close.
 *
 * What the tracer knows of a socket lives in a slot of a preallocated array,
 * found by the socket's cookie (see struct sock_state): cookies are never
 * reused, so no entry of a gone socket passes for a new one; a slot is
 * given back once nothing is followed on its socket, and at the latest when
 * the socket is destroyed.  (Socket local storage did the same at a price:
 * two memory-charged allocations per connect and their freeing, 1.4 to
 * 1.7 us per connection on the build machines; see bench/RESULTS.md.)
 *
 * All modes follow each socket with tp_btf sock:inet_sock_set_state (CLOSE
 * -> SYN_SENT starts an attempt, the next ESTABLISHED or CLOSE ends it),
 * tcp:tcp_retransmit_skb and tcp:tcp_destroy_sock.  The start of the
 * connect call and its errors come from, by mode:
 *  - fentry/fexit on tcp_v4_connect/tcp_v6_connect,
 *  - kprobe/kretprobe on the same functions,
 *  - tracepoint: cgroup connect4/connect6 on the cgroup v2 root (paid only
 *    by connects); --connect-errors adds syscalls:sys_exit_connect, which
 *    alone knows the errno of a connect that failed before SYN_SENT.
 *
 * Nesting: a tp_btf program does not run while it already runs on the same
 * CPU (the kernel counts the run in its recursion_misses), e.g. when a
 * softirq times out an attempt while the program handles a state change in
 * process context.  So each tracepoint has a second program, the takeover,
 * which does the work exactly when the first was skipped (see first_ran());
 * userspace counts the runs that neither handled as the first's misses
 * minus the takeovers.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "connect.h"

#define AF_INET	       2
#define AF_INET6       10
#define IPPROTO_TCP    6
#define SOCK_STREAM    1
#define SS_UNCONNECTED 1
#define ERESTARTSYS    512 /* kernel-internal, include/linux/errno.h */
#define SOL_SOCKET     1
#define SO_ERROR       4

/* Set by userspace before load. */
const volatile __u32 filter_tgid = 0;
const volatile __u16 filter_dport = 0;
const volatile __u8 filter_family = 0;
const volatile __u8 filter_dst = 0; /* destinations must match dst_filter */
const volatile char filter_comm[COMM_LEN] = {};
const volatile __u64 wakeup_bytes = 256 * 1024;
const volatile __u64 max_inflight = DEFAULT_MAX_INFLIGHT;
const volatile __u64 max_open = DEFAULT_MAX_OPEN;
const volatile __u64 inflight_ttl_ns = 0; /* 0: none */
const volatile __u8 track_calls = 0;	  /* connect_calls entries are made */
const volatile __u32 slot_mask = 0;	  /* slots - 1: max_entries of socks, a power of two */

/* Attempts in flight and connections followed now, over all CPUs. */
__u64 inflight_now = 0;
__u64 open_now = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, DEFAULT_RINGBUF_MB << 20);
} events SEC(".maps");

/* Userspace sets max_entries, a power of two. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOT_WINDOW);
	__type(key, __u32);
	__type(value, struct sock_state);
} socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct connect_call);
} connect_calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, COUNTER__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* The tracepoints with a takeover program. */
enum tp {
	TP_STATE = 0,
	TP_RETRANSMIT,
	TP_DESTROY,
	TP__COUNT,
};

/*
 * Per CPU and tracepoint: the arguments of the firings whose first program
 * ran, newest last, until their takeover saw them (a firing that interrupts
 * another between its two programs pushes on top).  A takeover that does not
 * find its own firing runs in a firing its first program was skipped in.
 */
#define FIRINGS 4 /* a power of two; nesting is at most process, softirq, hardirq */

struct firings {
	__u64 a[FIRINGS];
	__u64 b[FIRINGS];
	__u32 top;
	__u32 takeover; /* the takeover runs on this CPU: see first_ran() */
};

struct busy {
	struct firings tp[TP__COUNT];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct busy);
} busy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct dst_key);
	__type(value, __u8);
} dst_filter SEC(".maps");

/* Atomic: a softirq run may interrupt a process-context one on this CPU. */
static __always_inline void count(enum counter which)
{
	__u32 key = which;
	__u64 *value = bpf_map_lookup_elem(&counters, &key);

	if (value)
		__sync_fetch_and_add(value, 1);
}

static __always_inline bool comm_wanted(const char *comm)
{
	if (!filter_comm[0])
		return true;
	for (int i = 0; i < COMM_LEN; i++) {
		if (comm[i] != filter_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline bool dst_wanted(__u8 family, const __u8 *daddr)
{
	struct dst_key key = {};

	if (!filter_dst)
		return true;
	key.prefixlen = 8 + (family == AF_INET ? 32 : 128);
	key.family = family;
	__builtin_memcpy(key.addr, daddr, ADDR_LEN);
	return bpf_map_lookup_elem(&dst_filter, &key) != NULL;
}

/* Does the user want attempts of the current task? */
static __always_inline bool task_wanted(void)
{
	char comm[COMM_LEN];

	if (filter_tgid && (bpf_get_current_pid_tgid() >> 32) != filter_tgid)
		return false;
	if (filter_comm[0]) {
		bpf_get_current_comm(comm, sizeof(comm));
		if (!comm_wanted(comm))
			return false;
	}
	return true;
}

/* Does the user want attempts of the current task to this destination? */
static __always_inline bool attempt_wanted(__u8 family, const __u8 *daddr, __u16 dport)
{
	if (!task_wanted())
		return false;
	if (filter_family && family != filter_family)
		return false;
	if (filter_dport && dport != filter_dport)
		return false;
	return dst_wanted(family, daddr);
}

static __always_inline bool is_v4_mapped(const __u8 *a)
{
	const __u32 *w = (const __u32 *)a;

	return w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0x0000ffff);
}

/* Report IPv4-mapped IPv6 addresses as IPv4. */
static __always_inline void unmap_v4(__u8 *family, __u8 *saddr, __u8 *daddr)
{
	if (*family != AF_INET6 || !is_v4_mapped(daddr))
		return;
	*family = AF_INET;
	__builtin_memcpy(daddr, daddr + 12, 4);
	__builtin_memset(daddr + 4, 0, 12);
	if (saddr) {
		__builtin_memcpy(saddr, saddr + 12, 4);
		__builtin_memset(saddr + 4, 0, 12);
	}
}

/*
 * The TCP socket sk is, as a BTF pointer: its fields are plain loads, not
 * bpf_probe_read_kernel() calls (bpf_core_cast() needs 6.2).  NULL for
 * any other socket.
 */
static __always_inline struct tcp_sock *tcp_of(const struct sock *sk)
{
	return bpf_skc_to_tcp_sock((struct sock *)sk);
}

/*
 * The source port.  Not skc_num: inet_put_port() clears that before the
 * transition to CLOSE is traced; inet_sport keeps it.
 */
static __always_inline __u16 sock_sport(const struct sock *sk)
{
	struct tcp_sock *tp = tcp_of(sk);

	return tp ? bpf_ntohs(tp->inet_conn.icsk_inet.inet_sport) : 0;
}

static __always_inline void addr6_copy(__u8 *to, const struct in6_addr *a)
{
	__u32 *w = (__u32 *)to;

	w[0] = a->in6_u.u6_addr32[0];
	w[1] = a->in6_u.u6_addr32[1];
	w[2] = a->in6_u.u6_addr32[2];
	w[3] = a->in6_u.u6_addr32[3];
}

/*
 * Addresses and ports of a socket, in the byte orders connect.h states.
 * sk is a BTF pointer (tp_btf, fentry): plain loads, no helper calls.
 */
static __always_inline void sock_addrs(const struct sock *sk, __u8 *family, __u8 *saddr,
				       __u8 *daddr, __u16 *sport, __u16 *dport)
{
	*family = sk->__sk_common.skc_family;
	if (*family == AF_INET) {
		*(__u32 *)saddr = sk->__sk_common.skc_rcv_saddr;
		*(__u32 *)daddr = sk->__sk_common.skc_daddr;
	} else {
		addr6_copy(saddr, &sk->__sk_common.skc_v6_rcv_saddr);
		addr6_copy(daddr, &sk->__sk_common.skc_v6_daddr);
	}
	*sport = sock_sport(sk);
	*dport = bpf_ntohs(sk->__sk_common.skc_dport);
	unmap_v4(family, saddr, daddr);
}

/* sk is a BTF pointer (tp_btf): plain loads, no helper calls. */
static __always_inline __u32 sock_netns(const struct sock *sk)
{
	return sk->__sk_common.skc_net.net->ns.inum;
}

static __always_inline bool is_tcp(const struct sock *sk)
{
	/* A bitfield before 5.6 (bf9765145b85), a __u16 since: read it either way. */
	return BPF_CORE_READ_BITFIELD(sk, sk_protocol) == IPPROTO_TCP;
}

/*
 * The socket's cookie, 0 if it has none yet.  A plain load: most sockets
 * (the server's, every socket no one connected) have none, and leave
 * before any lookup.  Taking a slot gives the socket a cookie.
 */
static __always_inline __u64 cookie_of(const struct sock *sk)
{
	return sk->__sk_common.skc_cookie.counter;
}

static __always_inline bool has_cookie(const struct sock *sk)
{
	return cookie_of(sk) != 0;
}

/* The per-CPU flags of the first programs. */
static __always_inline struct busy *busy_here(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&busy, &zero);
}

static __always_inline struct sock_state *slot_at(__u64 i)
{
	__u32 key = i & slot_mask;

	return bpf_map_lookup_elem(&socks, &key);
}

/*
 * The first slot of a cookie's window.  The kernel hands cookies out to
 * each CPU in batches of 4096 (COOKIE_LOCAL_BATCH): the batch number
 * shuffles the slots of each, so that the CPUs' batches, used side by side,
 * do not fall on the same slots.
 */
static __always_inline __u64 slot_home(__u64 cookie)
{
	return cookie ^ (cookie >> 12);
}

/* The slot in home's window (home is slot first) that holds cookie, if one does. */
static __always_inline struct sock_state *slot_in(const struct sock_state *home, __u64 first,
						  __u64 cookie)
{
	__u64 homed = home->homed;
	struct sock_state *st;

	for (__u32 way = 0; way < SLOT_WINDOW && homed; way++, homed >>= 1) {
		if (!(homed & 1))
			continue;
		st = slot_at(first + way);
		if (st && st->cookie == cookie)
			return st;
	}
	return NULL;
}

/* The slot of the socket with this cookie, if it holds one. */
static __always_inline struct sock_state *slot_find(__u64 cookie)
{
	__u64 first = slot_home(cookie);
	struct sock_state *home = slot_at(first);

	return home ? slot_in(home, first, cookie) : NULL;
}

/*
 * The slot of the socket with this cookie, taken now if it holds none: the
 * first free one in its window, cleared.  NULL (counted) when all are taken.
 */
static __always_inline struct sock_state *slot_take(__u64 cookie)
{
	__u64 first = slot_home(cookie);
	struct sock_state *home = slot_at(first), *st;

	if (!home)
		return NULL;
	st = slot_in(home, first, cookie);
	if (st)
		return st;
	for (__u32 way = 0; way < SLOT_WINDOW; way++) {
		st = slot_at(first + way);
		if (!st || st->cookie || __sync_val_compare_and_swap(&st->cookie, 0, cookie))
			continue;
		__builtin_memset(st, 0, __builtin_offsetof(struct sock_state, cookie));
		st->way = way;
		__sync_fetch_and_or(&home->homed, 1ULL << way);
		return st;
	}
	count(COUNTER_STORAGE_FAILED);
	return NULL;
}

/* The socket of st is no longer followed: its slot is free again. */
static __always_inline void slot_give(struct sock_state *st)
{
	__u64 cookie = st->cookie;
	struct sock_state *home = slot_at(slot_home(cookie));

	st->phase = PHASE_NONE;
	if (home)
		__sync_fetch_and_and(&home->homed, ~(1ULL << (st->way & (SLOT_WINDOW - 1))));
	__sync_val_compare_and_swap(&st->cookie, cookie, 0);
}

/* Give the slot back if nothing is followed on its socket any more. */
static __always_inline void slot_give_idle(struct sock_state *st)
{
	if (st && st->phase == PHASE_NONE)
		slot_give(st);
}

/* The socket's slot, if it holds one. */
static __always_inline struct sock_state *state_of(const struct sock *sk)
{
	__u64 cookie = cookie_of(sk);

	return cookie ? slot_find(cookie) : NULL;
}

/* The task facts of a new attempt or call, as seen by the connecting thread. */
static __always_inline void state_task(struct sock_state *st, __u64 now)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	st->start_ns = now;
	st->pid = pid_tgid >> 32;
	st->tid = (__u32)pid_tgid;
	st->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(st->comm, sizeof(st->comm));
}

static __always_inline long wakeup_flags(void)
{
	/* Wake userspace only when there is a batch to read; it also polls. */
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/* A zeroed record of kind, or NULL (counted) when the ring is full. */
static __always_inline struct conn_event *event_new(enum counter produced, enum event_kind kind)
{
	struct conn_event *ev;

	count(produced);
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		count(COUNTER_RINGBUF_FULL);
		return NULL;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	return ev;
}

/* What the socket's state knows: the connecting task and the attempt's start. */
static __always_inline void event_task(struct conn_event *ev, const struct sock_state *st)
{
	ev->ts_ns = st->start_ns;
	ev->cgroup_id = st->cgroup_id;
	ev->pid = st->pid;
	ev->tid = st->tid;
	__builtin_memcpy(ev->comm, st->comm, COMM_LEN);
	ev->syn_retries = st->syn_retries > 255 ? 255 : st->syn_retries;
}

/* The record of a followed socket: task, addresses and ports. */
static __always_inline struct conn_event *event_of(enum counter produced, enum event_kind kind,
						   const struct sock *sk,
						   const struct sock_state *st)
{
	struct conn_event *ev = event_new(produced, kind);

	if (!ev)
		return NULL;
	event_task(ev, st);
	ev->sock = (__u64)sk;
	ev->netns = sock_netns(sk);
	sock_addrs(sk, &ev->family, ev->saddr, ev->daddr, &ev->sport, &ev->dport);
	return ev;
}

/*
 * The SYN retransmissions of an attempt: the kernel's own count for the
 * socket (total_retrans: before the handshake only SYNs are retransmitted),
 * or the retransmits traced, whichever is larger.
 */
static __always_inline __u8 syn_retries_of(const struct sock *sk, __u16 traced)
{
	struct tcp_sock *tp = tcp_of(sk);
	__u32 counted = tp ? tp->total_retrans : 0;

	if (counted < traced)
		counted = traced;
	return counted > 255 ? 255 : counted;
}

/* An ICMP error the socket holds now, or the one seen before. */
static __always_inline void remember_soft_error(const struct sock *sk, struct sock_state *st)
{
	int soft = sk->sk_err_soft;

	if (soft)
		st->soft_error = soft;
}

/* Attempts in flight across CPUs: take a place, or say there is none. */
static __always_inline bool gauge_take(__u64 *now, __u64 max)
{
	if (__sync_fetch_and_add(now, 1) < max)
		return true;
	__sync_fetch_and_add(now, -1);
	return false;
}

static __always_inline void gauge_give(__u64 *now)
{
	__sync_fetch_and_add(now, -1);
}

/* The attempt in st is over: it leaves the gauge and its socket is no longer followed. */
static __always_inline void attempt_done(struct sock_state *st)
{
	st->phase = PHASE_NONE;
	gauge_give(&inflight_now);
}

/*
 * Send the outcome of an attempt.  An attempt older than --inflight-ttl was
 * expired by userspace: counted, not sent.
 */
static __always_inline void attempt_emit(const struct sock *sk, struct sock_state *st,
					 enum outcome outcome, int error, bool open_full)
{
	__u64 now = bpf_ktime_get_ns();
	struct conn_event *ev;

	if (inflight_ttl_ns && now - st->start_ns > inflight_ttl_ns) {
		count(COUNTER_EXPIRED);
		return;
	}
	ev = event_of(COUNTER_ATTEMPT_EVENTS, EVENT_ATTEMPT, sk, st);
	if (!ev)
		return;
	ev->outcome = outcome;
	ev->error = error;
	ev->duration_ns = now - st->start_ns;
	ev->syn_retries = syn_retries_of(sk, st->syn_retries);
	ev->open_full = open_full;
	bpf_ringbuf_submit(ev, wakeup_flags());
}

/* The connect call of this thread on sk, if calls are followed and it is one. */
static __always_inline struct connect_call *call_of(const struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_call *call;

	if (!track_calls)
		return NULL;
	call = bpf_map_lookup_elem(&connect_calls, &tid);
	if (!call || (call->sock && call->sock != (__u64)sk))
		return NULL;
	return call;
}

/*
 * A socket reached SYN_SENT outside a call the cgroup hook saw (fentry,
 * kprobe, --connect-errors): are its attempts wanted, and its state.
 */
static __always_inline struct sock_state *attempt_state(const struct sock *sk)
{
	__u8 family, daddr[ADDR_LEN] = {}, saddr[ADDR_LEN] = {};
	__u16 sport, dport;

	sock_addrs(sk, &family, saddr, daddr, &sport, &dport);
	if (!attempt_wanted(family, daddr, dport))
		return NULL;
	return slot_take(bpf_get_socket_cookie((struct sock *)sk));
}

/*
 * CLOSE -> SYN_SENT: a new attempt, in the connecting thread.  A call the
 * cgroup hook began (PHASE_CALL) passed the filters already and holds the
 * task's facts: nothing to read again.  Returns the socket's slot, if any.
 */
static __always_inline struct sock_state *attempt_start(const struct sock *sk)
{
	struct sock_state *st = state_of(sk);
	struct connect_call *call = NULL;
	struct conn_event *ev;
	bool hooked = st && st->phase == PHASE_CALL;

	if (!hooked)
		st = attempt_state(sk);
	if (!st)
		return NULL;
	if (st->phase == PHASE_OPEN) {
		/* Its close was not seen (yet the socket connects again). */
		count(COUNTER_CLOSE_UNSEEN);
		gauge_give(&open_now);
	}
	if (st->phase == PHASE_INFLIGHT)
		gauge_give(&inflight_now);
	if (!hooked) {
		/* The call of fentry, kprobe or --connect-errors, if any, gives the start. */
		call = call_of(sk);
		if (call) {
			call->sock = (__u64)sk;
			call->syn_sent = 1;
		}
	}
	st->phase = PHASE_NONE;
	if (!gauge_take(&inflight_now, max_inflight)) {
		count(COUNTER_INFLIGHT_FULL);
		return st;
	}
	if (!hooked)
		state_task(st, call ? call->start_ns : bpf_ktime_get_ns());
	st->syn_retries = 0;
	st->soft_error = 0;
	st->phase = PHASE_INFLIGHT;
	ev = event_of(COUNTER_START_EVENTS, EVENT_START, sk, st);
	if (ev)
		bpf_ringbuf_submit(ev, wakeup_flags());
	return st;
}

/*
 * An established connection is followed until it closes, if there is room;
 * its attempt says whether, so that the collector expects its close or not.
 */
static __always_inline bool open_room(void)
{
	if (gauge_take(&open_now, max_open))
		return true;
	count(COUNTER_OPEN_FULL);
	return false;
}

static __always_inline void attempt_established(const struct sock *sk, struct sock_state *st)
{
	bool followed = open_room();

	attempt_emit(sk, st, OUTCOME_ESTABLISHED, 0, !followed);
	attempt_done(st);
	if (!followed)
		return;
	st->established_ns = bpf_ktime_get_ns();
	st->phase = PHASE_OPEN;
}

/* Inside tcp_v*_connect (it failed after SYN_SENT), or after connect() returned? */
static __always_inline bool in_connect_call(const struct sock *sk)
{
	struct socket *sock = sk->sk_socket;

	return sock && sock->state == SS_UNCONNECTED;
}

/*
 * Closed inside the connect call without an error: tcp_v*_connect failed
 * after SYN_SENT.  Where the call is followed its return value decides
 * (the attempt waits in the call); else no source port means no ephemeral
 * port was free: EADDRNOTAVAIL.
 */
static __always_inline void attempt_failed_in_call(const struct sock *sk, struct sock_state *st)
{
	struct connect_call *call = call_of(sk);
	__u16 sport = sock_sport(sk);

	if (!call) {
		attempt_emit(sk, st, OUTCOME_LOCAL_ERROR, sport ? 0 : EADDRNOTAVAIL, false);
		return;
	}
	__builtin_memset(&call->ev, 0, sizeof(call->ev));
	event_task(&call->ev, st);
	call->ev.kind = EVENT_ATTEMPT;
	call->ev.sock = (__u64)sk;
	call->ev.netns = sock_netns(sk);
	sock_addrs(sk, &call->ev.family, call->ev.saddr, call->ev.daddr, &call->ev.sport,
		   &call->ev.dport);
	call->closed = 1;
}

/*
 * A followed attempt reached CLOSE: sk_err tells why, if anything does.
 *
 * An ICMP error that arrives while the socket is locked only sets
 * sk_err_soft; the application may read it with SO_ERROR, which clears it,
 * and close the socket.  So the soft error is remembered whenever the
 * attempt is seen.
 */
static __always_inline void open_closed(const struct sock *sk, struct sock_state *st);

/*
 * The attempt established but its transition to ESTABLISHED ran no program
 * (seen on 6.18 under load, without a skipped run counted): a SYN-ACK was
 * accepted (rcv_nxt is the peer's sequence number; 0 only once in 2^32).
 * Its handshake latency is not known any more: the smoothed RTT stands in.
 */
static __always_inline bool established_unseen(const struct sock *sk, struct sock_state *st)
{
	struct tcp_sock *tp = tcp_of(sk);
	struct conn_event *ev;
	bool followed;
	__u32 srtt_us;

	if (!tp || !tp->rcv_nxt)
		return false;
	count(COUNTER_OUTCOME_LATE);
	followed = open_room();
	srtt_us = tp->srtt_us >> 3;
	ev = event_of(COUNTER_ATTEMPT_EVENTS, EVENT_ATTEMPT, sk, st);
	if (ev) {
		ev->outcome = OUTCOME_ESTABLISHED;
		ev->duration_ns = srtt_us ? srtt_us * 1000ULL : bpf_ktime_get_ns() - st->start_ns;
		ev->syn_retries = syn_retries_of(sk, st->syn_retries);
		ev->open_full = !followed;
		bpf_ringbuf_submit(ev, wakeup_flags());
	}
	attempt_done(st);
	/* And its close, so that the open gauge stays right. */
	if (followed) {
		st->established_ns = st->start_ns;
		open_closed(sk, st);
	}
	return true;
}

static __always_inline void attempt_closed(const struct sock *sk, struct sock_state *st)
{
	int error = sk->sk_err;

	if (established_unseen(sk, st))
		return;
	remember_soft_error(sk, st);
	if (!error && in_connect_call(sk))
		attempt_failed_in_call(sk, st);
	else if (error)
		attempt_emit(sk, st, outcome_of_sk_error(error), error, false);
	else if (st->soft_error)
		attempt_emit(sk, st, outcome_of_sk_error(st->soft_error), st->soft_error, false);
	else
		attempt_emit(sk, st, OUTCOME_ABORTED, 0, false);
	attempt_done(st);
}

/* An established connection we followed is gone: send its close. */
static __always_inline void open_closed(const struct sock *sk, struct sock_state *st)
{
	__u64 now = bpf_ktime_get_ns();
	struct conn_event *ev;

	st->phase = PHASE_NONE;
	gauge_give(&open_now);
	/* Checked at once: older verifiers do not know a checked pointer later. */
	ev = event_of(COUNTER_CLOSE_EVENTS, EVENT_CLOSE, sk, st);
	if (!ev)
		return;
	ev->ts_ns = now;
	ev->duration_ns = now - st->established_ns;
	ev->syn_retries = 0;
	bpf_ringbuf_submit(ev, wakeup_flags());
}

/*
 * The firings each handler acts on, decided before any map lookup (after
 * the first/takeover bookkeeping, see FIRST) from what neither program
 * changes in the firing: the arguments, and whether the socket has a cookie
 * (only a CLOSE -> SYN_SENT firing, which does not ask, may give it one).
 * Of a loopback connection's ten state changes, three pass: CLOSE ->
 * SYN_SENT and the client's ESTABLISHED and CLOSE; the server's sockets
 * have no cookie.
 */
static __always_inline bool set_state_wanted(const struct sock *sk, int oldstate, int newstate)
{
	if (newstate == TCP_SYN_SENT)
		return oldstate == TCP_CLOSE && is_tcp(sk);
	if (newstate != TCP_ESTABLISHED && newstate != TCP_CLOSE)
		return false;
	return has_cookie(sk) && is_tcp(sk);
}

/* SYN retransmits of sockets we may follow. */
static __always_inline bool retransmit_wanted(const struct sock *sk)
{
	return sk->__sk_common.skc_state == TCP_SYN_SENT && has_cookie(sk);
}

static __always_inline void handle_set_state(const struct sock *sk, int oldstate, int newstate)
{
	struct sock_state *st;

	if (newstate == TCP_SYN_SENT) {
		slot_give_idle(attempt_start(sk));
		return;
	}
	st = state_of(sk);
	if (!st)
		return;
	if (st->phase == PHASE_INFLIGHT && newstate == TCP_ESTABLISHED)
		attempt_established(sk, st);
	else if (st->phase == PHASE_INFLIGHT)
		attempt_closed(sk, st);
	else if (st->phase == PHASE_OPEN && newstate == TCP_CLOSE)
		open_closed(sk, st);
	slot_give_idle(st);
}

static __always_inline void handle_retransmit(const struct sock *sk)
{
	struct sock_state *st = state_of(sk);
	struct conn_event *ev;

	if (!st || st->phase != PHASE_INFLIGHT)
		return;
	st->syn_retries++;
	remember_soft_error(sk, st);
	ev = event_of(COUNTER_RETRANSMIT_EVENTS, EVENT_SYN_RETRANSMIT, sk, st);
	if (!ev)
		return;
	ev->duration_ns = bpf_ktime_get_ns() - st->start_ns;
	bpf_ringbuf_submit(ev, wakeup_flags());
}

/*
 * A connect call that never reached SYN_SENT (no route, a firewall, a bad
 * address): its errno is known only where the call's return is traced.
 */
static __always_inline void call_failed_early(__u64 sock, __u8 family, const __u8 *daddr,
					      __u16 dport, const struct sock_state *st, int error)
{
	struct conn_event *ev;
	__u8 fam = family;
	__u8 addr[ADDR_LEN];

	__builtin_memcpy(addr, daddr, ADDR_LEN);
	unmap_v4(&fam, NULL, addr);
	if (!attempt_wanted(fam, addr, dport))
		return;
	ev = event_new(COUNTER_ATTEMPT_EVENTS, EVENT_ATTEMPT);
	if (!ev)
		return;
	if (st)
		event_task(ev, st);
	ev->sock = sock;
	ev->family = fam;
	ev->dport = dport;
	__builtin_memcpy(ev->daddr, addr, ADDR_LEN);
	ev->outcome = OUTCOME_LOCAL_ERROR;
	ev->error = error;
	ev->duration_ns = bpf_ktime_get_ns() - ev->ts_ns;
	bpf_ringbuf_submit(ev, wakeup_flags());
}

/*
 * The socket is being destroyed: its slot is given back.  A connect call
 * that began on it (cgroup hook) and never reached SYN_SENT failed before
 * any SYN: reported now, its errno unknown.  An attempt or connection still
 * followed lost its last transition (a run neither program handled):
 * reported now.
 *
 * Why that happens is measured, not explained.  One full-scale run of
 * tests/scale/exact.sh (6.18, bpf_stats on) with perf counting the same
 * tracepoints, no BPF involved (perf stat -a -e tcp:tcp_retransmit_skb ...):
 * perf saw 25,822 tcp_retransmit_skb firings, exactly nstat's 25,822
 * TcpExtTCPSynRetrans, and 5,000 SYN_SENT -> CLOSE for 5,000 timeouts; the
 * first retransmit program ran 25,216 times with 0 recursion misses, and
 * its takeover exactly as often, and 112 timeouts' CLOSE ran neither
 * state program (186 misses, 184 taken over; that build did not count a
 * takeover of an ignored transition, fixed since).  So the tracepoint
 * fires every time, the kernel's count is right, and in about 2% of the
 * timer-softirq firings neither of our two programs (two probes on the
 * tracepoint) runs nor counts a miss.  The kernel path that skips them is
 * not identified yet.  Until it is, the outcome is healed here and the SYN
 * retries come from total_retrans (syn_retries_of()), both counted.  Not
 * seen again since the per-socket state moved from socket storage to slots:
 * tests/scale/exact.sh checks that nothing is found late.
 */
static __always_inline void handle_destroy(const struct sock *sk)
{
	struct sock_state *st = state_of(sk);

	if (!st)
		return;
	if (st->phase == PHASE_CALL) {
		st->phase = PHASE_NONE;
		call_failed_early((__u64)sk, st->family, st->daddr, st->dport, st, 0);
	} else if (st->phase == PHASE_INFLIGHT) {
		if (!established_unseen(sk, st)) {
			count(COUNTER_OUTCOME_LATE);
			attempt_closed(sk, st);
		}
	} else if (st->phase == PHASE_OPEN) {
		count(COUNTER_CLOSE_UNSEEN);
		open_closed(sk, st);
	}
	slot_give(st);
}

/* fentry and kprobe modes: a connect call begins on sk, to the struct sockaddr at addr. */
static __always_inline void call_enter(const struct sock *sk, const void *addr, bool v6)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_call call = {};

	if (!task_wanted())
		return;
	call.sock = (__u64)sk;
	call.start_ns = bpf_ktime_get_ns();
	call.addr = (__u64)addr;
	call.v6 = v6;
	/* A call whose return was never seen is replaced, not nested into. */
	if (bpf_map_update_elem(&connect_calls, &tid, &call, BPF_ANY))
		count(COUNTER_CONNECT_CTX_FULL);
}

/* The destination of a call, from its struct sockaddr (kernel copy). */
static __always_inline int call_dst(struct connect_call *call)
{
	struct sockaddr_in6 sa = {};

	if (!call->addr || bpf_probe_read_kernel(&sa, sizeof(sa), (const void *)call->addr))
		return call->family ? 0 : -1;
	call->family = sa.sin6_family;
	call->dport = bpf_ntohs(sa.sin6_port);
	if (sa.sin6_family == AF_INET)
		__builtin_memcpy(call->daddr, &((struct sockaddr_in *)&sa)->sin_addr, 4);
	else if (sa.sin6_family == AF_INET6)
		__builtin_memcpy(call->daddr, &sa.sin6_addr, ADDR_LEN);
	else
		return -1;
	return 0;
}

/* Errors that are not a new attempt failing: the socket was already busy. */
static __always_inline bool is_attempt_error(long ret)
{
	return ret < 0 && ret != -EINPROGRESS && ret != -EALREADY && ret != -EISCONN &&
	       ret != -EINTR && ret != -ERESTARTSYS;
}

static __always_inline void call_delete(__u32 tid)
{
	if (bpf_map_delete_elem(&connect_calls, &tid))
		count(COUNTER_MAP_OP_FAILED);
}

/* The connect call of this thread returned ret. */
static __always_inline void call_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_call *call = bpf_map_lookup_elem(&connect_calls, &tid);
	struct sock_state task = {};

	if (!call)
		return;
	if (call->closed) {
		/* Its attempt closed inside the call: the errno is ret. */
		struct conn_event *ev = event_new(COUNTER_ATTEMPT_EVENTS, EVENT_ATTEMPT);

		if (ev) {
			__builtin_memcpy(ev, &call->ev, sizeof(*ev));
			ev->outcome = is_attempt_error(ret) ? OUTCOME_LOCAL_ERROR : OUTCOME_ABORTED;
			ev->error = is_attempt_error(ret) ? -ret : 0;
			ev->duration_ns = bpf_ktime_get_ns() - ev->ts_ns;
			bpf_ringbuf_submit(ev, wakeup_flags());
		}
	} else if (!call->syn_sent && is_attempt_error(ret) && !call_dst(call)) {
		/* Before SYN_SENT: the current task is the connecting one. */
		state_task(&task, call->start_ns);
		call_failed_early(call->sock, call->family, call->daddr, call->dport, &task, -ret);
	}
	call_delete(tid);
}

/* Which tcp_v4_connect calls are calls: not the one tcp_v6_connect makes. */
static __always_inline bool outer_v4_call(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_family) == AF_INET;
}

/* fentry mode */

SEC("fentry/tcp_v4_connect")
int BPF_PROG(fentry_tcp_v4_connect, struct sock *sk, struct sockaddr *uaddr)
{
	if (outer_v4_call(sk))
		call_enter(sk, uaddr, false);
	return 0;
}

SEC("fexit/tcp_v4_connect")
int BPF_PROG(fexit_tcp_v4_connect, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	if (outer_v4_call(sk))
		call_exit(ret);
	return 0;
}

SEC("fentry/tcp_v6_connect")
int BPF_PROG(fentry_tcp_v6_connect, struct sock *sk, struct sockaddr *uaddr)
{
	call_enter(sk, uaddr, true);
	return 0;
}

SEC("fexit/tcp_v6_connect")
int BPF_PROG(fexit_tcp_v6_connect, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	call_exit(ret);
	return 0;
}

/* kprobe mode */

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(kprobe_tcp_v4_connect, struct sock *sk, struct sockaddr *uaddr)
{
	if (outer_v4_call(sk))
		call_enter(sk, uaddr, false);
	return 0;
}

/* The return of the tcp_v4_connect that tcp_v6_connect made is not a call's. */
static __always_inline bool inner_v4_return(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_call *call = bpf_map_lookup_elem(&connect_calls, &tid);

	return call && call->v6;
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(kretprobe_tcp_v4_connect, int ret)
{
	if (!inner_v4_return())
		call_exit(ret);
	return 0;
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(kprobe_tcp_v6_connect, struct sock *sk, struct sockaddr *uaddr)
{
	call_enter(sk, uaddr, true);
	return 0;
}

SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(kretprobe_tcp_v6_connect, int ret)
{
	call_exit(ret);
	return 0;
}

/* tracepoint mode */

/*
 * The start of a connect call, on the cgroup v2 root: runs for connect()
 * calls only, inside the call, with the socket locked.  Never denies.
 */
static __always_inline void connect_hook(struct bpf_sock_addr *ctx, __u8 family)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_call call = {};
	struct sock_state *st;
	struct bpf_sock *sk = ctx->sk;
	__u16 dport = bpf_ntohs((__u16)ctx->user_port);
	__u8 daddr[ADDR_LEN] = {};

	__u8 wanted_family = family, wanted_daddr[ADDR_LEN];

	if (!sk || ctx->protocol != IPPROTO_TCP)
		return;
	if (family == AF_INET) {
		*(__u32 *)daddr = ctx->user_ip4;
	} else {
		((__u32 *)daddr)[0] = ctx->user_ip6[0];
		((__u32 *)daddr)[1] = ctx->user_ip6[1];
		((__u32 *)daddr)[2] = ctx->user_ip6[2];
		((__u32 *)daddr)[3] = ctx->user_ip6[3];
	}
	__builtin_memcpy(wanted_daddr, daddr, ADDR_LEN);
	unmap_v4(&wanted_family, NULL, wanted_daddr);
	if (!attempt_wanted(wanted_family, wanted_daddr, dport))
		return;
	if (track_calls) {
		call.sock = (__u64)sk;
		call.start_ns = bpf_ktime_get_ns();
		call.family = family;
		call.dport = dport;
		__builtin_memcpy(call.daddr, daddr, ADDR_LEN);
		if (bpf_map_update_elem(&connect_calls, &tid, &call, BPF_ANY))
			count(COUNTER_CONNECT_CTX_FULL);
		return;
	}
	st = slot_take(bpf_get_socket_cookie(ctx));
	if (!st)
		return;
	if (st->phase == PHASE_CALL) { /* the last call on it failed before SYN_SENT */
		st->phase = PHASE_NONE;
		call_failed_early((__u64)sk, st->family, st->daddr, st->dport, st, 0);
	}
	if (st->phase != PHASE_NONE)
		return; /* followed already: not a new call (EALREADY, EISCONN) */
	state_task(st, bpf_ktime_get_ns());
	st->family = family;
	st->dport = dport;
	__builtin_memcpy(st->daddr, daddr, ADDR_LEN);
	st->phase = PHASE_CALL;
}

SEC("cgroup/connect4")
int cgroup_connect4(struct bpf_sock_addr *ctx)
{
	connect_hook(ctx, AF_INET);
	return 1;
}

SEC("cgroup/connect6")
int cgroup_connect6(struct bpf_sock_addr *ctx)
{
	connect_hook(ctx, AF_INET6);
	return 1;
}

/*
 * The cookie of a getsockopt() call's socket, 0 if it has none: no helper
 * gives it to these programs, so it is read from the struct sock (the
 * pointer copied first: the verifier allows no arithmetic on it).
 */
static __always_inline __u64 sockopt_cookie(struct bpf_sockopt *ctx)
{
	__u64 sk = (__u64)ctx->sk, addr = 0;

	if (bpf_probe_read_kernel(&addr, sizeof(addr), &sk))
		return 0;
	return BPF_CORE_READ((struct sock *)addr, __sk_common.skc_cookie.counter);
}

/*
 * An ICMP error that arrives while connect() holds the socket is only a
 * soft error, which SO_ERROR hands to the application and clears: remember
 * what it handed over.  On the cgroup v2 root; paid by getsockopt() calls
 * only; never changes what the caller gets.
 */
static __always_inline void so_error_seen(struct bpf_sockopt *ctx)
{
	int *value = ctx->optval;
	struct sock_state *st;

	if (ctx->level != SOL_SOCKET || ctx->optname != SO_ERROR || !ctx->sk)
		return;
	if ((void *)(value + 1) > ctx->optval_end || *value <= 0)
		return;
	st = slot_find(sockopt_cookie(ctx));
	if (st && st->phase == PHASE_INFLIGHT)
		st->soft_error = *value;
}

SEC("cgroup/getsockopt")
int cgroup_getsockopt(struct bpf_sockopt *ctx)
{
	so_error_seen(ctx);
	return 1;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int tp_sys_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	call_exit(ctx->ret);
	return 0;
}

/*
 * State changes, retransmits and destructions, all modes: each as a first
 * program and its takeover.
 */

/*
 * The first program notes the firing it handles; the takeover, which runs
 * after it in every firing, does the work when its firing is not the one on
 * top: then the first was skipped, busy on this CPU (this firing interrupted
 * it anywhere between its start and its end, the kernel's own bookkeeping
 * included).
 */
/* This CPU's firings of tp. */
static __always_inline struct firings *firings_of(enum tp tp)
{
	struct busy *busy = busy_here();

	return busy && tp < TP__COUNT ? &busy->tp[tp] : NULL;
}

static __always_inline void first_ran(enum tp tp, __u64 a, __u64 b)
{
	struct firings *f = firings_of(tp);
	__u32 i;

	if (!f)
		return;
	/*
	 * A firing that interrupts the takeover has its own takeover skipped
	 * by the kernel: nothing would take its entry off, and once left under
	 * the top it could pass for a later firing of the same socket and
	 * transition whose first program was skipped.  So it pushes none.
	 */
	if (f->takeover)
		return;
	/* The place first: a firing that interrupts the writes takes the next one. */
	i = f->top++ & (FIRINGS - 1);
	asm volatile("" ::: "memory");
	f->a[i] = a;
	f->b[i] = b;
}

static __always_inline bool first_skipped(struct firings *f, __u64 a, __u64 b)
{
	__u32 i, n;

	if (!f)
		return false;
	/*
	 * Its own firing is on top, or under the firings of others whose
	 * takeover was skipped (they interrupted a takeover): those go too.
	 */
	for (n = 1; n <= FIRINGS && n <= f->top; n++) {
		i = (f->top - n) & (FIRINGS - 1);
		if (f->a[i] == a && f->b[i] == b) {
			f->top -= n;
			return false;
		}
	}
	return true;
}

/*
 * Every firing goes through the bookkeeping, wanted or not: a takeover
 * that finds the first skipped counts the firing handled even where there
 * is nothing to do, or the accounting would report the first's misses on
 * ignored transitions as lost runs.  Only then do both leave where wanted
 * is false.
 */
#define FIRST(tp, wanted, a, b, work) \
	do {                          \
		first_ran(tp, a, b);  \
		if (!(wanted))        \
			return 0;     \
		work;                 \
	} while (0)

/* The takeover says on its firings that it runs: see first_ran(). */
#define TAKEOVER(tp, wanted, a, b, counter, work)    \
	do {                                         \
		struct firings *f_ = firings_of(tp); \
                                                     \
		if (f_)                              \
			f_->takeover = 1;            \
		if (first_skipped(f_, a, b)) {       \
			count(counter);              \
			if (wanted)                  \
				work;                \
		}                                    \
		if (f_)                              \
			f_->takeover = 0;            \
	} while (0)

/* One firing of inet_sock_set_state: the socket and its transition. */
#define TRANSITION(o, n) ((__u64)(__u32)(o) << 32 | (__u32)(n))

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(btf_inet_sock_set_state, const struct sock *sk, int oldstate, int newstate)
{
	FIRST(TP_STATE, set_state_wanted(sk, oldstate, newstate), (__u64)sk,
	      TRANSITION(oldstate, newstate), handle_set_state(sk, oldstate, newstate));
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(btf_inet_sock_set_state_takeover, const struct sock *sk, int oldstate, int newstate)
{
	TAKEOVER(TP_STATE, set_state_wanted(sk, oldstate, newstate), (__u64)sk,
		 TRANSITION(oldstate, newstate), COUNTER_TAKEOVER_STATE,
		 handle_set_state(sk, oldstate, newstate));
	return 0;
}

/* Not its err argument (6.18): older kernels have only sk and skb. */
SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(btf_tcp_retransmit_skb, const struct sock *sk, const struct sk_buff *skb)
{
	FIRST(TP_RETRANSMIT, retransmit_wanted(sk), (__u64)sk, (__u64)skb, handle_retransmit(sk));
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(btf_tcp_retransmit_skb_takeover, const struct sock *sk, const struct sk_buff *skb)
{
	TAKEOVER(TP_RETRANSMIT, retransmit_wanted(sk), (__u64)sk, (__u64)skb,
		 COUNTER_TAKEOVER_RETRANSMIT, handle_retransmit(sk));
	return 0;
}

SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(btf_tcp_destroy_sock, const struct sock *sk)
{
	FIRST(TP_DESTROY, has_cookie(sk), (__u64)sk, 0, handle_destroy(sk));
	return 0;
}

SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(btf_tcp_destroy_sock_takeover, const struct sock *sk)
{
	TAKEOVER(TP_DESTROY, has_cookie(sk), (__u64)sk, 0, COUNTER_TAKEOVER_DESTROY,
		 handle_destroy(sk));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
