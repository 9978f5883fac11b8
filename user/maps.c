// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "maps.h"

int map_percpu_sum(int map_fd, __u32 n, __u64 *out)
{
	int ncpus = libbpf_num_possible_cpus(), cpu, err = 0;
	__u64 *percpu;
	__u32 key;

	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (key = 0; key < n; key++) {
		if (bpf_map_lookup_elem(map_fd, &key, percpu)) {
			err = -errno;
			break;
		}
		out[key] = 0;
		for (cpu = 0; cpu < ncpus; cpu++)
			out[key] += percpu[cpu];
	}
	free(percpu);
	return err;
}
