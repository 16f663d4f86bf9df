#!/usr/bin/env bash
# Tasking packs from a warm server: a district pack (Liverpool, one month) as PDF and DOCX and an LSOA pack as PDF,
# each asked of GET /api/packs 6 times by one signed-in user; the first (which makes and stores the district-wide runs
# the rest cite, and warms the JVM's code) is dropped and the median of the other 5 is printed, with the load average
# before and after. Run against a running `./safemap demo` (URL, default http://127.0.0.1:8080); the demo user and
# password come from var/demo-logins.txt (LOGIN, default demo-analyst: every feed record by record with the purpose
# tasking). With SERVER_PID (the server's JVM), also the JVM's CPU time (user + system, from /proc) per pack over the
# last 5 runs, which the machine's load disturbs far less than wall time. Results: docs/performance.md (Tasking packs).
set -euo pipefail
cd "$(dirname "$0")/../../.."
URL=${1:-http://127.0.0.1:8080}
LOGIN=${LOGIN:-demo-analyst}
PERIOD=${PERIOD:-2022-07}
RUNS=${RUNS:-6}
PASSWORD=${PASSWORD:-$(awk -v l="$LOGIN" '$1 == l {print $2}' "${SAFEMAP_VAR_DIR:-var}/demo-logins.txt" | tail -1)}
JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT
curl -sf -c "$JAR" -X POST "$URL/api/session" -H 'Content-Type: application/json' \
  -d "{\"login\": \"$LOGIN\", \"password\": \"$PASSWORD\", \"purpose\": \"tasking\"}" > /dev/null

# the JVM's user + system time so far, in seconds
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$SERVER_PID/stat"; }

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m}'; }

bench() {
  local label=$1 query=$2 times=() t cpu0="" per=""
  local before; before=$(cut -d' ' -f1 /proc/loadavg)
  for i in $(seq "$RUNS"); do
    [[ $i == 2 && -n ${SERVER_PID:-} ]] && cpu0=$(cpu)
    t=$(curl -s -b "$JAR" -o /dev/null -w '%{http_code} %{time_total}' "$URL/api/packs?$query")
    [[ ${t%% *} == 200 ]] || { echo "$label: HTTP ${t%% *}" >&2; exit 1; }
    times+=("${t#* }")
  done
  [[ -n $cpu0 ]] && per=$(awk -v a="$cpu0" -v b="$(cpu)" -v n=$((RUNS - 1)) 'BEGIN {printf "; JVM CPU %.2f s per pack", (b - a) / n}')
  printf '%s: runs %s; median of the last %d %s s%s; load %s / %s\n' "$label" "${times[*]}" $((RUNS - 1)) \
    "$(printf '%s\n' "${times[@]:1}" | median)" "$per" "$before" "$(cut -d' ' -f1 /proc/loadavg)"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); server $URL as $LOGIN"
bench "district PDF (Liverpool E08000012, $PERIOD)" "area=E08000012&period=$PERIOD&format=pdf"
bench "district DOCX (Liverpool E08000012, $PERIOD)" "area=E08000012&period=$PERIOD&format=docx"
bench "LSOA PDF (Liverpool 060C E01033760, $PERIOD)" "area=E01033760&period=$PERIOD&format=pdf"
