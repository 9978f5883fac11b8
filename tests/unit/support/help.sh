# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# For the shell unit tests: the options synscope's --help lists, so that a
# test covers every option there is without a copy of the list.

# help_options SYNSCOPE: one line per option: LONG SHORT ARG, "-" for none
# ("--dport - PORT", "--pid -p PID", "--ipv4 -4 -", "--metrics - [ADDR]:PORT").
# A line of the option list it cannot read comes out as "? LINE", for the
# caller to fail on.
help_options() {
	"$1" --help | awk '
		/^ +-/ {
			line = $0
			short = "-"
			if (match(line, /^ +-[^-], /)) {
				short = substr(line, RSTART + RLENGTH - 4, 2)
				line = substr(line, RSTART + RLENGTH)
			} else
				sub(/^ +/, "", line)
			if (!match(line, /^--[a-z0-9-]+/)) {
				print "?", $0
				next
			}
			long = substr(line, 1, RLENGTH)
			rest = substr(line, RLENGTH + 1)
			sub(/ .*/, "", rest)
			if (rest ~ /,/) {
				print "?", $0
				next
			}
			sub(/^\[?=/, "", rest)
			if (substr(line, RLENGTH + 1, 1) == "[")
				sub(/\]$/, "", rest)
			print long, short, (rest == "" ? "-" : rest)
		}'
}
