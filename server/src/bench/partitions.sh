#!/usr/bin/env bash
# Query planning and execution against the number of batch partitions. incident is partitioned by batch (one
# partition per loaded file), so partition pruning cannot use time and every query plans over every batch. This
# builds a scratch database, bench_partitions, in the local cluster with incident's partitioned shape (the same
# indexes as V3), adds batches of 200 records (43 force-like feeds, one month each) up to each size in SIZES, and
# times two typical queries RUNS times each in one session (warm catalogue caches, as in the server's pool): the
# map's points for a month in a 10 x 15 km box of two feeds, and per-LSOA counts for a month. Each size is measured
# with and without the per-batch time constraint that loads state (IncidentLoader.timeBounds), by turning
# constraint_exclusion off for the second run. Prints medians in ms. Results: docs/performance.md, "Many batches".
# Run from the repository root with the local cluster up (./safemap db up).
set -euo pipefail
cd "$(dirname "$0")/../../.."
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
RUNS=${RUNS:-5}
SIZES=${SIZES:-100 300 1000 3000}
export PGPASSWORD="$(cat var/postgis.password)"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U safemap -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_partitions" -c "CREATE DATABASE bench_partitions"
DB=("${PSQL[@]}" -d bench_partitions)
"${DB[@]}" <<'SQL'
CREATE EXTENSION postgis;
CREATE TABLE incident (
    id bigint NOT NULL, batch_id bigint NOT NULL, feed text NOT NULL, category text NOT NULL,
    event_from timestamptz NOT NULL, event_to timestamptz NOT NULL, geom geometry(Point, 27700) NOT NULL,
    lsoa_code text, event_id bigint
) PARTITION BY LIST (batch_id);
CREATE INDEX ON incident (id);
CREATE INDEX ON incident USING gist (geom);
CREATE INDEX ON incident (event_from);
CREATE INDEX ON incident (lsoa_code);
CREATE INDEX ON incident (event_id) WHERE event_id IS NOT NULL;
CREATE PROCEDURE add_batches(lo int, hi int) LANGUAGE plpgsql AS $$
DECLARE m timestamptz;
BEGIN
    FOR b IN lo..hi - 1 LOOP
        m := timestamptz '2020-01-01 00:00+00' + make_interval(months => b / 43);
        EXECUTE format('CREATE TABLE p_%s PARTITION OF incident FOR VALUES IN (%s)', b, b);
        EXECUTE format($q$INSERT INTO p_%1$s SELECT %1$s * 1000 + g, %1$s, 'force' || (%1$s %% 43), 'burglary',
                %2$L::timestamptz + make_interval(days => g %% 28), %2$L::timestamptz + make_interval(days => 28),
                ST_SetSRID(ST_MakePoint(330000 + random() * 20000, 380000 + random() * 20000), 27700),
                'E0100' || (g %% 500), NULL FROM generate_series(1, 200) g$q$, b, m);
        EXECUTE format('ALTER TABLE p_%1$s ADD CONSTRAINT p_%1$s_time CHECK (event_from >= %2$L '
                       'AND event_from <= %3$L AND event_to <= %4$L)', b, m, m + interval '27 days',
                       m + interval '28 days');
        COMMIT;
    END LOOP;
END $$;
SQL
timed() { # constraint_exclusion -> "points_plan points_exec counts_plan counts_exec" medians
  { echo "SET constraint_exclusion = $1;"
    for _ in $(seq "$RUNS"); do
      echo "EXPLAIN (ANALYZE, SUMMARY, TIMING OFF) SELECT ST_X(geom), ST_Y(geom) FROM incident i
            WHERE i.feed = ANY('{force1,force2}') AND i.event_from < '2020-03-01 00:00+00'
              AND (i.event_to > '2020-02-01 00:00+00' OR i.event_from >= '2020-02-01 00:00+00')
              AND i.geom && ST_MakeEnvelope(330000, 380000, 340000, 395000, 27700);"
      echo "EXPLAIN (ANALYZE, SUMMARY, TIMING OFF) SELECT lsoa_code, count(*) FROM incident i
            WHERE i.event_from < '2020-03-01 00:00+00'
              AND (i.event_to > '2020-02-01 00:00+00' OR i.event_from >= '2020-02-01 00:00+00') GROUP BY 1;"
    done; } | "${DB[@]}" 2>&1 | python3 -c '
import re, statistics, sys
t = [float(x) for x in re.findall(r"(?:Planning|Execution) Time: ([0-9.]+) ms", sys.stdin.read())]
if len(t) < 4: print("failed"); sys.exit()
cols = [t[i::4] for i in range(4)]
print(" ".join(f"{statistics.median(c):.1f}" for c in cols))'
}
echo -e "batches\tconstraints\tpoints_plan_ms\tpoints_exec_ms\tcounts_plan_ms\tcounts_exec_ms"
done_batches=0
for n in $SIZES; do
  "${DB[@]}" -c "CALL add_batches($done_batches, $n)" -c "ANALYZE"
  done_batches=$n
  echo -e "$n\tused\t$(timed partition | tr ' ' '\t')"
  echo -e "$n\tignored\t$(timed off | tr ' ' '\t')"
done
"${PSQL[@]}" -d postgres -c "SHOW max_locks_per_transaction" -At | sed 's/^/max_locks_per_transaction /'
