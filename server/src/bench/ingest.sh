#!/usr/bin/env bash
# Scripted benchmark for feeds: a 1,000,000-row police.uk CSV with coordinates loaded end to end (parse, validate,
# geocode, map categories, assign LSOAs, COPY into the batch's partition, build its indexes, attach), against a raw
# COPY of the same file into a plain table in the same run. Run from the repository root after ./safemap db up and a
# build with test classes (./safemap test, or mvn -DskipTests package). Results: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS=${RUNS:-3}
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
export PGPASSWORD="$(cat var/postgis.password)"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U safemap -v ON_ERROR_STOP=1)
CP=server/target/test-classes:server/target/safemap.jar
CRIME=${CRIME:-${DATA:-/work/shared/data}/merseyside/crime}
FILE=var/bench/policeuk-1m.csv
LSOAS=server/src/main/resources/demo/liverpool_lsoa_2011_bgc.geojson.gz

mkdir -p var/bench
if [ ! -f "$FILE" ]; then
  # Merseyside's seven real months, repeated with later months and fresh Crime IDs, to 1,000,000 rows.
  awk -F, -v OFS=, 'FNR == 1 { if (NR == 1) print; f++; next }
       n < 1000000 { m = f - 1; $2 = sprintf("%04d-%02d", 2010 + int(m / 12), m % 12 + 1);
                     if ($1 != "") $1 = sprintf("%064x", ++id); print; n++ }' \
    $(for r in $(seq 10); do ls "$CRIME"/*-merseyside-street.csv; done) > "$FILE"
  [ "$(wc -l < "$FILE")" -gt 1000000 ] || { rm -f "$FILE"; echo "ingest.sh: no Merseyside months in $CRIME (set CRIME or DATA)" >&2; exit 1; }
fi
echo "file: $FILE ($(($(wc -l < "$FILE") - 1)) rows, $(du -h "$FILE" | cut -f1))"

"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_ingest WITH (FORCE)" -c "CREATE DATABASE bench_ingest"
SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_ingest" \
  java -Xmx1g -cp "$CP" org.safemap.bench.IngestBench "$FILE" "$LSOAS" "$RUNS" 2>/dev/null
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_ingest WITH (FORCE)"
