#!/usr/bin/env bash
# Basalt vs Debian's tgt (file backing store on the same disk), same run, same load generator
# (../shared/tools/iscsi-bench.c over libiscsi). Prints one row per case with the ratio.
# Usage: [ROUNDS=3] [SETTLE=6] bench/iscsi-bench.sh [SECONDS_PER_CASE]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_build_tools
need gcc gcc
need tgtd tgt
need iscsi-inq libiscsi-bin
need qemu-img qemu-utils qemu-block-extra
[ -f /usr/include/iscsi/iscsi.h ] || need __missing_libiscsi_dev__ libiscsi-dev
secs=${1:-10}
work=$(pwd)/bench/target/iscsi
mkdir -p "$work"
src=../shared/tools/iscsi-bench.c
[ -f "$src" ] || src=$(ls ../*/tools/iscsi-bench.c 2>/dev/null | head -1)
gcc -O2 -o "$work/iscsi-bench" "$src" -liscsi

size=$((1024 * 1024 * 1024))
tgt_port=3261
basalt_port=3262
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 2
    # tgtd may ignore SIGTERM while sessions linger; it must not outlive the run (it would
    # keep any file descriptor it inherited, a build lock included).
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

# tgt with a file backing store
rm -f "$work/tgt.img"
fallocate -l $size "$work/tgt.img"
tgtd -f --iscsi portal=127.0.0.1:$tgt_port -C 7 >"$work/tgtd.log" 2>&1 &
pids+=($!)
sleep 1
tgtadm -C 7 --lld iscsi --op new --mode target --tid 1 -T iqn.2026-11.bench:tgt
tgtadm -C 7 --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b "$work/tgt.img"
tgtadm -C 7 --lld iscsi --op bind --mode target --tid 1 -I ALL
tgt_url=iscsi://127.0.0.1:$tgt_port/iqn.2026-11.bench:tgt/1

# Basalt: the bare portal over the engine, data on the same disk
mvn -B -q -ntp -pl target-daemon -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
rm -rf "$work/basalt-data"
: >"$work/basalt.log" # emptied first: the wait below must not find the last run's "listening"
java --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED -Xmx2g \
    -cp "target-daemon/target/classes:$(cat target-daemon/target/classpath.txt)" io.basalt.target.TargetMain \
    "$work/basalt-data" 127.0.0.1:$basalt_port bench:$size >"$work/basalt.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -q listening "$work/basalt.log" && break; sleep 0.5; done
basalt_url=iscsi://127.0.0.1:$basalt_port/iqn.2026-11.io.basalt:bench/0

# Both LUNs fully written first, so reads read stored data on both sides.
head -c $size /dev/urandom >"$work/fill.img"
for u in "$tgt_url" "$basalt_url"; do qemu-img convert -n -f raw -O raw "$work/fill.img" "$u"; done
rm -f "$work/fill.img"
sleep 15

# After every run both targets get time to settle (write-back, Basalt's checkpoints and idle
# zero-filling of spare segments), so that neither's background work runs during the other's
# measurement: SETTLE seconds, then for as long as the disk holding the data still takes more
# than 1 MB a second (at most 30 s more). A fixed 6 s was not enough: after 8 s of FUA writes
# Basalt zero-fills its spare segments for about 8 s, which overlapped the next tgt run.
settle=${SETTLE:-6}
disk=$(basename "$(df --output=source "$work" | tail -1)")
written() { awk -v d="$disk" '$3 == d { print $10 }' /proc/diskstats; }
quiet() {
    local prev cur waited=0
    prev=$(written)
    [ -n "$prev" ] || return 0 # not a disk /proc/diskstats lists: the fixed settle only
    while [ "$waited" -lt 30 ]; do
        sleep 1
        waited=$((waited + 1))
        cur=$(written)
        [ $(((cur - prev) * 512)) -lt 1000000 ] && break
        prev=$cur
    done
    [ "$waited" -gt 1 ] && echo "  (disk quiet after $waited s more)" >&2
    return 0
}
run() { # url pattern qd bs flags -> IOPS
    "$work/iscsi-bench" "$1" "$2" "$secs" "$3" "$4" ${5:-} | sed -n 's/.* = \([0-9.]*\) IOPS.*/\1/p'
    sleep "$settle"
    quiet
}
# A warm-up on each side, not counted: the JVM compiles Basalt's read and write paths, small
# and large, and on two cores its compiler threads take a large share of the CPU for the first
# 10-20 s of each path (a 3 s warm-up left the next 128 KiB read run at 0.6x, a 12 s one at
# parity in a manual A/B; in a fresh process C2 was still compiling hot methods 17 s in).
# FUA writes take their own path (the syncer and its completions), so they are warmed too.
# tgt gets the same warm-up.
for u in "$tgt_url" "$basalt_url"; do
    "$work/iscsi-bench" "$u" randread 5 8 4096 >/dev/null
    "$work/iscsi-bench" "$u" randwrite 5 8 4096 >/dev/null
    "$work/iscsi-bench" "$u" randwrite 5 32 4096 fua >/dev/null
    "$work/iscsi-bench" "$u" read 10 8 131072 >/dev/null
    "$work/iscsi-bench" "$u" write 5 8 131072 >/dev/null
done
sleep "$settle"
quiet
# ROUNDS (default 3) measures every case that many times, tgt first in odd rounds and Basalt
# first in even ones. A row shows the median IOPS of each side, the ratio of the medians and
# each round's own ratio: on this shared machine one run of a case moves by 20% or more.
rounds=${ROUNDS:-3}
cases='4k-randread-qd1 randread 1 4096
4k-randread-qd32 randread 32 4096
4k-randwrite-qd1 randwrite 1 4096
4k-randwrite-qd32 randwrite 32 4096
4k-randwrite-fua-qd32 randwrite 32 4096 fua
128k-seqread-qd8 read 8 131072
128k-seqwrite-qd8 write 8 131072'
results=$work/results.txt
: >"$results"
for r in $(seq 1 "$rounds"); do
    while read -r name pattern qd bs flags; do
        if [ $((r % 2)) -eq 1 ]; then
            t=$(run "$tgt_url" "$pattern" "$qd" "$bs" "$flags")
            b=$(run "$basalt_url" "$pattern" "$qd" "$bs" "$flags")
        else
            b=$(run "$basalt_url" "$pattern" "$qd" "$bs" "$flags")
            t=$(run "$tgt_url" "$pattern" "$qd" "$bs" "$flags")
        fi
        echo "$name $r $b $t" >>"$results"
        echo "round $r: $name basalt $b tgt $t" >&2
    done <<<"$cases"
done
printf '%-24s %12s %12s %8s   %s\n' "case" "basalt IOPS" "tgt IOPS" "ratio" "ratio in each round"
while read -r name _; do
    awk -v n="$name" '
        function median(a, k,   i, j, x) { # sorts a[1..k] in place
            for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
            return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
        }
        $1 == n { k++; b[k] = $3; t[k] = $4; each = each sprintf(" %.2f", ($4 > 0 ? $3 / $4 : 0)) }
        END { mb = median(b, k); mt = median(t, k); printf "%-24s %12.0f %12.0f %7.2fx  %s\n", n, mb, mt, (mt > 0 ? mb / mt : 0), each }
    ' "$results"
done <<<"$cases"
