#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the end-to-end tests on this host, each in its own namespaces: every
# scenario (tests/scenarios/*.sh, through tests/run-scenario.sh; the VM runs
# them too) and every host-only test (tests/e2e/*.sh), or the ones named,
# by path or by name:
#
#   tests/run-e2e.sh                                  all of them
#   tests/run-e2e.sh tests/e2e/dashboard.sh timeout   one test, one scenario
#
# Prints their TAP lines and a summary; fails if any failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

if [ "$(id -u)" -ne 0 ]; then
	echo "end-to-end tests need root (network namespaces, BPF)" >&2
	exit 1
fi

# resolve NAME-OR-PATH: the test's file (tests/e2e/timeout.sh finds the
# scenario tests/scenarios/timeout.sh, which was an e2e script once).
resolve() {
	local f name
	name=$(basename "$1" .sh)
	for f in "$1" "tests/scenarios/$name.sh" "tests/e2e/$name.sh"; do
		[ -f "$f" ] && echo "$f" && return 0
	done
	echo "no test $1 (tests/scenarios/$name.sh or tests/e2e/$name.sh)" >&2
	return 1
}

tests=()
for t in "$@"; do
	file=$(resolve "$t") || exit 2
	tests+=("$file")
done
[ ${#tests[@]} -gt 0 ] || tests=(tests/scenarios/*.sh tests/e2e/*.sh)
failed=()
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	start=$(date +%s)
	case $(cd "$(dirname "$t")" && pwd) in
	*/tests/scenarios) run=(bash tests/run-scenario.sh "$t") ;;
	*) run=(bash "$t") ;;
	esac
	if "${run[@]}"; then
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
