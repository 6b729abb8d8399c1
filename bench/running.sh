#!/bin/bash
# bench/running.sh: running jails at scale, measured in one run.
#
#   - starting N persistent jails at once: time until all run, and the mean
#     start time of the first tenth against the last tenth;
#   - jls and sjls with N jails running;
#   - memory: sysjail's processes for an idle persistent jail (PSS);
#   - jexec latency against a bare /bin/true and util-linux's nsenter.
#
# usage: bench/running.sh BUILD_DIR [N]   (as root; N defaults to 1000)
set -euo pipefail
build=$(cd "$1" && pwd)
n=${2:-1000}
export SYSJAIL_RUNDIR=/run/sysjail-bench.$$
# Our own parent cgroup, removed at the end as the registry is.
export SYSJAIL_CGROUP=sysjail-bench-$$
root=$(mktemp -d /var/tmp/sysjail-bench.XXXXXX)
cleanup() {
	timeout 300 "$build/jail" -r '*' >/dev/null 2>&1 || true
	rm -rf "$SYSJAIL_RUNDIR" "$root"
	rmdir /sys/fs/cgroup/"$SYSJAIL_CGROUP" /sys/fs/cgroup/*/"$SYSJAIL_CGROUP" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$root/bin"
cp "$build/bench/true" "$root/bin/true"	# static: runs in an empty root

# Warm the seccomp cache: the first jail compiles the policy.
"$build/jail" -c path="$root" persist name=warm
"$build/jail" -r warm

# Start 100 jails one after the other: with no jail running, and again
# with N running, to show a start does not get slower with the registry.
sequential() {
	"$build/bench/spawntime" 100 "$build/jail" -c path="$root" persist
}
empty=$(sequential | cut -d' ' -f1)
"$build/jail" -r '*'

read -r total first last failed < <("$build/bench/manystart" "$n" "$build/jail" -c \
	path="$root" persist name=j%d)
running=$("$build/jls" jid | wc -l)
echo "starting $n persistent jails at once: all $running running after $total ms" \
	"($failed failed; target: 1000 within 3 s)"
awk -v f="$first" -v l="$last" -v k=$((n / 10)) 'BEGIN {
	printf "  mean start of the first %d: %.1f ms, of the last %d: %.1f ms (last / first %.2f; " \
	       "target at most 1)\n", k, f, k, l, l / f }'
full=$(sequential | cut -d' ' -f1)
awk -v e="$empty" -v f="$full" -v n="$running" 'BEGIN {
	printf "a jail start (median of 100, one after the other): %.0f us with no jail running, " \
	       "%.0f us with %d (ratio %.2f)\n", e, f, n, f / e }'
running=$("$build/jls" jid | wc -l)

mapfile -t t < <("$build/bench/spawntime" 20 "$build/jls" -- "$build/jls" -n -- "$build/sjls")
echo "with $running jails: jls $(cut -d' ' -f1 <<<"${t[0]}") us, jls -n $(cut -d' ' -f1 <<<"${t[1]}") us," \
	"sjls $(cut -d' ' -f1 <<<"${t[2]}") us (medians of 20; target for jls: under 50 ms)"

pss=0
for e in "$SYSJAIL_RUNDIR"/jail/[0-9]*; do
	[[ $(basename "$e") == *.* ]] && continue
	pid=$(sed -n 's/^sysjail.pid=//p' "$e")
	pss=$((pss + $(awk '/^Pss:/ { print $2 }' /proc/"$pid"/smaps_rollup)))
done
echo "memory: sysjail's processes for an idle persistent jail: $((pss / running)) KiB PSS" \
	"(mean over $running; target under 300 KiB)"

init=$(sed -n 's/^sysjail.pid=//p' "$SYSJAIL_RUNDIR/jail/$("$build/jls" -j j0 jid)")
mapfile -t t < <("$build/bench/spawntime" 300 /bin/true -- "$build/jexec" j0 /bin/true -- \
	"$(command -v nsenter)" -t "$init" -a /bin/true)
awk -v b="${t[0]% *}" -v j="${t[1]% *}" -v s="${t[2]% *}" 'BEGIN {
	printf "jexec latency: bare %.0f us, jexec %.0f us (x bare %.2f), nsenter -a %.0f us " \
	       "(jexec / nsenter %.2f); medians of 300\n", b, j, j / b, s, j / s }'
