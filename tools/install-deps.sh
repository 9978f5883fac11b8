#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install what synscope needs, from the distribution's packages, if it is
# missing:   tools/install-deps.sh build   (to build and run the tracer)
#            tools/install-deps.sh test    (also everything the tests use)
#            tools/install-deps.sh demo    (also gnuplot, for make demo)
# Debian/Ubuntu (apt) and Amazon Linux 2023/Fedora (dnf).
set -euo pipefail

what=${1:-test}
case $what in
build | test | demo) ;;
*)
	echo "usage: $0 [build|test|demo]" >&2
	exit 2
	;;
esac

apt_build=(make gcc clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libncurses-dev pkg-config
	libmicrohttpd-dev)
apt_test=(libcmocka-dev clang-format iproute2 nftables dnsmasq-base tmux qemu-system-x86
	busybox-static cpio libclang-rt-14-dev kmod strace libbpf-tools conntrack prometheus curl jq python3
	groff-base man-db util-linux valgrind)
apt_demo=(gnuplot-nox)
dnf_build=(make gcc clang llvm bpftool libbpf-devel elfutils-libelf-devel zlib-devel ncurses-devel
	pkgconf-pkg-config libmicrohttpd-devel)
dnf_test=(libcmocka-devel clang-tools-extra iproute nftables dnsmasq tmux qemu-system-x86-core
	busybox cpio compiler-rt kmod strace glibc-static libbpf-static libbpf-tools conntrack-tools curl rpm jq python3
	groff-base man-db util-linux valgrind)
dnf_demo=(gnuplot)

missing=()
if command -v apt-get >/dev/null; then
	pkgs=("${apt_build[@]}")
	[ "$what" != build ] && pkgs+=("${apt_test[@]}")
	[ "$what" = demo ] && pkgs+=("${apt_demo[@]}")
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && exit 0
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v dnf >/dev/null; then
	pkgs=("${dnf_build[@]}")
	[ "$what" != build ] && pkgs+=("${dnf_test[@]}")
	[ "$what" = demo ] && pkgs+=("${dnf_demo[@]}")
	for p in "${pkgs[@]}"; do
		rpm -q "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && exit 0
	echo "installing: ${missing[*]}"
	dnf install -y -q "${missing[@]}"
else
	echo "$0: neither apt-get nor dnf found: install by hand: ${apt_build[*]} ${apt_test[*]}" >&2
	exit 1
fi
