#!/usr/bin/env bash
# Scripted benchmark for areas: loading a national-size LSOA file, and assigning 1,000,000 points to LSOAs in
# Java and in PostGIS. Run from the repository root after ./safemap db up and a build with test classes
# (./safemap test, or mvn -DskipTests package). Results: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS=${RUNS:-3}
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
export PGPASSWORD="$(cat var/postgis.password)"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U safemap -v ON_ERROR_STOP=1)
CP=server/target/test-classes:server/target/safemap.jar
FILE=var/bench/synthetic-lsoa-35000.geojson.gz

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m}'; }
now() { date +%s.%N; }

mkdir -p var/bench
[ -f "$FILE" ] || java -cp "$CP" org.safemap.bench.SyntheticBoundaries "$FILE" 35000
echo "file: $FILE ($(du -h "$FILE" | cut -f1) gzipped)"

echo "== safemap areas load: 35,000 synthetic LSOAs (WGS84 GeoJSON, about 41 vertices each) into a fresh database"
for i in $(seq "$RUNS"); do
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_areas WITH (FORCE)" -c "CREATE DATABASE bench_areas"
  export SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_areas"
  java -jar server/target/safemap.jar db up > /dev/null
  t0=$(now)
  java -jar server/target/safemap.jar areas load --level lsoa --vintage 2021 --no-assign "$FILE" > /dev/null 2>&1
  t1=$(now)
  echo "$t1 - $t0" | bc
done | median | sed 's/^/areas load median s: /'

echo "== assigning 1,000,000 uniform random points to those LSOAs"
SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_areas" \
  java -cp "$CP" org.safemap.bench.AssignmentBench 1000000 5 2>/dev/null
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_areas WITH (FORCE)"
