// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel feature probes.  Each probe loads and attaches a two-instruction
 * program the way the tracer would, because only an attach tells the truth:
 * a locked-down kernel loads kprobe programs but has no kprobes, and refuses
 * fentry programs at load time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "dns_capture.h"
#include "probe.h"

#define KPROBE_PMU_TYPE "/sys/bus/event_source/devices/kprobe/type"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

/* r0 = 0; exit */
static const struct bpf_insn return_zero[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static int probe_fentry(const struct btf *vmlinux)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY);
	int id, prog_fd, link_fd, err = 0;

	if (!vmlinux)
		return -ENOENT;
	id = btf__find_by_name_kind(vmlinux, "tcp_v4_connect", BTF_KIND_FUNC);
	if (id < 0)
		return -ENOENT;
	opts.attach_btf_id = id;
	prog_fd =
		bpf_prog_load(BPF_PROG_TYPE_TRACING, "probe_fentry", "GPL", return_zero, 2, &opts);
	if (prog_fd < 0)
		return -errno;
	link_fd = bpf_link_create(prog_fd, 0, BPF_TRACE_FENTRY, NULL);
	if (link_fd < 0)
		err = -errno;
	else
		close(link_fd);
	close(prog_fd);
	return err;
}

static int kprobe_pmu_type(void)
{
	FILE *f = fopen(KPROBE_PMU_TYPE, "r");
	int type = -ENOENT;

	if (!f)
		return -ENOENT;
	if (fscanf(f, "%d", &type) != 1)
		type = -EINVAL;
	fclose(f);
	return type;
}

static int probe_kprobe(void)
{
	struct perf_event_attr attr = { .size = sizeof(attr) };
	int type = kprobe_pmu_type(), prog_fd, pfd, err = 0;

	if (type < 0)
		return type;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "probe_kprobe", "GPL", return_zero, 2, NULL);
	if (prog_fd < 0)
		return -errno;
	attr.type = type;
	attr.config1 = (__u64)(unsigned long)"tcp_v4_connect";
	pfd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		err = -errno;
		goto out_close_prog;
	}
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0)
		err = -errno;
	close(pfd);
out_close_prog:
	close(prog_fd);
	return err;
}

static bool dir_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Where tracefs is mounted, the way libbpf chooses between the two places. */
static const char *tracefs_mounted(void)
{
	if (!access(DEBUGFS_TRACING, F_OK))
		return dir_exists(DEBUGFS_TRACING "/events") ? DEBUGFS_TRACING : NULL;
	return dir_exists(TRACEFS_DEFAULT "/events") ? TRACEFS_DEFAULT : NULL;
}

static bool has_connect_events(const char *tracefs)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/events/syscalls/sys_exit_connect", tracefs);
	return dir_exists(path);
}

/* The syscall tracepoints, looked up in a private tracefs mount if none is mounted. */
static int probe_syscall_tracepoints(const char *tracefs)
{
	char dir[] = "/tmp/synscope-tracefs.XXXXXX";
	int err = 0;

	if (tracefs)
		return has_connect_events(tracefs) ? 0 : -ENOENT;
	if (!mkdtemp(dir))
		return -errno;
	if (mount("tracefs", dir, "tracefs", 0, NULL)) {
		err = -errno;
		goto out_rmdir;
	}
	if (!has_connect_events(dir))
		err = -ENOENT;
	umount2(dir, MNT_DETACH);
out_rmdir:
	rmdir(dir);
	return err;
}

int tracefs_ensure(bool verbose)
{
	if (tracefs_mounted())
		return 0;
	if (mount("tracefs", TRACEFS_DEFAULT, "tracefs", 0, NULL))
		return -errno;
	if (verbose)
		fprintf(stderr, "synscope: mounted tracefs at %s\n", TRACEFS_DEFAULT);
	return 0;
}

static int probe_cgroup2(void)
{
	int fd = cgroup2_root_fd();

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static bool btf_has(const struct btf *btf, const char *name, __u32 kind)
{
	return btf && btf__find_by_name_kind(btf, name, kind) >= 0;
}

void probe_kernel(struct kernel_support *ks)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	struct utsname uts;

	memset(ks, 0, sizeof(*ks));
	if (libbpf_get_error(vmlinux))
		vmlinux = NULL;
	if (!uname(&uts))
		snprintf(ks->release, sizeof(ks->release), "%s", uts.release);
	ks->btf = vmlinux != NULL;
	ks->ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	ks->tp_btf = btf_has(vmlinux, "btf_trace_inet_sock_set_state", BTF_KIND_TYPEDEF) &&
		     btf_has(vmlinux, "btf_trace_tcp_retransmit_skb", BTF_KIND_TYPEDEF) &&
		     btf_has(vmlinux, "btf_trace_tcp_destroy_sock", BTF_KIND_TYPEDEF);
	ks->ipv6 =
		btf_has(vmlinux, "tcp_v6_connect", BTF_KIND_FUNC) || dir_exists("/sys/module/ipv6");
	ks->fentry_error = probe_fentry(vmlinux);
	ks->kprobe_error = probe_kprobe();
	ks->tracefs = tracefs_mounted();
	ks->syscall_error = probe_syscall_tracepoints(ks->tracefs);
	ks->cgroup_error = probe_cgroup2();
	btf__free(vmlinux);
}

const char *probe_mode_unusable(const struct kernel_support *ks, enum probe_mode mode)
{
	if (!ks->ringbuf)
		return "no BPF ring buffer (needs Linux 5.8 or later)";
	if (!ks->tp_btf)
		return "no BTF for the TCP tracepoints (needs Linux 5.11 or later with BTF)";
	switch (mode) {
	case PROBE_MODE_FENTRY:
		return ks->fentry_error ? strerror(-ks->fentry_error) : NULL;
	case PROBE_MODE_KPROBE:
		return ks->kprobe_error ? strerror(-ks->kprobe_error) : NULL;
	case PROBE_MODE_TRACEPOINT:
		return ks->cgroup_error ? "no cgroup v2 hierarchy for the connect hooks" : NULL;
	default:
		return "not a mode";
	}
}

int probe_candidates(const struct kernel_support *ks, enum probe_mode requested,
		     enum probe_mode out[3])
{
	enum probe_mode mode;
	int n = 0;

	if (requested != PROBE_MODE_AUTO) {
		out[0] = requested;
		return 1;
	}
	for (mode = PROBE_MODE_FENTRY; mode <= PROBE_MODE_TRACEPOINT; mode++)
		if (!probe_mode_unusable(ks, mode))
			out[n++] = mode;
	return n;
}

static void check_line(const char *what, int error, const char *note)
{
	printf("  %-34s %s%s%s\n", what, error ? "no: " : "yes", error ? strerror(-error) : "",
	       note ? note : "");
}

static void check_dns(void)
{
	char root[PATH_MAX];

	if (dns_method_available(root, sizeof(root)) == DNS_METHOD_CGROUP)
		printf("  %-34s cgroup_skb on %s (every network namespace)\n", "DNS capture", root);
	else
		printf("  %-34s AF_PACKET (no cgroup v2: synscope's network namespace only)\n",
		       "DNS capture");
}

int probe_check(const struct kernel_support *ks, enum probe_mode requested)
{
	enum probe_mode modes[3];
	int n = probe_candidates(ks, requested, modes);
	const char *why;

	printf("kernel %s\n", ks->release);
	check_line("BTF (/sys/kernel/btf/vmlinux)", ks->btf ? 0 : -ENOENT, NULL);
	check_line("BPF ring buffer", ks->ringbuf ? 0 : -ENOTSUP, NULL);
	check_line("fentry/fexit on tcp_v4_connect", ks->fentry_error, NULL);
	check_line("kprobe on tcp_v4_connect", ks->kprobe_error, NULL);
	check_line("cgroup v2 connect4/connect6 hooks", ks->cgroup_error, NULL);
	check_line("syscalls:sys_exit_connect", ks->syscall_error,
		   ks->tracefs || ks->syscall_error
			   ? " (only with --connect-errors)"
			   : " (only with --connect-errors; tracefs not mounted: will mount it)");
	check_line("tp_btf state/retransmit/destroy", ks->tp_btf ? 0 : -ENOENT, NULL);
	check_line("IPv6 (tcp_v6_connect)", ks->ipv6 ? 0 : -ENOENT, NULL);
	check_dns();
	if (!n) {
		printf("mode: none usable\n");
		return 1;
	}
	why = probe_mode_unusable(ks, modes[0]);
	if (why) {
		printf("mode: %s requested, but unusable: %s\n", probe_mode_name(modes[0]), why);
		return 1;
	}
	printf("mode: %s%s\n", probe_mode_name(modes[0]),
	       requested == PROBE_MODE_AUTO ? " (the first usable of fentry, kprobe, tracepoint)"
					    : " (requested)");
	return 0;
}
