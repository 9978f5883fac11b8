// SPDX-License-Identifier: GPL-2.0-only
/*
 * The names the man page must describe, as the code has them, for
 * tests/unit/test_manpage.sh: one "WHERE NAME" line each.
 *   csv NAME, summary-csv NAME, dns-csv NAME   the columns of the three CSVs
 *   outcome NAME                                every outcome
 *   verdict NAME                                every verdict dest_verdict() gives
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collector.h"
#include "csv.h"
#include "format.h"

/* A header row, written by the CSV writer itself, one column a line. */
static void print_header(const char *where, void (*header)(FILE *))
{
	char *text = NULL, *name, *save;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		exit(1);
	header(f);
	fclose(f);
	for (name = strtok_r(text, ",\r\n", &save); name; name = strtok_r(NULL, ",\r\n", &save))
		printf("%s %s\n", where, name);
	free(text);
}

/*
 * Every verdict: dest_verdict() over destinations with no attempt and one of
 * each outcome, with and without DNS (answered, failed, unanswered), local
 * exhaustion, SYN retries and stalls.  Printed once each.
 */
static void print_verdicts(void)
{
	static const struct dns_stats dns[] = { { .ok = 1 },
						{ .nxdomain = 1 },
						{ .unanswered = 1 } };
	static struct dest d;
	const char *seen[64];
	unsigned int n_seen = 0, o, k, flags, i;

	for (k = 0; k <= sizeof(dns) / sizeof(dns[0]); k++)
		for (o = 0; o <= OUTCOME__COUNT; o++)
			for (flags = 0; flags < 8; flags++) {
				const char *v;

				memset(&d, 0, sizeof(d));
				d.dns = k ? &dns[k - 1] : NULL;
				if (o < OUTCOME__COUNT) {
					d.attempts = 1;
					d.outcomes[o] = 1;
				}
				d.local_exhaustion = flags & 1;
				d.retried_attempts = (flags >> 1) & 1;
				d.stalled = d.inflight = (flags >> 2) & 1;
				v = dest_verdict(&d);
				for (i = 0; i < n_seen && strcmp(seen[i], v); i++)
					;
				if (i == n_seen && n_seen < sizeof(seen) / sizeof(seen[0])) {
					seen[n_seen++] = v;
					printf("verdict %s\n", v);
				}
			}
}

int main(void)
{
	unsigned int o;

	print_header("csv", csv_attempt_header);
	print_header("summary-csv", csv_summary_header);
	print_header("dns-csv", csv_lookup_header);
	for (o = 0; o < OUTCOME__COUNT; o++)
		printf("outcome %s\n", outcome_name(o));
	print_verdicts();
	return 0;
}
