#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make install (issue 12, item 9) into a DESTDIR: the binary and the man page
# where PREFIX says (/usr/local by default), with their modes, found by
# man(1) there; nothing else written; make uninstall removes both.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/synscope-install.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

FAILED=0
fail() {
	echo "not ok - $*"
	FAILED=$((FAILED + 1))
}

# installed DESTDIR PREFIX: what make install put there, as it should be.
installed() {
	local dest=$1 prefix=$2 files want page
	files=$(cd "$dest" && find . -type f -printf '%m %P\n' | sort)
	want=$(printf '644 %s\n755 %s\n' "${prefix#/}/share/man/man8/synscope.8" \
		"${prefix#/}/sbin/synscope")
	[ "$files" = "$want" ] || fail "make install into $dest: got '$files', expected '$want'"
	cmp -s "$ROOT/synscope" "$dest$prefix/sbin/synscope" || fail "installed binary differs"
	cmp -s "$ROOT/doc/synscope.8" "$dest$prefix/share/man/man8/synscope.8" ||
		fail "installed man page differs"
	"$dest$prefix/sbin/synscope" --version >/dev/null || fail "installed binary does not run"
	page=$(MANPATH="$dest$prefix/share/man" man -w synscope 2>&1) || true
	[ "$page" = "$dest$prefix/share/man/man8/synscope.8" ] ||
		fail "man -w synscope with MANPATH=$dest$prefix/share/man: '$page'"
}

make() {
	command make --no-print-directory -C "$ROOT" "$@" >"$WORK/make.log" 2>&1 ||
		fail "make $*: $(cat "$WORK/make.log")"
}

make install DESTDIR="$WORK/default"
installed "$WORK/default" /usr/local
make uninstall DESTDIR="$WORK/default"
left=$(find "$WORK/default" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"

make install DESTDIR="$WORK/usr" PREFIX=/usr
installed "$WORK/usr" /usr
make uninstall DESTDIR="$WORK/usr" PREFIX=/usr
left=$(find "$WORK/usr" -type f)
[ -z "$left" ] || fail "make uninstall PREFIX=/usr left: $left"

if [ "$FAILED" -ne 0 ]; then
	echo "test_install: $FAILED failed"
	exit 1
fi
echo "test_install: make install and uninstall, PREFIX /usr/local and /usr"
