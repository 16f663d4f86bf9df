#!/usr/bin/env bash
# Viewer load time: ViewerLoadBench in Debian's headless Chromium against a running SafeMap (default: the demo at
# http://127.0.0.1:8080/, started with ./safemap demo). Usage: server/src/bench/viewer.sh [URL] [BROWSERS].
# Figures: docs/performance.md ("Viewer").
set -euo pipefail
cd "$(dirname "$0")/../../.."
command -v chromedriver > /dev/null || { echo "install chromium and chromium-driver first (./safemap test does)" >&2; exit 1; }
mvn -B -ntp -q -pl server test-compile
mvn -B -ntp -q -pl server dependency:build-classpath -Dmdep.outputFile=target/viewer-bench.cp -Dmdep.includeScope=test
java -cp "server/target/test-classes:server/target/classes:$(cat server/target/viewer-bench.cp)" \
  org.safemap.bench.ViewerLoadBench "${1:-http://127.0.0.1:8080/}" "${2:-11}" 2>&1 | grep -E '^(first|second) visit'
