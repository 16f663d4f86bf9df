#!/usr/bin/env bash
# Two servers of the viewer (e.g. main's build and a branch's, against the same database) timed in turn by
# ViewerInteractionBench, one fresh browser each per round, so both see the same machine load; then each step's
# median (min to max) per server. One untimed round first warms both. Run viewer.sh once first (it compiles the
# benches and writes their class path); the demo's analyst signs in on both (var/demo-logins.txt).
#
#   server/src/bench/viewer-ab.sh URL_A URL_B [ROUNDS]       # ROUNDS default 5; SAFEMAP_BENCH_PAUSE_MS passes through
set -euo pipefail
cd "$(dirname "$0")/../../.."
[ $# -ge 2 ] || { echo "usage: $0 URL_A URL_B [ROUNDS]" >&2; exit 2; }
urls=("$1" "$2")
rounds=${3:-5}
[ -r server/target/viewer-bench.cp ] || { echo "run server/src/bench/viewer.sh once first" >&2; exit 1; }
cp="server/target/test-classes:server/target/classes:$(cat server/target/viewer-bench.cp)"
logins="${SAFEMAP_VAR_DIR:-var}/demo-logins.txt"
export SAFEMAP_BENCH_LOGIN=demo-analyst
SAFEMAP_BENCH_PASSWORD="$(awk '$1 == "demo-analyst" { print $2 }' "$logins")"
export SAFEMAP_BENCH_PASSWORD
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

one() { java -cp "$cp" org.safemap.bench.ViewerInteractionBench "$1" 1 2>&1 | sed -n 's/^run 1: {\(.*\)}$/\1/p'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); pause before a step: ${SAFEMAP_BENCH_PAUSE_MS:-0} ms"
for u in "${urls[@]}"; do one "$u" > /dev/null; done
for round in $(seq "$rounds"); do
  for i in 0 1; do
    line=$(one "${urls[$i]}")
    echo "round $round ${urls[$i]}: $line (load $(cut -d' ' -f1 /proc/loadavg))"
    echo "$line" | tr ',' '\n' | sed 's/^ *//' | awk -F= -v s="$i" '{ print s "|" $1 "|" $2 }' >> "$out/all"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-20s %-28s %-28s\n' step "${urls[0]}" "${urls[1]}"
cut -d'|' -f2 "$out/all" | awk '!seen[$0]++' | while read -r step; do
  row=$(printf '%-20s' "$step")
  for i in 0 1; do
    vals=$(awk -F'|' -v s="$i" -v k="$step" '$1 == s && $2 == k { print $3 }' "$out/all" | sort -n)
    n=$(echo "$vals" | wc -l)
    med=$(echo "$vals" | awk -v n="$n" 'NR == int((n + 1) / 2) { print }')
    row="$row $(printf '%-28s' "$med ms ($(echo "$vals" | head -1) to $(echo "$vals" | tail -1))")"
  done
  echo "$row"
done
