#!/usr/bin/env bash
# OGC API - Features benchmark: pages of 1,000 areas with geometry from a collection of 35,000 synthetic LSOAs
# (bench/SyntheticBoundaries: Voronoi cells over England and Wales, about 41 vertices each, as ONS's generalised
# LSOAs), in CRS84, EPSG:27700 and with a bbox, over loopback from one keep-alive connection. The first page of each
# CRS reads and projects the outlines once per data version (reported apart as "first"); the figures are the pages
# after it, at offsets spread over the collection. Run from the repository root after ./safemap db up and a build
# with test classes (./safemap test, or mvn -DskipTests package). It (re)creates the database bench_features in the
# private cluster, loads the areas, serves it on FEATURES_BENCH_PORT and drops the database at the end.
# Besides wall-clock latency, the server's CPU time per page (from /proc) is given: on a machine shared with other
# work it is the figure that does not move with the load average.
# Settings: PAGES (40 per case), FEATURES_BENCH_PORT (8093), FEATURES_BENCH_REUSE_DB=1 (serve a bench_features left
# by FEATURES_BENCH_KEEP_DB=1 instead of loading again). Results: var/bench/features-results.txt and
# docs/performance.md ("OGC API - Features").
set -euo pipefail
cd "$(dirname "$0")/../../.."
PAGES=${PAGES:-40}
PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
HTTP_PORT=${FEATURES_BENCH_PORT:-8093}
export PGPASSWORD="$(cat var/postgis.password)"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U safemap -v ON_ERROR_STOP=1)
CP=server/target/test-classes:server/target/safemap.jar
FILE=var/bench/synthetic-lsoa-35000.geojson.gz
RESULTS=var/bench/features-results.txt

mkdir -p var/bench
[ -f "$FILE" ] || java -cp "$CP" org.safemap.bench.SyntheticBoundaries "$FILE" 35000
export SAFEMAP_DB_URL="postgresql://safemap:$PGPASSWORD@127.0.0.1:$PORT/bench_features"
if [ "${FEATURES_BENCH_REUSE_DB:-0}" != 1 ]; then
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_features WITH (FORCE)" -c "CREATE DATABASE bench_features"
  java -jar server/target/safemap.jar db up > /dev/null
  java -jar server/target/safemap.jar areas load --level lsoa --vintage 2021 --no-assign "$FILE" > /dev/null 2>&1
fi
DROP='"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_features WITH (FORCE)"'
[ "${FEATURES_BENCH_KEEP_DB:-0}" = 1 ] && DROP=true

java -jar server/target/safemap.jar serve --port "$HTTP_PORT" > var/bench/features-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2> /dev/null || true; wait $SERVER 2> /dev/null || true; eval "$DROP"' EXIT
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$HTTP_PORT/health" > /dev/null 2>&1 && break
  sleep 0.5
done

{
  echo "OGC API - Features: pages of 1,000 LSOAs with geometry, of 35,000; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "code: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- server/src/main || echo ' with uncommitted changes'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 - "$HTTP_PORT" "$PAGES" "$SERVER" << 'EOF'
import http.client, json, os, statistics, sys, time, urllib.parse
port, pages, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
tick = os.sysconf("SC_CLK_TCK")
def cpu_ms():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / tick
c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
def get(path):
    t = time.perf_counter()
    c.request("GET", path, headers={"Accept": "application/geo+json"})
    r = c.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t) * 1000
    if r.status != 200:
        raise SystemExit(f"{path}: {r.status} {body[:300]!r}")
    return ms, body
items = "/ogc/features/collections/lsoa-boundaries/items?limit=1000"
bng = urllib.parse.quote("http://www.opengis.net/def/crs/EPSG/0/27700", safe="")
cases = [
    ("CRS84", items + "&offset={o}"),
    ("EPSG:27700", items + "&crs=" + bng + "&offset={o}"),
    ("bbox (CRS84, about 1,000 areas)", items + "&bbox=-2.5,52.2,-1.5,52.9&offset=0"),
]
for name, path in cases:
    first, body = get(path.format(o=0))
    doc = json.loads(body)
    times, sizes = [], []
    cpu0 = cpu_ms()
    for k in range(pages):
        ms, body = get(path.format(o=(k * 877) % 34000))
        times.append(ms)
        sizes.append(len(body))
    cpu = (cpu_ms() - cpu0) / pages
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(f"{name}: first {first:.0f} ms; then median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
          f"max {times[-1]:.1f} ms over {pages} pages; server CPU {cpu:.0f} ms a page; {statistics.mean(sizes) / 1e6:.2f} MB a page; "
          f"numberMatched {doc['numberMatched']}, numberReturned {doc['numberReturned']}")
EOF
} | tee "$RESULTS"
