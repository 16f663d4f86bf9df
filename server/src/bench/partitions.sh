#!/usr/bin/env bash
# Query planning and execution against the number of batch partitions, for incident's partitioning before V17 (by
# batch alone) and since (by the UK month records start in, then by when they end, then by batch: IncidentPartitions).
# Builds two scratch databases in the local cluster, bench_part_batch and bench_part_month, each with incident's
# indexes (as V3), adds batches of 200 records (43 force-like feeds, one month each, each stating its time span as
# loads do) up to each size in SIZES, and after each size times, in both layouts in turn, two typical queries RUNS
# times each in one session (warm catalogue caches, as in the server's pool): the map's points for a month in a
# 10 x 15 km box of two feeds, and per-LSOA counts for a month; each for the first month after the earliest and for
# the latest month. The period test is the readers' (MapData): event_from < end AND event_to >= start AND
# (event_to > start OR event_to = event_from). Prints medians in ms and the load average. Results:
# docs/performance.md, "Many batches". Run from the repository root with the local cluster up (./safemap db up).
set -euo pipefail
cd "$(dirname "$0")/../../.."
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
RUNS=${RUNS:-5}
SIZES=${SIZES:-100 300 1000 3000}
ROWS=${ROWS:-200}
export PGPASSWORD="$(cat var/postgis.password)"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U safemap -v ON_ERROR_STOP=1)
for layout in batch month; do
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_part_$layout" -c "CREATE DATABASE bench_part_$layout"
  if [ $layout = batch ]; then KEY="LIST (batch_id)"; else KEY="RANGE (event_from)"; fi
  "${PSQL[@]}" -d bench_part_$layout <<SQL
CREATE EXTENSION postgis;
CREATE SCHEMA periods;
CREATE TABLE incident (
    id bigint NOT NULL, batch_id bigint NOT NULL, feed text NOT NULL, category text NOT NULL,
    event_from timestamptz NOT NULL, event_to timestamptz NOT NULL, geom geometry(Point, 27700) NOT NULL,
    lsoa_code text, event_id bigint
) PARTITION BY $KEY;
CREATE INDEX ON incident (id);
CREATE INDEX ON incident USING gist (geom);
CREATE INDEX ON incident (event_from);
CREATE INDEX ON incident (lsoa_code);
CREATE INDEX ON incident (event_id) WHERE event_id IS NOT NULL;
CREATE PROCEDURE add_batches(lo int, hi int) LANGUAGE plpgsql AS \$\$
DECLARE m timestamptz; parent text; mon text;
BEGIN
    FOR b IN lo..hi - 1 LOOP
        m := timestamptz '2020-01-01 00:00 Europe/London' + make_interval(months => b / 43);
        mon := 'periods.m' || (b / 43);
        IF '$layout' = 'month' AND to_regclass(mon) IS NULL THEN   -- as IncidentPartitions.ensureEnds
            EXECUTE format('CREATE TABLE %s PARTITION OF incident FOR VALUES FROM (%L) TO (%L) '
                           'PARTITION BY RANGE (event_to)', mon, m, m + interval '1 month');
            EXECUTE format('CREATE TABLE %s_short PARTITION OF %s FOR VALUES FROM (%L) TO (%L) '
                           'PARTITION BY LIST (batch_id)', mon, mon, m, m + interval '2 months');
        END IF;
        parent := CASE WHEN '$layout' = 'month' THEN mon || '_short' ELSE 'incident' END;
        EXECUTE format('CREATE TABLE p_%s PARTITION OF %s FOR VALUES IN (%s)', b, parent, b);
        EXECUTE format(\$q\$INSERT INTO p_%1\$s SELECT %1\$s * 1000 + g, %1\$s, 'force' || (%1\$s %% 43), 'burglary',
                %2\$L::timestamptz + make_interval(days => g %% 28), %2\$L::timestamptz + make_interval(days => 28),
                ST_SetSRID(ST_MakePoint(330000 + random() * 20000, 380000 + random() * 20000), 27700),
                'E0100' || (g %% 500), NULL FROM generate_series(1, $ROWS) g\$q\$, b, m);
        EXECUTE format('ALTER TABLE p_%1\$s ADD CONSTRAINT p_%1\$s_time CHECK (event_from >= %2\$L '
                       'AND event_from <= %3\$L AND event_to >= %4\$L AND event_to <= %4\$L)', b, m,
                       m + interval '27 days', m + interval '28 days');
        COMMIT;
    END LOOP;
END \$\$;
SQL
done
timed() { # layout month-index -> "points_plan points_exec counts_plan counts_exec" medians
  local s e
  s=$("${PSQL[@]}" -At -d bench_part_$1 -c "SELECT (timestamptz '2020-01-01 00:00 Europe/London' + make_interval(months => $2))::text")
  e=$("${PSQL[@]}" -At -d bench_part_$1 -c "SELECT (timestamptz '2020-01-01 00:00 Europe/London' + make_interval(months => $2 + 1))::text")
  local period="i.event_from < '$e' AND i.event_to >= '$s' AND (i.event_to > '$s' OR i.event_to = i.event_from)"
  { for _ in $(seq "$RUNS"); do
      echo "EXPLAIN (ANALYZE, SUMMARY, TIMING OFF) SELECT ST_X(geom), ST_Y(geom) FROM incident i
            WHERE i.feed = ANY('{force1,force2}') AND $period
              AND i.geom && ST_MakeEnvelope(330000, 380000, 340000, 395000, 27700);"
      echo "EXPLAIN (ANALYZE, SUMMARY, TIMING OFF) SELECT lsoa_code, count(*) FROM incident i WHERE $period GROUP BY 1;"
    done; } | "${PSQL[@]}" -d bench_part_$1 2>&1 | python3 -c '
import re, statistics, sys
t = [float(x) for x in re.findall(r"(?:Planning|Execution) Time: ([0-9.]+) ms", sys.stdin.read())]
if len(t) < 4: print("failed"); sys.exit()
cols = [t[i::4] for i in range(4)]
print(" ".join(f"{statistics.median(c):.1f}" for c in cols))'
}
echo -e "batches\tlayout\tmonth\tpoints_plan_ms\tpoints_exec_ms\tcounts_plan_ms\tcounts_exec_ms\tload_avg"
done_batches=0
for n in $SIZES; do
  for layout in batch month; do
    "${PSQL[@]}" -d bench_part_$layout -c "CALL add_batches($done_batches, $n)" -c "ANALYZE"
  done
  done_batches=$n
  last=$(( (n - 1) / 43 ))
  for layout in batch month; do
    for month in 1 $last; do
      echo -e "$n\t$layout\t$month\t$(timed $layout $month | tr ' ' '\t')\t$(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
"${PSQL[@]}" -d postgres -c "SHOW max_locks_per_transaction" -At | sed 's/^/max_locks_per_transaction /'
