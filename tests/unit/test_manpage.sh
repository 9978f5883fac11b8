#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The man page (issue 12, item 9), doc/synscope.8, against what it describes:
# groff -man -ww finds nothing to warn about; every option of synscope --help
# has its entry under OPTIONS; every column of the three CSV files (their
# headers, as the CSV writer writes them), every outcome and every verdict
# (build/tests/manpage_names) has its entry in its section; every exit status
# synscope gives has its entry under EXIT STATUS; the version is synscope's.
# And the other way round: no entry for an option, a column, an outcome or a
# verdict that is not there.  The checks are tests/lib/check.sh's, as
# everywhere: a TAP line each, counted in CHECKS and FAILURES.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SYNSCOPE=${SYNSCOPE:-$ROOT/synscope}
NAMES=${NAMES:-$ROOT/build/tests/manpage_names}
MAN=${MAN:-$ROOT/doc/synscope.8}
# shellcheck disable=SC2034 # check.sh reads it
TEST_NAME=test_manpage
. "$ROOT/tests/unit/support/help.sh"
# shellcheck source=../lib/check.sh
. "$ROOT/tests/lib/check.sh"

# entries: "SECTION NAME" for every bold word in the tag of a .TP entry; the
# section is the .SH heading, or for a .SS heading that ends "(--csv)" the
# option's name ("csv").
entries() {
	awk '
		function plain(s) {
			gsub(/\\%/, "", s)
			gsub(/\\-/, "-", s)
			gsub(/\\f[BIRP]/, "", s)
			gsub(/"/, "", s)
			return s
		}
		# The arguments of a request, double quotes kept together.
		function args(line, out,    n, i, c, quoted, cur) {
			n = 0; cur = ""; quoted = 0
			for (i = 1; i <= length(line); i++) {
				c = substr(line, i, 1)
				if (c == "\"") { quoted = !quoted; continue }
				if (c == " " && !quoted) {
					if (cur != "") out[++n] = cur
					cur = ""
					continue
				}
				cur = cur c
			}
			if (cur != "") out[++n] = cur
			return n
		}
		/^\.SH / { section = plain(substr($0, 5)); key = section; next }
		/^\.SS / {
			title = plain(substr($0, 5))
			key = section
			if (match(title, /\(--[a-z-]+\)$/))
				key = substr(title, RSTART + 3, RLENGTH - 4)
			next
		}
		/^\.TP/ { tag = 1; next }
		tag {
			tag = 0
			request = $1
			n = args(substr($0, length(request) + 2), a)
			for (i = 1; i <= n; i++) {
				bold = request == ".B" ||
					((request == ".BR" || request == ".BI") && i % 2 == 1) ||
					((request == ".RB" || request == ".IB") && i % 2 == 0)
				if (bold)
					print key, plain(a[i])
			}
		}' "$MAN"
}

# groff: nothing to warn about.
out=$(groff -man -ww -z "$MAN" 2>&1) || out="exit status $?: $out"
expect_eq "groff -man -ww -z $MAN: warnings" "$out" ""

ENTRIES=$(entries)
has_entry() {
	if grep -qxF "$1 $2" <<<"$ENTRIES"; then
		ok "$2 under $1"
	else
		fail "$MAN: no entry for $2 under $1"
	fi
}

# Every option, long and short.
HELP=$(help_options "$SYNSCOPE")
if grep -q '^?' <<<"$HELP"; then
	fail "--help lines this test cannot read: $(grep '^?' <<<"$HELP")"
fi
OPTIONS=$(awk '{ print $1; if ($2 != "-") print $2 }' <<<"$HELP")
while read -r name; do
	has_entry OPTIONS "$name"
done <<<"$OPTIONS"
while read -r section name; do
	[ "$section" = OPTIONS ] && [[ $name == -* ]] || continue
	if grep -qxF -- "$name" <<<"$OPTIONS"; then
		ok "$name under OPTIONS is an option of --help"
	else
		fail "$MAN: $name is not an option of --help"
	fi
done <<<"$ENTRIES"

# Every CSV column, outcome and verdict in its section, and no other.
declare -A SECTION=([csv]=csv [summary-csv]=summary-csv [dns-csv]=dns-csv
	[outcome]=OUTCOMES [verdict]=VERDICTS)
CODE=$("$NAMES")
while read -r where name; do
	has_entry "${SECTION[$where]}" "$name"
done <<<"$CODE"
for where in "${!SECTION[@]}"; do
	while read -r section name; do
		[ "$section" = "${SECTION[$where]}" ] || continue
		if grep -qxF "$where $name" <<<"$CODE"; then
			ok "$name under $section is a $where the code has"
		else
			fail "$MAN: $name under $section is not a $where the code has"
		fi
	done <<<"$ENTRIES"
done

# Every exit status synscope gives, as an unprivileged user: 0 (--version),
# 1 (not root), 2 (bad input); and the version.
WORK=$(mktemp -d /tmp/synscope-manpage.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
cp "$SYNSCOPE" "$WORK/synscope"
AS_USER=()
[ "$(id -u)" -ne 0 ] || AS_USER=(setpriv --reuid=65534 --regid=65534 --clear-groups)
for args in --version "" --bogus; do
	rc=0
	# shellcheck disable=SC2086
	(cd "$WORK" && "${AS_USER[@]}" ./synscope $args >/dev/null 2>&1 </dev/null) || rc=$?
	has_entry "EXIT STATUS" "$rc"
done
version=$("$SYNSCOPE" --version)
if grep -q "^\.TH SYNSCOPE 8 [^ ]* \"$version\"" "$MAN"; then
	ok ".TH says \"$version\""
else
	fail "$MAN: .TH does not say \"$version\""
fi

if [ "$FAILURES" -ne 0 ]; then
	echo "test_manpage: $FAILURES of $CHECKS checks failed"
	exit 1
fi
echo "test_manpage: all $CHECKS checks passed"
