// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include <sys/socket.h>
#include "events.h"

struct conn_event test_event(enum event_kind kind, __u8 last_octet, __u16 port,
			     enum outcome outcome, __u64 sock)
{
	struct conn_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.family = AF_INET;
	ev.daddr[0] = 198;
	ev.daddr[1] = 18;
	ev.daddr[3] = last_octet;
	ev.dport = port;
	ev.outcome = outcome;
	ev.sock = sock;
	ev.ts_ns = 1000 + sock;
	ev.duration_ns = 2000000; /* 2 ms */
	ev.pid = 7;
	strcpy(ev.comm, "client");
	return ev;
}
