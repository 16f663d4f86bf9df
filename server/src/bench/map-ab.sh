#!/usr/bin/env bash
# Cold density GetMap, two builds interleaved: 256 x 256 maps of density-all that nothing has drawn before, in
# EPSG:3857 (map.sh's measured XYZ tiles) and EPSG:27700 (WMS GetMaps on a British National Grid tile grid of the
# same ground resolution per zoom, 7 to 17, around the same clusters), with MapServer 8.0 KERNELDENSITY over FastCGI
# timed on the same maps in both CRSs, and empty maps (tiles over the sea, nothing within reach). Each round starts
# each build's server afresh (empty caches), warms its JVM up as map.sh does, and measures every map once; builds
# alternate within a round (A B, then B A), so a noisy minute on a shared machine weighs on both.
#
# Usage: server/src/bench/map-ab.sh BASELINE.jar CANDIDATE.jar   (after map.sh ran with MAP_BENCH_KEEP_DB=1: it uses
# the kept database safemap_bench, its tile lists and helper in var/bench/map). Settings: ROUNDS (3),
# MAP_BENCH_PORT (8091), MAP_BENCH_FCGI_PORT (8092), MS=0 (skip MapServer). Results: var/bench/map-ab-results.txt.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD
[ $# = 2 ] || { echo "usage: $0 BASELINE.jar CANDIDATE.jar" >&2; exit 2; }
A=$(realpath "$1")
B=$(realpath "$2")
ROUNDS=${ROUNDS:-3}
HTTP_PORT=${MAP_BENCH_PORT:-8091}
FCGI_PORT=${MAP_BENCH_FCGI_PORT:-8092}
DB_PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
DB=safemap_bench
MONTH=2024-03
LAYER=density-all
BASE="http://127.0.0.1:$HTTP_PORT"
WORK=var/bench/map
AB=var/bench/map-ab
RESULTS=var/bench/map-ab-results.txt
PY=$WORK/mapbench.py
mkdir -p "$AB"
[ -f "$PY" ] && [ -f "$WORK/tiles-measured.txt" ] || { echo "run map.sh with MAP_BENCH_KEEP_DB=1 first" >&2; exit 2; }
say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

PGPASSWORD="$(cat var/postgis.password)"
export PGPASSWORD
export SAFEMAP_DB_URL="postgresql://safemap@127.0.0.1:$DB_PORT/$DB"
export SAFEMAP_DB_PASSWORD="$PGPASSWORD"
MAP_BENCH_TOKEN=$(java -jar "$A" tokens create --user map-bench --name "map-ab.sh $(date -u +%FT%TZ)" \
  --purpose strategic-assessment --expires-days 1 2> /dev/null | grep -oE 'smp_[A-Za-z0-9_-]+' | head -1)
[ -n "$MAP_BENCH_TOKEN" ] || { echo "no token: did map.sh add the user map-bench to $DB?" >&2; exit 1; }
export MAP_BENCH_TOKEN

SERVER_PID=
FCGI_PIDFILE=$AB/mapserv-fcgi.pid
stop_safemap() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2> /dev/null; then
    kill "$SERVER_PID" 2> /dev/null || true
    for _ in $(seq 150); do kill -0 "$SERVER_PID" 2> /dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2> /dev/null || true
  fi
  SERVER_PID=
}
stop_fcgi() {
  local p
  if [ -f "$FCGI_PIDFILE" ]; then
    p=$(cat "$FCGI_PIDFILE")
    [ "$(cat "/proc/$p/comm" 2> /dev/null)" = mapserv ] && kill -9 "$p" 2> /dev/null || true
    rm -f "$FCGI_PIDFILE"
  fi
}
trap 'stop_safemap; stop_fcgi' EXIT

# The EPSG:27700 maps, MapServer's mapfiles for them, and the empty tiles.
python3 - "$WORK" "$AB" "$DB_PORT" "$DB" "$MONTH" <<'PY'
import math, os, random, sys
work, ab, port, db, month = sys.argv[1:]
ORIGIN = 20037508.342789244
COS = math.cos(math.radians(53.5))
measured = [tuple(map(int, l.split())) for l in open(f"{work}/tiles-measured.txt")]
per_zoom = {}
for z, _, _ in measured:
    per_zoom[z] = per_zoom.get(z, 0) + 1
clusters = [tuple(map(float, l.split()[1:3])) for l in open(f"{work}/clusters-20240301.tsv")]
rnd = random.Random(20240301)
out = []
for z in sorted(per_zoom):
    # The ground size of a Web Mercator pixel at this zoom at 53.5° N, on a grid from the BNG origin.
    res = 2 * ORIGIN / 256 / 2 ** z * COS
    span = 256 * res
    seen, cells = set(), []
    order = clusters[:]
    rnd.shuffle(order)
    for cx, cy in order:
        c = (int(cx // span), int(cy // span))
        if c not in seen:
            seen.add(c)
            cells.append(c)
    # Where clusters give too few, neighbours of the first cells (over the data, as the 3857 lists are).
    k = 0
    while len(cells) < per_zoom[z]:
        i, j = cells[k]
        for c in ((i + 1, j), (i, j + 1), (i - 1, j), (i, j - 1)):
            if c not in seen:
                seen.add(c)
                cells.append(c)
        k += 1
    for i, j in cells[:per_zoom[z]]:
        out.append((z, i * span, j * span, (i + 1) * span, (j + 1) * span))
rnd.shuffle(out)
with open(f"{ab}/maps-27700.txt", "w") as f:
    for z, x0, y0, x1, y1 in out:
        f.write(f"{z} {x0!r} {y0!r} {x1!r} {y1!r}\n")
y, m = map(int, month.split("-"))
nxt = f"{y + m // 12:04d}-{m % 12 + 1:02d}-01"
for z in sorted(per_zoom):
    res = 2 * ORIGIN / 256 / 2 ** z * COS
    # As map.sh's 3857 mapfile: a Gaussian of radius 250 m in pixels, 255 meaning 1,000 incidents per km².
    open(f"{ab}/bench-27700-z{z}.map", "w").write(f'''MAP
  NAME "safemap_bench_bng"
  EXTENT 0 0 700000 1300000
  SIZE 256 256
  UNITS METERS
  PROJECTION "init=epsg:27700" END
  OUTPUTFORMAT NAME "png" DRIVER AGG/PNG MIMETYPE "image/png" IMAGEMODE RGBA EXTENSION "png" END
  WEB METADATA "wms_title" "SafeMap benchmark" "wms_srs" "EPSG:27700" "wms_enable_request" "*" END END
  LAYER
    NAME "incident_pts"
    TYPE POINT
    STATUS OFF
    CONNECTIONTYPE POSTGIS
    CONNECTION "host=127.0.0.1 port={port} dbname={db} user=safemap password={os.environ['PGPASSWORD']}"
    PROCESSING "CLOSE_CONNECTION=DEFER"
    DATA "geom FROM (SELECT id, geom FROM incident WHERE event_from >= '{month}-01' AND event_from < '{nxt}') AS t USING UNIQUE id USING SRID=27700"
    PROJECTION "init=epsg:27700" END
  END
  LAYER
    NAME "density"
    TYPE RASTER
    STATUS ON
    CONNECTIONTYPE KERNELDENSITY
    CONNECTION "incident_pts"
    PROCESSING "KERNELDENSITY_RADIUS={max(1, round(250 / res))}"
    PROCESSING "KERNELDENSITY_NORMALIZATION={1 / (1000 * res ** 2 / 1e6):.6g}"
    PROCESSING "KERNELDENSITY_COMPUTE_BORDERS=ON"
    OFFSITE 0 0 0
    CLASS
      STYLE COLORRANGE "#ffffb200" "#fd8d3cd9" DATARANGE 0 13 END
      STYLE COLORRANGE "#fd8d3cd9" "#b10026ff" DATARANGE 13 128 END
      STYLE COLORRANGE "#b10026ff" "#67000dff" DATARANGE 128 255 END
    END
  END
END
''')
    os.chmod(f"{ab}/bench-27700-z{z}.map", 0o600)
# Empty maps: zoom-15 tiles over the North Sea east of the data, nothing within the kernel's reach.
with open(f"{ab}/tiles-empty.txt", "w") as f:
    for k in range(40):
        f.write(f"15 {16900 + k % 8} {10500 + k // 8}\n")
PY

cat > "$AB/ab.py" <<'PY'
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location("mb", sys.argv[1])
mb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mb)
cmd = sys.argv[2]


def wms27700(z, x0, y0, x1, y1):
    return (f"SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={{layer}}&STYLES=&CRS=EPSG:27700"
            f"&BBOX={x0!r},{y0!r},{x1!r},{y1!r}&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE")


if cmd == "bng":   # SafeMap, each EPSG:27700 map once: base layer month listfile out
    base, layer, month, listfile, out = sys.argv[3:8]
    h = mb.Http(base)
    with open(out, "w") as f:
        for line in open(listfile):
            z, x0, y0, x1, y1 = line.split()
            q = wms27700(int(z), float(x0), float(y0), float(x1), float(y1)).format(layer=layer)
            status, ctype, body, t = h.get(f"/wms?{q}&TIME={month}")
            ok, note = mb.png_quick(body) if status == 200 else (False, body[:120].decode("latin-1"))
            f.write(f"{z} {x0} {y0} {status} {t * 1000:.2f} {len(body)} {'ok' if ok else 'BAD ' + note}\n")
elif cmd == "ms":   # MapServer FastCGI, each map once: port dir crs listfile out mapfile3857 respawn
    port, ab, crs, listfile, out, map3857, respawn = sys.argv[3:10]
    orig = mb.ms_query
    with open(out, "w") as f:
        for line in open(listfile):
            p = line.split()
            z = int(p[0])
            if crs == "3857":
                x, y = int(p[1]), int(p[2])
                ctype, body, t = mb.ms_fcgi(int(port), map3857, z, x, y)
            else:
                q = f"map={ab}/bench-27700-z{z}.map&" + wms27700(z, *map(float, p[1:5])).format(layer="density")
                mb.ms_query = lambda *a, q=q: q
                ctype, body, t = mb.ms_fcgi(int(port), None, z, 0, 0)
                mb.ms_query = orig
            if ctype.startswith("crash"):
                mb.subprocess.run(respawn, shell=True)
            ok = ctype == "image/png" and mb.png_quick(body)[0]
            f.write(f"{z} {p[1]} {p[2]} {200 if ok else 500} {t * 1000:.2f} {len(body)} {'ok' if ok else 'BAD ' + ctype}\n")
elif cmd == "stats":   # files...: median and p95 over every ok request, ms
    v = []
    for fn in sys.argv[3:]:
        for line in open(fn):
            p = line.split()
            if p[3] == "200" and p[6] == "ok":
                v.append(float(p[4]))
    print(f"median {mb.median(v):.1f} p95 {mb.pct(v, 95):.1f} n {len(v)}")
elif cmd == "ratio":   # safemap files vs mapserver file, paired on maps both drew: medians' ratio
    sm, ms = sys.argv[3:-1], sys.argv[-1]
    msv = {}
    for line in open(ms):
        p = line.split()
        if p[6] == "ok":
            msv[(p[0], p[1], p[2])] = float(p[4])
    per = {}
    for fn in sm:
        for line in open(fn):
            p = line.split()
            if p[3] == "200" and p[6] == "ok":
                per.setdefault((p[0], p[1], p[2]), []).append(float(p[4]))
    keys = [k for k in per if k in msv]
    s = [mb.median(per[k]) for k in keys]
    m = [msv[k] for k in keys]
    print(f"paired on {len(keys)} maps: SafeMap median {mb.median(s):.1f} ms, MapServer FastCGI median "
          f"{mb.median(m):.1f} ms (p95 {mb.pct(m, 95):.1f}): MapServer / SafeMap = {mb.median(m) / mb.median(s):.1f} x")
PY

start_safemap() {
  local jar=$1 var=$AB/var
  rm -rf "$var"
  # map.sh's server's audit key, which wrote the chain: under another key the first chain check, a minute after
  # the start, finds it "re-chained" and searches for where entries came from, a core's work for seconds.
  mkdir -p "$var"
  [ -d "$WORK/var/secrets" ] && cp -a "$WORK/var/secrets" "$var"/
  # shellcheck disable=SC2086
  SAFEMAP_HTTP_PORT=$HTTP_PORT SAFEMAP_VAR_DIR=$ROOT/$var setsid java ${SAFEMAP_JAVA_OPTS:-} -jar "$jar" serve \
    >> "$AB/server.log" 2>&1 &
  SERVER_PID=$!
  until curl -sf "$BASE/health" > /dev/null; do
    kill -0 "$SERVER_PID" 2> /dev/null || { echo "server did not start; see $AB/server.log" >&2; exit 1; }
    sleep 0.1
  done
  python3 "$PY" fetch "$BASE" "$LAYER" "$MONTH" "$WORK/tiles-warmup.txt" "$AB/warmup.txt" "" 600
  python3 "$PY" paths "$BASE" "$WORK/paths-warmup-wms.txt"
}

: > "$RESULTS"
say "map-ab.sh $(date -u +%FT%TZ): A = $1, B = $2; $ROUNDS rounds; $(nproc) cores; load average $(load_avg)"
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for which in $order; do
    jar=$A
    [ "$which" = B ] && jar=$B
    start_safemap "$jar"
    say "round $r $which: load average $(load_avg)"
    python3 "$PY" fetch "$BASE" "$LAYER" "$MONTH" "$WORK/tiles-measured.txt" "$AB/$which-3857-$r.txt" "" 1200
    python3 "$AB/ab.py" "$PY" bng "$BASE" "$LAYER" "$MONTH" "$AB/maps-27700.txt" "$AB/$which-27700-$r.txt"
    python3 "$PY" fetch "$BASE" "$LAYER" "$MONTH" "$AB/tiles-empty.txt" "$AB/$which-empty-$r.txt" "" 120
    for k in 3857 27700 empty; do say "  $k: $(python3 "$AB/ab.py" "$PY" stats "$AB/$which-$k-$r.txt")"; done
    stop_safemap
  done
done
say "== over all rounds (each map measured once per round and build)"
for which in A B; do
  for k in 3857 27700 empty; do
    say "$which $k: $(python3 "$AB/ab.py" "$PY" stats "$AB/$which-$k"-*.txt)"
  done
done
if [ "${MS:-1}" = 1 ]; then
  printf 'CONFIG\n  ENV\n    MS_MAP_PATTERN "^%s/"\n  END\nEND\n' "$ROOT/var/bench" > "$AB/mapserver.conf"
  export MAPSERVER_CONFIG_FILE=$ROOT/$AB/mapserver.conf
  # MapServer crashes on some maps (see map.sh): the process is restarted after each crash.
  printf '#!/usr/bin/env bash\np=$(cat "%s" 2> /dev/null)\n[ -n "$p" ] && [ "$(cat /proc/$p/comm 2> /dev/null)" = mapserv ] && kill -9 "$p" 2> /dev/null\nspawn-fcgi -a 127.0.0.1 -p %s -F 1 -P "%s" -- "%s" > /dev/null\nsleep 0.3\n' \
    "$ROOT/$FCGI_PIDFILE" "$FCGI_PORT" "$ROOT/$FCGI_PIDFILE" "$(command -v mapserv)" > "$AB/respawn.sh"
  chmod +x "$AB/respawn.sh"
  "$AB/respawn.sh"
  say "== MapServer KERNELDENSITY over FastCGI (one warm process), each map once; load average $(load_avg)"
  head -2 "$WORK/tiles-profile.txt" > "$AB/ms-warm.txt"
  python3 "$AB/ab.py" "$PY" ms "$FCGI_PORT" "$ROOT/$AB" 3857 "$AB/ms-warm.txt" /dev/null "$ROOT/$WORK/mapserver/bench.map" "$ROOT/$AB/respawn.sh"
  for crs in 3857 27700; do
    list=$WORK/tiles-measured.txt
    [ $crs = 27700 ] && list=$AB/maps-27700.txt
    python3 "$AB/ab.py" "$PY" ms "$FCGI_PORT" "$ROOT/$AB" $crs "$list" "$AB/ms-$crs.txt" "$ROOT/$WORK/mapserver/bench.map" \
      "$ROOT/$AB/respawn.sh"
    say "MapServer $crs: $(python3 "$AB/ab.py" "$PY" stats "$AB/ms-$crs.txt") (crashed or failed: $(grep -c BAD "$AB/ms-$crs.txt" || true))"
    for which in A B; do
      say "  $which against MapServer, $crs: $(python3 "$AB/ab.py" "$PY" ratio "$AB/$which-$crs"-*.txt "$AB/ms-$crs.txt")"
    done
  done
  stop_fcgi
fi
say "done; load average $(load_avg)"
