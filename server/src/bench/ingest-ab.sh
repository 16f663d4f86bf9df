#!/usr/bin/env bash
# Two builds' ingest side by side: IngestBench (1 run, no storage floor) with the baseline jar BASE_JAR and with
# this checkout's server/target/safemap.jar, alternately, ROUNDS times (5), each beside its own raw COPY of the same
# file. On a shared machine the ratio to COPY, taken in the same minute, is the comparable figure. Needs the file
# ingest.sh makes (var/bench/policeuk-1m.csv) and a build with test classes.
# Usage: BASE_JAR=path/to/old/safemap.jar server/src/bench/ingest-ab.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROUNDS=${ROUNDS:-5}
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
FILE=${FILE:-var/bench/policeuk-1m.csv}
LSOAS=server/src/main/resources/demo/liverpool_lsoa_2011_bgc.geojson.gz
: "${BASE_JAR:?set BASE_JAR to the safemap.jar of the baseline build}"
export PGPASSWORD="$(cat var/postgis.password)"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U safemap -v ON_ERROR_STOP=1 -d postgres)
mkdir -p var/bench/ab
cp server/target/safemap.jar var/bench/ab/new.jar
cp "$BASE_JAR" var/bench/ab/base.jar
# Copies, so a build during the run cannot replace classes under it.
rm -rf var/bench/ab/test-classes && cp -r server/target/test-classes var/bench/ab/test-classes
run() {
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS bench_ingest WITH (FORCE)" -c "CREATE DATABASE bench_ingest" 2>&1 | grep -v NOTICE || true
  SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_ingest" \
    java -Xmx256m -cp "var/bench/ab/test-classes:var/bench/ab/$1.jar" org.safemap.bench.IngestBench "$FILE" "$LSOAS" 1 --no-floor 2>/dev/null \
    | sed "s/^/$1 /"
}
echo "file $FILE; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  run base
  run new
  echo "round $r done; load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS bench_ingest WITH (FORCE)"
