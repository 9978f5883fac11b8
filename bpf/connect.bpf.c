// SPDX-License-Identifier: GPL-2.0-only
/*
 * The connect tracer: follows every outgoing TCP connect from its start to
 * its outcome, counts its SYN retransmissions, and follows established
 * connections until they close.
 *
 * Three attach modes share one body; userspace loads only one mode's entry
 * points:
 *  - fentry/fexit on tcp_v4_connect/tcp_v6_connect,
 *  - kprobe/kretprobe on the same functions,
 *  - tracepoints only: syscalls:sys_enter_connect/sys_exit_connect.
 * All modes use sock:inet_sock_set_state and tcp:tcp_retransmit_skb
 * (tp_btf where the kernel has BTF for them, else raw_tp).
 *
 * The start of an attempt is the CLOSE -> SYN_SENT transition, in the
 * connecting thread; its end is the next transition to ESTABLISHED or CLOSE,
 * often in softirq or timer context.  The connect call (function or syscall)
 * adds what the state changes cannot tell: the errno of a connect that failed
 * locally.
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
#define S_IFMT	       00170000
#define S_IFSOCK       0140000
#define SS_UNCONNECTED 1
#define ERESTARTSYS    512 /* kernel-internal, include/linux/errno.h */

/* Set by userspace before load. */
const volatile __u32 filter_tgid = 0;
const volatile __u16 filter_dport = 0;
const volatile __u8 filter_family = 0;
const volatile __u8 filter_dst = 0; /* destinations must match dst_filter */
const volatile char filter_comm[COMM_LEN] = {};
const volatile __u64 wakeup_bytes = 256 * 1024;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, DEFAULT_RINGBUF_MB << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_MAX_INFLIGHT);
	__type(key, __u64);
	__type(value, struct inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_MAX_INFLIGHT);
	__type(key, __u32);
	__type(value, struct connect_call);
} connect_calls SEC(".maps");

/* Established connections being followed. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_MAX_OPEN);
	__type(key, __u64);
	__type(value, struct open_conn);
} open_conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, COUNTER__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct dst_key);
	__type(value, __u8);
} dst_filter SEC(".maps");

static __always_inline void count(enum counter which)
{
	__u32 key = which;
	__u64 *value = bpf_map_lookup_elem(&counters, &key);

	if (value)
		*value += 1;
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
 * The source port.  Not skc_num: inet_put_port() clears that before the
 * transition to CLOSE is traced; inet_sport keeps it.
 */
static __always_inline __u16 sock_sport(const struct sock *sk)
{
	return bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
}

/* Addresses and ports of a socket, in the byte orders connect.h states. */
static __always_inline void sock_addrs(const struct sock *sk, __u8 *family, __u8 *saddr,
				       __u8 *daddr, __u16 *sport, __u16 *dport)
{
	*family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (*family == AF_INET) {
		bpf_core_read(saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(daddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(saddr, ADDR_LEN, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(daddr, ADDR_LEN, &sk->__sk_common.skc_v6_daddr);
	}
	*sport = sock_sport(sk);
	*dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	unmap_v4(family, saddr, daddr);
}

static __always_inline __u32 sock_netns(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

static __always_inline bool is_tcp(const struct sock *sk)
{
	/* A bitfield before 5.6 (bf9765145b85), a __u16 since: read it either way. */
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) == IPPROTO_TCP;
}

/* The task and socket facts of a new attempt, as seen by the connecting thread. */
static __always_inline void attempt_init(struct inflight *e, const struct sock *sk, __u64 now)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	e->start_ns = now;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->netns = sock_netns(sk);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	sock_addrs(sk, &e->family, e->saddr, e->daddr, &e->sport, &e->dport);
}

static __always_inline long wakeup_flags(void)
{
	/* Wake userspace only when there is a batch to read; it also polls. */
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline struct conn_event *event_reserve(enum counter produced)
{
	struct conn_event *ev;

	count(produced);
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev)
		count(COUNTER_RINGBUF_FULL);
	return ev;
}

static __always_inline void event_fill(struct conn_event *ev, __u64 sk, const struct inflight *e)
{
	ev->sock = sk;
	ev->ts_ns = e->start_ns;
	ev->cgroup_id = e->cgroup_id;
	ev->pid = e->pid;
	ev->tid = e->tid;
	ev->netns = e->netns;
	ev->family = e->family;
	ev->dport = e->dport;
	__builtin_memcpy(ev->saddr, e->saddr, ADDR_LEN);
	__builtin_memcpy(ev->daddr, e->daddr, ADDR_LEN);
	__builtin_memcpy(ev->comm, e->comm, COMM_LEN);
	ev->syn_retries = e->syn_retries > 255 ? 255 : e->syn_retries;
}

/*
 * The SYN retransmissions of an attempt: the kernel's own count for the
 * socket (total_retrans: before the handshake only SYNs are retransmitted),
 * or the retransmits traced, whichever is larger.  The tracepoint alone
 * missed a retransmission that TcpExtTCPSynRetrans counted (seen once on
 * 6.18 under load).
 */
static __always_inline __u8 syn_retries_of(const struct sock *sk, __u16 traced)
{
	__u32 counted = BPF_CORE_READ((const struct tcp_sock *)sk, total_retrans);

	if (counted < traced)
		counted = traced;
	return counted > 255 ? 255 : counted;
}

/*
 * Send the outcome of an attempt, and forget the attempt when it was in the
 * in-flight map (after copying it, before publishing it: userspace must not
 * find it in flight once it has read its outcome).  sk is NULL for calls that
 * failed before their socket had a state.
 */
static __always_inline void attempt_emit(const struct sock *sk, const struct inflight *e,
					 enum outcome outcome, int error, bool forget)
{
	struct conn_event *ev = event_reserve(COUNTER_ATTEMPT_EVENTS);
	__u64 key = (__u64)sk;

	if (ev) {
		event_fill(ev, key, e);
		ev->kind = EVENT_ATTEMPT;
		ev->outcome = outcome;
		ev->error = error;
		ev->duration_ns = bpf_ktime_get_ns() - e->start_ns;
		/* Only the source port is new: a failing tcp_v4_connect()
		 * clears the destination port before its return is seen. */
		if (sk) {
			ev->sport = sock_sport(sk);
			ev->syn_retries = syn_retries_of(sk, e->syn_retries);
		}
	}
	if (forget)
		bpf_map_delete_elem(&inflight, &key);
	if (ev)
		bpf_ringbuf_submit(ev, wakeup_flags());
}

/* CLOSE -> SYN_SENT: a new attempt, in the connecting thread. */
static __always_inline void attempt_start(const struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight e = {};
	struct connect_call *call;
	__u64 key = (__u64)sk;

	attempt_init(&e, sk, bpf_ktime_get_ns());
	if (!attempt_wanted(e.family, e.daddr, e.dport))
		return;
	call = bpf_map_lookup_elem(&connect_calls, &tid);
	/* The tracepoint mode learns the call's socket here. */
	if (call && (call->sock == key || !call->sock)) {
		call->sock = key;
		call->syn_sent = 1;
		e.in_connect = 1;
		if (call->start_ns)
			e.start_ns = call->start_ns;
	}
	if (bpf_map_update_elem(&inflight, &key, &e, BPF_ANY))
		count(COUNTER_INFLIGHT_FULL);
}

/* Follow an established connection until it closes; its destination is kept. */
static __always_inline void open_track(const struct sock *sk, const struct inflight *e)
{
	struct open_conn conn = {};
	__u64 key = (__u64)sk;

	conn.established_ns = bpf_ktime_get_ns();
	conn.netns = e->netns;
	conn.family = e->family;
	conn.dport = e->dport;
	conn.sport = sock_sport(sk);
	__builtin_memcpy(conn.daddr, e->daddr, ADDR_LEN);
	if (bpf_map_update_elem(&open_conns, &key, &conn, BPF_ANY))
		count(COUNTER_OPEN_FULL);
}

/* A followed attempt reached ESTABLISHED. */
static __always_inline void attempt_established(const struct sock *sk, struct inflight *e)
{
	struct inflight copy = *e;

	attempt_emit(sk, e, OUTCOME_ESTABLISHED, 0, true);
	open_track(sk, &copy);
}

/*
 * A followed attempt reached CLOSE: sk_err tells why, if anything does.
 *
 * An ICMP error that arrives while the socket is locked (often during
 * connect() itself on fast paths) only sets sk_err_soft; the kernel reports
 * it when its retries run out, but the application may read it first with
 * SO_ERROR, which clears it, and close the socket.  So sk_err_soft is also
 * remembered whenever the attempt is seen (connect's return, retransmits).
 */
static __always_inline void attempt_closed(const struct sock *sk, struct inflight *e)
{
	int error = BPF_CORE_READ(sk, sk_err);

	if (!error && e->in_connect) {
		/* Failed inside tcp_v*_connect (no port, no route, ...) or the
		 * caller's own doing: connect()'s return value decides. */
		e->closed_in_connect = 1;
		return;
	}
	if (!error)
		error = BPF_CORE_READ(sk, sk_err_soft) ?: e->soft_error;
	if (error)
		attempt_emit(sk, e, outcome_of_sk_error(error), error, true);
	else
		attempt_emit(sk, e, OUTCOME_ABORTED, 0, true);
}

/* An established connection we followed is gone: send its close. */
static __always_inline void open_gone(__u64 key, const struct open_conn *conn)
{
	struct conn_event *ev = event_reserve(COUNTER_CLOSE_EVENTS);
	__u64 now = bpf_ktime_get_ns();

	if (ev) {
		ev->sock = key;
		ev->ts_ns = now;
		ev->duration_ns = now - conn->established_ns;
		ev->netns = conn->netns;
		ev->family = conn->family;
		ev->sport = conn->sport;
		ev->dport = conn->dport;
		__builtin_memcpy(ev->daddr, conn->daddr, ADDR_LEN);
		ev->kind = EVENT_CLOSE;
		bpf_ringbuf_submit(ev, wakeup_flags());
	}
	bpf_map_delete_elem(&open_conns, &key);
}

static __always_inline void open_closed(const struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct open_conn *conn = bpf_map_lookup_elem(&open_conns, &key);

	if (conn)
		open_gone(key, conn);
}

/*
 * A new attempt on a socket address we still follow as open: that
 * connection's close was not seen (its run was skipped), yet its socket was
 * freed and reused.  Close it now so the open gauge heals.
 */
static __always_inline void open_reused(const struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct open_conn *conn = bpf_map_lookup_elem(&open_conns, &key);

	if (!conn)
		return;
	count(COUNTER_CLOSE_UNSEEN);
	open_gone(key, conn);
}

static __always_inline void handle_set_state(const struct sock *sk, int oldstate, int newstate)
{
	struct inflight *e;
	__u64 key = (__u64)sk;

	/* Most transitions matter to no one here: leave before reading anything. */
	if (newstate != TCP_ESTABLISHED && newstate != TCP_CLOSE &&
	    !(oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT))
		return;
	if (!is_tcp(sk))
		return;
	if (newstate == TCP_SYN_SENT) {
		open_reused(sk);
		attempt_start(sk);
		return;
	}
	e = bpf_map_lookup_elem(&inflight, &key);
	if (e && newstate == TCP_ESTABLISHED)
		attempt_established(sk, e);
	else if (e)
		attempt_closed(sk, e);
	else if (newstate == TCP_CLOSE)
		open_closed(sk);
}

static __always_inline void handle_retransmit(const struct sock *sk)
{
	__u64 key = (__u64)sk, now = bpf_ktime_get_ns();
	struct conn_event *ev;
	struct inflight *e;

	if (BPF_CORE_READ(sk, __sk_common.skc_state) != TCP_SYN_SENT)
		return;
	e = bpf_map_lookup_elem(&inflight, &key);
	if (!e)
		return;
	e->syn_retries++;
	e->last_retransmit_ns = now;
	e->sport = sock_sport(sk);
	e->soft_error = BPF_CORE_READ(sk, sk_err_soft) ?: e->soft_error;
	ev = event_reserve(COUNTER_RETRANSMIT_EVENTS);
	if (!ev)
		return;
	event_fill(ev, key, e);
	ev->kind = EVENT_SYN_RETRANSMIT;
	ev->duration_ns = now - e->start_ns;
	ev->sport = e->sport;
	bpf_ringbuf_submit(ev, wakeup_flags());
}

/* A connect call begins, on socket sk if known, to the struct sockaddr at addr. */
static __always_inline void call_enter(const struct sock *sk, const void *addr, bool user, int fd)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_call *found, call = {};

	found = bpf_map_lookup_elem(&connect_calls, &tid);
	if (found && sk && found->sock == (__u64)sk) {
		found->depth++;
		return;
	}
	if (!task_wanted())
		return;
	call.sock = (__u64)sk;
	call.start_ns = bpf_ktime_get_ns();
	call.addr = (__u64)addr;
	call.user = user;
	call.fd = fd;
	call.depth = 1;
	if (bpf_map_update_elem(&connect_calls, &tid, &call, BPF_ANY))
		count(COUNTER_CONNECT_CTX_FULL);
}

/* The destination of a call, from its struct sockaddr (user or kernel copy). */
static __always_inline int read_sockaddr(struct inflight *e, const struct connect_call *call)
{
	const void *addr = (const void *)call->addr;
	struct sockaddr_in6 sa = {};
	long err;

	err = call->user ? bpf_probe_read_user(&sa, sizeof(sa), addr)
			 : bpf_probe_read_kernel(&sa, sizeof(sa), addr);
	if (err)
		return -1;
	e->family = sa.sin6_family;
	e->dport = bpf_ntohs(sa.sin6_port);
	__builtin_memset(e->daddr, 0, ADDR_LEN);
	if (sa.sin6_family == AF_INET)
		__builtin_memcpy(e->daddr, &((struct sockaddr_in *)&sa)->sin_addr, 4);
	else if (sa.sin6_family == AF_INET6)
		__builtin_memcpy(e->daddr, &sa.sin6_addr, ADDR_LEN);
	else
		return -1;
	unmap_v4(&e->family, NULL, e->daddr);
	return 0;
}

/* Errors that are not a new attempt failing: the socket was already busy. */
static __always_inline bool is_attempt_error(long ret)
{
	return ret < 0 && ret != -EINPROGRESS && ret != -EALREADY && ret != -EISCONN &&
	       ret != -EINTR && ret != -ERESTARTSYS;
}

/* The TCP socket behind a file descriptor of the current task, if it is one. */
static __always_inline const struct sock *tcp_sock_of_fd(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file **fds, *file;
	struct socket *sock;
	const struct sock *sk;
	umode_t mode;

	if (fd < 0 || fd >= BPF_CORE_READ(task, files, fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(task, files, fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock || BPF_CORE_READ(sock, state) != SS_UNCONNECTED)
		return NULL;
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || !is_tcp(sk))
		return NULL;
	return sk;
}

/*
 * A call that failed before its socket reached SYN_SENT: no route, bad
 * address, ...  In the tracepoint mode the socket is found from the
 * descriptor now, which also tells whether it is TCP at all.
 */
static __always_inline void call_failed_early(const struct connect_call *call, long ret)
{
	const struct sock *sk = (const struct sock *)call->sock;
	struct inflight e = {};

	if (!sk && call->fd >= 0)
		sk = tcp_sock_of_fd(call->fd);
	if (!sk)
		return;
	attempt_init(&e, sk, call->start_ns);
	if (read_sockaddr(&e, call) || !attempt_wanted(e.family, e.daddr, e.dport))
		return;
	attempt_emit(NULL, &e, OUTCOME_LOCAL_ERROR, -ret, false);
}

/* The connect call returned ret. */
static __always_inline void call_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	const struct sock *sk;
	struct connect_call *call;
	struct inflight *e;

	call = bpf_map_lookup_elem(&connect_calls, &tid);
	if (!call)
		return;
	if (--call->depth > 0)
		return;
	if (!call->syn_sent) {
		if (is_attempt_error(ret))
			call_failed_early(call, ret);
		goto out_delete;
	}
	sk = (const struct sock *)call->sock;
	e = bpf_map_lookup_elem(&inflight, &call->sock);
	if (!e)
		goto out_delete;
	if (!e->closed_in_connect) {
		/* The SYN is out: its source port is known now. */
		e->in_connect = 0;
		e->sport = sock_sport(sk);
		e->soft_error = BPF_CORE_READ(sk, sk_err_soft);
	} else if (is_attempt_error(ret))
		attempt_emit(sk, e, OUTCOME_LOCAL_ERROR, -ret, true);
	else
		attempt_emit(sk, e, OUTCOME_ABORTED, 0, true);
out_delete:
	bpf_map_delete_elem(&connect_calls, &tid);
}

/* fentry mode */

SEC("fentry/tcp_v4_connect")
int BPF_PROG(fentry_tcp_v4_connect, struct sock *sk, struct sockaddr *uaddr)
{
	call_enter(sk, uaddr, false, -1);
	return 0;
}

SEC("fexit/tcp_v4_connect")
int BPF_PROG(fexit_tcp_v4_connect, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	call_exit(ret);
	return 0;
}

SEC("fentry/tcp_v6_connect")
int BPF_PROG(fentry_tcp_v6_connect, struct sock *sk, struct sockaddr *uaddr)
{
	call_enter(sk, uaddr, false, -1);
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
	call_enter(sk, uaddr, false, -1);
	return 0;
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(kretprobe_tcp_v4_connect, int ret)
{
	call_exit(ret);
	return 0;
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(kprobe_tcp_v6_connect, struct sock *sk, struct sockaddr *uaddr)
{
	call_enter(sk, uaddr, false, -1);
	return 0;
}

SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(kretprobe_tcp_v6_connect, int ret)
{
	call_exit(ret);
	return 0;
}

/* tracepoint mode */

SEC("tracepoint/syscalls/sys_enter_connect")
int tp_sys_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	/* Which socket, and whether TCP at all, is found out only if needed. */
	call_enter(NULL, (const void *)ctx->args[1], true, (int)ctx->args[0]);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int tp_sys_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	call_exit(ctx->ret);
	return 0;
}

/* State changes and retransmits, all modes */

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(btf_inet_sock_set_state, const struct sock *sk, int oldstate, int newstate)
{
	handle_set_state(sk, oldstate, newstate);
	return 0;
}

SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(raw_inet_sock_set_state, const struct sock *sk, int oldstate, int newstate)
{
	handle_set_state(sk, oldstate, newstate);
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(btf_tcp_retransmit_skb, const struct sock *sk)
{
	handle_retransmit(sk);
	return 0;
}

SEC("raw_tp/tcp_retransmit_skb")
int BPF_PROG(raw_tcp_retransmit_skb, const struct sock *sk)
{
	handle_retransmit(sk);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
