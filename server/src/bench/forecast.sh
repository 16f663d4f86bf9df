#!/usr/bin/env bash
# Forecast accuracy on held-back months: loads the bundled Merseyside (7 months of police.uk street crime) and Greater
# Manchester (24 months of burglary) data into two scratch databases of the private cluster, then runs
# `safemap evaluate` with every naive method and `forecast`, by LSOA and on a 100 m grid, for all crime, violence,
# burglary and ASB. The test months are never read while fitting: `forecast` tunes itself by rolling origin inside
# the training months (Forecast.java), and nothing here was tuned on them. Prints one table row per run, with PAI at
# 5% of the area, the bar (best naive method) and the ratio. Run from the repository root after ./safemap db up and
# a build (./safemap test, or mvn -DskipTests package). Results: docs/forecasting.md; WRITE_DOCS=1 writes the table
# there (forecast-docs.py), so the published table is this script's output.
set -euo pipefail
cd "$(dirname "$0")/../../.."
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
export PGPASSWORD="$(cat var/postgis.password)"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U safemap -v ON_ERROR_STOP=1)
DATA=${DATA:-/work/shared/data}
JAR=${JAR:-server/target/safemap.jar} # JAR= another copy lets a rebuild run alongside
mkdir -p var/bench/forecast

load() { # db boundaries crime-files...
  local db=$1 lsoa=$2; shift 2
  export SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/$db"
  # KEEP=1 reuses a database a previous run loaded (and the script then keeps them)
  if [ "${KEEP:-0}" = 1 ] && "${PSQL[@]}" -d "$db" -c "SELECT 1" >/dev/null 2>&1; then return; fi
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  java -jar "$JAR" areas load --level lsoa --vintage 2011 "$lsoa" >/dev/null 2>&1
  java -jar "$JAR" ingest --feed police-uk "$@" >/dev/null 2>&1
}

evaluate() { # label train test category level
  local label=$1 train=$2 test=$3 category=$4 level=$5 cat=()
  [ "$category" = all ] || cat=(--category "$category")
  local out="var/bench/forecast/$label-$category-$level"
  local start=$SECONDS
  java -jar "$JAR" evaluate --train "$train" --test "$test" \
    --method count,last-period,snap-point,kde,forecast --level "$level" --cell 100 --coverage 5 \
    "${cat[@]}" --format json --out "$out.csv" > "$out.json"
  python3 - "$out.json" "$label" "$category" "$level" "$((SECONDS - start))" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
pai = {r["method"]: r["pai"] for r in rows}
bar = rows[0]["bar_pai"]; bar_method = rows[0]["bar_method"]
# the ceiling: the test months' own places, busiest per km² first, over the same area (the PEI's maximum hit rate)
ceiling = rows[0]["max_hit_rate"] / rows[0]["area_share"]
print(f'| {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {pai["count"]:.2f} | {pai["last-period"]:.2f} | '
      f'{pai["snap-point"]:.2f} | {pai["kde"]:.2f} | {bar:.2f} ({bar_method}) | **{pai["forecast"]:.2f}** | '
      f'{pai["forecast"] / bar:.2f}x | {ceiling:.2f} ({1.1 * bar / ceiling:.0%}) | {sys.argv[5]} s |')
PY
}

TABLE=var/bench/forecast/table.md
exec > >(tee "$TABLE")
echo "| data | category | level | count | last-period | snap-point | kde (ppl) | bar | forecast | forecast / bar | ceiling (1.10 x bar as a share of it) | time |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
load forecast_merseyside "$DATA/merseyside/boundaries/merseyside_lsoa_2011_bgc.geojson" \
  "$DATA"/merseyside/crime/2022-0*-merseyside-street.csv
for category in all violence burglary asb; do
  for level in lsoa grid; do
    evaluate merseyside 2022-01..2022-05 2022-06..2022-07 "$category" "$level"
  done
done
# the GM extract has four columns; give it police.uk's twelve (no IDs, no LSOA codes: areas come from the points)
GM=var/bench/forecast/gm-burglary-policeuk.csv
awk -F, -v OFS=, 'NR == 1 { print "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context"; next }
     { printf "%064x,%s,Greater Manchester Police,Greater Manchester Police,%s,%s,On or near ,,,Burglary,,\n", NR, $1, $3, $4 }' \
  "$DATA/greater-manchester/crime/gmp_burglary_2016-02_to_2018-01.csv" > "$GM"
load forecast_gm "$DATA/greater-manchester/boundaries/gm_lsoa_2011_bgc.geojson" "$GM"
for level in lsoa grid; do
  evaluate gm 2016-02..2017-09 2017-10..2018-01 burglary "$level"
done
[ "${KEEP:-0}" = 1 ] || "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS forecast_merseyside WITH (FORCE)" \
  -c "DROP DATABASE IF EXISTS forecast_gm WITH (FORCE)"
[ "${WRITE_DOCS:-0}" = 1 ] && python3 server/src/bench/forecast-docs.py "$TABLE"
exit 0
