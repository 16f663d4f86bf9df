#!/usr/bin/env bash
# Map service benchmark: 256 x 256 density tiles (layer density-all, exact quartic, 250 m) over 1,000,000 synthetic
# incident points, rendered and from cache, cached throughput with wrk, a 60 s load test with memory sampling, and
# MapServer's KERNELDENSITY (Debian's mapserver-bin) timed on the same tiles over the same PostGIS table, in the same
# run. Run from anywhere after a build (mvn -B -ntp -o -q install -DskipTests); it starts the private cluster if it
# is down, (re)creates the database safemap_bench there (dropped again at the end), loads the points with
# `safemap ingest`, and stops every process it started. Clients are a Python http.client (one keep-alive
# connection, requests in sequence) for latencies and wrk for throughput, all on loopback. The generated CSV is kept
# in var/bench/map for the next run. The density layer is a partner layer, so the script adds a user "map-bench"
# (an analyst of the partner csp, tokens only) to the benchmark database and sends its API token with every request. Raw results and the summary: var/bench/map-results.txt; figures:
# docs/performance.md ("Map service").
#
# Settings (environment): POINTS (1000000), SEED (20240301), TILES_PER_ZOOM (24), MS_TILES_PER_ZOOM (8),
# THROUGHPUT_SECONDS (20), LOAD_SECONDS (60), LOAD_WMS_EVERY (50: one uncached WMS GetMap per 50 load requests),
# MAP_BENCH_PORT (8091), MAP_BENCH_FCGI_PORT (8092), SAFEMAP_JAVA_OPTS (none: the JVM's defaults),
# MAP_BENCH_KEEP_DB=1 (do not drop safemap_bench at the end), MAP_BENCH_REUSE_DB=1 (use a kept safemap_bench that
# holds the points instead of loading again), PROFILE=0 (skip the JFR profile at the end).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD

POINTS=${POINTS:-1000000}
SEED=${SEED:-20240301}
MONTH=2024-03
LAYER=density-all
TILES_PER_ZOOM=${TILES_PER_ZOOM:-24}
MS_TILES_PER_ZOOM=${MS_TILES_PER_ZOOM:-8}
THROUGHPUT_SECONDS=${THROUGHPUT_SECONDS:-20}
LOAD_SECONDS=${LOAD_SECONDS:-60}
LOAD_WMS_EVERY=${LOAD_WMS_EVERY:-50}
HTTP_PORT=${MAP_BENCH_PORT:-8091}
FCGI_PORT=${MAP_BENCH_FCGI_PORT:-8092}
PROFILE=${PROFILE:-1}
DB_PORT=${SAFEMAP_LOCAL_DB_PORT:-55432}
DB=safemap_bench
BASE="http://127.0.0.1:$HTTP_PORT"

OUT=var/bench
WORK=$OUT/map
RESULTS=$OUT/map-results.txt
mkdir -p "$WORK"
JAR=$WORK/safemap.jar          # a copy: a rebuild of server/target during the run must not pull classes from under it

say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
raw() { tee -a "$RESULTS" > /dev/null; }
die() { printf 'map.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# ---------------------------------------------------------------------------------------------------------- tools
need=()
for c in java jcmd jfr psql pg_isready curl python3 wrk mapserv spawn-fcgi; do
  command -v "$c" > /dev/null 2>&1 || need+=("$c")
done
if [ ${#need[@]} -gt 0 ]; then
  pkgs=()
  for c in "${need[@]}"; do
    case $c in
      wrk) pkgs+=(wrk) ;;
      mapserv) pkgs+=(mapserver-bin cgi-mapserver) ;;
      spawn-fcgi) pkgs+=(spawn-fcgi) ;;
      *) die "$c is missing (Java 17 JDK, PostgreSQL client, curl and python3 come with ./safemap's setup)" ;;
    esac
  done
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}"
  else
    die "install the benchmark's tools first: sudo apt-get install -y ${pkgs[*]}"
  fi
fi
[ -f server/target/safemap.jar ] || mvn -B -ntp -q -DskipTests install
cp server/target/safemap.jar "$JAR"

# ---------------------------------------------------------------------------------------------------- processes
SERVER_PID=
FCGI_PIDFILE=$WORK/mapserv-fcgi.pid
SAMPLER_PID=
stop_fcgi() {
  # mapserv under FastCGI takes SIGTERM as "exit after the next request", so it would wait in accept(): KILL it.
  # Only the process spawn-fcgi recorded, and only while it is still a mapserv.
  local p
  if [ -f "$FCGI_PIDFILE" ]; then
    p=$(cat "$FCGI_PIDFILE")
    [ "$(cat "/proc/$p/comm" 2> /dev/null)" = mapserv ] && kill -9 "$p" 2> /dev/null || true
    rm -f "$FCGI_PIDFILE"
  fi
}
stop_safemap() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2> /dev/null; then
    kill "$SERVER_PID" 2> /dev/null || true
    for _ in $(seq 150); do kill -0 "$SERVER_PID" 2> /dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2> /dev/null || true
  fi
  SERVER_PID=
}
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2> /dev/null || true
  stop_safemap
  stop_fcgi
  if [ "${MAP_BENCH_KEEP_DB:-0}" != 1 ] && [ -n "${PGPASSWORD:-}" ]; then
    psql -X -q -h 127.0.0.1 -p "$DB_PORT" -U safemap -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
      > /dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------- helpers
# One Python helper for everything that needs arithmetic or a socket: point generation, tile lists, timed HTTP,
# MapServer as CGI and over FastCGI, PNG checks, statistics, the JFR summary. Standard library only; PNGs are read by
# server/src/bench/pngread.py, shared with choropleth.sh (on PYTHONPATH for every python3 below).
export PYTHONPATH=$ROOT/server/src/bench${PYTHONPATH:+:$PYTHONPATH}
PY=$WORK/mapbench.py
cat > "$PY" <<'PY'
import bisect, http.client, itertools, math, os, random, socket, struct, subprocess, sys, time

import pngread

ORIGIN = 20037508.342789244
# The benchmark user's token: the density layer is for partners, not the public.
AUTH = {"Authorization": "Bearer " + os.environ["MAP_BENCH_TOKEN"]} if os.environ.get("MAP_BENCH_TOKEN") else {}


def tile_bbox(z, x, y):
    span = 2 * ORIGIN / (1 << z)
    minx = -ORIGIN + x * span
    maxy = ORIGIN - y * span
    return minx, maxy - span, minx + span, maxy


def pct(values, p):
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)] if s else float("nan")


def median(values):
    s = sorted(values)
    n = len(s)
    return float("nan") if n == 0 else (s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2)


# ------------------------------------------------------------------------------------------------ points
def gen(seed, n, points_out, clusters_out):
    """Synthetic incidents in EPSG:27700 over a 40 x 40 km force area shaped like Greater Manchester: 300 Gaussian
    clusters (standard deviation 40 to 400 m, log-uniform; sizes log-normal) around twelve town centres, 70% of the
    points; 20% diffuse around the towns (4 km); 10% uniform. Rounded to the metre."""
    rnd = random.Random(seed)
    x0, y0, side = 364000, 378000, 40000
    towns = [(384000, 398000, 5), (381500, 399500, 2), (371600, 409200, 2), (380500, 410800, 1.5),
             (389700, 413300, 1.5), (392400, 404800, 1.5), (389700, 390300, 2), (378400, 393200, 1.2),
             (393800, 398700, 1), (368000, 399800, 1), (385200, 404000, 1), (396500, 394500, 1)]
    tcum = list(itertools.accumulate(t[2] for t in towns))

    def inside(x, y):
        return x0 <= x < x0 + side and y0 <= y < y0 + side

    def near_town(sd):
        while True:
            tx, ty, _ = towns[bisect.bisect(tcum, rnd.random() * tcum[-1])]
            x, y = rnd.gauss(tx, sd), rnd.gauss(ty, sd)
            if inside(x, y):
                return x, y

    clusters = []
    for _ in range(300):
        cx, cy = near_town(3000) if rnd.random() < 0.8 else (x0 + rnd.random() * side, y0 + rnd.random() * side)
        clusters.append((cx, cy, 40 * 10 ** rnd.random(), rnd.lognormvariate(0, 1)))
    ccum = list(itertools.accumulate(c[3] for c in clusters))
    types = [("Anti-social behaviour", 28), ("Violence and sexual offences", 30), ("Shoplifting", 7),
             ("Criminal damage and arson", 8), ("Public order", 8), ("Vehicle crime", 5), ("Burglary", 4),
             ("Other theft", 5), ("Drugs", 2), ("Robbery", 1), ("Theft from the person", 1), ("Bicycle theft", 1)]
    names = [t[0] for t in types]
    ncum = list(itertools.accumulate(t[1] for t in types))
    with open(clusters_out, "w") as f:
        for k, c in enumerate(clusters):
            f.write(f"{k}\t{round(c[0])}\t{round(c[1])}\t{c[2]:.1f}\t{c[3]:.4f}\n")
    with open(points_out, "w") as out:
        rows = []
        for i in range(n):
            u = rnd.random()
            if u < 0.7:
                cx, cy, sd, _ = clusters[bisect.bisect(ccum, rnd.random() * ccum[-1])]
                while True:
                    x, y = rnd.gauss(cx, sd), rnd.gauss(cy, sd)
                    if inside(x, y):
                        break
            elif u < 0.9:
                x, y = near_town(4000)
            else:
                x, y = x0 + rnd.random() * side, y0 + rnd.random() * side
            rows.append(f"{i}\t{round(x)}\t{round(y)}\t{names[bisect.bisect(ncum, rnd.random() * ncum[-1])]}\n")
            if len(rows) == 50000:
                out.write("".join(rows))
                rows = []
        out.write("".join(rows))


# ------------------------------------------------------------------------------------------------- tiles
def tiles(clusters3857, extent3857, per_zoom, ms_per_zoom, seed, month, layer, outdir):
    """Per zoom 7..17: the tiles holding the cluster centres (in the clusters' random order), distinct; where the
    clusters give too few (zooms 10, 11), every tile over the data. The first per_zoom are measured, the next two
    warm the JVM up, the next three are profiled. All lists are disjoint, so every measured request renders."""
    cs = [tuple(map(float, l.split()[1:3])) for l in open(clusters3857)]
    minx, miny, maxx, maxy = map(float, open(extent3857).read().split())
    rnd = random.Random(seed)
    measured, warm, prof, ms = [], [], [], []
    for z in range(7, 18):
        span = 2 * ORIGIN / (1 << z)
        seen, order = set(), []
        for cx, cy in cs:
            t = (z, int((cx + ORIGIN) // span), int((ORIGIN - cy) // span))
            if t not in seen:
                seen.add(t)
                order.append(t)
        extra = [(z, x, y) for x in range(int((minx + ORIGIN) // span), int((maxx + ORIGIN) // span) + 1)
                 for y in range(int((ORIGIN - maxy) // span), int((ORIGIN - miny) // span) + 1)]
        rnd.shuffle(extra)
        order += [t for t in extra if t not in seen]
        m = order[:per_zoom]
        measured += m
        ms += m[:ms_per_zoom]
        warm += order[per_zoom:per_zoom + 2]
        prof += order[per_zoom + 2:per_zoom + 5]
    rnd.shuffle(measured)   # zooms interleaved, so a noisy minute on the shared machine does not land on one zoom
    rnd.shuffle(ms)
    for name, lst in (("measured", measured), ("warmup", warm), ("profile", prof), ("mapserver", ms)):
        with open(f"{outdir}/tiles-{name}.txt", "w") as f:
            f.writelines(f"{z} {x} {y}\n" for z, x, y in lst)
    # wrk: the measured tiles' paths (all cached by then); the load test: the same, with an uncached WMS GetMap
    # (random 256 x 256 window at a zoom-12-to-16 scale around a random cluster) every LOAD_WMS_EVERY requests.
    paths = [f"/tiles/{layer}/{z}/{x}/{y}.png?time={month}" for z, x, y in measured]
    with open(f"{outdir}/paths-cached.txt", "w") as f:
        f.writelines(p + "\n" for p in paths)
    every = int(os.environ.get("LOAD_WMS_EVERY", "50"))
    load = []
    for i in range(max(3000, len(paths) * every)):
        if every > 0 and i % every == every - 1:
            cx, cy = rnd.choice(cs)
            res = 2 * ORIGIN / 256 / (1 << rnd.randint(12, 16))
            cx += rnd.uniform(-1000, 1000)
            cy += rnd.uniform(-1000, 1000)
            b = (cx - 128 * res, cy - 128 * res, cx + 128 * res, cy + 128 * res)
            load.append(f"/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layer}&STYLES=&CRS=EPSG:3857"
                        f"&BBOX={b[0]:.2f},{b[1]:.2f},{b[2]:.2f},{b[3]:.2f}&WIDTH=256&HEIGHT=256&FORMAT=image/png"
                        f"&TRANSPARENT=TRUE&TIME={month}")
        else:
            load.append(paths[i % len(paths)])
    with open(f"{outdir}/paths-load.txt", "w") as f:
        f.writelines(p + "\n" for p in load)
    # JVM warm-up at every zoom's scale: WMS GetMap windows around random clusters, shifted off the tile grid so
    # nothing they draw is a measured tile. Zooms 7 to 10 have too few tiles over the data to spare any for warm-up,
    # and their exact reads would otherwise be compiled during the measured renders.
    with open(f"{outdir}/paths-warmup-wms.txt", "w") as f:
        for z in range(7, 18):
            for _ in range(4):
                cx, cy = rnd.choice(cs)
                res = 2 * ORIGIN / 256 / (1 << z)
                cx += rnd.uniform(0.1, 0.9) * 256 * res
                b = (cx - 128 * res, cy - 128 * res, cx + 128 * res, cy + 128 * res)
                f.write(f"/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layer}&STYLES=&CRS=EPSG:3857"
                        f"&BBOX={b[0]:.2f},{b[1]:.2f},{b[2]:.2f},{b[3]:.2f}&WIDTH=256&HEIGHT=256&FORMAT=image/png"
                        f"&TRANSPARENT=TRUE&TIME={month}\n")
    counts = {}
    for z, _, _ in measured:
        counts[z] = counts.get(z, 0) + 1
    print(" ".join(f"z{z}:{counts[z]}" for z in sorted(counts)))


# ----------------------------------------------------------------------------------------------------- PNG
def png_info(data):
    """(ok, note, share of pixels not fully transparent) for an 8-bit PNG of 256 x 256."""
    head = pngread.header(data)
    if head is None:
        return False, "not a PNG: " + data[:80].decode("latin-1").replace("\n", " "), 0.0
    if head[:2] != (256, 256):
        return False, f"size {head[0]}x{head[1]}", 0.0
    img = pngread.rgba(data)
    if img is None:
        return True, f"depth {head[2]}, colour type {head[3]}", float("nan")
    return True, "", pngread.drawn_share(img)


def png_quick(data):
    """A cheap check for every response: a PNG of 256 x 256 (its header only; the pixels are not decoded)."""
    head = pngread.header(data)
    if head is None:
        return False, "not a PNG: " + data[:120].decode("latin-1").replace("\n", " ")
    if head[:2] != (256, 256):
        return False, f"size {head[0]}x{head[1]}"
    return True, ""


# ----------------------------------------------------------------------------------------------- clients
class Http:
    def __init__(self, base):
        host, port = base.split("//")[1].split(":")
        self.host, self.port = host, int(port)
        self.conn = None

    def get(self, path):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=180)
            try:
                t0 = time.perf_counter()
                self.conn.request("GET", path, headers=AUTH)
                r = self.conn.getresponse()
                body = r.read()
                t = time.perf_counter() - t0
                return r.status, r.getheader("Content-Type", ""), body, t
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


def tile_path(layer, month, z, x, y, style=None):
    return f"/tiles/{layer}/{z}/{x}/{y}.png?time={month}" + (f"&style={style}" if style else "")


def ms_query(mapfile, z, x, y):
    b = tile_bbox(z, x, y)
    return (f"map={mapfile}&SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=density&STYLES=&CRS=EPSG:3857"
            f"&BBOX={b[0]!r},{b[1]!r},{b[2]!r},{b[3]!r}&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE")


def split_cgi(out):
    head, sep, body = out.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = out.partition(b"\n\n")
    ctype = ""
    for line in head.decode("latin-1").splitlines():
        if line.lower().startswith("content-type:"):
            ctype = line.split(":", 1)[1].strip()
    return ctype, body


def ms_cgi(mapfile, z, x, y):
    env = dict(os.environ, QUERY_STRING=ms_query(mapfile, z, x, y), REQUEST_METHOD="GET")
    t0 = time.perf_counter()
    p = subprocess.run(["mapserv"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=300)
    t = time.perf_counter() - t0
    if p.returncode != 0:
        return f"crash(rc={p.returncode})", b"", t
    ctype, body = split_cgi(p.stdout)
    return ctype, body, t


def ms_fcgi(port, mapfile, z, x, y):
    params = {"QUERY_STRING": ms_query(mapfile, z, x, y), "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/mapserv",
              "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": "127.0.0.1",
              "SERVER_PORT": str(port), "REMOTE_ADDR": "127.0.0.1", "CONTENT_LENGTH": "0"}

    def rec(kind, content):
        return struct.pack(">BBHHBx", 1, kind, 1, len(content), 0) + content

    pairs = b""
    for k, v in params.items():
        k, v = k.encode(), v.encode()
        for n in (len(k), len(v)):
            pairs += bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
        pairs += k + v
    msg = rec(1, struct.pack(">HB5x", 1, 0)) + rec(4, pairs) + rec(4, b"") + rec(5, b"")
    t0 = time.perf_counter()
    out = bytearray()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=300) as s:
            s.sendall(msg)
            buf = b""
            ended = False
            while not ended:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
                while len(buf) >= 8:
                    _, kind, _, length, pad = struct.unpack(">BBHHB", buf[:7])
                    if len(buf) < 8 + length + pad:
                        break
                    content = buf[8:8 + length]
                    buf = buf[8 + length + pad:]
                    if kind == 6:
                        out += content
                    elif kind == 3:
                        ended = True
                        break
        t = time.perf_counter() - t0
        if not ended:
            return "crash(connection closed)", b"", t
    except OSError as e:
        return f"crash({e.__class__.__name__})", b"", time.perf_counter() - t0
    ctype, body = split_cgi(bytes(out))
    return ctype, body, t


def tiles_until(listfile, deadline):
    """The z, x, y of each line of a tile list, until the deadline (seconds from now) has passed."""
    stop = time.time() + deadline
    for line in open(listfile):
        if time.time() > stop:
            print(f"deadline of {deadline} s reached", file=sys.stderr)
            return
        yield map(int, line.split())


def fetch(base, layer, month, listfile, out, style, deadline, keep_dir=None):
    """Requests each tile of the list once, in order; one line per request: z x y status ms bytes check."""
    h = Http(base)
    kept = set()
    with open(out, "w") as f:
        for z, x, y in tiles_until(listfile, deadline):
            status, ctype, body, t = h.get(tile_path(layer, month, z, x, y, style))
            ok, note = png_quick(body) if status == 200 else (False, body[:120].decode("latin-1"))
            f.write(f"{z} {x} {y} {status} {t * 1000:.2f} {len(body)} {'ok' if ok else 'BAD ' + note}\n")
            if keep_dir and z not in kept and ok:
                kept.add(z)
                open(f"{keep_dir}/safemap-{z}-{x}-{y}.png", "wb").write(body)


def compare(base, layer, month, listfile, out, mapfile, port, respawn, deadline, keep_dir):
    """Per tile: SafeMap renders it (restarted just before this pass, so neither the tile nor the density lattice
    blocks under it are cached, apart from what the warm-up tiles left), MapServer draws it as CGI (a process per
    request), then over FastCGI (a warm process). Paired, so both see the same noise. MapServer's turn takes more
    than a second, after which SafeMap's map state (checked at most once a second) is due again: GET
    /api/map-cache pays that check just before the tile, timed apart and reported beside it."""
    h = Http(base)
    kept = set()
    with open(out, "w") as f:
        for z, x, y in tiles_until(listfile, deadline):
            status, _, _, t = h.get("/api/map-cache")
            f.write(f"safemap-state {z} {x} {y} {t * 1000:.2f} 0 {'ok' if status == 200 else 'BAD ' + str(status)}\n")
            status, ctype, body, t = h.get(tile_path(layer, month, z, x, y))
            ok, note = png_quick(body) if status == 200 else (False, str(status))
            f.write(f"safemap {z} {x} {y} {t * 1000:.2f} {len(body)} {'ok' if ok else 'BAD ' + note}\n")
            cgi_ok = False
            for method in ("cgi", "fcgi"):
                if method == "fcgi" and not cgi_ok:
                    # The same binary and data crash the same way; a crash would only kill the FastCGI process.
                    f.write(f"mapserver-fcgi {z} {x} {y} nan 0 SKIPPED (CGI failed on this tile)\n")
                    continue
                if method == "cgi":
                    ctype, mbody, mt = ms_cgi(mapfile, z, x, y)
                else:
                    ctype, mbody, mt = ms_fcgi(port, mapfile, z, x, y)
                if ctype.startswith("crash"):
                    ok, note = False, ctype
                    if method == "fcgi":
                        subprocess.run(respawn, shell=True)
                elif ctype != "image/png":
                    ok, note = False, f"{ctype}: " + mbody[:200].decode("latin-1").replace("\n", " ")
                else:
                    ok, note = png_quick(mbody)
                if method == "cgi":
                    cgi_ok = ok
                f.write(f"mapserver-{method} {z} {x} {y} {mt * 1000:.2f} {len(mbody)} {'ok' if ok else 'BAD ' + note}\n")
                if keep_dir and ok and method == "fcgi" and z not in kept:
                    kept.add(z)
                    open(f"{keep_dir}/mapserver-{z}-{x}-{y}.png", "wb").write(mbody)
                    open(f"{keep_dir}/safemap-{z}-{x}-{y}.png", "wb").write(h.get(tile_path(layer, month, z, x, y))[2])
            f.flush()


def stall(base, layer, month, listfile, out, rounds):
    """A cached tile requested just after the map state's 1 s lifetime ran out, rounds times."""
    h = Http(base)
    tiles = [tuple(map(int, l.split())) for l in open(listfile)]
    with open(out, "w") as f:
        for k in range(rounds):
            time.sleep(1.3)
            z, x, y = tiles[k % len(tiles)]
            status, _, _, t = h.get(tile_path(layer, month, z, x, y))
            f.write(f"{z} {x} {y} {status} {t * 1000:.2f}\n")


def summary(kind, *files):
    """Median and p95 (nearest rank) per zoom and over all, ms."""
    rows = []
    for fn in files:
        for line in open(fn):
            p = line.split()
            if kind == "fetch":
                rows.append((int(p[0]), float(p[4]), p[3] == "200" and p[6] == "ok"))
            else:
                rows.append((p[0], int(p[1]), float(p[4]), p[6] == "ok"))
    if kind == "fetch":
        bad = sum(1 for r in rows if not r[2])
        print(f"{'zoom':>6} {'n':>4} {'median':>9} {'p95':>9} {'max':>9}   (ms; {bad} bad responses)")
        for z in sorted({r[0] for r in rows}) + ["all"]:
            v = [r[1] for r in rows if r[2] and (z == "all" or r[0] == z)]
            print(f"{z:>6} {len(v):>4} {median(v):9.1f} {pct(v, 95):9.1f} {max(v) if v else float('nan'):9.1f}")
        return
    # compare: per zoom, each method's median and p95 on the tiles every method drew, and the ratios
    tiles = {}
    for line in open(files[0]):
        p = line.split()
        tiles.setdefault((int(p[1]), int(p[2]), int(p[3])), {})[p[0]] = (float(p[4]), p[6] == "ok")
    print("ms; medians and p95 over the tiles MapServer drew; ratios are SafeMap's median over MapServer's "
          "(above 1: SafeMap slower)")
    print(f"{'zoom':>5} {'tiles':>5} {'MS ok':>5} {'SM render':>9} {'p95':>7} {'SM state':>8} {'MS FCGI':>8} "
          f"{'p95':>7} {'MS CGI':>7} {'p95':>7} {'SM/FCGI':>7} {'SM+st/FCGI':>10} {'SM/CGI':>6}")
    zooms = sorted({k[0] for k in tiles})
    for z in zooms + ["all"]:
        sel = [v for k, v in tiles.items() if z == "all" or k[0] == z]
        both = [v for v in sel if all(v.get(m, (0, False))[1] for m in ("safemap", "mapserver-cgi", "mapserver-fcgi"))]
        s = [v["safemap"][0] for v in both]
        st = [v["safemap"][0] + v["safemap-state"][0] for v in both]
        st_only = [v["safemap-state"][0] for v in both]
        f_ = [v["mapserver-fcgi"][0] for v in both]
        c = [v["mapserver-cgi"][0] for v in both]
        r1 = median(s) / median(f_) if both else float("nan")
        r1s = median(st) / median(f_) if both else float("nan")
        r2 = median(s) / median(c) if both else float("nan")
        print(f"{z:>5} {len(sel):>5} {len(both):>5} {median(s):9.1f} {pct(s, 95):7.1f} {median(st_only):8.1f} "
              f"{median(f_):8.1f} {pct(f_, 95):7.1f} {median(c):7.1f} {pct(c, 95):7.1f} {r1:7.2f} {r1s:10.2f} "
              f"{r2:6.2f}")
    fails = {}
    for k, v in tiles.items():
        for m in ("mapserver-cgi",):
            if m in v and not v[m][1]:
                fails[k[0]] = fails.get(k[0], 0) + 1
    all_s = [v["safemap"][0] for v in tiles.values() if v.get("safemap", (0, False))[1]]
    print("SafeMap over every tile of this pass: median %.1f ms, p95 %.1f ms, n %d"
          % (median(all_s), pct(all_s, 95), len(all_s)))
    print("MapServer failed (crash or exception) on tiles, by zoom: "
          + (", ".join(f"z{z}: {n}" for z, n in sorted(fails.items())) or "none"))


def coverage(directory):
    for fn in sorted(os.listdir(directory)):
        if fn.endswith(".png"):
            ok, note, share = png_info(open(os.path.join(directory, fn), "rb").read())
            print(f"{fn:40s} {'ok' if ok else 'BAD'} {note} pixels drawn: {share:.1%}")


def jfr_top(text_exec, text_native):
    """Top frames of JFR's execution samples, and where threads waited in native code (the first SafeMap frame)."""
    def stacks(fn):
        cur = None
        for line in open(fn):
            s = line.strip()
            if s.startswith("stackTrace = ["):
                cur = []
            elif cur is not None:
                if s.startswith("]") or s == "...":
                    yield cur
                    cur = None
                else:
                    cur.append(s.split("(")[0].strip())
    top = {}
    n = 0
    for st in stacks(text_exec):
        if st:
            n += 1
            top[st[0]] = top.get(st[0], 0) + 1
    print(f"execution samples: {n}; top frames:")
    for k, v in sorted(top.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {v / max(n, 1):6.1%}  {k}")
    nat = {}
    m = 0
    for st in stacks(text_native):
        first = next((f for f in st if f.startswith("org.safemap")), None)
        if first:
            m += 1
            nat[first] = nat.get(first, 0) + 1
    print(f"native (waiting) samples in SafeMap request threads: {m}; first SafeMap frame:")
    for k, v in sorted(nat.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {v / max(m, 1):6.1%}  {k}")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "gen":
        gen(int(args[0]), int(args[1]), args[2], args[3])
    elif cmd == "tiles":
        tiles(args[0], args[1], int(args[2]), int(args[3]), int(args[4]), args[5], args[6], args[7])
    elif cmd == "fetch":
        fetch(args[0], args[1], args[2], args[3], args[4], args[5] or None, float(args[6]),
              args[7] if len(args) > 7 else None)
    elif cmd == "compare":
        compare(*args[:6], int(args[6]), args[7], float(args[8]), args[9])
    elif cmd == "paths":
        h = Http(args[0])
        for line in open(args[1]):
            status, _, body, _ = h.get(line.strip())
            if status != 200 or body[:4] != b"\x89PNG":
                sys.exit(f"warm-up request failed ({status}): {line.strip()}")
    elif cmd == "stall":
        stall(args[0], args[1], args[2], args[3], args[4], int(args[5]))
    elif cmd == "summary":
        summary(args[0], *args[1:])
    elif cmd == "mswarm":
        for line in open(args[2]):
            z, x, y = map(int, line.split())
            for _ in range(2):
                ctype, body, t = ms_fcgi(int(args[0]), args[1], z, x, y)
                print(f"FastCGI warm-up {z}/{x}/{y}: {ctype}, {len(body)} bytes, {t * 1000:.0f} ms")
    elif cmd == "coverage":
        coverage(args[0])
    elif cmd == "jfr":
        jfr_top(args[0], args[1])
PY

: > "$RESULTS"
say "SafeMap map service benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load average $(load_avg); $(java -version 2>&1 | head -1)"
say "code: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- server/src/main layers 2>/dev/null || echo ' with uncommitted changes in server/src/main or layers'); jar built $(date -u -r server/target/safemap.jar +%Y-%m-%dT%H:%M:%SZ)"
say "$(mapserv -v | cut -c1-60)...; $(wrk --version 2>&1 | head -1 | cut -c1-40)"
if [ -n "$(find server/src/main layers -newer server/target/safemap.jar -type f -print -quit)" ]; then
  say "WARNING: sources are newer than server/target/safemap.jar: these figures are for the jar, not the sources"
fi

# ----------------------------------------------------------------------------------------------------- database
PGPASSWORD="$(cat var/postgis.password 2> /dev/null || true)"
if ! pg_isready -q -h 127.0.0.1 -p "$DB_PORT"; then
  java -jar "$JAR" db up
  PGPASSWORD="$(cat var/postgis.password)"
fi
export PGPASSWORD
PSQL=(psql -X -q -h 127.0.0.1 -p "$DB_PORT" -U safemap -v ON_ERROR_STOP=1)
say "database: $("${PSQL[@]}" -d postgres -Atc 'SHOW server_version' | cut -d' ' -f1), PostGIS $("${PSQL[@]}" -d postgres -Atc "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'"), shared_buffers $("${PSQL[@]}" -d postgres -Atc 'SHOW shared_buffers')"
export SAFEMAP_DB_URL="postgresql://safemap@127.0.0.1:$DB_PORT/$DB"
export SAFEMAP_DB_PASSWORD="$PGPASSWORD"

CSV=$WORK/police-uk-$MONTH-$SEED-$POINTS.csv
CLUSTERS=$WORK/clusters-$SEED.tsv
loaded=0
if [ "${MAP_BENCH_REUSE_DB:-0}" = 1 ] && [ -s "$CLUSTERS" ] && [ "$("${PSQL[@]}" -d postgres -Atc "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" = 1 ] \
   && [ "$("${PSQL[@]}" -d "$DB" -Atc "SELECT coalesce(sum(rows_loaded), 0) FROM load_batch WHERE kind = 'incidents'" 2> /dev/null)" = "$POINTS" ]; then
  loaded=1
  say "== reusing $DB with $POINTS points (MAP_BENCH_REUSE_DB=1)"
fi

if [ $loaded = 0 ]; then
  say "== database $DB: drop, create, migrate (safemap db up with SAFEMAP_DB_URL)"
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" 2>&1 | grep -v NOTICE || true
  timeout 120 java -jar "$JAR" db up | raw
  if [ ! -s "$CSV" ] || [ ! -s "$CLUSTERS" ]; then
    say "== generating $POINTS synthetic incidents, seed $SEED, month $MONTH (police.uk street-level CSV)"
    t0=$(now)
    timeout 300 python3 "$PY" gen "$SEED" "$POINTS" "$WORK/points.tsv" "$CLUSTERS"
    # PostGIS converts British National Grid to WGS84 for the police.uk columns; SafeMap converts them back.
    timeout 300 "${PSQL[@]}" -d "$DB" <<SQL
CREATE TEMP TABLE gen (n int, x int, y int, crime_type text);
\copy gen FROM '$WORK/points.tsv'
\copy (SELECT CASE WHEN crime_type <> 'Anti-social behaviour' THEN encode(sha256(('map-bench-' || n)::bytea), 'hex') END AS "Crime ID", '$MONTH' AS "Month", 'Greater Manchester Police' AS "Reported by", 'Greater Manchester Police' AS "Falls within", to_char(ST_X(p), 'FM990.000000') AS "Longitude", to_char(ST_Y(p), 'FM990.000000') AS "Latitude", 'On or near Bench Street' AS "Location", NULL AS "LSOA code", NULL AS "LSOA name", crime_type AS "Crime type", NULL AS "Last outcome category", NULL AS "Context" FROM (SELECT n, crime_type, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), 27700), 4326) p FROM gen) g ORDER BY n) TO '$CSV' CSV HEADER
SQL
    rm -f "$WORK/points.tsv"
    say "generated in $(echo "$(now) - $t0" | bc | xargs printf '%.1f') s: $CSV, sha256 $(sha256sum "$CSV" | cut -c1-16)..."
  else
    say "== reusing $CSV (same seed and size: the generator is deterministic), sha256 $(sha256sum "$CSV" | cut -c1-16)..."
  fi
  say "== safemap ingest --feed police-uk ($POINTS rows)"
  t0=$(now)
  timeout 900 java -jar "$JAR" ingest --feed police-uk "$CSV" 2> /dev/null | raw
  say "ingest wall clock: $(echo "$(now) - $t0" | bc | xargs printf '%.1f') s"
  # What an operator does after a bulk load; both servers read the same analysed table.
  "${PSQL[@]}" -d "$DB" -c "VACUUM ANALYZE"
fi
# The density layer is a partner layer: requests carry a token of an analyst of the partner csp.
java -jar "$JAR" users add map-bench --role analyst --partner csp --name "map.sh benchmark" --no-password \
  > /dev/null 2>&1 || true
MAP_BENCH_TOKEN=$(java -jar "$JAR" tokens create --user map-bench --name "map.sh $(date -u +%FT%TZ)" \
  --purpose strategic-assessment --expires-days 1 2> /dev/null | grep -oE 'smp_[A-Za-z0-9_-]+' | head -1)
[ -n "$MAP_BENCH_TOKEN" ] || die "could not create an API token for the benchmark user"
export MAP_BENCH_TOKEN
say "incidents: $("${PSQL[@]}" -d "$DB" -Atc "SELECT count(*) || ' rows, ' || count(DISTINCT geom) || ' distinct locations' FROM incident")"

# Cluster centres and the data's extent in EPSG:3857, for the tile lists.
"${PSQL[@]}" -d "$DB" -Atc "CREATE TEMP TABLE c (k int, x int, y int, sd real, w real)" \
  -c "\copy c FROM '$CLUSTERS'" \
  -c "\copy (SELECT k, ST_X(p), ST_Y(p) FROM (SELECT k, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), 27700), 3857) p FROM c) q ORDER BY k) TO '$WORK/clusters-3857.tsv'"
"${PSQL[@]}" -d "$DB" -Atc "SELECT ST_XMin(e) || ' ' || ST_YMin(e) || ' ' || ST_XMax(e) || ' ' || ST_YMax(e) FROM (SELECT ST_Transform(ST_SetSRID(ST_Extent(geom)::geometry, 27700), 3857) e FROM incident) q" > "$WORK/extent-3857.txt"
say "tiles measured per zoom: $(LOAD_WMS_EVERY=$LOAD_WMS_EVERY python3 "$PY" tiles "$WORK/clusters-3857.tsv" "$WORK/extent-3857.txt" "$TILES_PER_ZOOM" "$MS_TILES_PER_ZOOM" "$SEED" "$MONTH" "$LAYER" "$WORK")"

# ----------------------------------------------------------------------------------------------------- SafeMap
# Starts SafeMap with empty caches, loads the density field with one tile (timed: the cold load) and warms the JVM
# up on the other warm-up tiles. None of those tiles is measured.
start_safemap() {
  # Empty caches, but the audit key kept: under a new key the server's first chain check, a minute after its
  # start, finds the chain written by the previous one "re-chained" and searches for where entries came from, a
  # core's work for seconds in the middle of the measured requests.
  mkdir -p "$WORK/var"
  find "$WORK/var" -mindepth 1 -maxdepth 1 ! -name secrets -exec rm -rf {} +
  # shellcheck disable=SC2086
  SAFEMAP_HTTP_PORT=$HTTP_PORT SAFEMAP_VAR_DIR=$ROOT/$WORK/var setsid java ${SAFEMAP_JAVA_OPTS:-} -jar "$JAR" serve \
    >> "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  local t0 z x y cold
  t0=$(now)
  until curl -sf "$BASE/health" > /dev/null; do
    kill -0 "$SERVER_PID" 2> /dev/null || die "SafeMap did not start; see $WORK/server.log"
    [ "$(echo "$(now) - $t0 > 90" | bc)" = 1 ] && die "SafeMap did not answer /health within 90 s"
    sleep 0.1
  done
  say "started in $(echo "$(now) - $t0" | bc | xargs printf '%.1f') s, pid $SERVER_PID"
  read -r z x y < "$WORK/tiles-warmup.txt"
  cold=$(curl -s -H "Authorization: Bearer $MAP_BENCH_TOKEN" -o /dev/null --max-time 300 -w '%{http_code} %{time_total}' \
    "$BASE$(printf '/tiles/%s/%s/%s/%s.png?time=%s' "$LAYER" "$z" "$x" "$y" "$MONTH")")
  say "cold load: the first tile for time=$MONTH (tile $z/$x/$y) reads the $POINTS points from PostGIS, builds the density field and renders: HTTP ${cold% *}, $(echo "${cold#* } * 1000" | bc | xargs printf '%.0f') ms; excluded from the tile figures"
  tail -n +2 "$WORK/tiles-warmup.txt" > "$WORK/tiles-warmup-rest.txt"
  timeout 900 python3 "$PY" fetch "$BASE" "$LAYER" "$MONTH" "$WORK/tiles-warmup-rest.txt" "$WORK/warmup.txt" "" 600
  python3 "$PY" paths "$BASE" "$WORK/paths-warmup-wms.txt"
  say "warm-up: $(wc -l < "$WORK/tiles-warmup-rest.txt") other tiles and $(wc -l < "$WORK/paths-warmup-wms.txt") WMS maps off the tile grid (4 per zoom 7 to 17) rendered, not measured"
}
cache_stats() { curl -s -H "Authorization: Bearer $MAP_BENCH_TOKEN" "$BASE/api/map-cache" | python3 -c "import json,sys; t=json.load(sys.stdin)['tiles']; print(t['hits'], t['misses'])"; }

say "== SafeMap on port $HTTP_PORT against $DB (tile cache: SafeMap's defaults unless SAFEMAP_TILE_* are set; JVM options: ${SAFEMAP_JAVA_OPTS:-none})"
: > "$WORK/server.log"
start_safemap

read -r h0 m0 <<< "$(cache_stats)"
say "== rendered: each measured tile once (nothing cached for it), zooms interleaved; load average $(load_avg)"
t0=$(now)
timeout 1500 python3 "$PY" fetch "$BASE" "$LAYER" "$MONTH" "$WORK/tiles-measured.txt" "$WORK/rendered.txt" "" 1200 "$WORK"
read -r h1 m1 <<< "$(cache_stats)"
python3 "$PY" summary fetch "$WORK/rendered.txt" | tee -a "$RESULTS"
say "cache during the pass: $((m1 - m0)) misses (renders), $((h1 - h0)) hits, for $(wc -l < "$WORK/rendered.txt") requests; $(echo "$(now) - $t0" | bc | xargs printf '%.0f') s"

say "== cached: the same tiles again, 3 rounds; load average $(load_avg)"
log_from=$(wc -l < "$WORK/server.log")
for r in 1 2 3; do
  timeout 300 python3 "$PY" fetch "$BASE" "$LAYER" "$MONTH" "$WORK/tiles-measured.txt" "$WORK/cached-$r.txt" "" 240
done
read -r h2 m2 <<< "$(cache_stats)"
python3 "$PY" summary fetch "$WORK"/cached-?.txt | tee -a "$RESULTS"
# The same requests as SafeMap's request log timed them (handler only, no client or socket).
tail -n +$((log_from + 1)) "$WORK/server.log" | grep -oE '/tiles/[^ ]+ 200 [0-9.]+ms$' | grep -oE '[0-9.]+ms$' \
  | tr -d 'ms' | sort -n | awk '{a[NR] = $1} END {p = int(0.95 * NR + 0.999); printf "server-side (request log): median %.1f ms, p95 %.1f ms, n %d\n", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), a[p], NR}' \
  | tee -a "$RESULTS"
say "cache during the pass: $((m2 - m1)) misses, $((h2 - h1)) hits"

say "== map state refresh: a cached tile requested 1.3 s after the previous request (the state lives 1 s), 8 times"
timeout 60 python3 "$PY" stall "$BASE" "$LAYER" "$MONTH" "$WORK/tiles-measured.txt" "$WORK/stall.txt" 8
say "latency ms: $(awk '{printf "%s ", $5}' "$WORK/stall.txt")"

# ----------------------------------------------------------------------------------------------------- wrk
LUA=$WORK/cycle.lua
cat > "$LUA" <<'LUA'
-- Cycles through a file of request paths; each thread starts at a different place in the list.
local counter = 0
function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end
function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = (offset or 0) % #paths
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Authorization"] = "Bearer " .. os.getenv("MAP_BENCH_TOKEN")})
end
LUA
wrk_summary() {
  awk '/Requests\/sec/ {rps=$2} /requests in/ {n=$1} /Non-2xx/ {bad=$NF} /Socket errors/ {se=$0}
       /^ +50%/ {p50=$2} /^ +90%/ {p90=$2} /^ +99%/ {p99=$2}
       END {printf "requests %s, %s req/s, latency p50 %s p90 %s p99 %s, non-2xx %s, %s\n", n, rps, p50, p90, p99,
            (bad == "" ? 0 : bad), (se == "" ? "socket errors 0" : se)}' "$1"
}
say "== throughput from cache: wrk, 2 threads, 32 connections, ${THROUGHPUT_SECONDS} s, cycling through the $(wc -l < "$WORK/paths-cached.txt") cached tiles; load average $(load_avg)"
read -r h2 m2 <<< "$(cache_stats)"
timeout $((THROUGHPUT_SECONDS + 60)) wrk -t2 -c32 -d"${THROUGHPUT_SECONDS}s" --timeout 10s --latency -s "$LUA" "$BASE" \
  -- "$WORK/paths-cached.txt" > "$WORK/wrk-throughput.txt" 2>&1
read -r h3 m3 <<< "$(cache_stats)"
raw < "$WORK/wrk-throughput.txt"
say "$(wrk_summary "$WORK/wrk-throughput.txt"); cache $((h3 - h2)) hits, $((m3 - m2)) misses"

# ----------------------------------------------------------------------------------------------------- load test
heap_used() { jcmd "$SERVER_PID" GC.heap_info 2> /dev/null | awk '/garbage-first heap|total.*used/ {for (i=1;i<=NF;i++) if ($i=="used") {print $(i+1); exit}}' | tr -d 'K,'; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
live_heap() { jcmd "$SERVER_PID" GC.run > /dev/null 2>&1; sleep 1; heap_used; }
say "== load test: wrk, 2 threads, 64 connections, ${LOAD_SECONDS} s; cached tiles with an uncached WMS GetMap every ${LOAD_WMS_EVERY} requests; load average $(load_avg)"
before_live=$(live_heap)
before_rss=$(rss)
( while sleep 5; do printf '%s %s %s\n' "$(date +%s)" "$(rss)" "$(heap_used)"; done ) > "$WORK/memory.txt" &
SAMPLER_PID=$!
timeout $((LOAD_SECONDS + 120)) wrk -t2 -c64 -d"${LOAD_SECONDS}s" --timeout 60s --latency -s "$LUA" "$BASE" \
  -- "$WORK/paths-load.txt" > "$WORK/wrk-load.txt" 2>&1
kill "$SAMPLER_PID" 2> /dev/null || true
SAMPLER_PID=
after_rss=$(rss)
after_live=$(live_heap)
raw < "$WORK/wrk-load.txt"
say "$(wrk_summary "$WORK/wrk-load.txt")"
say "server errors (5xx or ERROR) in SafeMap's log so far: $(grep -c -E ' (5[0-9][0-9]) [0-9.]+ms$|ERROR' "$WORK/server.log" || true)"
say "memory: live heap after a full GC $((before_live / 1024)) MB before, $((after_live / 1024)) MB after; resident set $((before_rss / 1024)) MB before, $((after_rss / 1024)) MB after"
say "resident set / heap in use (MB) every 5 s: $(awk -v t0="$(head -1 "$WORK/memory.txt" | cut -d' ' -f1)" '{printf "%ds %d/%d  ", $1 - t0, $2 / 1024, $3 / 1024}' "$WORK/memory.txt")"

# ----------------------------------------------------------------------------------------------------- MapServer
say "== MapServer KERNELDENSITY on the same table; $(wc -l < "$WORK/tiles-mapserver.txt") of the measured tiles ($MS_TILES_PER_ZOOM per zoom)"
MS=$WORK/mapserver
mkdir -p "$MS"
rm -f "$MS"/*.png
cat > "$MS/mapserver.conf" <<EOF
CONFIG
  ENV
    MS_MAP_PATTERN "^$ROOT/$MS/"
  END
END
EOF
export MAPSERVER_CONFIG_FILE=$ROOT/$MS/mapserver.conf
# KERNELDENSITY blurs per-pixel counts with a Gaussian of sigma = radius / 3, cut at the radius (in pixels). The
# radius is 250 m on the ground at each zoom (EPSG:3857 pixel size times cos 53.5°), so its support equals SafeMap's
# quartic's (sigma 83 m against the quartic's 88 m); NORMALIZATION is numeric, per zoom, so that 255 means 1,000
# incidents per km² as at the top of SafeMap's ramp, and colours agree across tiles. SCALETOKEN picks both by scale.
# The password goes into the mapfile (mode 600, under var/): FastCGI replaces a request's environment, so libpq would
# not see PGPASSWORD there.
python3 - "$MS/bench.map" "$DB_PORT" "$DB" "$MONTH" <<'PY'
import math, os, sys
out, port, db, month = sys.argv[1:]
ORIGIN = 20037508.342789244
cos = math.cos(math.radians(53.5))
rad, norm = [], []
for z in range(17, 6, -1):
    res = 2 * ORIGIN / 256 / 2 ** z
    ground = res * cos
    thr = 0 if z == 17 else res * 72 / 0.0254 / math.sqrt(2)   # halfway (geometrically) to the next zoom out
    rad.append(f'"{thr:.0f}" "{max(1, round(250 / ground))}"')
    norm.append(f'"{thr:.0f}" "{1 / (1000 * ground ** 2 / 1e6):.6g}"')
y, m = map(int, month.split("-"))
nxt = f"{y + m // 12:04d}-{m % 12 + 1:02d}-01"
open(out, "w").write(f'''MAP
  NAME "safemap_bench"
  EXTENT -20037508.34 -20037508.34 20037508.34 20037508.34
  SIZE 256 256
  UNITS METERS
  PROJECTION "init=epsg:3857" END
  OUTPUTFORMAT NAME "png" DRIVER AGG/PNG MIMETYPE "image/png" IMAGEMODE RGBA EXTENSION "png" END
  WEB METADATA "wms_title" "SafeMap benchmark" "wms_srs" "EPSG:3857" "wms_enable_request" "*" END END
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
    PROCESSING "KERNELDENSITY_RADIUS=%radius%"
    PROCESSING "KERNELDENSITY_NORMALIZATION=%norm%"
    PROCESSING "KERNELDENSITY_COMPUTE_BORDERS=ON"
    SCALETOKEN NAME "%radius%" VALUES {" ".join(rad)} END END
    SCALETOKEN NAME "%norm%" VALUES {" ".join(norm)} END END
    OFFSITE 0 0 0
    METADATA "wms_title" "Incident density" END
    CLASS
      STYLE COLORRANGE "#ffffb200" "#fd8d3cd9" DATARANGE 0 13 END
      STYLE COLORRANGE "#fd8d3cd9" "#b10026ff" DATARANGE 13 128 END
      STYLE COLORRANGE "#b10026ff" "#67000dff" DATARANGE 128 255 END
    END
  END
END
''')
PY
chmod 600 "$MS/bench.map"
start_fcgi() {
  stop_fcgi
  # One warm mapserv process (the tiles are requested one at a time); PGPASSWORD reaches libpq from the environment.
  spawn-fcgi -a 127.0.0.1 -p "$FCGI_PORT" -F 1 -P "$ROOT/$FCGI_PIDFILE" -- "$(command -v mapserv)" > /dev/null
  sleep 0.3
}
start_fcgi
cat > "$WORK/respawn-fcgi.sh" <<RESPAWN
#!/usr/bin/env bash
p=\$(cat "$ROOT/$FCGI_PIDFILE" 2> /dev/null)
[ -n "\$p" ] && [ "\$(cat /proc/\$p/comm 2> /dev/null)" = mapserv ] && kill -9 "\$p" 2> /dev/null || true
spawn-fcgi -a 127.0.0.1 -p $FCGI_PORT -F 1 -P "$ROOT/$FCGI_PIDFILE" -- "$(command -v mapserv)" > /dev/null
sleep 0.3
RESPAWN
chmod +x "$WORK/respawn-fcgi.sh"
# Warm the FastCGI process (its connection to PostGIS, PROJ's tables) on a zoom-17 tile that is not measured.
tail -1 "$WORK/tiles-profile.txt" > "$WORK/tiles-fcgi-warmup.txt"
timeout 120 python3 "$PY" mswarm "$FCGI_PORT" "$ROOT/$MS/bench.map" "$WORK/tiles-fcgi-warmup.txt" | raw
say "SafeMap restarted, so that no tile and no density lattice block of the compared tiles is cached:"
stop_safemap
start_safemap
say "comparison pass, per tile: SafeMap renders, MapServer as CGI, then over FastCGI; load average $(load_avg)"
timeout 2400 python3 "$PY" compare "$BASE" "$LAYER" "$MONTH" "$WORK/tiles-mapserver.txt" "$WORK/compare.txt" \
  "$ROOT/$MS/bench.map" "$FCGI_PORT" "$ROOT/$WORK/respawn-fcgi.sh" 2100 "$MS"
python3 "$PY" summary compare "$WORK/compare.txt" | tee -a "$RESULTS"
grep -E "BAD" "$WORK/compare.txt" | awk '{print $1, "z" $2, $8}' | sort | uniq -c | sed 's/^/  failures: /' | tee -a "$RESULTS" || true
say "images kept in $MS (one tile per zoom from each server); share of pixels drawn:"
python3 "$PY" coverage "$MS" | tee -a "$RESULTS"
python3 "$PY" coverage "$WORK" | sed 's/^/  rendered pass: /' | tee -a "$RESULTS"
stop_fcgi

# ----------------------------------------------------------------------------------------------------- profile
if [ "$PROFILE" = 1 ]; then
  say "== where a render's time goes: JFR (settings=profile) while the $(wc -l < "$WORK/tiles-profile.txt") profile tiles render"
  jcmd "$SERVER_PID" JFR.start name=mapbench settings=profile filename="$ROOT/$WORK/profile.jfr" > /dev/null
  timeout 600 python3 "$PY" fetch "$BASE" "$LAYER" "$MONTH" "$WORK/tiles-profile.txt" "$WORK/profiled.txt" "" 300
  jcmd "$SERVER_PID" JFR.stop name=mapbench > /dev/null
  jfr print --events jdk.ExecutionSample --stack-depth 8 "$WORK/profile.jfr" > "$WORK/profile-exec.txt"
  jfr print --events jdk.NativeMethodSample --stack-depth 64 "$WORK/profile.jfr" > "$WORK/profile-native.txt"
  python3 "$PY" jfr "$WORK/profile-exec.txt" "$WORK/profile-native.txt" | tee -a "$RESULTS"
  python3 "$PY" summary fetch "$WORK/profiled.txt" | tail -1 | sed 's/^/profiled tiles: /' | tee -a "$RESULTS"
fi

say "== done; load average $(load_avg). Raw per-request data follows (z x y status ms bytes check)."
for f in rendered cached-1 compare stall; do
  { echo "-- $f"; cat "$WORK/$f.txt"; } >> "$RESULTS"
done
