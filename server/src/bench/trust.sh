#!/usr/bin/env bash
# Cost of disclosure control on the map: the same uncached WMS GetMaps of a restricted feed's density
# (density-ae-assaults, A&E assault attendances) drawn for a reader who sees the feed as points (demo-analyst, the
# CSP's analyst, named in the A&E protocol) and for one who sees it as aggregates (demo-tasking), whose surface is
# guarded: a record adds to a pixel only where at least density_min_points (8) lie within the kernel's reach.
# First maps of a month (which build the density fields) are timed apart. Also the area-count layer
# (incident-counts) for both, whose first map of a month builds that reader's protected table. Requests are paired (the same box for both readers, back to back, order alternating) so the machine's
# noise falls on both alike; each box is new, so nothing comes from a cache. Figures: docs/performance.md ("Trust").
#
# Usage: start the demo first (./safemap demo, or set TRUST_BENCH_URL), then server/src/bench/trust.sh.
# Settings (environment): TRUST_BENCH_URL (http://127.0.0.1:8080), MAPS_PER_SCALE (25), SEED (20261205).
set -euo pipefail
cd "$(dirname "$0")/../../.."
URL=${TRUST_BENCH_URL:-http://127.0.0.1:8080}
LOGINS=var/demo-logins.txt
[ -f "$LOGINS" ] || { echo "trust.sh: $LOGINS is missing: run ./safemap demo first" >&2; exit 1; }
curl -sf "$URL/health" > /dev/null || { echo "trust.sh: nothing answers at $URL: run ./safemap demo first" >&2; exit 1; }
echo "trust.sh: $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), load average $(cut -d' ' -f1-3 /proc/loadavg)"

URL=$URL LOGINS=$LOGINS MAPS=${MAPS_PER_SCALE:-25} SEED=${SEED:-20261205} python3 - <<'EOF'
import http.client, json, os, random, statistics, time, urllib.parse

url = urllib.parse.urlparse(os.environ["URL"])
passwords = {}
for line in open(os.environ["LOGINS"]):
    if line.startswith("demo-"):
        parts = line.split()
        passwords[parts[0]] = parts[1]

def connect():
    return http.client.HTTPConnection(url.hostname, url.port or 80, timeout=120)

def sign_in(login):
    c = connect()
    body = json.dumps({"login": login, "password": passwords[login], "purpose": "tasking"})
    c.request("POST", "/api/session", body, {"Content-Type": "application/json", "Origin": os.environ["URL"]})
    r = c.getresponse()
    r.read()
    if r.status != 200:
        raise SystemExit(f"sign-in of {login} failed: HTTP {r.status}")
    cookie = r.getheader("Set-Cookie").split(";")[0]
    return c, {"Cookie": cookie}

readers = {"points (demo-analyst)": sign_in("demo-analyst"), "guarded (demo-tasking)": sign_in("demo-tasking")}

def get_map(reader, layer, bbox, time_, size=256):
    c, headers = readers[reader]
    q = urllib.parse.urlencode({"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "LAYERS": layer,
                                "STYLES": "", "CRS": "EPSG:27700", "BBOX": ",".join(f"{v:.1f}" for v in bbox),
                                "WIDTH": size, "HEIGHT": size, "FORMAT": "image/png", "TIME": time_})
    t0 = time.perf_counter()
    c.request("GET", "/wms?" + q, headers=headers)
    r = c.getresponse()
    data = r.read()
    ms = (time.perf_counter() - t0) * 1000
    if r.status != 200 or not data.startswith(b"\x89PNG"):
        raise SystemExit(f"{layer} for {reader}: HTTP {r.status} {data[:200]!r}")
    return ms

rng = random.Random(int(os.environ["SEED"]))
maps = int(os.environ["MAPS"])
# Central Liverpool, where the A&E records are: boxes of a 256-pixel map at web-map zooms 11 to 15.
x0, x1, y0, y1 = 334000, 342000, 386000, 394000
names = list(readers)
for _ in range(5):  # warm-up, not counted
    for n in names:
        get_map(n, "density-ae-assaults", (336000, 388000, 340000, 392000), "2022-07")
print(f"{'map':<38}{'reader':<26}{'median ms':>10}{'p90 ms':>9}{'ratio':>8}")
# The first map of a month reads its records from PostGIS and builds the density fields (for the guarded reader a
# second field of the restricted records, and their counts); later maps of the month reuse them. A server that has
# already drawn these months answers from its fields here too: restart it for cold figures.
cold = {n: [] for n in names}
for m in range(1, 7):
    order = names if m % 2 == 0 else names[::-1]
    for n in order:
        cold[n].append(get_map(n, "density-ae-assaults", (336500, 388500, 339500, 391500), f"2022-{m:02d}"))
for n in names:
    t = sorted(cold[n])
    print(f"{'density, first map of a month':<38}{n:<26}{statistics.median(t):>10.1f}{t[int(0.9 * (len(t) - 1))]:>9.1f}"
          f"{statistics.median(t) / statistics.median(cold[names[0]]):>8.2f}")
for zoom in (11, 12, 13, 14, 15):
    side = 256 * 156543.03 / 2 ** zoom * 0.61  # metres across a 256-pixel tile near 53.4 N
    times = {n: [] for n in names}
    for k in range(maps):
        x = rng.uniform(x0, x1 - side)
        y = rng.uniform(y0, y1 - side)
        order = names if k % 2 == 0 else names[::-1]
        for n in order:
            times[n].append(get_map(n, "density-ae-assaults", (x, y, x + side, y + side), "2022-07"))
    base = statistics.median(times[names[0]])
    for n in names:
        t = sorted(times[n])
        print(f"{'density, zoom ' + str(zoom) + f' ({side:,.0f} m)':<38}{n:<26}{statistics.median(t):>10.1f}"
              f"{t[int(0.9 * (len(t) - 1))]:>9.1f}{statistics.median(t) / base:>8.2f}")
# The area-count layer: the first map of each month builds the reader's protected table (and, for the guarded
# reader, protects it); the second map of that month is drawn from it.
for n in names:
    first, second = [], []
    for m in range(1, 8):
        month = f"2022-{m:02d}"
        first.append(get_map(n, "incident-counts", (x0, y0, x1, y1), month, 512))
        second.append(get_map(n, "incident-counts", (x0 + 100, y0 + 100, x1 - 100, y1 - 100), month, 512))
    for label, t in (("area counts 512 px, first of month", first), ("area counts 512 px, then", second)):
        t = sorted(t)
        print(f"{label:<38}{n:<26}{statistics.median(t):>10.1f}{t[int(0.9 * (len(t) - 1))]:>9.1f}")
EOF
