#!/usr/bin/env bash
# National-scale benchmark (issue 22): builds the synthetic England and Wales dataset (bench/NationalDataset: 43
# force-like police.uk feeds clustered around real towns from the bundled Merseyside months' patterns, a fire and
# rescue partner feed, 35,000 synthetic LSOAs; fixed seed), then in a scratch database of the private cluster loads
# the areas, ingests the police.uk files and the partner feed with the normal CLI, and runs the default hotspot run
# over the whole of England and Wales for the period. Each step's wall clock and peak resident set (GNU time) go to
# var/bench/national-<size>-results.txt with the load average before and after.
# Run from the repository root after ./safemap db up and a build with test classes (mvn -DskipTests package).
# Settings: SIZE=smoke (100,000 rows a year, 2 months, 2,000 areas) | year (6,000,000 rows, 12 months from 2022-01,
# the default) | full (30,000,000 rows, 60 months from 2018-01); or ROWS_PER_YEAR, FIRST, MONTHS, AREAS.
# STEPS (default "areas ingest hotspots"); NATIONAL_KEEP_DB=1 keeps the database bench_national.
# The dataset stays under var/bench/national-<size>/ (the year is 1.3 GB of CSV) and is reused when present.
set -euo pipefail
cd "$(dirname "$0")/../../.."
SIZE=${SIZE:-year}
case "$SIZE" in
  smoke) D_ROWS=100000 D_FIRST=2022-01 D_MONTHS=2 D_AREAS=2000 ;;
  year) D_ROWS=6000000 D_FIRST=2022-01 D_MONTHS=12 D_AREAS=35000 ;;
  full) D_ROWS=6000000 D_FIRST=2018-01 D_MONTHS=60 D_AREAS=35000 ;;
  *) echo "national.sh: SIZE is smoke, year or full" >&2; exit 2 ;;
esac
ROWS_PER_YEAR=${ROWS_PER_YEAR:-$D_ROWS} FIRST=${FIRST:-$D_FIRST} MONTHS=${MONTHS:-$D_MONTHS} AREAS=${AREAS:-$D_AREAS}
STEPS=${STEPS:-areas ingest hotspots}
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
export PGPASSWORD="$(cat var/postgis.password)"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U safemap -v ON_ERROR_STOP=1)
CP=server/target/test-classes:server/target/safemap.jar
OUT=var/bench/national-$SIZE
RESULTS=var/bench/national-$SIZE-results.txt
LAST=$(date -d "$FIRST-01 +$((MONTHS - 1)) months" +%Y-%m)
# The launcher, as a user runs it: its JVM options (the ingest's 256 MB heap, class data sharing) are part of what is
# measured; `java -jar` on the default heap let one ingest of 516 files grow to 2 to 4 GB resident.
SAFEMAP=(./safemap)

[ -d "$OUT/police-uk" ] || java -cp "$CP" org.safemap.bench.NationalDataset "$OUT" "$ROWS_PER_YEAR" "$FIRST" "$MONTHS" "$AREAS"
export SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_national"

step() { # name, command...: wall clock and peak RSS of one step, with the load average before and after
  local name=$1; shift
  local before; before=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -f "%e %M" -o var/bench/national-step.time "$@" > "var/bench/national-$name.log" 2>&1
  read -r secs kb < var/bench/national-step.time
  printf '%-10s %8.1f s  peak RSS %5d MB  load %s -> %s\n' "$name" "$secs" $((kb / 1024)) "$before" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"
}

{
  echo "national ($SIZE): $(find "$OUT/police-uk" -name '*.csv' | wc -l) police.uk files, $FIRST..$LAST, $(du -sh "$OUT" | cut -f1); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "code: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- server/src/main || echo ' with uncommitted changes')"
} | tee -a "$RESULTS"
for s in $STEPS; do
  case $s in
    areas)
      "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_national WITH (FORCE)" -c "CREATE DATABASE bench_national"
      "${SAFEMAP[@]}" db up > /dev/null
      step areas "${SAFEMAP[@]}" areas load --level lsoa --vintage 2021 "$OUT/lsoa-$AREAS.geojson.gz" ;;
    ingest)
      step ingest "${SAFEMAP[@]}" ingest --feed police-uk $(find "$OUT/police-uk" -name '*.csv' | sort)
      step partner "${SAFEMAP[@]}" ingest --feed fire-irs $(find "$OUT/fire-irs" -name '*.csv' | sort)
      "${PSQL[@]}" -d bench_national -At -c "SELECT 'stored: ' || count(*) || ' records, database ' || pg_size_pretty(pg_database_size(current_database())) FROM incident" | tee -a "$RESULTS" ;;
    hotspots)
      step hotspots "${SAFEMAP[@]}" hotspots --period "$FIRST..$LAST" --feed police-uk
      grep -E "^run |bandwidth" var/bench/national-hotspots.log | head -3 | tee -a "$RESULTS" ;;
  esac
done
[ "${NATIONAL_KEEP_DB:-0}" = 1 ] || "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_national WITH (FORCE)"
