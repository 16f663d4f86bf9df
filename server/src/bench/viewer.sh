#!/usr/bin/env bash
# Viewer speed in Debian's headless Chromium against a running SafeMap (default: the demo at http://127.0.0.1:8080/,
# started with ./safemap demo): ViewerLoadBench (page interactive and ready, first and second visit, BROWSERS fresh
# browsers) and ViewerInteractionBench (signed in as the demo's analyst: search, density first paint, a period step,
# a filter change, ranking and a profile against issue 18's targets, RUNS fresh browsers, medians).
# Usage: server/src/bench/viewer.sh [URL] [BROWSERS] [RUNS]. Figures: docs/performance.md ("Viewer").
# SAFEMAP_BENCH_PAUSE_MS=N waits N ms before the period step and the filter change (an analyst looking at the map;
# default 0, each straight after the step before); SAFEMAP_BENCH_TRACE=1 lists each step's requests (run the java
# line by hand: this script keeps only the summary lines).
set -euo pipefail
cd "$(dirname "$0")/../../.."
command -v chromedriver > /dev/null || { echo "install chromium and chromium-driver first (./safemap test does)" >&2; exit 1; }
url="${1:-http://127.0.0.1:8080/}"
logins="${SAFEMAP_VAR_DIR:-var}/demo-logins.txt"
[ -r "$logins" ] || { echo "no $logins: run ./safemap demo from this checkout first (it makes the demo logins)" >&2; exit 1; }
# -am builds the viewer and layer modules in the same reactor, so a fresh checkout needs no 'mvn install' first; the
# server module comes last and writes the class path file last.
mvn -B -ntp -q -pl server -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/server/target/viewer-bench.cp"
cp="server/target/test-classes:server/target/classes:$(cat server/target/viewer-bench.cp)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$cp" org.safemap.bench.ViewerLoadBench "$url" "${2:-11}" 2>&1 | grep -E '^(first|second) visit'
SAFEMAP_BENCH_LOGIN=demo-analyst SAFEMAP_BENCH_PASSWORD="$(awk '$1 == "demo-analyst" { print $2 }' "$logins")" \
  java -cp "$cp" org.safemap.bench.ViewerInteractionBench "$url" "${3:-5}" 2>&1 | grep -E '^(run |step|[a-z ]+ +-?[0-9]+ ms)'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
