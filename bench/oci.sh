#!/bin/bash
# bench/oci.sh: sjrun(8) against runc, as ratios measured in one run.
#
#   `sjrun run` against `runc run` on the same bundle (busybox, runc's
#   default config.json, /bin/true), and `podman run --rm IMAGE /bin/true`
#   with each as its runtime (private storage, cgroupfs, --network none),
#   interleaved round by round so both see the same machine.
#
# usage: bench/oci.sh BUILD_DIR [ROUNDS] [PODMAN_ROUNDS]   (as root; needs
#        runc and podman, which ./build.sh installs)
set -euo pipefail
build=$(cd "$1" && pwd)
rounds=${2:-200}
podman_rounds=${3:-40}
runc=$(command -v runc) || { echo "bench: install runc" >&2; exit 1; }
podman=$(command -v podman) || { echo "bench: install podman" >&2; exit 1; }
work=$(mktemp -d /var/tmp/sjrun-bench.XXXXXX)
export SYSJAIL_RUNDIR=/run/sysjail-bench.$$
# Our own parent cgroup for bundles without cgroupsPath, removed at the end.
export SYSJAIL_CGROUP=sjrun-bench-$$
cg=$SYSJAIL_CGROUP
pm() {
	"$podman" --root "$work/pm/root" --runroot "$work/pm/runroot" --tmpdir "$work/pm/tmp" \
		--storage-driver overlay --cgroup-manager cgroupfs --events-backend file "$@"
}
# podman calls its runtime without --root: /run/sjrun and /run/runc,
# removed at the end unless they were there.
roots_made=()
for d in /run/sjrun /run/runc; do
	[ -e "$d" ] || roots_made+=("$d")
done
cleanup() {
	pm rm -af -t 0 >/dev/null 2>&1 || true
	pm system reset -f >/dev/null 2>&1 || true
	awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	for h in /sys/fs/cgroup/*/; do
		for g in "$h$cg"/* "$h$cg"; do
			[ -d "$g" ] && rmdir "$g" 2>/dev/null
		done
	done
	rm -rf "$work" "$SYSJAIL_RUNDIR"
	for d in "${roots_made[@]}"; do
		rmdir "$d" 2>/dev/null || true
	done
}
trap cleanup EXIT

# The bundle: busybox, runc's default spec, /bin/true.
mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/"
ln -s busybox "$work/bundle/rootfs/bin/true"
(cd "$work/bundle" && "$runc" spec)
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"true"/' "$work/bundle/config.json"

names=("sjrun run" "runc run")
mapfile -t times < <(cd "$work/bundle" && "$build/bench/spawntime" "$rounds" \
	"$build/sjrun" --root "$work/sjrun" run bench -- \
	"$runc" --root "$work/runc" run bench)
echo "OCI run of /bin/true on a bundle, $rounds rounds each, interleaved (microseconds)"
for i in "${!names[@]}"; do
	echo "${times[i]}"
done | awk -v a="${names[0]}" -v b="${names[1]}" '
	{ med[NR] = $1; mean[NR] = $2 }
	END {
		printf "  %-10s median %8.1f  mean %8.1f\n", a, med[1], mean[1]
		printf "  %-10s median %8.1f  mean %8.1f\n", b, med[2], mean[2]
		printf "  sjrun / runc: %.2f (target: below 1)\n", med[1] / med[2]
	}'

# podman: the same image, each runtime in turn.
mkdir -p "$work/pm" "$work/image/bin"
cp /bin/busybox "$work/image/bin/"
ln -s busybox "$work/image/bin/true"
cat >"$work/pm/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
conmon_env_vars = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "SYSJAIL_RUNDIR=$SYSJAIL_RUNDIR"]
runtime_supports_json = ["sjrun", "runc"]
[engine.runtimes]
sjrun = ["$build/sjrun"]
runc = ["$runc"]
EOF
export CONTAINERS_CONF=$work/pm/containers.conf
tar -C "$work/image" -cf "$work/image.tar" .
pm import "$work/image.tar" localhost/sjrun-bench >/dev/null 2>&1
args=(--root "$work/pm/root" --runroot "$work/pm/runroot" --tmpdir "$work/pm/tmp"
	--storage-driver overlay --cgroup-manager cgroupfs --events-backend file)
run=(run --rm --network none --cgroup-parent "/$cg" localhost/sjrun-bench /bin/true)
mapfile -t times < <("$build/bench/spawntime" "$podman_rounds" \
	"$podman" "${args[@]}" --runtime sjrun "${run[@]}" -- \
	"$podman" "${args[@]}" --runtime runc "${run[@]}")
echo
echo "podman run --rm IMAGE /bin/true, $podman_rounds rounds each, interleaved (microseconds)"
printf '%s\n' "${times[@]}" | awk '
	{ med[NR] = $1; mean[NR] = $2 }
	END {
		printf "  %-10s median %8.1f  mean %8.1f\n", "sjrun", med[1], mean[1]
		printf "  %-10s median %8.1f  mean %8.1f\n", "runc", med[2], mean[2]
		printf "  sjrun / runc: %.2f (target: below 1)\n", med[1] / med[2]
	}'
