#!/usr/bin/env bash
# Density tiles at national scale (issue 22, "Maps at national scale"): XYZ tiles of one density layer over England
# and Wales at zooms 6, 8, 10, 12, 14 and 17, for one month and for a 12-month range, cold and cached, on the
# national benchmark data (server/src/bench/national.sh, SIZE=year: 6,000,000 police.uk records of 2022 and a fire
# and rescue feed).
#
# Run from the repository root after a build, with SAFEMAP_DB_URL pointing at a database holding that data (a copy:
# the script adds a benchmark user and tokens to it), e.g.
#   createdb -h 127.0.0.1 -p 55432 -U safemap -T bench_national bench_tiles
#   SAFEMAP_DB_URL=postgresql://safemap:PASSWORD@127.0.0.1:55432/bench_tiles server/src/bench/national-tiles.sh
# Several builds are compared by JARS="before=/path/a.jar after=/path/b.jar" (default: this checkout's
# server/target/safemap.jar, copied first so a rebuild during the run cannot change it); their servers alternate
# round by round, so both see the same minutes of a shared machine.
#
# Tiles: TILES_PER_ZOOM (default 8) distinct cells per zoom where the data is, found from a fixed sample of the
# incidents' own locations (the cells holding them, busiest places most likely, in the sample's order), so no
# empty sea is measured. Each round starts a new server per build (empty tile cache: its disk tier is emptied at
# start, the memory tier is new) and then, for each period (one month, MONTH, and the range RANGE, in an order that
# alternates by round):
#   first  the first tile of that period the server draws, a z6 tile: what a user who opens the national map waits;
#          for the unchanged code it is where the period's whole density field is read from PostGIS;
#   cold   every other tile once (zooms shuffled with the round's seed): never drawn before by this server;
#   cached the same tiles CACHED_ROUNDS (default 5) more times, from the tile cache.
# Cold figures are pooled over ROUNDS (default 3) rounds per build; cached ones are each round's median and p95 (nearest
# rank), then the median over rounds. Servers run with SAFEMAP_REQUEST_TIMEOUT_S=REQUEST_TIMEOUT (1800). Times are wall clock from request to the last body byte, one keep-alive
# connection, requests in sequence, on loopback. Layer: LAYER (density-all, a partner layer: requests carry the token
# of an analyst of the partner csp). Results: var/bench/national-tiles/results.txt; figures in docs/performance.md
# ("National scale") and docs/scaling.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD
: "${SAFEMAP_DB_URL:?point SAFEMAP_DB_URL at a copy of bench_national}"
export SAFEMAP_DB_URL
LAYER=${LAYER:-density-all}
MONTH=${MONTH:-2022-06}
RANGE=${RANGE:-2022-01/2022-12}
ZOOMS=${ZOOMS:-6 8 10 12 14 17}
TILES_PER_ZOOM=${TILES_PER_ZOOM:-8}
ROUNDS=${ROUNDS:-3}
CACHED_ROUNDS=${CACHED_ROUNDS:-5}
PORT=${NATIONAL_TILES_PORT:-8631}
# A first request that reads a national year takes minutes on a busy machine: it is measured, not cut off at 120 s.
REQUEST_TIMEOUT=${REQUEST_TIMEOUT:-1800}
WORK=var/bench/national-tiles
RESULTS=$WORK/results.txt
mkdir -p "$WORK"
BASE="http://127.0.0.1:$PORT"

say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
die() { printf 'national-tiles.sh: %s\n' "$*" >&2; exit 1; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# psql's connection from the URL (postgresql://user:password@host:port/db)
DB_RE='^postgres(ql)?://([^:@/]+)(:([^@/]*))?@([^:/]+):([0-9]+)/([^?]+)'
[[ $SAFEMAP_DB_URL =~ $DB_RE ]] || die "SAFEMAP_DB_URL should read postgresql://user:password@host:port/database"
export PGUSER=${BASH_REMATCH[2]} PGPASSWORD=${BASH_REMATCH[4]} PGHOST=${BASH_REMATCH[5]} PGPORT=${BASH_REMATCH[6]}
export PGDATABASE=${BASH_REMATCH[7]}

# ------------------------------------------------------------------------------------------------------ builds
declare -a LABELS PATHS
if [ -z "${JARS:-}" ]; then
  [ -f server/target/safemap.jar ] || mvn -B -ntp -q -DskipTests install
  JARS="$(git rev-parse --short HEAD)=server/target/safemap.jar"
fi
for spec in $JARS; do
  label=${spec%%=*}
  src=${spec#*=}
  [ -f "$src" ] || die "no jar at $src"
  cp "$src" "$WORK/safemap-$label.jar"
  LABELS+=("$label")
  PATHS+=("$ROOT/$WORK/safemap-$label.jar")
done

SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2> /dev/null; then
    kill "$SERVER_PID" 2> /dev/null || true
    for _ in $(seq 150); do kill -0 "$SERVER_PID" 2> /dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2> /dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

start_server() { # jar, label
  rm -rf "$WORK/var-$2"
  # shellcheck disable=SC2086
  SAFEMAP_HTTP_PORT=$PORT SAFEMAP_VAR_DIR=$ROOT/$WORK/var-$2 SAFEMAP_REQUEST_TIMEOUT_S=$REQUEST_TIMEOUT setsid java ${SAFEMAP_JAVA_OPTS:-} -jar "$1" serve \
    >> "$WORK/server-$2.log" 2>&1 &
  SERVER_PID=$!
  local t0=$SECONDS
  until curl -sf "$BASE/health" > /dev/null; do
    kill -0 "$SERVER_PID" 2> /dev/null || die "SafeMap did not start; see $WORK/server-$2.log"
    [ $((SECONDS - t0)) -gt 120 ] && die "SafeMap did not answer /health within 120 s"
    sleep 0.2
  done
}

# --------------------------------------------------------------------------------------------- user and token
java -jar "${PATHS[0]}" users add tiles-bench --role analyst --partner csp --name "national-tiles.sh" --no-password \
  > /dev/null 2>&1 || true
TOKEN=$(java -jar "${PATHS[0]}" tokens create --user tiles-bench --name "national-tiles.sh $(date -u +%FT%TZ)" \
  --purpose strategic-assessment --expires-days 1 2> /dev/null | grep -oE 'smp_[A-Za-z0-9_-]+' | head -1)
[ -n "$TOKEN" ] || die "could not create an API token for the benchmark user"
export TOKEN

# ----------------------------------------------------------------------------------------------------- tiles
# A fixed sample of the incidents' locations (WGS84), in a fixed order: the cells holding them are the tiles.
psql -X -q -At -F ' ' -c "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(geom, 4326) p, id FROM incident
  WHERE id % 997 = 13 AND event_from >= '2022-01-01' AND event_from < '2023-01-01') s
  ORDER BY md5(id::text) LIMIT 20000" > "$WORK/sample-lonlat.txt"
[ -s "$WORK/sample-lonlat.txt" ] || die "no incidents of 2022 in $PGDATABASE"

say "== national-tiles.sh $(date -u +%FT%TZ): $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(load_avg)"
say "database $PGDATABASE: $(psql -X -q -At -c "SELECT count(*) || ' incidents, ' || count(DISTINCT feed) || ' feeds' FROM incident")"
say "builds: $JARS; layer $LAYER; month $MONTH, range $RANGE; zooms $ZOOMS; $TILES_PER_ZOOM tiles per zoom;"
say "  $ROUNDS rounds of a new server per build, $CACHED_ROUNDS cached passes each; JVM options: ${SAFEMAP_JAVA_OPTS:-none}"

PY=$WORK/tiles.py
cat > "$PY" <<'PY'
import http.client, json, math, os, random, statistics, sys, time

def cells(sample, zooms, per_zoom):
    pts = [tuple(map(float, l.split())) for l in open(sample)]
    out = {}
    for z in zooms:
        n = 1 << z
        seen = []
        for lon, lat in pts:
            x = int((lon + 180) / 360 * n)
            y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
            if (x, y) not in seen:
                seen.append((x, y))
            if len(seen) == per_zoom:
                break
        out[z] = seen
    return out


def pct(values, p):
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)] if s else float("nan")


def run(base, layer, period, tiles, seed, cached_rounds, out):
    """One server's pass over one period: the first z6 tile, the rest cold in a shuffled order, then cached."""
    host, port = base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    headers = {"Authorization": "Bearer " + os.environ["TOKEN"]}

    def get(z, x, y):
        path = "/tiles/%s/%d/%d/%d.png?time=%s" % (layer, z, x, y, period)
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        ms = (time.perf_counter() - t0) * 1000
        if r.status != 200 or not body.startswith(b"\x89PNG"):
            sys.exit("%s answered %d: %r" % (path, r.status, body[:200]))
        return ms, len(body)

    order = [(z, x, y) for z in sorted(tiles) for x, y in tiles[z]]
    first = order[0]
    rest = order[1:]
    random.Random(seed).shuffle(rest)
    with open(out, "a") as f:
        ms, size = get(*first)
        f.write("%s first %d %d %d %.2f %d\n" % (period, *first, ms, size))
        for t in rest:
            ms, size = get(*t)
            f.write("%s cold %d %d %d %.2f %d\n" % (period, *t, ms, size))
        for k in range(cached_rounds):
            for t in order:
                ms, size = get(*t)
                f.write("%s cached%d %d %d %d %.2f %d\n" % (period, k, *t, ms, size))


def summary(files_by_label, zooms):
    print("%-10s %-16s %4s  %9s %9s  %9s %9s  %5s  %s" % ("build", "period", "zoom", "cold med", "cold p95",
                                                          "cache med", "cache p95", "n", "first (ms, each round)"))
    for label, files in files_by_label.items():
        rows = []
        for fn in files:
            for line in open(fn):
                p = line.split()
                rows.append((fn, p[0], p[1], int(p[2]), float(p[5])))
        for period in sorted({r[1] for r in rows}):
            firsts = [r[4] for r in rows if r[1] == period and r[2] == "first"]
            for z in zooms:
                cold = [r[4] for r in rows if r[1] == period and r[2] == "cold" and r[3] == z]
                # cached: each round's (file, pass) median and p95, then the median over them
                passes = {}
                for r in rows:
                    if r[1] == period and r[2].startswith("cached") and r[3] == z:
                        passes.setdefault((r[0], r[2]), []).append(r[4])
                cm = statistics.median(statistics.median(v) for v in passes.values()) if passes else float("nan")
                cp = statistics.median(pct(v, 95) for v in passes.values()) if passes else float("nan")
                print("%-10s %-16s %4d  %9.1f %9.1f  %9.2f %9.2f  %5d  %s" % (
                    label, period, z, statistics.median(cold) if cold else float("nan"), pct(cold, 95), cm, cp,
                    len(cold), " ".join("%.0f" % v for v in firsts) if z == zooms[0] else ""))
            allcold = [r[4] for r in rows if r[1] == period and r[2] in ("cold", "first")]
            print("%-10s %-16s  all  %9.1f %9.1f  (cold incl. first requests, n %d)" % (
                label, period, statistics.median(allcold), pct(allcold, 95), len(allcold)))


if __name__ == "__main__":
    cmd = sys.argv[1]
    zooms = [int(z) for z in os.environ["ZOOMS"].split()]
    if cmd == "cells":
        c = cells(sys.argv[2], zooms, int(os.environ["TILES_PER_ZOOM"]))
        json.dump({str(z): v for z, v in c.items()}, open(sys.argv[3], "w"))
        print(" ".join("z%d:%d" % (z, len(v)) for z, v in c.items()))
    elif cmd == "run":
        c = {int(z): v for z, v in json.load(open(sys.argv[4])).items()}
        run(sys.argv[2], os.environ["LAYER"], sys.argv[3], c, int(sys.argv[5]), int(os.environ["CACHED_ROUNDS"]),
            sys.argv[6])
    elif cmd == "summary":
        by = {}
        for spec in sys.argv[2:]:
            label, fn = spec.split("=", 1)
            by.setdefault(label, []).append(fn)
        summary(by, zooms)
PY
export ZOOMS TILES_PER_ZOOM LAYER CACHED_ROUNDS
say "tiles per zoom: $(python3 "$PY" cells "$WORK/sample-lonlat.txt" "$WORK/cells.json")"

STAMP=$(date -u +%Y%m%dT%H%M%S)
SPECS=()
for r in $(seq "$ROUNDS"); do
  n=${#LABELS[@]}
  for k in $(seq 0 $((n - 1))); do
    i=$(((k + r) % n)) # the builds' order rotates by round
    label=${LABELS[$i]}
    out=$WORK/raw-$STAMP-$label-$r.txt
    : > "$out"
    start_server "${PATHS[$i]}" "$label"
    before=$(load_avg)
    if [ $((r % 2)) = 1 ]; then periods="$MONTH $RANGE"; else periods="$RANGE $MONTH"; fi
    for p in $periods; do
      timeout 3600 python3 "$PY" run "$BASE" "$p" "$WORK/cells.json" "$((r * 7919))" "$out"
    done
    stop_server
    say "round $r $label: load $before -> $(load_avg)"
    SPECS+=("$label=$out")
  done
done
python3 "$PY" summary "${SPECS[@]}" | tee -a "$RESULTS"
say "load at the end: $(load_avg)"
