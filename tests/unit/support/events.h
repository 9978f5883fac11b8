/* SPDX-License-Identifier: GPL-2.0-only */
/* Ring-buffer records as the kernel side writes them, built for the unit tests. */
#ifndef SYNSCOPE_TEST_EVENTS_H
#define SYNSCOPE_TEST_EVENTS_H

#include <linux/types.h>
#include "connect.h"

/* A record of kind from pid 7 ("client") on socket sock to 198.18.0.LAST_OCTET:port. */
struct conn_event test_event(enum event_kind kind, __u8 last_octet, __u16 port,
			     enum outcome outcome, __u64 sock);

#endif
