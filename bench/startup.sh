#!/bin/bash
# bench/startup.sh: what a jail costs, as ratios measured in one run.
#
#   start-up: `jail / h /bin/true` against bare /bin/true, unshare(1) with
#   the same namespaces, bubblewrap, and minjail (bench/minjail.c: the
#   namespaces, a bind of / with /proc and pivot_root, nothing else, as a
#   floor), back to back;
#   spaced start-up: the same, each start 50 ms after the last ended, as a
#   user starts jails: a wait for an RCU grace period (which back-to-back
#   starts share) shows only here;
#   system calls: getppid, open+close and fork+exec inside a jail against
#   bare.
#
# usage: bench/startup.sh BUILD_DIR [ROUNDS [SPACED_ROUNDS]]   (as root; needs bubblewrap)
set -euo pipefail
build=$(cd "$1" && pwd)
rounds=${2:-300}
spaced=${3:-40}
export SYSJAIL_RUNDIR=/run/sysjail-bench.$$
# Our own parent cgroup, removed at the end as the registry is.
export SYSJAIL_CGROUP=sysjail-bench-$$
trap 'rm -rf "$SYSJAIL_RUNDIR"; rmdir /sys/fs/cgroup/"$SYSJAIL_CGROUP" /sys/fs/cgroup/*/"$SYSJAIL_CGROUP" 2>/dev/null' EXIT

bwrap=$(command -v bwrap) || { echo "bench: install bubblewrap" >&2; exit 1; }
unshare=$(command -v unshare)
names=(bare jail unshare bwrap minjail)
commands=(/bin/true -- \
	"$build/jail" / h /bin/true -- \
	"$unshare" --fork --pid --mount --uts --ipc --net --mount-proc /bin/true -- \
	"$bwrap" --unshare-all --ro-bind / / --proc /proc --dev /dev /bin/true -- \
	"$build/bench/minjail" /bin/true)

# Median and mean of each command, from spawntime's lines.
report() {
	local i
	for i in "${!names[@]}"; do
		echo "${names[i]} ${times[i]}"
	done | awk '
		{ name[NR] = $1; med[NR] = $2; mean[NR] = $3 }
		END {
			for (i = 1; i <= NR; i++)
				printf "  %-8s median %8.1f  mean %8.1f   x bare %5.2f   jail / this %5.2f\n",
					name[i], med[i], mean[i], med[i] / med[1], med[2] / med[i]
			printf "  jail start-up against bubblewrap: %.2f (target: at most 0.50)\n", med[2] / med[4]
			printf "  minjail (the floor) against bubblewrap: %.2f\n", med[5] / med[4]
		}'
}

mapfile -t times < <("$build/bench/spawntime" "$rounds" "${commands[@]}")
echo "start-up, $rounds rounds each, back to back, interleaved (microseconds)"
report

mapfile -t times < <("$build/bench/spawntime" -g 50 "$spaced" "${commands[@]}")
echo
echo "spaced start-up, $spaced rounds each, 50 ms apart, interleaved (microseconds)"
report
echo
echo "system calls (nanoseconds, best of five batches), bare and in a jail"
mapfile -t b < <("$build/bench/syscalls")
mapfile -t j < <("$build/jail" / h "$build/bench/syscalls")
paste -d' ' <(printf '%s\n' "${b[@]}") <(printf '%s\n' "${j[@]}") | awk '
	{ printf "  %-11s bare %9.1f  jail %9.1f   ratio %5.2f\n", $1, $2, $4, $4 / $2 }'
