#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Run every end-to-end test (tests/e2e/*.sh, or the ones named), each in its
# own namespaces; print their TAP lines and a summary; fail if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
	echo "end-to-end tests need root (network namespaces, BPF)" >&2
	exit 1
fi
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tests/e2e/*.sh)
failed=()
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	start=$(date +%s)
	if bash "$t"; then
		echo "PASS $name ($(($(date +%s) - start)) s)"
	else
		echo "FAIL $name"
		failed+=("$name")
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "end-to-end: ${#failed[@]} of ${#tests[@]} failed: ${failed[*]}"
	exit 1
fi
echo "end-to-end: all ${#tests[@]} passed"
