#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A libmicrohttpd.a for `make static`, without TLS:   tools/static-mhd.sh OUT
#
# The distribution's libmicrohttpd.a cannot be linked statically: it needs
# GnuTLS, and GnuTLS needs p11-kit, of which Debian ships no static library
# (Fedora and Amazon Linux ship no static libmicrohttpd at all).  synscope
# serves plain HTTP only, so this builds the distribution's own source of
# the installed version (apt-get source, or dnf download --source) with
# --disable-https into OUT/include and OUT/lib.  The source is kept in
# SYNSCOPE_STATIC_CACHE (default .cache/static); nothing is installed on
# the host, and apt's own lists are left alone (a private copy is used).
set -euo pipefail

out=${1:?usage: $0 OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${SYNSCOPE_STATIC_CACHE:-$root/.cache/static}
[ -f "$out/lib/libmicrohttpd.a" ] && [ -f "$out/include/microhttpd.h" ] && exit 0
mkdir -p "$cache"

die() {
	echo "$0: $*" >&2
	exit 1
}

# The source of the installed libmicrohttpd-dev, through a private apt state
# holding only the deb-src line of the archive the package came from.
fetch_apt() {
	local version binary origin apt upstream
	version=$(dpkg-query -W -f='${source:Version}' libmicrohttpd-dev 2>/dev/null) ||
		die "libmicrohttpd-dev is not installed (tools/install-deps.sh build installs it)"
	binary=$(dpkg-query -W -f='${Version}' libmicrohttpd-dev)
	upstream=${version#*:}
	ls "$cache"/libmicrohttpd_"${upstream%-*}".orig.tar.* >/dev/null 2>&1 && return
	# In the version table: "*** 0.9.75-6 500", then "500 http://deb.debian.org/debian bookworm/main amd64 Packages"
	origin=$(apt-cache policy libmicrohttpd-dev |
		awk -v v="$binary" '$1 == "***" && $2 == v { found = 1; next }
			found && $2 ~ /^https?:/ { split($3, s, "/"); print $2, s[1], s[2]; exit }')
	[ -n "$origin" ] || die "apt-cache policy does not say which archive libmicrohttpd-dev $binary came from"
	apt=$cache/apt
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts"
	echo "deb-src $origin" >"$apt/sources.list"
	local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/parts"
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "APT::Sandbox::User=root")
	apt-get "${opts[@]}" -qq update >"$cache/apt.log" 2>&1 ||
		{ cat "$cache/apt.log" >&2; die "apt-get update (deb-src $origin) failed"; }
	(cd "$cache" && apt-get "${opts[@]}" -qq source --download-only "libmicrohttpd=$version") \
		>>"$cache/apt.log" 2>&1 ||
		{ cat "$cache/apt.log" >&2; die "apt-get source libmicrohttpd=$version failed"; }
}

# The same from the source RPM (Amazon Linux, Fedora).
fetch_dnf() {
	ls "$cache"/libmicrohttpd-*.tar.* >/dev/null 2>&1 && return
	command -v rpm2cpio >/dev/null || die "rpm2cpio not found (package rpm)"
	(cd "$cache" && dnf download -q --source libmicrohttpd) ||
		die "dnf download --source libmicrohttpd failed (is a source repository enabled?)"
	(cd "$cache" && rpm2cpio libmicrohttpd-*.src.rpm | cpio -idm --quiet 'libmicrohttpd-*.tar.*')
}

if command -v apt-get >/dev/null; then
	fetch_apt
elif command -v dnf >/dev/null; then
	fetch_dnf
else
	die "neither apt-get nor dnf found: put a libmicrohttpd source tarball in $cache"
fi

tarball=$(ls "$cache"/libmicrohttpd[-_]*.tar.* | grep -v '\.asc$' | grep -v debian | head -n 1)
work=$(mktemp -d "${TMPDIR:-/tmp}/synscope-mhd.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xf "$tarball" -C "$work"
src=$(echo "$work"/libmicrohttpd-*)
echo "  MHD      $(basename "$tarball") without TLS -> $out"
(
	cd "$src"
	./configure -q --prefix="$out" --disable-shared --enable-static --disable-https \
		--without-gnutls --disable-curl --disable-doc --disable-examples --disable-nls \
		--disable-postprocessor --disable-dauth --disable-bauth CFLAGS="-O2 -g" \
		>"$work/configure.log" 2>&1 ||
		{ tail -n 30 "$work/configure.log" >&2; exit 1; }
	make -s -C src/microhttpd -j"$(nproc)" install >"$work/make.log" 2>&1 &&
		make -s -C src/include install >>"$work/make.log" 2>&1 ||
		{ tail -n 30 "$work/make.log" >&2; exit 1; }
) || die "building libmicrohttpd failed"
[ -f "$out/lib/libmicrohttpd.a" ] || die "no $out/lib/libmicrohttpd.a after the build"
