/* SPDX-License-Identifier: GPL-2.0-only */
/* A tracing session: start the tracer, feed the collector and the outputs, stop. */
#ifndef SYNSCOPE_RUN_H
#define SYNSCOPE_RUN_H

#include "cli.h"
#include "probe.h"

/* Trace until interrupted or cfg->duration_ms; returns the exit status. */
int run_session(const struct config *cfg, const struct kernel_support *ks);

#endif
