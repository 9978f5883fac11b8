#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Run each fuzz target given for SECONDS, from its seed corpus (copied, so
# the committed seeds stay as they are); fail on any finding, which is kept
# in tests/fuzz/findings/.
#   tests/run-fuzz.sh SECONDS TARGET...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=$1
shift
mkdir -p tests/fuzz/findings
for target in "$@"; do
	name=$(basename "$target")
	seeds=tests/fuzz/corpus/${name%_fuzz}
	scratch=build/fuzz/corpus-$name
	mkdir -p "$scratch"
	log=build/fuzz/$name.log
	if "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix=tests/fuzz/findings/ "$scratch" "$seeds" \
		>"$log" 2>&1; then
		echo "PASS $name: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log")"
	else
		echo "FAIL $name: finding in tests/fuzz/findings/, log $log"
		tail -n 30 "$log"
		exit 1
	fi
done
