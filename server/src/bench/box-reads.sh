#!/usr/bin/env bash
# Reads of a box over many batches (docs/performance.md, "Reads of a box"): planning and execution of the density read
# of a box and of the WMS points, as main had them (the period alone) and with the batches meeting the box named
# (IncidentPartitions.meeting, V24), by EXPLAIN (ANALYZE, TIMING OFF), literals in place of parameters. Each statement
# runs on a new connection (its first query) and again on it (warm); builds alternate within each of ROUNDS (5) rounds.
#
# Run with SAFEMAP_DB_URL pointing at a copy of the national benchmark (server/src/bench/national.sh, SIZE=year)
# migrated to V24, e.g.
#   createdb -h 127.0.0.1 -p 55432 -U safemap -T bench_national bench_boxes
#   SAFEMAP_DB_URL=postgresql://safemap:PASSWORD@127.0.0.1:55432/bench_boxes java -jar server/target/safemap.jar db up
#   SAFEMAP_DB_URL=... server/src/bench/box-reads.sh
# Output: one line per statement and run (round, build, statement, period, connection, planning ms, execution ms),
# then medians; also in var/bench/box-reads/results.txt.
set -euo pipefail
cd "$(dirname "$0")/../../.."
: "${SAFEMAP_DB_URL:?point SAFEMAP_DB_URL at a copy of bench_national migrated to V24}"
DB_RE='^postgres(ql)?://([^:@/]+)(:([^@/]*))?@([^:/]+):([0-9]+)/([^?]+)'
[[ $SAFEMAP_DB_URL =~ $DB_RE ]] || { echo "SAFEMAP_DB_URL should read postgresql://user:password@host:port/database" >&2; exit 1; }
export PGUSER=${BASH_REMATCH[2]} PGPASSWORD=${BASH_REMATCH[4]} PGHOST=${BASH_REMATCH[5]} PGPORT=${BASH_REMATCH[6]}
export PGDATABASE=${BASH_REMATCH[7]} PGOPTIONS="-c jit=off"
mkdir -p var/bench/box-reads
box=${BOX:-"529000, 179000, 531000, 181000"}
list() { psql -At -c "SELECT array_agg(id ORDER BY id) FROM load_batch WHERE kind = 'incidents' AND (extent IS NULL OR extent && ST_MakeEnvelope($box, 27700) OR $1 AND linked)"; }
dens() { # from to extra outer
cat <<SQL
EXPLAIN (ANALYZE, TIMING OFF) SELECT ST_X(geom), ST_Y(geom), sum(w) FROM (
SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.geom, NULL::text AS code,
 CASE WHEN i.event_to > i.event_from THEN extract(epoch FROM least(i.event_to, '$2') - greatest(i.event_from, '$1')) / extract(epoch FROM i.event_to - i.event_from) ELSE 1 END AS w
FROM incident i JOIN category c ON c.code = i.category
WHERE i.event_from < '$2' AND i.event_to >= '$1' AND (i.event_to > '$1' OR i.event_to = i.event_from)
  AND i.feed = ANY('{police-uk,fire-irs}'::text[])
  AND (cardinality('{}'::text[]) = 0 OR c.group_code = ANY('{}'::text[]))
  AND (cardinality('{}'::text[]) = 0 OR i.category = ANY('{}'::text[]) OR c.group_code = ANY('{}'::text[])) $3
ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id) s WHERE s.geom && ST_MakeEnvelope($box, 27700) GROUP BY 1, 2;
SQL
}
pts() {
cat <<SQL
EXPLAIN (ANALYZE, TIMING OFF) SELECT i.id, ST_X(i.geom), ST_Y(i.geom), c.group_code, i.category, c.label, i.feed, to_char(i.event_from AT TIME ZONE 'Europe/London', 'YYYY-MM'), i.location_text
FROM incident i JOIN category c ON c.code = i.category
WHERE i.geom && ST_MakeEnvelope($box, 27700) $3
  AND i.event_from < '$2' AND i.event_to >= '$1' AND (i.event_to > '$1' OR i.event_to = i.event_from)
  AND i.feed = ANY('{police-uk,fire-irs}'::text[])
ORDER BY i.id LIMIT 5000;
SQL
}
M="2022-06-01 00:00+01"; ME="2022-07-01 00:00+01"; Y="2022-01-01 00:00+00"; YE="2023-01-01 00:00+00"
LD=$(list true); LP=$(list false)
{
for round in $(seq 1 ${ROUNDS:-5}); do
 for build in before after; do
  for q in "dens|month|$M|$ME" "dens|year|$Y|$YE" "pts|month|$M|$ME" "pts|year|$Y|$YE"; do
   IFS='|' read f p a b <<<"$q"
   if [ $build = before ]; then
     extra=""; [ $f = dens ] && extra="AND i.geom && ST_MakeEnvelope($box, 27700)"
   else
     if [ $f = dens ]; then extra="AND i.batch_id = ANY('$LD'::bigint[]) AND (i.geom && ST_MakeEnvelope($box, 27700) OR i.event_id IS NOT NULL)"; else extra="AND i.batch_id = ANY('$LP'::bigint[])"; fi
   fi
   sql=$($f "$a" "$b" "$extra")
   out=$(printf '%s\n%s\n' "$sql" "$sql" | psql -At 2>&1)
   pl=($(grep -o 'Planning Time: [0-9.]*' <<<"$out" | awk '{print $3}'))
   ex=($(grep -o 'Execution Time: [0-9.]*' <<<"$out" | awk '{print $3}'))
   echo "$round $build $f $p new ${pl[0]} ${ex[0]}"
   echo "$round $build $f $p warm ${pl[1]} ${ex[1]}"
  done
 done
 echo "# load $(cut -d' ' -f1-3 /proc/loadavg)"
done
} | tee var/bench/box-reads/results.txt
# medians per build, statement, period and connection (mawk has no sort: one key at a time)
med() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
grep -v '^#' var/bench/box-reads/results.txt | awk '{print $2, $3, $4, $5}' | sort -u | while read -r k; do
  rows=$(grep -v '^#' var/bench/box-reads/results.txt | awk -v k="$k" '$2" "$3" "$4" "$5 == k')
  echo "median $k plan $(awk '{print $6}' <<<"$rows" | med) exec $(awk '{print $7}' <<<"$rows" | med)"
done | tee -a var/bench/box-reads/results.txt
