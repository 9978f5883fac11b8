// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "clock.h"
#include "dns.skel.h"
#include "dns_capture.h"
#include "maps.h"

int cgroup2_root(char *buf, size_t len)
{
	char dev[256], dir[PATH_MAX], type[64];
	FILE *f = fopen("/proc/self/mounts", "r");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
		if (strcmp(type, "cgroup2"))
			continue;
		snprintf(buf, len, "%s", dir);
		err = 0;
		break;
	}
	fclose(f);
	return err;
}

int cgroup2_root_fd(void)
{
	char root[PATH_MAX], dir[] = "/tmp/synscope-cgroup.XXXXXX";
	int fd;

	if (!cgroup2_root(root, sizeof(root))) {
		fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	/* Not mounted here (ip netns exec mounts a sysfs of its own): a private mount. */
	if (!mkdtemp(dir))
		return -errno;
	if (mount("cgroup2", dir, "cgroup2", 0, NULL)) {
		fd = -errno;
		rmdir(dir);
		return fd;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fd = -errno;
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	return fd;
}

enum dns_method dns_method_available(char *root, size_t len)
{
	return cgroup2_root(root, len) ? DNS_METHOD_PACKET : DNS_METHOD_CGROUP;
}

const char *dns_method_name(enum dns_method m)
{
	switch (m) {
	case DNS_METHOD_CGROUP:
		return "cgroup";
	case DNS_METHOD_PACKET:
		return "packet";
	default:
		return "auto";
	}
}

static int on_ring_record(void *ctx, void *data, size_t size)
{
	struct dns_capture *d = ctx;

	if (size >= sizeof(struct dns_packet))
		d->on_packet(data, d->ctx);
	return 0;
}

static __u32 own_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : (__u32)st.st_ino;
}

static int attach_cgroup(struct dns_capture *d)
{
	int fd = open(d->cgroup_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	/* Links to a cgroup are always multi-attach: other programs keep running. */
	d->egress = bpf_program__attach_cgroup(d->skel->progs.dns_egress, fd);
	if (!d->egress)
		err = -errno;
	if (!err) {
		d->ingress = bpf_program__attach_cgroup(d->skel->progs.dns_ingress, fd);
		if (!d->ingress)
			err = -errno;
	}
	close(fd);
	if (!err) {
		d->rb = ring_buffer__new(bpf_map__fd(d->skel->maps.dns_events), on_ring_record, d,
					 NULL);
		if (!d->rb)
			err = -errno;
	}
	return err;
}

static int attach_packet_socket(struct dns_capture *d)
{
	int prog = bpf_program__fd(d->skel->progs.dns_socket_filter), one = 1;

	d->packet_fd =
		socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (d->packet_fd < 0)
		return -errno;
	if (setsockopt(d->packet_fd, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof(prog)) ||
	    setsockopt(d->packet_fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)))
		return -errno;
	d->netns = own_netns();
	return 0;
}

/* Only the programs of the chosen method are loaded. */
static int dns_capture_open(struct dns_capture *d)
{
	bool cgroup = d->method == DNS_METHOD_CGROUP;

	d->skel = dns_bpf__open();
	if (!d->skel)
		return -errno;
	bpf_program__set_autoload(d->skel->progs.dns_egress, cgroup);
	bpf_program__set_autoload(d->skel->progs.dns_ingress, cgroup);
	bpf_program__set_autoload(d->skel->progs.dns_socket_filter, !cgroup);
	/* The packet socket does not use the ring buffer: keep it minimal. */
	if (!cgroup)
		return bpf_map__set_max_entries(d->skel->maps.dns_events, getpagesize());
	d->skel->rodata->wakeup_bytes = (DEFAULT_DNS_RINGBUF_MB << 20) / 8;
	return 0;
}

int dns_capture_start(struct dns_capture *d, enum dns_method method, bool verbose,
		      dns_packet_fn on_packet, void *ctx)
{
	enum dns_method available;
	int err;

	memset(d, 0, sizeof(*d));
	d->packet_fd = -1;
	d->on_packet = on_packet;
	d->ctx = ctx;
	available = dns_method_available(d->cgroup_root, sizeof(d->cgroup_root));
	d->method = method == DNS_METHOD_AUTO ? available : method;
	if (d->method == DNS_METHOD_CGROUP && available != DNS_METHOD_CGROUP)
		return -ENOENT;
	err = dns_capture_open(d);
	if (!err)
		err = dns_bpf__load(d->skel);
	if (!err)
		err = d->method == DNS_METHOD_CGROUP ? attach_cgroup(d) : attach_packet_socket(d);
	if (err)
		return err;
	if (verbose && d->method == DNS_METHOD_CGROUP)
		fprintf(stderr, "synscope: DNS capture on cgroup %s\n", d->cgroup_root);
	return 0;
}

int dns_capture_fd(const struct dns_capture *d)
{
	return d->rb ? ring_buffer__epoll_fd(d->rb) : d->packet_fd;
}

/* The kernel's receive time of a packet, from SCM_TIMESTAMPNS, as a monotonic stamp. */
static __u64 packet_time(struct msghdr *msg)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		struct timespec ts;
		__u64 wall;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		memcpy(&ts, CMSG_DATA(c), sizeof(ts));
		wall = (__u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
		return mono_now_ns() - (wall_now_ns() - wall);
	}
	return mono_now_ns();
}

static int read_one_packet(struct dns_capture *d, struct dns_packet *p)
{
	char control[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { p->data, sizeof(p->data) };
	struct sockaddr_ll from;
	struct msghdr msg = {
		.msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	ssize_t n = recvmsg(d->packet_fd, &msg, MSG_TRUNC);

	if (n < 0)
		return -errno;
	memset(p, 0, offsetof(struct dns_packet, data));
	p->ts_ns = packet_time(&msg);
	p->len = n;
	p->cap_len = (size_t)n < sizeof(p->data) ? (size_t)n : sizeof(p->data);
	p->netns = d->netns;
	p->direction = from.sll_pkttype == PACKET_OUTGOING ? DNS_EGRESS : DNS_INGRESS;
	return 0;
}

static int read_packet_socket(struct dns_capture *d)
{
	static struct dns_packet p;
	int n = 0, err;

	while (!(err = read_one_packet(d, &p))) {
		d->on_packet(&p, d->ctx);
		n++;
	}
	return err == -EAGAIN ? n : err;
}

int dns_capture_read(struct dns_capture *d)
{
	if (d->rb)
		return ring_buffer__consume(d->rb);
	if (d->packet_fd >= 0)
		return read_packet_socket(d);
	return 0;
}

static int packet_socket_counters(struct dns_capture *d, __u64 *seen, __u64 *lost)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	/* The kernel resets these on every read: accumulate. */
	if (getsockopt(d->packet_fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		return -errno;
	d->packet_drops += st.tp_drops;
	*lost = d->packet_drops;
	*seen = 0; /* counted by the tracker as they arrive */
	return 0;
}

int dns_capture_counters(struct dns_capture *d, __u64 *seen, __u64 *lost)
{
	__u64 counters[DNS_COUNTER__COUNT];
	int err;

	if (d->packet_fd >= 0)
		return packet_socket_counters(d, seen, lost);
	err = map_percpu_sum(bpf_map__fd(d->skel->maps.dns_counters), DNS_COUNTER__COUNT, counters);
	if (err)
		return err;
	*seen = counters[DNS_COUNTER_PACKETS];
	*lost = counters[DNS_COUNTER_RINGBUF_FULL];
	return 0;
}

void dns_capture_detach(struct dns_capture *d)
{
	bpf_link__destroy(d->egress);
	bpf_link__destroy(d->ingress);
	d->egress = d->ingress = NULL;
}

void dns_capture_stop(struct dns_capture *d)
{
	if (!d->skel)
		return;
	dns_capture_detach(d);
	ring_buffer__free(d->rb);
	if (d->packet_fd >= 0)
		close(d->packet_fd);
	dns_bpf__destroy(d->skel);
	memset(d, 0, sizeof(*d));
	d->packet_fd = -1;
}
