#!/bin/bash
# build.sh: everything a fresh Debian 12 machine needs, as root.
#
#   ./build.sh demo   install what is missing, build, and run a real jail
#   ./build.sh test   install what is missing, build (plain and with
#                     AddressSanitizer + UndefinedBehaviorSanitizer), and
#                     run every test; ends with "N passed, N failed"
#   ./build.sh        install and build only
set -euo pipefail
cd "$(dirname "$0")"

# Build: compiler, meson, libseccomp; the 32-bit probe: gcc-multilib;
# mkjail's tarballs: libarchive-dev; the jails' network: libnl-route-3-dev;
# sjrun's config.json: libjansson-dev.  sjrun's end-to-end tests: podman
# (with conmon), containerd (ctr), and runc as the reference runtime.
# Tests: busybox-static (jail roots), python3 (terminal test), iproute2,
# util-linux (setpriv, flock), passwd (useradd: the unprivileged pass's
# user), uidmap (newuidmap/newgidmap: a user's /etc/subuid ranges in their
# jails); mkjail's Debian and arm64 roots: debootstrap,
# qemu-user-static, binfmt-support (mkjail installs them itself when
# missing; here they are installed up front, outside any test's time).
packages=(
	gcc libc6-dev meson ninja-build pkg-config libseccomp-dev gcc-multilib
	libarchive-dev libnl-route-3-dev libjansson-dev
	podman conmon containerd runc
	busybox-static python3 iproute2 util-linux procps passwd uidmap
	debootstrap qemu-user-static binfmt-support
)

install_missing() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	echo "build.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
	local dir=$1
	shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
	ninja -C "$dir" >/dev/null
}

# The README's example, without a terminal: the jail sees only its own
# processes, its hostname is ahost, and a host pid is not there to kill.
demo() {
	sleep 60 &
	demo_host=$!
	trap 'kill $demo_host 2>/dev/null' EXIT
	echo "host# echo \$\$; sleep 60 &"
	echo "$$"
	echo "host# jail / ahost /bin/sh -c 'echo \$\$; hostname; ps -e; kill $demo_host'"
	local status=0
	./build/jail / ahost /bin/sh -c "echo \$\$; hostname; ps -e -o pid=,comm=; kill $demo_host 2>&1" ||
		status=$?
	echo "host# echo \$?    # the jailed shell's status: its kill failed"
	echo "$status"
}

[ "$(id -u)" = 0 ] || { echo "build.sh: run as root (it installs packages and runs jails)" >&2; exit 1; }
install_missing
build build --buildtype=debugoptimized
case ${1:-} in
demo)
	demo
	;;
test)
	build build-san -Db_sanitize=address,undefined -Db_lundef=false -Dstatic_tools=false
	exec tests/run.sh build build-san
	;;
"")
	;;
*)
	echo "usage: ./build.sh [demo|test]" >&2
	exit 1
	;;
esac
