#!/usr/bin/env bash
# Speed of `safemap evaluate` over Merseyside (110,000 records, 7 months; LSOA and 100 m grid): every method in one
# process, and the forecast fit as the difference between a process with `forecast` and one with the naive maps only
# (both compute the naive maps and the bar). Each command runs RUNS times (default 5), the commands alternating so load
# changes fall on all of them alike; prints wall, user and system seconds (/usr/bin/time) as medians with ranges, and
# the load average before and after. Needs the forecast_merseyside database forecast.sh leaves with KEEP=1, and a
# build. LEVELS=grid measures one level only. Results: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
export PGPASSWORD="$(cat var/postgis.password)"
export SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/forecast_merseyside"
JAR=${JAR:-server/target/safemap.jar}
RUNS=${RUNS:-5}
OUT=${OUT:-var/bench/forecast-speed}
LEVELS=${LEVELS:-grid lsoa}
mkdir -p "$OUT"
: > "$OUT/times.txt"
declare -A METHODS=(
  [all]=count,last-period,snap-point,kde,forecast,gistar,prospective
  [naive]=count,last-period,snap-point
  [forecast]=count,last-period,snap-point,forecast
)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$RUNS"); do
  for level in $LEVELS; do
    for m in all naive forecast; do
      /usr/bin/time -f "$level $m %e %U %S" -a -o "$OUT/times.txt" java -jar "$JAR" evaluate \
        --train 2022-01..2022-05 --test 2022-06..2022-07 --method "${METHODS[$m]}" --level "$level" --cell 100 \
        --coverage 5 --format json --out "$OUT/last.csv" > /dev/null
    done
  done
  echo "run $run done, load $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$OUT/times.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    level, m, wall, user, system = line.split()
    rows.setdefault((level, m), []).append((float(wall), float(user), float(system)))
print("| level | methods | wall: median (range) | user CPU: median (range) | system CPU: median | runs |")
print("|---|---|---|---|---|---|")
for (level, m), v in sorted(rows.items()):
    w = [x[0] for x in v]; u = [x[1] for x in v]; s = [x[2] for x in v]
    print(f"| {level} | {m} | {statistics.median(w):.1f} s ({min(w):.1f} to {max(w):.1f}) | "
          f"{statistics.median(u):.1f} s ({min(u):.1f} to {max(u):.1f}) | {statistics.median(s):.1f} s | {len(v)} |")
for level in sorted({k[0] for k in rows}):
    f = [x[0] for x in rows[(level, "forecast")]]; n = [x[0] for x in rows[(level, "naive")]]
    fu = [x[1] for x in rows[(level, "forecast")]]; nu = [x[1] for x in rows[(level, "naive")]]
    print(f"{level}: fit = forecast − naive, medians: wall {statistics.median(f) - statistics.median(n):.1f} s, "
          f"user CPU {statistics.median(fu) - statistics.median(nu):.1f} s")
PY
