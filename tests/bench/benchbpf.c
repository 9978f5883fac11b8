// SPDX-License-Identifier: GPL-2.0-only
/*
 * benchbpf: the BPF side of make bench (tests/bench/run.sh, tests/bench/vm.sh).
 *
 *   progs                 every BPF program loaded: "id type name run_cnt
 *                         run_time_ns recursion_misses", one a line (for the
 *                         VM, which has no bpftool)
 *   floor CGROUP          four of hooks.bpf.c's programs, which return at
 *                         once: on tp_btf/inet_sock_set_state and, on
 *                         CGROUP, cgroup_skb ingress and egress and
 *                         cgroup/connect4 (one of each program type);
 *                         says "floor: attached" on stderr and holds them
 *                         until SIGINT or SIGTERM.  Under
 *                         kernel.bpf_stats_enabled their ns per run is the
 *                         floor of bpf_stats on these hooks
 *   variant CGROUP PROGRAM...
 *                         the named programs of variants.bpf.c (one step
 *                         of synscope's per-socket bookkeeping each), on
 *                         CGROUP for cgroup programs; says "variant:
 *                         attached" on stderr and holds them until SIGINT
 *                         or SIGTERM
 *   hooks CGROUP [--no-dns]
 *                         programs that return at once (hooks.bpf.c) on
 *                         every hook of synscope's tracepoint mode, as many
 *                         on each as synscope (the DNS capture's two left
 *                         out with --no-dns), the cgroup ones on CGROUP;
 *                         says "hooks: attached" on stderr and holds them
 *                         until SIGINT or SIGTERM: what the hooks alone cost
 *   test-run DNS_OBJECT [REPEAT]
 *                         BPF_PROG_TEST_RUN of DNS_OBJECT's cgroup_skb
 *                         programs (synscope's build/dns.bpf.o) and of the
 *                         empty one (hooks_dns_egress), on packets that are not DNS, REPEAT
 *                         runs each (default 10000000; the kernel reads the
 *                         clock before and after the whole batch, not per
 *                         run), TRIALS times in turn: "test_run PROGRAM
 *                         PACKET REPEAT NS_PER_RUN RETVAL", one a line
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "tests/hooks.skel.h"
#include "tests/variants.skel.h"

#define TRIALS	       5
#define DEFAULT_REPEAT 10000000U
#define PAYLOAD_LEN    32
#define SPORT	       40000
#define MAX_VARIANTS   8
#define MAX_HOOKS      16

static int complain(const char *what, int err)
{
	fprintf(stderr, "benchbpf: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

/* --- progs ------------------------------------------------------------------ */

/*
 * full_name: the program's function name from its BTF (the kernel's name
 * keeps 15 characters: kretprobe_tcp_v4_connect and _v6_ look alike), or
 * the short one.
 */
static void full_name(int fd, const struct bpf_prog_info *info, char *name, size_t size)
{
	struct bpf_func_info func = {};
	struct bpf_prog_info more = {
		.nr_func_info = 1,
		.func_info_rec_size = sizeof(func),
		.func_info = (__u64)(unsigned long)&func,
	};
	__u32 len = sizeof(more);
	const struct btf_type *t;
	struct btf *btf;

	snprintf(name, size, "%s", info->name[0] ? info->name : "-");
	if (!info->btf_id || !info->nr_func_info || bpf_obj_get_info_by_fd(fd, &more, &len))
		return;
	btf = btf__load_from_kernel_by_id(info->btf_id);
	if (!btf)
		return;
	t = btf__type_by_id(btf, func.type_id);
	if (t)
		snprintf(name, size, "%s", btf__name_by_offset(btf, t->name_off));
	btf__free(btf);
}

static int print_prog(__u32 id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	const char *type;
	char name[128];
	int fd, err;

	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno; /* unloaded meanwhile */
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (!err)
		full_name(fd, &info, name, sizeof(name));
	close(fd);
	if (err)
		return -errno;
	type = libbpf_bpf_prog_type_str(info.type);
	printf("%u %s %s %llu %llu %llu\n", id, type ? type : "unknown", name,
	       (unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns,
	       (unsigned long long)info.recursion_misses);
	return 0;
}

static int cmd_progs(int argc, char **argv)
{
	__u32 id = 0;
	int err;

	(void)argc;
	(void)argv;
	while (!bpf_prog_get_next_id(id, &id)) {
		err = print_prog(id);
		if (err)
			return complain("program info", err);
	}
	if (errno != ENOENT)
		return complain("bpf_prog_get_next_id", errno);
	return 0;
}

/* --- holding programs attached --------------------------------------------- */

static int wait_for_signal(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	return sigwait(&set, &sig) ? -EINTR : 0;
}

/* Say that the programs of what are attached, and hold them until SIGINT or SIGTERM. */
static int hold(const char *what)
{
	int err;

	fprintf(stderr, "%s: attached\n", what);
	err = wait_for_signal();
	return err ? complain("waiting for a signal", err) : 0;
}

/* A cgroup program on the cgroup cgroup_fd, any other where its section says. */
static struct bpf_link *attach_program(struct bpf_program *prog, int cgroup_fd)
{
	switch (bpf_program__type(prog)) {
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		return bpf_program__attach_cgroup(prog, cgroup_fd);
	default:
		return bpf_program__attach(prog);
	}
}

/* --- floor and hooks: programs that do nothing ------------------------------ */

/* The floor's: one on each program type synscope uses. */
static const char *const floor_programs[] = { "hooks_set_state", "hooks_connect4",
					      "hooks_dns_egress", "hooks_dns_ingress", NULL };
/* What hooks --no-dns leaves out: the DNS capture's. */
static const char *const dns_programs[] = { "hooks_dns_egress", "hooks_dns_ingress", NULL };

static bool listed(const char *const *names, const char *name)
{
	for (; names && *names; names++)
		if (!strcmp(*names, name))
			return true;
	return false;
}

/*
 * The programs of hooks.bpf.o that only lists (every one when only is NULL)
 * and skip does not, the cgroup ones on the cgroup at path, held until a
 * signal; what names them in the "attached" line.
 */
static int hold_empty(const char *path, const char *what, const char *const *only,
		      const char *const *skip)
{
	struct bpf_link *links[MAX_HOOKS] = {};
	struct bpf_program *prog;
	struct hooks_bpf *skel;
	int cgroup_fd, err, i, n = 0;

	cgroup_fd = open(path, O_RDONLY | O_DIRECTORY);
	if (cgroup_fd < 0)
		return complain(path, errno);
	skel = hooks_bpf__open();
	if (!skel) {
		err = complain("opening hooks.bpf.o", errno);
		goto out_close_cgroup;
	}
	bpf_object__for_each_program(prog, skel->obj)
	{
		const char *name = bpf_program__name(prog);

		bpf_program__set_autoload(prog,
					  (!only || listed(only, name)) && !listed(skip, name));
	}
	err = hooks_bpf__load(skel);
	if (err) {
		err = complain("loading hooks.bpf.o", err);
		goto out_destroy;
	}
	bpf_object__for_each_program(prog, skel->obj)
	{
		if (!bpf_program__autoload(prog))
			continue;
		if (n == MAX_HOOKS) {
			err = complain("hooks.bpf.o: too many programs", E2BIG);
			goto out_detach;
		}
		links[n] = attach_program(prog, cgroup_fd);
		if (!links[n]) {
			err = complain(bpf_program__name(prog), errno);
			goto out_detach;
		}
		n++;
	}
	err = hold(what);
out_detach:
	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
out_destroy:
	hooks_bpf__destroy(skel);
out_close_cgroup:
	close(cgroup_fd);
	return err;
}

static int cmd_floor(int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "benchbpf: floor takes one argument: CGROUP\n");
		return 2;
	}
	return hold_empty(argv[0], "floor", floor_programs, NULL);
}

static int cmd_hooks(int argc, char **argv)
{
	if (argc < 1 || argc > 2 || (argc == 2 && strcmp(argv[1], "--no-dns"))) {
		fprintf(stderr, "benchbpf: hooks takes CGROUP and, optionally, --no-dns\n");
		return 2;
	}
	return hold_empty(argv[0], "hooks", NULL, argc == 2 ? dns_programs : NULL);
}

/* --- variant ---------------------------------------------------------------- */

/* Load only the programs named in names[0..n-1]; -ENOENT names the first unknown one. */
static int variants_pick(struct variants_bpf *skel, char **names, int n, const char **unknown)
{
	struct bpf_program *prog;
	int i;

	bpf_object__for_each_program(prog, skel->obj) bpf_program__set_autoload(prog, false);
	for (i = 0; i < n; i++) {
		prog = bpf_object__find_program_by_name(skel->obj, names[i]);
		if (!prog) {
			*unknown = names[i];
			return -ENOENT;
		}
		bpf_program__set_autoload(prog, true);
	}
	return 0;
}

static int variants_attach(struct variants_bpf *skel, char **names, int n, int cgroup_fd,
			   struct bpf_link **links)
{
	struct bpf_program *prog;
	int i;

	for (i = 0; i < n; i++) {
		prog = bpf_object__find_program_by_name(skel->obj, names[i]);
		links[i] = attach_program(prog, cgroup_fd);
		if (!links[i])
			return complain(names[i], errno);
	}
	return 0;
}

static int cmd_variant(int argc, char **argv)
{
	struct bpf_link *links[MAX_VARIANTS] = {};
	const char *unknown = NULL;
	struct variants_bpf *skel;
	int cgroup_fd, err, i, n = argc - 1;

	if (argc < 2 || n > MAX_VARIANTS) {
		fprintf(stderr, "benchbpf: variant takes CGROUP and 1 to %d programs\n",
			MAX_VARIANTS);
		return 2;
	}
	cgroup_fd = open(argv[0], O_RDONLY | O_DIRECTORY);
	if (cgroup_fd < 0)
		return complain(argv[0], errno);
	skel = variants_bpf__open();
	if (!skel) {
		err = complain("opening variants.bpf.o", errno);
		goto out_close_cgroup;
	}
	if (variants_pick(skel, argv + 1, n, &unknown)) {
		fprintf(stderr, "benchbpf: variant: no program %s in variants.bpf.o\n", unknown);
		err = 2;
		goto out_destroy;
	}
	err = variants_bpf__load(skel);
	if (err) {
		err = complain("loading variants.bpf.o", err);
		goto out_destroy;
	}
	err = variants_attach(skel, argv + 1, n, cgroup_fd, links);
	if (err)
		goto out_detach;
	err = hold("variant");
out_detach:
	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
out_destroy:
	variants_bpf__destroy(skel);
out_close_cgroup:
	close(cgroup_fd);
	return err;
}

/* --- test-run --------------------------------------------------------------- */

/* A packet as cgroup_skb's test run takes it: Ethernet header first. */
struct packet {
	const char *name;
	int ipv6;
	int proto;
	unsigned short dport;
};

static const struct packet packets[] = {
	{ "tcp4-8080", 0, IPPROTO_TCP, 8080 },
	{ "udp4-123", 0, IPPROTO_UDP, 123 },
	{ "tcp6-8080", 1, IPPROTO_TCP, 8080 },
	{ "udp6-123", 1, IPPROTO_UDP, 123 },
};

static size_t l4_header(const struct packet *p, unsigned char *l4)
{
	struct tcphdr *tcp = (struct tcphdr *)l4;
	struct udphdr *udp = (struct udphdr *)l4;

	if (p->proto == IPPROTO_TCP) {
		tcp->source = htons(SPORT);
		tcp->dest = htons(p->dport);
		tcp->doff = sizeof(*tcp) / 4;
		tcp->ack = 1;
		tcp->psh = 1;
		tcp->window = htons(65535);
		return sizeof(*tcp);
	}
	udp->source = htons(SPORT);
	udp->dest = htons(p->dport);
	udp->len = htons(sizeof(*udp) + PAYLOAD_LEN);
	return sizeof(*udp);
}

/* build_packet: P into BUF; returns its length. */
static size_t build_packet(const struct packet *p, unsigned char *buf)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	unsigned char *l3 = buf + sizeof(*eth);
	size_t l3_len, l4_len;

	if (p->ipv6) {
		struct ip6_hdr *ip6 = (struct ip6_hdr *)l3;

		eth->h_proto = htons(ETH_P_IPV6);
		ip6->ip6_flow = htonl(6U << 28);
		ip6->ip6_nxt = p->proto;
		ip6->ip6_hlim = 64;
		inet_pton(AF_INET6, "2001:2::1", &ip6->ip6_src);
		inet_pton(AF_INET6, "2001:2::2", &ip6->ip6_dst);
		l3_len = sizeof(*ip6);
		l4_len = l4_header(p, l3 + l3_len);
		ip6->ip6_plen = htons(l4_len + PAYLOAD_LEN);
	} else {
		struct iphdr *ip = (struct iphdr *)l3;

		eth->h_proto = htons(ETH_P_IP);
		ip->version = 4;
		ip->ihl = sizeof(*ip) / 4;
		ip->ttl = 64;
		ip->protocol = p->proto;
		inet_pton(AF_INET, "198.18.0.1", &ip->saddr);
		inet_pton(AF_INET, "198.18.0.2", &ip->daddr);
		l3_len = sizeof(*ip);
		l4_len = l4_header(p, l3 + l3_len);
		ip->tot_len = htons(l3_len + l4_len + PAYLOAD_LEN);
	}
	return sizeof(*eth) + l3_len + l4_len + PAYLOAD_LEN;
}

static int test_run(const char *name, int prog_fd, const struct packet *p, unsigned int repeat)
{
	unsigned char buf[256] = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .repeat = repeat);

	opts.data_size_in = build_packet(p, buf);
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	printf("test_run %s %s %u %u %u\n", name, p->name, repeat, opts.duration, opts.retval);
	return 0;
}

/* test_run_all: every program on every packet, TRIALS times in turn. */
static int test_run_all(struct bpf_program **progs, size_t n, unsigned int repeat)
{
	size_t trial, i, j;
	int err;

	for (trial = 0; trial < TRIALS; trial++)
		for (i = 0; i < n; i++)
			for (j = 0; j < sizeof(packets) / sizeof(packets[0]); j++) {
				err = test_run(bpf_program__name(progs[i]),
					       bpf_program__fd(progs[i]), &packets[j], repeat);
				if (err)
					return complain(bpf_program__name(progs[i]), err);
			}
	return 0;
}

static int cmd_test_run(int argc, char **argv)
{
	struct bpf_program *progs[3], *prog;
	unsigned int repeat = DEFAULT_REPEAT;
	struct bpf_object *dns;
	struct hooks_bpf *skel;
	size_t n = 0;
	int err;

	if (argc < 1 || argc > 2 || (argc == 2 && !(repeat = strtoul(argv[1], NULL, 10)))) {
		fprintf(stderr, "benchbpf: test-run takes DNS_OBJECT [REPEAT]\n");
		return 2;
	}
	dns = bpf_object__open_file(argv[0], NULL);
	if (!dns)
		return complain(argv[0], errno);
	err = bpf_object__load(dns);
	if (err) {
		err = complain("loading the DNS object", err);
		goto out_close_dns;
	}
	skel = hooks_bpf__open_and_load();
	if (!skel) {
		err = complain("loading hooks.bpf.o", errno);
		goto out_close_dns;
	}
	bpf_object__for_each_program(
		prog, dns) if (bpf_program__type(prog) == BPF_PROG_TYPE_CGROUP_SKB && n < 2)
		progs[n++] = prog;
	progs[n++] = skel->progs.hooks_dns_egress;
	err = test_run_all(progs, n, repeat);
	hooks_bpf__destroy(skel);
out_close_dns:
	bpf_object__close(dns);
	return err;
}

/* --- command table ---------------------------------------------------------- */

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "progs", cmd_progs },	    { "floor", cmd_floor },	  { "hooks", cmd_hooks },
	{ "variant", cmd_variant }, { "test-run", cmd_test_run },
};

int main(int argc, char **argv)
{
	size_t i;

	for (i = 0; argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 2, argv + 2);
	fprintf(stderr, "usage: benchbpf progs | floor CGROUP | hooks CGROUP [--no-dns] |\n"
			"       variant CGROUP PROGRAM... | test-run DNS_OBJECT [REPEAT]\n");
	return 2;
}
