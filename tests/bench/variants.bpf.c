// SPDX-License-Identifier: GPL-2.0-only
/*
 * One step of synscope's per-socket bookkeeping at a time, for make bench's
 * helper (tests/bench/benchbpf.c variant, tests/bench/variants.sh): each
 * program does one thing on the hook where synscope's tracepoint mode does
 * it, so that kernel.bpf_stats_enabled under the connect loop tells what
 * that one thing costs per connection.
 *
 * On cgroup/connect4 (synscope's start of a connect call):
 *   storage_new   create the socket's local storage (bpf_sk_storage_get
 *                 with F_CREATE), as synscope's connect4 hook does
 *   storage_fill  the same, and write the task's facts into it
 *   task_fill     the task's facts into a per-CPU array value: the facts
 *                 without any allocation
 *   hash_insert   a preallocated hash element keyed by the socket cookie
 *   slot_claim    a preallocated array slot indexed by the socket cookie,
 *                 claimed with a compare-and-swap, and the task's facts
 *   spin_pair     one bpf_spin_lock and unlock (interrupts off between):
 *                 the price of the locks inside the map operations
 * On tp_btf/tcp_destroy_sock (synscope's end of a socket; every TCP socket):
 *   hash_delete   the hash element of the socket's cookie goes
 *   slot_release  the socket's slot is given back
 *   destroy_empty returns at once: the floor of this hook
 *
 * All of them allow every connect.  The socket's local storage is freed by
 * the kernel when the socket goes (bpf_sk_storage_free()), outside any
 * program: bpf_stats does not see that part, a profile does.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define SLOTS	    131072 /* a power of two, like synscope's --max-inflight */
#define SLOT_FREE   0
#define STORAGE_NEW 1 /* BPF_SK_STORAGE_GET_F_CREATE */

/* As big as synscope's struct sock_state. */
struct facts {
	__u64 start_ns;
	__u64 established_ns;
	__u64 cgroup_id;
	__u32 pid;
	__u32 tid;
	__u8 daddr[16];
	__u8 rest[8];
	char comm[16];
};

struct slot {
	__u64 cookie; /* SLOT_FREE, or the socket's that holds it */
	struct facts facts;
};

struct lock {
	struct bpf_spin_lock lock;
	__u64 taken;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct facts);
} storage SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct facts);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLOTS);
	__type(key, __u64);
	__type(value, struct facts);
} by_cookie SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOTS);
	__type(key, __u32);
	__type(value, struct slot);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lock);
} locks SEC(".maps");

/* Slots already held by another socket when claimed. */
__u64 slots_busy = 0;

/* What synscope's state_task() writes. */
static __always_inline void facts_fill(struct facts *f)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	f->start_ns = bpf_ktime_get_ns();
	f->pid = pid_tgid >> 32;
	f->tid = (__u32)pid_tgid;
	f->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(f->comm, sizeof(f->comm));
}

static __always_inline struct facts *storage_new_of(struct bpf_sock_addr *ctx)
{
	if (!ctx->sk)
		return NULL;
	return bpf_sk_storage_get(&storage, ctx->sk, NULL, STORAGE_NEW);
}

static __always_inline struct slot *slot_of(__u64 cookie)
{
	__u32 key = cookie & (SLOTS - 1);

	return bpf_map_lookup_elem(&slots, &key);
}

SEC("cgroup/connect4")
int storage_new(struct bpf_sock_addr *ctx)
{
	struct facts *f = storage_new_of(ctx);

	if (f)
		f->rest[0] = 1;
	return 1;
}

SEC("cgroup/connect4")
int storage_fill(struct bpf_sock_addr *ctx)
{
	struct facts *f = storage_new_of(ctx);

	if (f)
		facts_fill(f);
	return 1;
}

SEC("cgroup/connect4")
int task_fill(struct bpf_sock_addr *ctx)
{
	__u32 zero = 0;
	struct facts *f = bpf_map_lookup_elem(&scratch, &zero);

	if (f)
		facts_fill(f);
	return 1;
}

SEC("cgroup/connect4")
int hash_insert(struct bpf_sock_addr *ctx)
{
	__u64 cookie = bpf_get_socket_cookie(ctx);
	struct facts f = {};

	f.rest[0] = 1;
	bpf_map_update_elem(&by_cookie, &cookie, &f, BPF_ANY);
	return 1;
}

SEC("cgroup/connect4")
int slot_claim(struct bpf_sock_addr *ctx)
{
	__u64 cookie = bpf_get_socket_cookie(ctx);
	struct slot *s = slot_of(cookie);

	if (!s)
		return 1;
	if (__sync_val_compare_and_swap(&s->cookie, SLOT_FREE, cookie) != SLOT_FREE) {
		__sync_fetch_and_add(&slots_busy, 1);
		return 1;
	}
	facts_fill(&s->facts);
	return 1;
}

SEC("cgroup/connect4")
int spin_pair(struct bpf_sock_addr *ctx)
{
	__u32 zero = 0;
	struct lock *l = bpf_map_lookup_elem(&locks, &zero);

	if (!l)
		return 1;
	bpf_spin_lock(&l->lock);
	l->taken++;
	bpf_spin_unlock(&l->lock);
	return 1;
}

SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(hash_delete, struct sock *sk)
{
	__u64 cookie = bpf_get_socket_cookie(sk);

	bpf_map_delete_elem(&by_cookie, &cookie);
	return 0;
}

/* The cookie as a plain load: 0 when no one asked for one (not ours). */
SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(slot_release, struct sock *sk)
{
	__u64 cookie = sk->__sk_common.skc_cookie.counter;
	struct slot *s;

	if (!cookie)
		return 0;
	s = slot_of(cookie);
	if (s && s->cookie == cookie)
		__sync_val_compare_and_swap(&s->cookie, cookie, SLOT_FREE);
	return 0;
}

SEC("tp_btf/tcp_destroy_sock")
int destroy_empty(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
