#!/usr/bin/env bash
# Choropleth benchmark: the per-LSOA count layer (`incident-counts`, style counts.sld: incidents per month in seven
# classes) as 256 x 256 GetMaps in EPSG:3857 (XYZ tiles) and EPSG:27700 (windows of the same ground size), at zooms
# from the whole of England and Wales (z6 to z8: thousands of LSOAs a tile) to a street (z16), SafeMap drawing (WMS
# GetMap, which is never cached) and from its tile cache, against MapServer 8 (Debian's mapserver-bin over
# spawn-fcgi) drawing the same polygons from PostGIS with the same counts and the same class breaks and colours.
#
# Data: DATA=national copies the national benchmark database (server/src/bench/national.sh with NATIONAL_KEEP_DB=1
# leaves it as bench_national: 35,000 synthetic LSOAs, a year of police.uk) with `createdb -T`, retrying while
# another session holds the template; DATA=demo loads the Liverpool demo (298 LSOAs) into a fresh database instead.
# The default is national when the cluster holds the template, else demo (and the results say which). The copy is
# dropped at the end (CHORO_KEEP_DB=1 keeps it).
#
# Same counts: the layer is asked for one feed (DIM_FEED, default police-uk) and one month, whose counts are open
# (no small-number suppression applies). MapServer reads a table made once from the kept counts
# (incident_month_count) joined to the polygons (as SafeMap caches a month's counts per data version), at the same
# stored simplification SafeMap draws at each scale, with a spatial index per tolerance: the strongest setup we know
# of for it. Before timing, the script checks that table against SafeMap's own values for every LSOA (OGC API
# Features), and after, that both servers give each pixel the same class where both fill it.
#
# Timing: every request is made to each server in turn, per request and round (order alternated), over one
# keep-alive connection each, after one unmeasured round (JIT, SafeMap's per-level outlines and counts, MapServer's
# connection). BASELINE_JAR=path serves a second SafeMap build (e.g. the previous commit's) beside this one, on its
# own port, interleaved the same way: before/after in the same minutes. Figures: medians (and p95) per CRS and zoom,
# and ratios to MapServer; load average noted at each pass. Results: var/bench/choropleth-results.txt.
#
# Settings (environment): DATA (national | demo | auto), TEMPLATE (bench_national), CHORO_DB (bench_choro), CHORO_DB_PORT
# (SAFEMAP_LOCAL_DB_PORT, else 55432), PGPASSWORD (else var/postgis.password), MONTH (the feed's latest month), FEED
# (police-uk), ZOOMS ("6 7 8 10 12 14 16"), PER_ZOOM (6 requests per zoom and CRS), ROUNDS (3), SEED (20261208),
# BASELINE_JAR, CHORO_PORT (8093; the baseline 8094), CHORO_FCGI_PORT (8095), CHORO_KEEP_DB=1 (keep the copy),
# CHORO_REUSE_DB=1 (use a kept copy as it is), CPU_ROUNDS (3 blocks per server of the server CPU pass; 0: none),
# PROFILE=1 (a JFR recording of SafeMap during one more rendered round).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD

DATA=${DATA:-auto}
TEMPLATE=${TEMPLATE:-bench_national}
DB=${CHORO_DB:-bench_choro}
DB_PORT=${CHORO_DB_PORT:-${SAFEMAP_LOCAL_DB_PORT:-55432}}
FEED=${FEED:-police-uk}
ZOOMS=${ZOOMS:-6 7 8 10 12 14 16}
PER_ZOOM=${PER_ZOOM:-6}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-20261208}
HTTP_PORT=${CHORO_PORT:-8093}
BASE_PORT=$((HTTP_PORT + 1))
FCGI_PORT=${CHORO_FCGI_PORT:-8095}
PROFILE=${PROFILE:-0}
LAYER=incident-counts
SLD=layers/styles/counts.sld

OUT=var/bench
WORK=$OUT/choropleth
RESULTS=$OUT/choropleth-results.txt
mkdir -p "$WORK"
JAR=$WORK/safemap.jar          # copies: a rebuild during the run must not pull classes from under a server
BJAR=$WORK/safemap-baseline.jar

say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
die() { printf 'choropleth.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# ---------------------------------------------------------------------------------------------------------- tools
need=()
for c in java jcmd jfr psql createdb curl python3 mapserv spawn-fcgi; do
  command -v "$c" > /dev/null 2>&1 || need+=("$c")
done
if [ ${#need[@]} -gt 0 ]; then
  pkgs=()
  for c in "${need[@]}"; do
    case $c in
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
if [ -n "${BASELINE_JAR:-}" ]; then
  [ -f "$BASELINE_JAR" ] || die "BASELINE_JAR $BASELINE_JAR does not exist"
  cp "$BASELINE_JAR" "$BJAR"
fi

# ---------------------------------------------------------------------------------------------------- processes
SERVER_PID=
BASELINE_PID=
FCGI_PIDFILE=$WORK/mapserv-fcgi.pid
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
stop_pid() {
  local p=$1
  if [ -n "$p" ] && kill -0 "$p" 2> /dev/null; then
    kill "$p" 2> /dev/null || true
    for _ in $(seq 150); do kill -0 "$p" 2> /dev/null || break; sleep 0.1; done
    kill -9 "$p" 2> /dev/null || true
  fi
}
cleanup() {
  stop_pid "$SERVER_PID"
  stop_pid "$BASELINE_PID"
  stop_fcgi
  if [ "${CHORO_KEEP_DB:-0}" != 1 ] && [ -n "${PGPASSWORD:-}" ]; then
    psql -X -q -h 127.0.0.1 -p "$DB_PORT" -U safemap -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
      > /dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------- helpers
# Standard library only: request lists, timed HTTP, MapServer over FastCGI, class checks, statistics; PNGs are read by
# server/src/bench/pngread.py, shared with map.sh (on PYTHONPATH for every python3 below).
export PYTHONPATH=$ROOT/server/src/bench${PYTHONPATH:+:$PYTHONPATH}
PY=$WORK/choro.py
cat > "$PY" <<'PY'
import http.client, json, math, os, random, re, socket, struct, sys, time

from pngread import drawn_share, header as png_header, rgba as png_rgba

ORIGIN = 20037508.342789244
AUTH = {"Authorization": "Bearer " + os.environ["CHORO_TOKEN"]} if os.environ.get("CHORO_TOKEN") else {}
COS = math.cos(math.radians(52.5))   # ground metres per Web Mercator metre in the middle of England


def median(v):
    s = sorted(v)
    n = len(s)
    return float("nan") if n == 0 else (s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2)


def pct(v, p):
    s = sorted(v)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)] if s else float("nan")


def res3857(z):
    return 2 * ORIGIN / 256 / (1 << z)


def tolerance(ground_pixel, stored):
    """LayerData.tolerance: the coarsest stored simplification under half a ground pixel, else 0 (as loaded)."""
    best = 0
    for t in stored:
        if t <= ground_pixel / 2:
            best = t
    return best


def items(centroids, zooms, per_zoom, seed, stored, out):
    """Per zoom: the XYZ tiles holding LSOA centroids (in a seeded random order of the LSOAs, so dense places come up
    as often as they hold LSOAs), distinct, and as many EPSG:27700 windows of 256 pixels at the zoom's ground
    resolution (at 52.5 degrees north) around other centroids, shifted by up to a quarter of the window. One line
    per request: crs zoom minx miny maxx maxy tile tolerance."""
    rnd = random.Random(seed)
    cs = [l.split() for l in open(centroids)]
    rnd.shuffle(cs)
    rows = []
    for z in zooms:
        span = 2 * ORIGIN / (1 << z)
        seen = []
        for c in cs:
            x, y = float(c[1]), float(c[2])
            t = (int((x + ORIGIN) // span), int((ORIGIN - y) // span))
            if t not in seen:
                seen.append(t)
            if len(seen) == per_zoom:
                break
        for tx, ty in seen:
            minx = -ORIGIN + tx * span
            maxy = ORIGIN - ty * span
            lat = math.degrees(2 * math.atan(math.exp((maxy - span / 2) / 6378137)) - math.pi / 2)
            tol = tolerance(res3857(z) * math.cos(math.radians(lat)), stored)
            rows.append(f"3857 {z} {minx!r} {maxy - span!r} {minx + span!r} {maxy!r} {z}/{tx}/{ty} {tol:g}")
        res = res3857(z) * COS
        for c in cs[len(cs) // 2:len(cs) // 2 + per_zoom]:
            x = float(c[3]) + rnd.uniform(-64, 64) * res
            y = float(c[4]) + rnd.uniform(-64, 64) * res
            b = (x - 128 * res, y - 128 * res, x + 128 * res, y + 128 * res)
            rows.append(f"27700 {z} {b[0]:.3f} {b[1]:.3f} {b[2]:.3f} {b[3]:.3f} - {tolerance(res, stored):g}")
    with open(out, "w") as f:
        f.writelines(r + "\n" for r in rows)
    counts = {}
    for r in rows:
        k = tuple(r.split()[:2])
        counts[k] = counts.get(k, 0) + 1
    print(", ".join(f"EPSG:{c} z{z}: {n}" for (c, z), n in counts.items()))


def wms_query(layer, crs, b, extra):
    return (f"SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layer}&STYLES=&CRS=EPSG:{crs}"
            f"&BBOX={b[0]},{b[1]},{b[2]},{b[3]}&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE{extra}")


class Http:
    def __init__(self, port):
        self.port = port
        self.conn = None

    def get(self, path):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            try:
                t0 = time.perf_counter()
                self.conn.request("GET", path, headers=AUTH)
                r = self.conn.getresponse()
                body = r.read()
                return r.status, r.getheader("Content-Type", ""), body, time.perf_counter() - t0
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


def split_cgi(out):
    head, sep, body = out.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = out.partition(b"\n\n")
    ctype = ""
    for line in head.decode("latin-1").splitlines():
        if line.lower().startswith("content-type:"):
            ctype = line.split(":", 1)[1].strip()
    return ctype, body


def ms_fcgi(port, query):
    params = {"QUERY_STRING": query, "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/mapserv",
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
    ended = False
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=300) as s:
            s.sendall(msg)
            buf = b""
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
    except OSError as e:
        return f"crash({e.__class__.__name__})", b"", time.perf_counter() - t0
    t = time.perf_counter() - t0
    if not ended:
        return "crash(connection closed)", b"", t
    ctype, body = split_cgi(bytes(out))
    return ctype, body, t


def classes_of(sld):
    """The counts style's fill colours, in rule order, from the SLD."""
    text = open(sld).read()
    return [tuple(int(c[i:i + 2], 16) for i in (0, 2, 4))
            for c in re.findall(r'name="fill">#([0-9A-Fa-f]{6})<', text)]


def pixel_classes(img, colours):
    """Each pixel's class (index of the fill colour) where it is a plain fill (alpha of 0.7, colour within 6 of a
    class colour), else -1: edges, outlines and empty pixels are not compared."""
    w, h, px = img
    out = []
    for k in range(w * h):
        r, g, b, a = px[4 * k:4 * k + 4]
        cls = -1
        if 170 <= a <= 186:
            for i, (cr, cg, cb) in enumerate(colours):
                if abs(r - cr) <= 6 and abs(g - cg) <= 6 and abs(b - cb) <= 6:
                    cls = i
                    break
        out.append(cls)
    return out


def check(png, size=256):
    head = png_header(png)
    if head is None:
        return "not a PNG: " + png[:160].decode("latin-1").replace("\n", " ")
    return "" if head[:2] == (size, size) else f"size {head[0]}x{head[1]}"


def compare(listfile, rounds, servers, ms_port, mapfiles, time_, feed, out, keep):
    """Rounds over the request list; per request every server in turn (the order rotates with the request), each
    line: round server crs zoom index ms bytes check. Round 0 is the warm-up. Keeps round 1's images for the
    class check."""
    reqs = [l.split() for l in open(listfile)]
    conns = {name: Http(port) for name, port in servers}
    names = [n for n, _ in servers] + (["mapserver"] if ms_port else [])
    extra = f"&TIME={time_}&DIM_FEED={feed}"
    with open(out, "a") as f:
        for rnd in range(rounds + 1):
            order = list(range(len(reqs)))
            random.Random(rnd).shuffle(order)
            for n, i in enumerate(order):
                crs, z, *b = reqs[i][:6]
                turn = names[n % len(names):] + names[:n % len(names)]
                for name in turn:
                    if name == "mapserver":
                        q = "map=" + mapfiles[crs] + "&" + wms_query("counts", crs, b, "")
                        ctype, body, t = ms_fcgi(ms_port, q)
                        note = check(body) if ctype == "image/png" else f"{ctype}: " + body[:160].decode("latin-1")
                    else:
                        status, ctype, body, t = conns[name].get("/wms?" + wms_query("incident-counts", crs, b, extra))
                        note = check(body) if status == 200 else f"{status}: " + body[:160].decode("latin-1")
                    note = " ".join(note.split())
                    f.write(f"{rnd} {name} {crs} {z} {i} {t * 1000:.2f} {len(body)} {'ok' if not note else 'BAD ' + note}\n")
                    if rnd == 1 and not note:
                        open(f"{keep}/{name}-{i}.png", "wb").write(body)
                f.flush()


def cached(listfile, rounds, servers, time_, feed, out):
    """XYZ tiles: each tile drawn once (not timed), then requested `rounds` times from the tile cache."""
    reqs = [l.split() for l in open(listfile) if l.startswith("3857 ")]
    with open(out, "w") as f:
        for name, port in servers:
            h = Http(port)
            for crs, z, *_, tile, tol in reqs:
                h.get(f"/tiles/incident-counts/{tile}.png?time={time_}&feed={feed}")
            for rnd in range(1, rounds + 1):
                for crs, z, *_, tile, tol in reqs:
                    status, _, body, t = h.get(f"/tiles/incident-counts/{tile}.png?time={time_}&feed={feed}")
                    note = check(body) if status == 200 else str(status)
                    note = " ".join(note.split())
                    f.write(f"{rnd} {name} {crs} {z} {tile} {t * 1000:.2f} {len(body)} {'ok' if not note else 'BAD ' + note}\n")


def cpu_ms(pids):
    """CPU time (user + system) of processes, ms, from /proc."""
    total = 0
    for pid in pids:
        try:
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])
        except (OSError, IndexError, ValueError):
            pass
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def cpu(listfile, rounds, servers, ms_port, ms_pids, mapfiles, time_, feed, out):
    """Server CPU per request, which a loaded machine stretches less than latency: per round, each server in turn
    draws every request of the list (one block each, order rotating), and the block's CPU time of the server's
    process (SafeMap: the JVM, all its threads; MapServer: mapserv and its PostgreSQL backend) is divided by the
    requests. Lines: round server group requests cpu-ms-per-request wall-ms-per-request."""
    reqs = [l.split() for l in open(listfile)]
    groups = {"national (z6-z8)": [r for r in reqs if int(r[1]) <= 8],
              "district and city (z10-z16)": [r for r in reqs if int(r[1]) >= 10]}
    groups = {g: lst for g, lst in groups.items() if lst}   # ZOOMS may leave one group out
    conns = {name: Http(port) for name, port, _ in servers}
    pids = {name: [pid] for name, _, pid in servers}
    pids["mapserver"] = ms_pids
    names = [n for n, _, _ in servers] + ["mapserver"]
    extra = f"&TIME={time_}&DIM_FEED={feed}"
    with open(out, "w") as f:
        for rnd in range(rounds):
            for g, lst in groups.items():
                for name in names[rnd % len(names):] + names[:rnd % len(names)]:
                    c0, t0 = cpu_ms(pids[name]), time.perf_counter()
                    for crs, z, *b in lst:
                        b = b[:4]
                        if name == "mapserver":
                            ms_fcgi(ms_port, "map=" + mapfiles[crs] + "&" + wms_query("counts", crs, b, ""))
                        else:
                            conns[name].get("/wms?" + wms_query("incident-counts", crs, b, extra))
                    c1, t1 = cpu_ms(pids[name]), time.perf_counter()
                    f.write(f"{rnd}\t{name}\t{g}\t{len(lst)}\t{(c1 - c0) / len(lst):.2f}\t{(t1 - t0) * 1000 / len(lst):.2f}\n")
    rows = [l.rstrip("\n").split("\t") for l in open(out)]
    print(f"server CPU per request, ms (median of {rounds} blocks; SafeMap's JVM, MapServer's mapserv + its PostgreSQL backend):")
    for g in groups:
        parts = []
        for n in names:
            v = [float(r[4]) for r in rows if r[1] == n and r[2] == g]
            w = [float(r[5]) for r in rows if r[1] == n and r[2] == g]
            parts.append(f"{n} {median(v):.1f} (wall {median(w):.1f})")
        ms = median([float(r[4]) for r in rows if r[1] == "mapserver" and r[2] == g])
        ratios = ", ".join(f"{n}/MS {median([float(r[4]) for r in rows if r[1] == n and r[2] == g]) / ms:.2f}"
                           for n in names[:-1])
        print(f"  {g}: " + "; ".join(parts) + f"; {ratios}")


def summary(listfile, timings, servers):
    reqs = [l.split() for l in open(listfile)]
    rows = [l.split() for l in open(timings)]
    names = servers.split(",")
    bad = [r for r in rows if r[7] != "ok"]
    print(f"ms, rendered (WMS GetMap, never cached); rounds 1 and on; medians and p95 per CRS and zoom; "
          f"{len(bad)} bad answers")
    head = f"{'CRS':>5} {'zoom':>4} {'n':>3} {'tol m':>5}"
    for n in names + ["mapserver"]:
        head += f" {n[:12]:>12} {'p95':>7}"
    for n in names:
        head += f" {n[:8] + '/MS':>11}"
    if len(names) > 1:
        head += f" {names[0][:6] + '/' + names[1][:6]:>13}"
    print(head)
    keys = []
    for r in reqs:
        if (r[0], r[1]) not in keys:
            keys.append((r[0], r[1]))
    for crs, z in keys + [("all", "")]:
        idx = {str(i) for i, r in enumerate(reqs) if crs == "all" or (r[0] == crs and r[1] == z)}
        tol = "" if crs == "all" else reqs[int(next(iter(idx)))][7]
        line = f"{crs:>5} {z:>4} {len(idx):>3} {tol:>5}"
        med = {}
        for n in names + ["mapserver"]:
            v = [float(r[5]) for r in rows if r[0] != "0" and r[1] == n and r[4] in idx and r[7] == "ok"]
            med[n] = median(v)
            line += f" {med[n]:12.1f} {pct(v, 95):7.1f}"
        for n in names:
            line += f" {med[n] / med['mapserver']:11.2f}"
        if len(names) > 1:
            line += f" {med[names[0]] / med[names[1]]:13.2f}"
        print(line)
    for r in bad[:10]:
        print("BAD:", " ".join(r))
    parts = []
    for n in names + ["mapserver"]:
        v = [float(r[5]) for r in rows if r[0] == "0" and r[1] == n and r[7] == "ok"]
        parts.append(f"{n} median {median(v):.1f} ms, max {max(v) if v else float('nan'):.1f} ms")
    print("warm-up round (round 0, not counted above; SafeMap reads and caches each level's outlines and counts): "
          + "; ".join(parts))


def cached_summary(timings):
    rows = [l.split() for l in open(timings)]
    print("ms, from the tile cache (XYZ, EPSG:3857), client side: median / p95 per server and zoom")
    for n in sorted({r[1] for r in rows}):
        parts = []
        for z in sorted({int(r[3]) for r in rows}):
            v = [float(r[5]) for r in rows if r[1] == n and int(r[3]) == z and r[7] == "ok"]
            parts.append(f"z{z} {median(v):.1f}/{pct(v, 95):.1f}")
        v = [float(r[5]) for r in rows if r[1] == n and r[7] == "ok"]
        bad = sum(1 for r in rows if r[1] == n and r[7] != "ok")
        print(f"  {n}: " + ", ".join(parts) + f"; all {median(v):.1f}/{pct(v, 95):.1f}, n {len(v)}, bad {bad}")


def agree(listfile, keep, names, sld):
    """Per CRS and zoom: pixels that are a plain class fill in both images, and the share of those whose class is
    the same; and the share of pixels each server drew at all."""
    reqs = [l.split() for l in open(listfile)]
    colours = classes_of(sld)
    print(f"class agreement with MapServer where both draw a plain fill ({len(colours)} classes from {sld}):")
    stats = {}
    for i, r in enumerate(reqs):
        path_ms = f"{keep}/mapserver-{i}.png"
        if not os.path.exists(path_ms):
            continue
        ms = png_rgba(open(path_ms, "rb").read())
        if ms is None:
            continue
        cm = pixel_classes(ms, colours)
        for n in names:
            p = f"{keep}/{n}-{i}.png"
            if not os.path.exists(p):
                continue
            sm = png_rgba(open(p, "rb").read())
            if sm is None:
                continue
            cs = pixel_classes(sm, colours)
            both = sum(1 for a, b in zip(cs, cm) if a >= 0 and b >= 0)
            same = sum(1 for a, b in zip(cs, cm) if a >= 0 and a == b)
            drawn_s = drawn_share(sm)
            drawn_m = drawn_share(ms)
            s = stats.setdefault((n, r[0], int(r[1])), [0, 0, 0.0, 0.0, 0])
            s[0] += both
            s[1] += same
            s[2] += drawn_s
            s[3] += drawn_m
            s[4] += 1
    for (n, crs, z), (both, same, ds, dm, k) in sorted(stats.items()):
        print(f"  {n:>10} EPSG:{crs:<5} z{z:<2}: {same / both if both else float('nan'):7.2%} of {both:6d} fill pixels"
              f" the same class; drawn {ds / k:6.1%} (SafeMap) against {dm / k:6.1%} (MapServer), {k} images")


def features_check(port, time_, feed, table_csv):
    """SafeMap's values (OGC API Features, every LSOA) against the table MapServer reads: how many LSOAs differ."""
    ours = {}
    for line in open(table_csv):
        code, monthly = line.rstrip("\n").split(",")
        ours[code] = float(monthly)
    h = Http(port)
    offset, seen, differ, suppressed, examples = 0, 0, 0, 0, []
    while True:
        for attempt in range(8):
            # a server just started reads its map state first (minutes on national data under load): wait for it
            status, _, body, _ = h.get(f"/ogc/features/collections/incident-counts/items?datetime={time_}"
                                       f"&feed={feed}&limit=10000&offset={offset}")
            if status != 503:
                break
            time.sleep(15)
        if status != 200:
            sys.exit(f"features: HTTP {status}: {body[:200]!r}")
        feats = json.loads(body)["features"]
        for ft in feats:
            p = ft["properties"]
            seen += 1
            if p.get("suppressed"):
                suppressed += 1
            m = p.get("monthly")
            if m is None or abs(m - ours.get(p["code"], float("nan"))) > 1e-3:
                differ += 1
                if len(examples) < 5:
                    examples.append((p["code"], m, ours.get(p["code"])))
        if len(feats) < 10000:
            break
        offset += 10000
    print(f"counts check: SafeMap gives {seen} LSOAs ({suppressed} suppressed), the MapServer table {len(ours)}; "
          f"{differ} differ{' e.g. ' + str(examples) if examples else ''}")
    return differ == 0 and seen == len(ours)


if __name__ == "__main__":
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "items":
        items(a[0], [int(z) for z in a[1].split()], int(a[2]), int(a[3]), sorted(float(t) for t in a[4].split()), a[5])
    elif cmd == "compare":
        servers = [(s.split("=")[0], int(s.split("=")[1])) for s in a[2].split(",")]
        compare(a[0], int(a[1]), servers, int(a[3]), {"3857": a[4], "27700": a[5]}, a[6], a[7], a[8], a[9])
    elif cmd == "cpu":
        servers = [(s.split("=")[0], int(s.split("=")[1].split(":")[0]), int(s.split(":")[1])) for s in a[2].split(",")]
        cpu(a[0], int(a[1]), servers, int(a[3]), [int(p) for p in a[4].split(",") if p], {"3857": a[5], "27700": a[6]},
            a[7], a[8], a[9])
    elif cmd == "cached":
        servers = [(s.split("=")[0], int(s.split("=")[1])) for s in a[2].split(",")]
        cached(a[0], int(a[1]), servers, a[3], a[4], a[5])
    elif cmd == "summary":
        summary(a[0], a[1], a[2])
    elif cmd == "cached-summary":
        cached_summary(a[0])
    elif cmd == "agree":
        agree(a[0], a[1], a[2].split(","), a[3])
    elif cmd == "features":
        sys.exit(0 if features_check(int(a[0]), a[1], a[2], a[3]) else 3)
    elif cmd == "mapfile":
        # mapfile OUT CRS PORT DB STORED-TOLERANCES SLD: the counts layer, classes and colours from the SLD, the
        # stored simplification chosen per scale as SafeMap chooses it (SCALETOKEN on the scale denominator).
        out, crs, port, db, stored, sld = a[0], a[1], a[2], a[3], sorted(float(t) for t in a[4].split()), a[5]
        text = open(sld).read()
        rules = re.findall(r"<Rule>(.*?)</Rule>", text, re.S)
        classes = []
        for r in rules:
            lo = re.search(r"GreaterThanOrEqualTo><ogc:PropertyName>monthly</ogc:PropertyName><ogc:Literal>([0-9.]+)", r)
            hi = re.search(r"PropertyIsLessThan><ogc:PropertyName>monthly</ogc:PropertyName><ogc:Literal>([0-9.]+)", r)
            fill = re.search(r'name="fill">(#[0-9A-Fa-f]{6})', r).group(1)
            fop = float(re.search(r'name="fill-opacity">([0-9.]+)', r).group(1))
            stroke = re.search(r'name="stroke">(#[0-9A-Fa-f]{6})', r).group(1)
            sw = float(re.search(r'name="stroke-width">([0-9.]+)', r).group(1))
            sop = float(re.search(r'name="stroke-opacity">([0-9.]+)', r).group(1))
            expr = f"[monthly] >= {lo.group(1)}" + (f" AND [monthly] < {hi.group(1)}" if hi else "")
            classes.append(f'''    CLASS
      EXPRESSION ({expr})
      STYLE COLOR "{fill}" OPACITY {round(fop * 100)} END
      STYLE OUTLINECOLOR "{stroke}" WIDTH {sw} OPACITY {round(sop * 100)} END
    END''')
        # Scale denominators as MapServer computes them (72 dpi); thresholds halfway (geometrically) between zooms.
        tokens = []
        for z in range(20, 3, -1):
            res = res3857(z) if crs == "3857" else res3857(z) * COS
            ground = res3857(z) * COS
            thr = 0 if z == 20 else res * 72 / 0.0254 / math.sqrt(2)
            tokens.append(f'"{thr:.0f}" "{tolerance(ground, stored):g}"')
        extent = "-20037508.34 -20037508.34 20037508.34 20037508.34" if crs == "3857" else "0 0 700000 1300000"
        open(out, "w").write(f'''MAP
  NAME "choropleth_bench_{crs}"
  EXTENT {extent}
  SIZE 256 256
  UNITS METERS
  PROJECTION "init=epsg:{crs}" END
  OUTPUTFORMAT NAME "png" DRIVER AGG/PNG MIMETYPE "image/png" IMAGEMODE RGBA EXTENSION "png" END
  WEB METADATA "wms_title" "SafeMap choropleth benchmark" "wms_srs" "EPSG:{crs}" "wms_enable_request" "*" END END
  LAYER
    NAME "counts"
    TYPE POLYGON
    STATUS ON
    CONNECTIONTYPE POSTGIS
    CONNECTION "host=127.0.0.1 port={port} dbname={db} user=safemap password={os.environ['PGPASSWORD']}"
    PROCESSING "CLOSE_CONNECTION=DEFER"
    DATA "geom FROM (SELECT code, monthly, geom FROM choropleth_bench WHERE tolerance_m = %tol%) AS t USING UNIQUE code USING SRID=27700"
    SCALETOKEN NAME "%tol%" VALUES {" ".join(tokens)} END END
    PROJECTION "init=epsg:27700" END
    METADATA "wms_title" "Incidents per LSOA" END
{chr(10).join(classes)}
  END
END
''')
PY

: > "$RESULTS"
say "SafeMap choropleth benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load average $(load_avg); $(java -version 2>&1 | head -1)"
say "code: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- server/src/main layers 2>/dev/null || echo ' with uncommitted changes in server/src/main or layers'); jar built $(date -u -r server/target/safemap.jar +%Y-%m-%dT%H:%M:%SZ)${BASELINE_JAR:+; baseline $BASELINE_JAR, built $(date -u -r "$BASELINE_JAR" +%Y-%m-%dT%H:%M:%SZ)}"
say "$(mapserv -v | cut -c1-60)..."

# ----------------------------------------------------------------------------------------------------- database
PGPASSWORD=${PGPASSWORD:-$(cat var/postgis.password 2> /dev/null || true)}
if ! pg_isready -q -h 127.0.0.1 -p "$DB_PORT"; then
  [ "$DB_PORT" = "${SAFEMAP_LOCAL_DB_PORT:-55432}" ] || die "no PostgreSQL on port $DB_PORT"
  java -jar "$JAR" db up
  PGPASSWORD="$(cat var/postgis.password)"
fi
export PGPASSWORD
PSQL=(psql -X -q -h 127.0.0.1 -p "$DB_PORT" -U safemap -v ON_ERROR_STOP=1)
export SAFEMAP_DB_URL="postgresql://safemap@127.0.0.1:$DB_PORT/$DB"
export SAFEMAP_DB_PASSWORD="$PGPASSWORD"
if [ "${CHORO_REUSE_DB:-0}" = 1 ] && [ "$("${PSQL[@]}" -d postgres -Atc "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" = 1 ]; then
  DATA=reuse
else
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" 2>&1 | grep -v NOTICE || true
fi
if [ "$DATA" = auto ]; then
  DATA=demo
  [ "$("${PSQL[@]}" -d postgres -Atc "SELECT count(*) FROM pg_database WHERE datname = '$TEMPLATE'")" = 1 ] && DATA=national
fi
t0=$(now)
case $DATA in
  national)
    # The template may be being copied by another session (createdb -T needs it alone): wait and retry.
    for attempt in $(seq 40); do
      if err=$(createdb -h 127.0.0.1 -p "$DB_PORT" -U safemap -T "$TEMPLATE" "$DB" 2>&1); then break; fi
      case $err in
        *"being accessed by other users"*) [ "$attempt" = 40 ] && die "template $TEMPLATE stayed busy: $err"; sleep 15 ;;
        *) die "createdb -T $TEMPLATE: $err (run server/src/bench/national.sh with NATIONAL_KEEP_DB=1 first)" ;;
      esac
    done
    say "== database $DB: a copy of $TEMPLATE ($(echo "$(now) - $t0" | bc | xargs printf '%.0f') s), migrated"
    timeout 600 java -jar "$JAR" db up > /dev/null ;;
  demo)
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
    timeout 600 java -jar "$JAR" db up > /dev/null
    timeout 900 java -jar "$JAR" demo --load-only > "$WORK/demo-load.log" 2>&1 || die "demo load failed: see $WORK/demo-load.log"
    say "== database $DB: the Liverpool demo, loaded in $(echo "$(now) - $t0" | bc | xargs printf '%.0f') s" ;;
  reuse) say "== database $DB as left by an earlier run (CHORO_REUSE_DB=1)" ;;
  *) die "DATA is national, demo or auto" ;;
esac
Q() { "${PSQL[@]}" -d "$DB" -Atc "$1"; }
VINTAGE=$(Q "SELECT max(vintage) FROM area WHERE level = 'lsoa'")
MONTH=${MONTH:-$(Q "SELECT to_char(max(month), 'YYYY-MM') FROM incident_month_count WHERE feed = '$FEED'")}
[ -n "$MONTH" ] || die "no kept counts of feed $FEED"
STORED=$(Q "SELECT string_agg(t::text, ' ' ORDER BY t) FROM (SELECT DISTINCT tolerance_m AS t FROM area_display WHERE level = 'lsoa' AND vintage = $VINTAGE) q")
say "data: $(Q "SELECT count(*) FROM area WHERE level = 'lsoa' AND vintage = $VINTAGE") LSOAs (vintage $VINTAGE, $(Q "SELECT round(avg(ST_NPoints(geom))) FROM area WHERE level = 'lsoa' AND vintage = $VINTAGE") vertices each on average; stored simplifications: $STORED m); $FEED in $MONTH: $(Q "SELECT coalesce(sum(records), 0) FROM incident_month_count WHERE feed = '$FEED' AND month = '$MONTH-01'") records in $(Q "SELECT count(DISTINCT lsoa_code) FROM incident_month_count WHERE feed = '$FEED' AND month = '$MONTH-01'") LSOAs"

# MapServer's table: each LSOA's month of the feed from the kept counts, at every stored simplification and as
# loaded (tolerance 0), with a spatial index per tolerance (partial, so a request at one tolerance reads only its own).
"${PSQL[@]}" -d "$DB" <<SQL
DROP TABLE IF EXISTS choropleth_bench;
CREATE TABLE choropleth_bench AS
WITH counts AS (SELECT a.code, coalesce(sum(k.records), 0)::float8 AS monthly FROM area a
                LEFT JOIN incident_month_count k ON k.lsoa_code = a.code AND k.month = '$MONTH-01' AND k.feed = '$FEED'
                WHERE a.level = 'lsoa' AND a.vintage = $VINTAGE GROUP BY a.code)
SELECT 0::real AS tolerance_m, a.code, c.monthly, a.geom::geometry(MultiPolygon, 27700) AS geom
FROM area a JOIN counts c USING (code) WHERE a.level = 'lsoa' AND a.vintage = $VINTAGE
UNION ALL
SELECT d.tolerance_m, d.code, c.monthly, d.geom FROM area_display d JOIN counts c USING (code)
WHERE d.level = 'lsoa' AND d.vintage = $VINTAGE;
SQL
for t in 0 $STORED; do
  Q "CREATE INDEX ON choropleth_bench USING gist (geom) WHERE tolerance_m = $t" > /dev/null
done
Q "ANALYZE choropleth_bench" > /dev/null
Q "\\copy (SELECT code, monthly FROM choropleth_bench WHERE tolerance_m = 0 ORDER BY code) TO '$ROOT/$WORK/table.csv' CSV"
Q "\\copy (SELECT code, ST_X(ST_Transform(p, 3857)), ST_Y(ST_Transform(p, 3857)), ST_X(p), ST_Y(p) FROM (SELECT code, ST_PointOnSurface(geom) p FROM area WHERE level = 'lsoa' AND vintage = $VINTAGE) q ORDER BY code) TO '$ROOT/$WORK/centroids.tsv'"

# The layer is a partner layer: requests carry a token of an analyst of the partner csp.
java -jar "$JAR" users add choro-bench --role analyst --partner csp --name "choropleth.sh benchmark" --no-password \
  > /dev/null 2>&1 || true
CHORO_TOKEN=$(java -jar "$JAR" tokens create --user choro-bench --name "choropleth.sh $(date -u +%FT%TZ)" \
  --purpose strategic-assessment --expires-days 1 2> /dev/null | grep -oE 'smp_[A-Za-z0-9_-]+' | head -1)
[ -n "$CHORO_TOKEN" ] || die "could not create an API token for the benchmark user"
export CHORO_TOKEN

python3 "$PY" items "$WORK/centroids.tsv" "$ZOOMS" "$PER_ZOOM" "$SEED" "$STORED" "$WORK/requests.txt" > "$WORK/items.txt"
say "requests: $(cat "$WORK/items.txt"); the simplification each draws at: $(awk '{k = "EPSG:" $1 " z" $2 " " $8 " m"; if (!(k in s)) {s[k]; printf "%s%s", (n++ ? ", " : ""), k}}' "$WORK/requests.txt")"

# ----------------------------------------------------------------------------------------------------- servers
start_safemap() { # jar port var-dir log -> pid
  rm -rf "$ROOT/$3"
  # shellcheck disable=SC2086
  SAFEMAP_HTTP_PORT=$2 SAFEMAP_VAR_DIR=$ROOT/$3 setsid java ${SAFEMAP_JAVA_OPTS:-} -jar "$1" serve >> "$4" 2>&1 &
  echo $!
}
wait_health() { # port pid log
  local t0
  t0=$(now)
  until curl -sf "http://127.0.0.1:$1/health" > /dev/null; do
    kill -0 "$2" 2> /dev/null || die "SafeMap did not start; see $3"
    [ "$(echo "$(now) - $t0 > 120" | bc)" = 1 ] && die "SafeMap did not answer /health within 120 s"
    sleep 0.2
  done
}
: > "$WORK/server.log"
SERVER_PID=$(start_safemap "$JAR" "$HTTP_PORT" "$WORK/var" "$WORK/server.log")
SERVERS="safemap=$HTTP_PORT"
NAMES=safemap
if [ -n "${BASELINE_JAR:-}" ]; then
  : > "$WORK/baseline.log"
  BASELINE_PID=$(start_safemap "$BJAR" "$BASE_PORT" "$WORK/var-baseline" "$WORK/baseline.log")
  SERVERS="safemap=$HTTP_PORT,baseline=$BASE_PORT"
  NAMES=safemap,baseline
fi
wait_health "$HTTP_PORT" "$SERVER_PID" "$WORK/server.log"
[ -z "$BASELINE_PID" ] || wait_health "$BASE_PORT" "$BASELINE_PID" "$WORK/baseline.log"
say "SafeMap on port $HTTP_PORT (pid $SERVER_PID)${BASELINE_PID:+, the baseline on $BASE_PORT (pid $BASELINE_PID)}; JVM options: ${SAFEMAP_JAVA_OPTS:-none}"

python3 "$PY" features "$HTTP_PORT" "$MONTH" "$FEED" "$WORK/table.csv" | tee -a "$RESULTS" \
  || say "WARNING: SafeMap's counts and MapServer's table differ (above): the two maps are not of the same counts"

MS=$WORK/mapserver
mkdir -p "$MS"
cat > "$MS/mapserver.conf" <<EOF
CONFIG
  ENV
    MS_MAP_PATTERN "^$ROOT/$MS/"
  END
END
EOF
export MAPSERVER_CONFIG_FILE=$ROOT/$MS/mapserver.conf
# The password goes into the mapfiles (mode 600, under var/): FastCGI replaces a request's environment.
for crs in 3857 27700; do
  python3 "$PY" mapfile "$MS/bench-$crs.map" "$crs" "$DB_PORT" "$DB" "$STORED" "$SLD"
  chmod 600 "$MS/bench-$crs.map"
done
stop_fcgi
spawn-fcgi -a 127.0.0.1 -p "$FCGI_PORT" -F 1 -P "$ROOT/$FCGI_PIDFILE" -- "$(command -v mapserv)" > /dev/null
sleep 0.3

# ----------------------------------------------------------------------------------------------------- passes
rm -f "$WORK"/keep/*.png "$WORK/rendered.txt"
mkdir -p "$WORK/keep"
say "== rendered: round 0 warms every server up (not counted), then $ROUNDS rounds; load average $(load_avg)"
t0=$(now)
timeout 7200 python3 "$PY" compare "$WORK/requests.txt" "$ROUNDS" "$SERVERS" "$FCGI_PORT" \
  "$ROOT/$MS/bench-3857.map" "$ROOT/$MS/bench-27700.map" "$MONTH" "$FEED" "$WORK/rendered.txt" "$WORK/keep"
say "rendered passes took $(echo "$(now) - $t0" | bc | xargs printf '%.0f') s; load average $(load_avg)"
python3 "$PY" summary "$WORK/requests.txt" "$WORK/rendered.txt" "$NAMES" | tee -a "$RESULTS"
python3 "$PY" agree "$WORK/requests.txt" "$WORK/keep" "$NAMES" "$SLD" | tee -a "$RESULTS"

say "== cached: each XYZ tile drawn once, then $ROUNDS rounds from the tile cache; load average $(load_avg)"
python3 "$PY" cached "$WORK/requests.txt" "$ROUNDS" "$SERVERS" "$MONTH" "$FEED" "$WORK/cached.txt"
python3 "$PY" cached-summary "$WORK/cached.txt" | tee -a "$RESULTS"

CPU_ROUNDS=${CPU_ROUNDS:-3}
if [ "$CPU_ROUNDS" -gt 0 ]; then
  say "== server CPU per request: $CPU_ROUNDS rounds of one block per server and zoom group; load average $(load_avg)"
  MS_PIDS="$(cat "$FCGI_PIDFILE"),$(Q "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE datname = '$DB' AND query LIKE '%choropleth_bench%' AND pid <> pg_backend_pid()")"
  CPU_SERVERS="safemap=$HTTP_PORT:$SERVER_PID${BASELINE_PID:+,baseline=$BASE_PORT:$BASELINE_PID}"
  python3 "$PY" cpu "$WORK/requests.txt" "$CPU_ROUNDS" "$CPU_SERVERS" "$FCGI_PORT" "$MS_PIDS" \
    "$ROOT/$MS/bench-3857.map" "$ROOT/$MS/bench-27700.map" "$MONTH" "$FEED" "$WORK/cpu.txt" | tee -a "$RESULTS"
fi

if [ "$PROFILE" = 1 ]; then
  say "== where SafeMap's time goes: JFR (settings=profile) over one more rendered round of SafeMap alone"
  jcmd "$SERVER_PID" JFR.start name=choro settings=profile filename="$ROOT/$WORK/profile.jfr" > /dev/null
  timeout 1800 python3 "$PY" compare "$WORK/requests.txt" 0 "safemap=$HTTP_PORT" 0 \
    "$ROOT/$MS/bench-3857.map" "$ROOT/$MS/bench-27700.map" "$MONTH" "$FEED" "$WORK/profiled.txt" "$WORK/keep"
  jcmd "$SERVER_PID" JFR.stop name=choro > /dev/null
  jfr print --events jdk.ExecutionSample --stack-depth 12 "$WORK/profile.jfr" > "$WORK/profile-exec.txt"
  say "JFR execution samples: $WORK/profile-exec.txt; top frames:"
  awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/\(.*/, ""); n[$0]++; t++} END {for (k in n) printf "%6.1f%%  %s\n", 100 * n[k] / t, k}' \
    "$WORK/profile-exec.txt" | sort -rn | head -12 | tee -a "$RESULTS"
fi
stop_fcgi
say "== done; load average $(load_avg). Raw per-request lines (round server crs zoom request ms bytes check) in $WORK/rendered.txt and $WORK/cached.txt; images of round 1 in $WORK/keep"
