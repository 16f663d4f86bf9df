#!/usr/bin/env bash
# A cold `safemap pack` timed from outside, JVM start-up included: the district PDF (Liverpool, July 2022) by
# default, each run a new process through a launcher. Given two launchers (this checkout's ./safemap and another
# build's), they alternate run by run, so both see the same machine load. Per run: wall time, the Java process's CPU
# (user + system from /usr/bin/time: its compiler and GC threads included, PostgreSQL's not), the time the command
# reports and the 1-minute load average; then the medians. Each launcher first runs twice untimed (the first run
# after a build records its class data archive; both warm the database's caches). Run from the repository root after
# `./safemap demo --load-only`, with SAFEMAP_LOCAL_DB_PORT as for the launcher. Results: docs/performance.md.
#
#   server/src/bench/pack-cold.sh [LAUNCHER ...]      # default ./safemap; RUNS=5 AREA=E08000012 PERIOD=2022-07
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS=${RUNS:-5}
AREA=${AREA:-E08000012}
PERIOD=${PERIOD:-2022-07}
OUT=var/bench/cold
LAUNCHERS=("$@")
[ ${#LAUNCHERS[@]} -gt 0 ] || LAUNCHERS=(./safemap)
mkdir -p "$OUT"

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m}'; }
load() { cut -d' ' -f1 /proc/loadavg; }

# One run: prints "wall cpu reported load".
one() {
  local launcher=$1 times="$OUT/time.$$" log="$OUT/log.$$" before
  before=$(load)
  /usr/bin/time -f '%e %U %S' -o "$times" "$launcher" pack --area "$AREA" --period "$PERIOD" --out "$OUT/pack.pdf" \
    > "$log" 2>&1 || { cat "$log" >&2; return 1; }
  awk -v rep="$(sed -n 's/^wrote .* in \([0-9.]*\) s: .*/\1/p' "$log")" -v load="$before" \
    '{printf "%.2f %.2f %s %s\n", $1, $2 + $3, rep, load}' "$times"
  rm -f "$times" "$log"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "pack --area $AREA --period $PERIOD, $RUNS rounds; per run: wall s, JVM CPU s, reported s, load before"
for launcher in "${LAUNCHERS[@]}"; do one "$launcher" > /dev/null; one "$launcher" > /dev/null; done
declare -A results
for round in $(seq "$RUNS"); do
  for i in "${!LAUNCHERS[@]}"; do
    r=$(one "${LAUNCHERS[$i]}")
    echo "round $round ${LAUNCHERS[$i]}: $r"
    results[$i]+="$r"$'\n'
  done
done
for i in "${!LAUNCHERS[@]}"; do
  rows=${results[$i]}
  printf '%s: wall median %s s (%s), JVM CPU median %s s, reported median %s s, load %s to %s\n' "${LAUNCHERS[$i]}" \
    "$(awk 'NF {print $1}' <<< "$rows" | median)" "$(awk 'NF {printf "%s ", $1}' <<< "$rows" | sed 's/ $//')" \
    "$(awk 'NF {print $2}' <<< "$rows" | median)" "$(awk 'NF {print $3}' <<< "$rows" | median)" \
    "$(awk 'NF {print $4}' <<< "$rows" | sort -n | head -1)" "$(awk 'NF {print $4}' <<< "$rows" | sort -n | tail -1)"
done
