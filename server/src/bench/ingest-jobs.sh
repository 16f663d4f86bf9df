#!/usr/bin/env bash
# `safemap ingest --jobs 1` against `--jobs 2` over the same police.uk files (issue 22: many files of one force and
# month each), interleaved, ROUNDS times each (3), each round into a fresh copy of a database holding only the areas.
# Each run's wall clock and peak resident set (GNU time) and the load average before it go to
# var/bench/ingest-jobs-results.txt, then the medians. Run from the repository root after ./safemap db up and a build.
# Settings: DATA, a national.sh dataset folder (default var/bench/national-smoke, built by SIZE=smoke national.sh);
# MONTH, the month folder under DATA/police-uk to load (default: the first); AREAS, its LSOA file.
set -euo pipefail
cd "$(dirname "$0")/../../.."
DATA=${DATA:-var/bench/national-smoke}
MONTH=${MONTH:-$(ls "$DATA/police-uk" | head -1)}
AREAS=${AREAS:-$(ls "$DATA"/lsoa-*.geojson.gz | head -1)}
ROUNDS=${ROUNDS:-3}
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
export PGPASSWORD="$(cat var/postgis.password)"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U safemap -v ON_ERROR_STOP=1 -d postgres)
RESULTS=var/bench/ingest-jobs-results.txt
mkdir -p var/bench
mapfile -t FILES < <(find "$DATA/police-uk/$MONTH" -name '*.csv' | sort)
ROWS=$(cat "${FILES[@]}" | wc -l)
ROWS=$((ROWS - ${#FILES[@]}))

# the areas once, in a template; each run loads into a copy of it
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS bench_jobs_tpl WITH (FORCE)" -c "CREATE DATABASE bench_jobs_tpl"
SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_jobs_tpl" \
  ./safemap areas load --level lsoa --vintage 2021 "$AREAS" > /dev/null

echo "ingest --jobs: ${#FILES[@]} files of $MONTH ($ROWS rows) from $DATA, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ), code $(git rev-parse --short HEAD)" | tee -a "$RESULTS"
declare -A TIMES
for round in $(seq "$ROUNDS"); do
  for jobs in 1 2; do
    "${PSQL[@]}" -c "DROP DATABASE IF EXISTS bench_jobs WITH (FORCE)" -c "CREATE DATABASE bench_jobs TEMPLATE bench_jobs_tpl"
    before=$(cut -d' ' -f1-3 /proc/loadavg)
    SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_jobs" \
      /usr/bin/time -f "%e %M" -o var/bench/ingest-jobs.time \
      ./safemap ingest --feed police-uk --jobs "$jobs" "${FILES[@]}" > var/bench/ingest-jobs-$jobs.log 2>&1
    read -r secs kb < var/bench/ingest-jobs.time
    TIMES[$jobs]+="$secs "
    printf 'round %d --jobs %d: %6.1f s (%'"'"'.0f rows/s), peak RSS %d MB, load before %s\n' "$round" "$jobs" "$secs" \
      "$(echo "$ROWS / $secs" | bc -l)" $((kb / 1024)) "$before" | tee -a "$RESULTS"
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
m1=$(echo "${TIMES[1]}" | median)
m2=$(echo "${TIMES[2]}" | median)
printf 'medians: --jobs 1 %.1f s, --jobs 2 %.1f s, ratio %.2f; load after %s\n' "$m1" "$m2" "$(echo "$m1 / $m2" | bc -l)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS bench_jobs WITH (FORCE)" -c "DROP DATABASE IF EXISTS bench_jobs_tpl WITH (FORCE)"
