#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the unit tests given as arguments (binaries and scripts); fail if any failed.
set -uo pipefail
failed=0
for t in "$@"; do
	if "$t"; then
		echo "PASS $(basename "$t")"
	else
		echo "FAIL $(basename "$t")"
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ] || { echo "unit: $failed failed"; exit 1; }
echo "unit: all $# passed"
