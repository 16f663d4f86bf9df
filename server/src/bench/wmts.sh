#!/usr/bin/env bash
# A cached tile through WMTS against the same tile as XYZ: GoogleMapsCompatible cells are the XYZ cells and share the
# tile cache, so the difference is the route (KVP GetTile parsing, the RESTful template, capabilities-free lookup)
# and nothing else. Run against a running `./safemap demo` or `serve` on the demo data (URL, default
# http://127.0.0.1:8080), with an API token in TOKEN (safemap tokens create ...; sent as a Bearer header: anonymous
# clients are held to SAFEMAP_RATE_PER_CLIENT requests a second, which a benchmark exceeds). The tiles: TILES_PER_ZOOM (default 16) cells per zoom
# at zooms 11 to 15 around Liverpool, TIME=2022-07. Each tile is first asked for once by every route (drawn once,
# then cached) and not timed; then ROUNDS (default 15) rounds ask for every tile by XYZ, WMTS KVP and WMTS RESTful,
# interleaved (the routes' order rotates per tile), one keep-alive HTTP/1.1 connection, in sequence. Per round and
# route: median and p95 (nearest rank) of the wall time from request to the last body byte; the summary gives the
# median over rounds of each, the WMTS/XYZ ratios, and the load average before and after. Results:
# docs/performance.md ("WMTS and XYZ tiles").
set -euo pipefail
cd "$(dirname "$0")/../../.."
URL=${1:-http://127.0.0.1:8080}
export URL ROUNDS=${ROUNDS:-15} TILES_PER_ZOOM=${TILES_PER_ZOOM:-16}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - <<'EOF'
import http.client, math, os, re, statistics, sys, time, urllib.parse

url = urllib.parse.urlsplit(os.environ["URL"])
rounds, per_zoom = int(os.environ["ROUNDS"]), int(os.environ["TILES_PER_ZOOM"])
layer, month = "density-asb", "2022-07"
conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=120)


headers = {"Authorization": "Bearer " + os.environ["TOKEN"]} if os.environ.get("TOKEN") else {}


def get(path):
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    took = (time.perf_counter() - started) * 1000
    if r.status != 200 or not body.startswith(b"\x89PNG"):
        sys.exit("%s answered %d: %r" % (path, r.status, body[:200]))
    return took


conn.request("GET", "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities", headers=headers)
caps = conn.getresponse().read().decode("utf-8")
# the layer's RESTful template for PNG tiles, as a client reads it from capabilities
block = caps[caps.index("<ows:Identifier>%s</ows:Identifier>" % layer):]
template = re.search(r'<ResourceURL format="image/png" resourceType="tile" template="([^"]+)"', block).group(1)
template = urllib.parse.urlsplit(template.replace("&amp;", "&"))
template = template.path + ("?" + template.query if template.query else "")
style = re.search(r"<Style isDefault=\"true\">\s*<ows:Identifier>([^<]+)</ows:Identifier>", block).group(1)


def cells(z):
    # Web Mercator cells around Liverpool (53.41 N, 2.98 W), a square of about per_zoom of them
    n = 1 << z
    x0 = int((-2.98 + 180) / 360 * n)
    lat = math.radians(53.41)
    y0 = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)
    side = max(1, int(math.isqrt(per_zoom)))
    return [(z, x0 - side // 2 + i, y0 - side // 2 + j) for i in range(side) for j in range(side)]


tiles = [c for z in range(11, 16) for c in cells(z)]
values = {"style": style, "time": month, "category": "all", "TileMatrixSet": "GoogleMapsCompatible"}


def rest(z, x, y):
    path = template
    for k, v in dict(values, TileMatrix=z, TileRow=y, TileCol=x).items():
        path = re.sub(r"\{%s\}" % k, str(v), path, flags=re.IGNORECASE)  # WMTS names {Style}, dimensions {time}
    return re.sub(r"[?&][a-z]+=\{[a-z]+\}", "", path)  # optional query dimensions (hours, weekdays) left out


routes = {
    "xyz": lambda z, x, y: "/tiles/%s/%d/%d/%d.png?time=%s" % (layer, z, x, y, month),
    "wmts-kvp": lambda z, x, y: ("/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%s&STYLE=%s&FORMAT=image/png"
                                 "&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=%d&TILEROW=%d&TILECOL=%d&TIME=%s"
                                 % (layer, style, z, y, x, month)),
    "wmts-rest": rest,
}
print("tiles: %d (zooms 11-15), rounds: %d, e.g. %s" % (len(tiles), rounds, rest(*tiles[0])))
for t in tiles:  # draw every tile once, then each route once more, untimed
    for route in routes.values():
        get(route(*t))
names = list(routes)
per_round = {n: {"median": [], "p95": []} for n in names}
for k in range(rounds):
    times = {n: [] for n in names}
    for i, t in enumerate(tiles):
        order = names[(i + k) % 3:] + names[:(i + k) % 3]
        for n in order:
            times[n].append(get(routes[n](*t)))
    for n in names:
        s = sorted(times[n])
        per_round[n]["median"].append(statistics.median(s))
        per_round[n]["p95"].append(s[math.ceil(0.95 * len(s)) - 1])
print("%-10s %12s %12s   (ms; median over %d rounds of each round's figure)" % ("route", "median", "p95", rounds))
summary = {n: (statistics.median(per_round[n]["median"]), statistics.median(per_round[n]["p95"])) for n in names}
for n in names:
    print("%-10s %12.3f %12.3f" % (n, *summary[n]))
for n in names[1:]:
    print("%s / xyz: median %.3f, p95 %.3f" % (n, summary[n][0] / summary["xyz"][0], summary[n][1] / summary["xyz"][1]))
EOF
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
