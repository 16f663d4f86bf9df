#!/usr/bin/env bash
# The view print from a warm server: GET /api/print of Liverpool's centre (density of violence, incident counts and
# LSOA boundaries, May to July 2022, as PrintIT asks) as PDF, RUNS times (default 25) by one signed-in user; the first
# WARM (default 10) warm the JVM's code and are not counted. Prints the median wall time (curl's time_total) of the
# rest and, with SERVER_PID (the server's JVM), its CPU time (user + system, from /proc) per print over them, which
# the machine's load disturbs far less. Run against a running `./safemap demo` or `serve` on the demo data (URL,
# default http://127.0.0.1:8080); the password comes from var/demo-logins.txt (LOGIN, default demo-analyst).
# Results: docs/performance.md (Tasking packs).
set -euo pipefail
cd "$(dirname "$0")/../../.."
URL=${1:-http://127.0.0.1:8080}
LOGIN=${LOGIN:-demo-analyst}
RUNS=${RUNS:-25}
WARM=${WARM:-10}
FORMAT=${FORMAT:-pdf}
PASSWORD=${PASSWORD:-$(awk -v l="$LOGIN" '$1 == l {print $2}' "${SAFEMAP_VAR_DIR:-var}/demo-logins.txt" | tail -1)}
JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT
curl -sf -c "$JAR" -X POST "$URL/api/session" -H 'Content-Type: application/json' \
  -d "{\"login\": \"$LOGIN\", \"password\": \"$PASSWORD\", \"purpose\": \"strategic-assessment\"}" > /dev/null
QUERY="format=$FORMAT&bbox=332500,388500,336500,391500&layers=density-violence,incident-counts,lsoa-boundaries"
QUERY+="&time=2022-05/2022-07&category=violence&title=Violence%20in%20the%20centre"

cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$SERVER_PID/stat"; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f\n", m}'; }

times=()
cpu0=""
load=$(cut -d' ' -f1 /proc/loadavg)
for i in $(seq "$RUNS"); do
  [[ $i == $((WARM + 1)) && -n ${SERVER_PID:-} ]] && cpu0=$(cpu)
  t=$(curl -s -b "$JAR" -o /dev/null -w '%{http_code} %{time_total} %{size_download}' "$URL/api/print?$QUERY")
  [[ ${t%% *} == 200 ]] || { echo "HTTP ${t%% *}" >&2; exit 1; }
  t=${t#* }
  [[ $i -gt $WARM ]] && times+=("${t% *}")
  size=${t#* }
done
per=""
[[ -n $cpu0 ]] && per=$(awk -v a="$cpu0" -v b="$(cpu)" -v n=$((RUNS - WARM)) 'BEGIN {printf "; JVM CPU %.3f s per print", (b - a) / n}')
printf 'print %s (%d bytes): median of the last %d %s s%s; load %s / %s\n' "$FORMAT" "$size" $((RUNS - WARM)) \
  "$(printf '%s\n' "${times[@]}" | median)" "$per" "$load" "$(cut -d' ' -f1 /proc/loadavg)"
