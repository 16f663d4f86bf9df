#!/usr/bin/env bash
# Scripted benchmark for the foundation: demo load against a raw COPY baseline, server start, API latency.
# Run from the repository root after ./safemap db up; prints medians of RUNS runs. Results: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS=${RUNS:-5}
JAR=server/target/safemap.jar
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
export PGPASSWORD="$(cat var/postgis.password)"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U safemap -v ON_ERROR_STOP=1)
DEMO=server/src/main/resources/demo

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f\n", m}'; }
now() { date +%s.%N; }

fresh_db() { "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1); $("${PSQL[@]}" -d postgres -Atc 'SHOW server_version')"

echo "== raw COPY baseline: the 14 demo CSV files into one unindexed 12-column text table"
for i in $(seq "$RUNS"); do
  fresh_db bench_copy
  "${PSQL[@]}" -d bench_copy -c "CREATE TABLE raw (crime_id text, month text, reported_by text, falls_within text,
      longitude text, latitude text, location text, lsoa_code text, lsoa_name text, crime_type text, outcome text, context text)"
  t0=$(now)
  { for f in "$DEMO"/2022-*.csv.gz; do echo "\\copy raw FROM PROGRAM 'zcat $f' CSV HEADER"; done; } | "${PSQL[@]}" -d bench_copy
  t1=$(now)
  echo "$t1 - $t0" | bc
done | median | sed 's/^/copy median s: /'

echo "== safemap demo --load-only into a fresh database (JVM start, migrations, boundaries, 14 CSV files)"
for i in $(seq "$RUNS"); do
  fresh_db bench_demo
  t0=$(now)
  SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_demo" java -jar "$JAR" demo --load-only > /dev/null
  t1=$(now)
  echo "$t1 - $t0" | bc
done | median | sed 's/^/demo load median s: /'

echo "== server start: launch to first /health 200"
HTTP=18765
for i in $(seq "$RUNS"); do
  t0=$(now)
  SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_demo" java -jar "$JAR" serve --port $HTTP > /dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$HTTP/health" > /dev/null; do sleep 0.02; done
  t1=$(now)
  echo "$t1 - $t0" | bc
  kill $pid; wait $pid 2>/dev/null || true
done | median | sed 's/^/start median s: /'

echo "== API latency (warm server, median of 21 requests each)"
SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_demo" java -jar "$JAR" serve --port $HTTP > /dev/null 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$HTTP/health" > /dev/null; do sleep 0.05; done
for path in "/api/areas?level=lsoa" "/api/incidents?month=2022-07" "/api/incidents/summary" "/health"; do
  for i in $(seq 3); do curl -s -o /dev/null "http://127.0.0.1:$HTTP$path"; done
  for i in $(seq 21); do curl -s -o /dev/null -w '%{time_total}\n' -H 'Accept-Encoding: gzip' "http://127.0.0.1:$HTTP$path"; done \
    | median | sed "s|^|$path median s: |"
  curl -s -o /dev/null -w "$path bytes (gzip): %{size_download}\n" -H 'Accept-Encoding: gzip' "http://127.0.0.1:$HTTP$path"
done
kill $pid; wait $pid 2>/dev/null || true
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_copy WITH (FORCE)" -c "DROP DATABASE IF EXISTS bench_demo WITH (FORCE)"
