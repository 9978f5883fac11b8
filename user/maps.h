/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading BPF maps from userspace. */
#ifndef SYNSCOPE_MAPS_H
#define SYNSCOPE_MAPS_H

#include <linux/types.h>

/* out[k] = the sum over CPUs of per-CPU array map_fd's value k, for k < n; 0 or -errno. */
int map_percpu_sum(int map_fd, __u32 n, __u64 *out);

#endif
