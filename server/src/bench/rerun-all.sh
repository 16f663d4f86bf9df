#!/usr/bin/env bash
# Reruns every benchmark whose figures are in docs/performance.md, each with the peer it is measured against, one
# after another (never two at once: they would time each other), and keeps each one's output in
# var/bench/rerun-<UTC time>/<name>.txt with the load average before and after. Copy the figures into
# docs/performance.md by hand, with the date, commit and the load averages: the machine is shared, so a figure
# without its baseline from the same run means nothing.
#
#   benchmark      figures (docs/performance.md)        peer / baseline in the same run           needs
#   foundation     Foundation                           psql \copy of the demo CSVs                PostGIS
#   areas          Areas                                PostGIS INSERT ... SELECT ST_Intersects    PostGIS
#   ingest         Feeds                                raw COPY of the same file                  PostGIS
#   hotspot        Hotspot engine                       R spatstat density.ppp                     R: r-cran-spatstat
#   kde-exact      Exact KDE against a direct sum       C++ direct sum through Rcpp                R: r-cran-rcpp, g++
#   map            Map service                          MapServer KERNELDENSITY (CGI, FastCGI)     mapserver-bin, cgi-mapserver,
#                                                                                                  spawn-fcgi, wrk
#   choropleth     Map service: the count choropleth    MapServer polygons from PostGIS (FastCGI)  mapserver-bin, cgi-mapserver,
#                                                                                                  spawn-fcgi; bench_national
#                                                                                                  (else the demo's 298 LSOAs)
#   trust          Disclosure control on the map        the same maps for a points reader          a running demo
#   viewer         Viewer                               (none: absolute)                           chromium, a running demo
#   forecast       forecasting.md                       naive methods                              PostGIS
#
# Usage: server/src/bench/rerun-all.sh [NAME ...]   (default: all but trust and viewer, which need a demo server:
# start ./safemap demo in another shell and name them). Set SAFEMAP_LOCAL_DB_PORT as for ./safemap. As root, the
# Debian packages the peers need are installed with apt-get; otherwise the script says what to install.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ALL=(foundation areas ingest hotspot kde-exact map choropleth forecast)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${ALL[@]}")

pkgs=()
for n in "${names[@]}"; do
  case $n in
    hotspot) command -v Rscript > /dev/null && Rscript -e 'library(spatstat)' > /dev/null 2>&1 || pkgs+=(r-base-core r-cran-spatstat) ;;
    kde-exact) command -v Rscript > /dev/null && Rscript -e 'library(Rcpp)' > /dev/null 2>&1 || pkgs+=(r-base-core r-cran-rcpp g++) ;;
    map) command -v mapserv > /dev/null && command -v wrk > /dev/null && command -v spawn-fcgi > /dev/null \
           || pkgs+=(mapserver-bin cgi-mapserver spawn-fcgi wrk) ;;
    choropleth) command -v mapserv > /dev/null && command -v spawn-fcgi > /dev/null \
           || pkgs+=(mapserver-bin cgi-mapserver spawn-fcgi) ;;
    viewer) command -v chromium > /dev/null || pkgs+=(chromium) ;;
    foundation | areas | ingest | forecast | trust) ;;
    *) echo "rerun-all.sh: no benchmark '$n' (known: ${ALL[*]} trust viewer)" >&2; exit 2 ;;
  esac
done
if [ ${#pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}"
  else
    echo "rerun-all.sh: install first: sudo apt-get install -y ${pkgs[*]}" >&2
    exit 1
  fi
fi

# A build with test classes (the benchmarks' drivers live in server/src/test/java/org/safemap/bench).
if [ ! -f server/target/safemap.jar ] || [ ! -d server/target/test-classes/org/safemap/bench ]; then
  mvn -B -ntp -q -DskipTests install
fi
./safemap db up > /dev/null

OUT=var/bench/rerun-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
echo "commit $(git rev-parse --short HEAD 2> /dev/null || echo '?'); $(nproc) cores; output in $OUT"
for n in "${names[@]}"; do
  echo "== $n: load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%SZ)" | tee "$OUT/$n.txt"
  if "server/src/bench/$n.sh" >> "$OUT/$n.txt" 2>&1; then status=ok; else status="FAILED ($?)"; fi
  echo "== $n: $status; load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%SZ)" | tee -a "$OUT/$n.txt"
done
