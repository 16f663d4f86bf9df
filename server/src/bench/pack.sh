#!/usr/bin/env bash
# Scripted benchmark for tasking packs on the demo data: a district pack (Liverpool, one month) as PDF and DOCX and
# an LSOA pack as PDF, each made RUNS times (default 5) by `safemap pack`; the median of the time the command reports
# for making the pack (the computation, maps and layout, in one process; JVM start-up is left out and the process is
# cold every time, so this is the worse case of a server's). Run from the repository root after `./safemap demo
# --load-only` (the demo data in the private cluster). Results: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS=${RUNS:-5}
PERIOD=${PERIOD:-2022-07}
OUT=var/bench/packs
# The command to run: the launcher by default; SAFEMAP="java -jar path/to/safemap.jar" times a given build.
read -r -a SAFEMAP <<< "${SAFEMAP:-./safemap}"
mkdir -p "$OUT"

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m}'; }

# One pack: prints the seconds `safemap pack` reports ("wrote FILE (pdf, N KB) in S s: ...").
one() {
  "${SAFEMAP[@]}" pack --area "$1" --period "$PERIOD" --out "$OUT/$2" 2>&1 \
    | sed -n 's/^wrote .* in \([0-9.]*\) s: .*/\1/p'
}

bench() {
  local label=$1 area=$2 file=$3 times=()
  one "$area" "$file" > /dev/null   # builds the jar if needed and warms the database's caches
  for i in $(seq "$RUNS"); do times+=("$(one "$area" "$file")"); done
  printf '%s: runs %s; median %s s\n' "$label" "${times[*]}" "$(printf '%s\n' "${times[@]}" | median)"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
bench "district PDF (Liverpool E08000012, $PERIOD)" E08000012 district.pdf
bench "district DOCX (Liverpool E08000012, $PERIOD)" E08000012 district.docx
bench "LSOA PDF (Liverpool 060C E01033760, $PERIOD)" E01033760 lsoa.pdf
