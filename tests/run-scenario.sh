#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The namespace runner: one scenario of tests/scenarios/ on this host, in
# synscope's own choice of attach mode, checked like the VM checks its runs
# (tests/lib/check.sh).  tests/run-e2e.sh runs it for every scenario.
#
#   tests/run-scenario.sh tests/scenarios/NAME.sh      (root; KEEP=1 keeps $WORK)
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	echo "usage: $0 tests/scenarios/NAME.sh" >&2
	exit 2
fi
FILE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TEST_NAME=$(basename "$FILE" .sh)
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# set -e applies inside: a failing command stops the scenario, $WORK/step says where.
(
	set -eu
	run_scenario "$FILE"
) &
wait $! || true
lab_down
check_results "$WORK" "$FILE"
finish
