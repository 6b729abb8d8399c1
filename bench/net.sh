#!/bin/bash
# bench/net.sh: TCP throughput to and from a jail's address, against the
# host's loopback, measured in one run with iperf3.
#
#   host lo       client and server on 127.0.0.1, on the host: the baseline
#   host -> jail  client on the host, server in a jail at 192.0.2.10 (its
#                 veth; the host routes to it)
#   jail -> host  the same, the jail sending (iperf3 -R)
#   jail lo       client and server on the jail's own 127.0.0.1
#
# The "host" is a network namespace the benchmark makes (the jail tools
# run in it through nsenter), so nothing touches the machine's network.
# Each configuration runs ROUNDS times for SECONDS, round-robin, so that
# each sees the same machine; the figures are the medians of what the
# receiver counted.
#
# usage: bench/net.sh BUILD_DIR [ROUNDS [SECONDS]]   (as root; needs iperf3)
set -euo pipefail
build=$(cd "$1" && pwd)
rounds=${2:-5}
seconds=${3:-3}
iperf3=$(command -v iperf3) || { echo "bench: install iperf3" >&2; exit 1; }
export SYSJAIL_RUNDIR=/run/sysjail-bench.$$
export SYSJAIL_CGROUP=sysjail-bench-$$
ns=sjb-host-$$
H="nsenter --net=/run/netns/$ns"
out=$(mktemp -d)
cleanup() {
	timeout 60 $H "$build/jail" -r '*' >/dev/null 2>&1 || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$SYSJAIL_RUNDIR" "$out"
	rmdir /sys/fs/cgroup/"$SYSJAIL_CGROUP" /sys/fs/cgroup/*/"$SYSJAIL_CGROUP" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$ns"
$H ip link set lo up
# The host's address, on a veth pair standing in for its NIC: without
# one, the host would talk to the jail from 127.0.0.1.
$H ip link add nic0 type veth peer name nic1
$H ip addr add 192.0.2.1/24 dev nic0
$H ip link set nic0 up
$H ip link set nic1 up
# The jail runs the host's own iperf3: its root is the host's tree.
$H "$build/jail" -c name=bench path=/ ip4.addr=192.0.2.10 persist

# run NAME SERVER-PREFIX CLIENT-PREFIX ADDRESS [IPERF3-OPTION]: one
# measurement, the client retrying while the server starts; appends the
# receiver's Mbit/s to $out/NAME.
run() {
	local name=$1 server=$2 client=$3 addr=$4 opt=${5:-} pid mbps=
	$server "$iperf3" -s -1 -p 5201 >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		mbps=$(timeout $((seconds + 10)) $client "$iperf3" -c "$addr" -p 5201 -t "$seconds" -f m $opt 2>/dev/null |
			awk '/receiver$/ { print $(NF - 2) }') && [ -n "$mbps" ] && break
		sleep 0.1
	done
	[ -n "$mbps" ] || { kill "$pid" 2>/dev/null; echo "bench: $name: no measurement" >&2; exit 1; }
	wait "$pid" || true
	echo "$mbps" >>"$out/$name"
}

jexec="$H $build/jexec bench"
for _ in $(seq "$rounds"); do
	run host-lo "$H" "$H" 127.0.0.1
	run host-to-jail "$jexec" "$H" 192.0.2.10
	run jail-to-host "$jexec" "$H" 192.0.2.10 -R
	run jail-lo "$jexec" "$jexec" 127.0.0.1
done

echo "TCP throughput, iperf3, one stream, $rounds rounds of $seconds s, interleaved (Gbit/s, medians)"
for name in host-lo host-to-jail jail-to-host jail-lo; do
	sort -n "$out/$name" | awk -v n="$name" '
		{ v[NR] = $1 }
		END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%s %.2f %.2f %.2f\n", n, m / 1000, v[1] / 1000, v[NR] / 1000
		}'
done | awk '
	{ name[NR] = $1; med[NR] = $2; lo[NR] = $3; hi[NR] = $4 }
	END {
		for (i = 1; i <= NR; i++)
			printf "  %-13s %7.2f  (%.2f-%.2f)   x host lo %5.2f\n",
				name[i], med[i], lo[i], hi[i], med[i] / med[1]
	}'
