#!/bin/bash
# bench/cpu.sh: what a CPU quota gives a jail, measured in one run.
#
# A burner (bench/burn: it prints the CPU time its processes used over
# the wall time, in percent of one CPU, from getrusage, not from any
# cgroup) runs bare, in a jail without a quota, in jails with
# sysjail.cpu_quota (pcpu) 20, 50 and 150, and under runc with the same
# 20% quota (cpu.cfs_quota_us 20000 per 100000) as the peer.  The cases
# are interleaved, round after round, so each sees the same machine.
#
# usage: bench/cpu.sh BUILD_DIR [SECONDS [ROUNDS]]   (as root; runc optional)
set -euo pipefail
build=$(cd "$1" && pwd)
seconds=${2:-5}
rounds=${3:-3}
export SYSJAIL_RUNDIR=/run/sysjail-bench.$$
# The jails' groups under a parent of our own, removed at the end.
export SYSJAIL_CGROUP=sysjail-bench-$$
root=$(mktemp -d /var/tmp/sysjail-bench.XXXXXX)
cleanup() {
	timeout 60 "$build/jail" -r '*' >/dev/null 2>&1 || true
	rmdir /sys/fs/cgroup/*/"$SYSJAIL_CGROUP" 2>/dev/null || true
	rm -rf "$SYSJAIL_RUNDIR" "$root"
}
trap cleanup EXIT
mkdir -p "$root/rootfs/bin"
cp "$build/bench/burn" "$root/rootfs/bin/burn"	# static: runs in an empty root

# runc's bundle: the same root, the same quota, its own group (runc
# makes it and removes it).
runc=$(command -v runc || true)
if [ -n "$runc" ]; then
	(cd "$root" && "$runc" spec)
	python3 - "$root/config.json" "$seconds" "$$" <<-'EOF'
	import json, sys
	path, seconds, pid = sys.argv[1:]
	c = json.load(open(path))
	c["process"]["args"] = ["/bin/burn", seconds, "1"]
	c["process"]["terminal"] = False
	c["linux"]["resources"] = {"cpu": {"quota": 20000, "period": 100000}}
	c["linux"]["cgroupsPath"] = "/sysjail-bench-runc-" + pid
	json.dump(c, open(path, "w"))
	EOF
fi

# name|quota (percent, "-" for none)|command
cases=(
	"bare, 1 process|-|$build/bench/burn $seconds 1"
	"jail, no quota, 1 process|-|$build/jail -c path=$root/rootfs command=/bin/burn $seconds 1"
	"jail pcpu=20, 1 process|20|$build/jail -c path=$root/rootfs pcpu=20 command=/bin/burn $seconds 1"
	"jail pcpu=20, 4 processes|20|$build/jail -c path=$root/rootfs pcpu=20 command=/bin/burn $seconds 4"
	"jail pcpu=50, 1 process|50|$build/jail -c path=$root/rootfs pcpu=50 command=/bin/burn $seconds 1"
	"jail pcpu=150, 2 processes|150|$build/jail -c path=$root/rootfs pcpu=150 command=/bin/burn $seconds 2"
	# What two processes can have at all: the ceiling of the case above.
	"bare, 2 processes|-|$build/bench/burn $seconds 2"
)
[ -n "$runc" ] && cases+=("runc, quota 20%, 1 process|20|$runc run --bundle $root sysjail-bench-$$")

results=$root/results
for ((r = 1; r <= rounds; r++)); do
	for c in "${cases[@]}"; do
		IFS='|' read -r name quota cmd <<<"$c"
		# shellcheck disable=SC2086 # cmd is words
		share=$($cmd)
		echo "$name|$quota|$share" >>"$results"
	done
done

echo "CPU share of a burner, percent of one CPU (getrusage over wall time)," \
	"$rounds rounds of $seconds s, interleaved; $(nproc) CPUs"
[ -n "$runc" ] || echo "  (runc is not installed: no peer)"
awk -F'|' '
	!($1 in n) { order[++k] = $1; quota[$1] = $2; lo[$1] = $3; hi[$1] = $3 }
	{ n[$1]++; sum[$1] += $3; if ($3 < lo[$1]) lo[$1] = $3; if ($3 > hi[$1]) hi[$1] = $3 }
	END {
		printf "  %-28s %6s %6s %13s  %s\n", "case", "quota", "mean", "range", "mean / quota"
		for (i = 1; i <= k; i++) {
			c = order[i]
			m = sum[c] / n[c]
			printf "  %-28s %6s %6.1f %13s  %s\n", c,
				quota[c] == "-" ? "-" : quota[c] "%", m, sprintf("%.1f-%.1f", lo[c], hi[c]),
				quota[c] == "-" ? "-" : sprintf("%.3f", m / quota[c])
		}
	}' "$results"
