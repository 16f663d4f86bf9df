#!/usr/bin/env bash
# Two builds' `safemap ingest` over the same many police.uk files, interleaved (issue 22: a load of many files of
# one force and month each), ROUNDS times each (3), each run into a fresh copy of a database holding only the areas.
# The baseline is BASE_JAR (e.g. main's safemap.jar), the other this checkout's server/target/safemap.jar; both run as
# the launcher runs an ingest (java -Xmx256m -jar, no class data archive, so neither has one). Each run's wall
# clock, peak resident set and the JVM's CPU (GNU time), the CPU of the cluster's backends (what the postmaster reaped
# from its children meanwhile) and the load average before it go to var/bench/ingest-files-ab-results.txt, then the
# medians. SAFEMAP_LOG_LEVEL=DEBUG in the environment keeps each file's phase timings in var/bench/ab-files-*.log.
# Run from the repository root after ./safemap db up and a build.
# Settings: DATA, a national.sh dataset folder (default var/bench/national-year); MONTH, the month folder under
# DATA/police-uk to load (default: the first); AREAS, its LSOA file; JOBS, --jobs (default 1); KEEP_TEMPLATE=1.
set -euo pipefail
cd "$(dirname "$0")/../../.."
: "${BASE_JAR:?set BASE_JAR to the safemap.jar of the baseline build}"
DATA=${DATA:-var/bench/national-year}
MONTH=${MONTH:-$(ls "$DATA/police-uk" | head -1)}
AREAS=${AREAS:-$(ls "$DATA"/lsoa-*.geojson.gz | head -1)}
ROUNDS=${ROUNDS:-3}
JOBS=${JOBS:-1}
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
export PGPASSWORD="$(cat var/postgis.password)"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U safemap -v ON_ERROR_STOP=1 -d postgres)
RESULTS=var/bench/ingest-files-ab-results.txt
mkdir -p var/bench/ab-files
# Copies, so a build during the run cannot replace classes under it.
cp "$BASE_JAR" var/bench/ab-files/base.jar
cp server/target/safemap.jar var/bench/ab-files/new.jar
mapfile -t FILES < <(find -L "$DATA/police-uk/$MONTH" -name '*.csv' | sort)
ROWS=$(cat "${FILES[@]}" | wc -l)
ROWS=$((ROWS - ${#FILES[@]}))
POSTMASTER=$(head -1 "$(find "${SAFEMAP_VAR_DIR:-var}" -maxdepth 4 -name postmaster.pid | head -1)")
reaped() { awk '{print $16 + $17}' "/proc/$POSTMASTER/stat"; } # children's user + system, in clock ticks
TICK=$(getconf CLK_TCK)

# the areas once, in a template each run copies; KEEP_TEMPLATE=1 keeps it for the next use of the script
if [ "${KEEP_TEMPLATE:-0}" != 1 ] || ! "${PSQL[@]}" -At -c "SELECT 1 FROM pg_database WHERE datname = 'bench_files_tpl'" | grep -q 1; then
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS bench_files_tpl WITH (FORCE)" -c "CREATE DATABASE bench_files_tpl"
  SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_files_tpl" \
    java -jar var/bench/ab-files/new.jar areas load --level lsoa --vintage 2021 "$AREAS" > /dev/null
fi

echo "ingest A/B: ${#FILES[@]} files of $MONTH ($ROWS rows) from $DATA, --jobs $JOBS, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ), base $BASE_JAR, new $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- server/src/main || echo '+changes')" | tee -a "$RESULTS"
declare -A TIMES
for round in $(seq "$ROUNDS"); do
  for build in base new; do
    "${PSQL[@]}" -c "DROP DATABASE IF EXISTS bench_files WITH (FORCE)" -c "CREATE DATABASE bench_files TEMPLATE bench_files_tpl"
    before=$(cut -d' ' -f1-3 /proc/loadavg)
    cpu0=$(reaped)
    SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_files" \
      /usr/bin/time -f "%e %M %U %S" -o var/bench/ab-files.time \
      java -Xmx256m -jar "var/bench/ab-files/$build.jar" ingest --feed police-uk --jobs "$JOBS" "${FILES[@]}" \
      > "var/bench/ab-files-$build-$round.log" 2>&1
    sleep 1 # the backends exit once the JVM's connections close; then the postmaster reaps them
    cpu1=$(reaped)
    read -r secs kb user sys < var/bench/ab-files.time
    stored=$("${PSQL[@]}" -d bench_files -At -c "SELECT count(*) FROM incident")
    TIMES[$build]+="$secs "
    printf 'round %d %-4s: %6.2f s (%'"'"'.0f rows/s), JVM CPU %.1f s, backends %.1f s, peak RSS %d MB, %d stored, load before %s\n' \
      "$round" "$build" "$secs" "$(echo "$ROWS / $secs" | bc -l)" "$(echo "$user + $sys" | bc -l)" \
      "$(echo "($cpu1 - $cpu0) / $TICK" | bc -l)" $((kb / 1024)) "$stored" "$before" | tee -a "$RESULTS"
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mb=$(echo "${TIMES[base]}" | median)
mn=$(echo "${TIMES[new]}" | median)
printf 'medians: base %.2f s (%'"'"'.0f rows/s), new %.2f s (%'"'"'.0f rows/s), ratio %.2f; load after %s\n' \
  "$mb" "$(echo "$ROWS / $mb" | bc -l)" "$mn" "$(echo "$ROWS / $mn" | bc -l)" "$(echo "$mb / $mn" | bc -l)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS bench_files WITH (FORCE)"
[ "${KEEP_TEMPLATE:-0}" = 1 ] || "${PSQL[@]}" -c "DROP DATABASE IF EXISTS bench_files_tpl WITH (FORCE)"
