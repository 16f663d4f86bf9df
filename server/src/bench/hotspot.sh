#!/usr/bin/env bash
# Hotspot engine benchmarks: JMH kernel density (1,000,000 points, 1000 x 1000 cells of 25 m, 250 m quartic) and, in
# the same run, R spatstat's density.ppp on the same points and pixel grid, for the ratio; fast mode's error against
# exact; JMH Gi* for 35,000 areas with queen contiguity. Needs no database. Run from the
# repository root (it builds what it needs). Results: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS=${RUNS:-5}
mkdir -p var/bench
CPFILE=var/bench/test-classpath.txt
# -am builds the viewer and layer modules in the same reactor (a fresh checkout has not installed them), and the
# test classes with the JMH benchmarks; the server module comes last and writes the class path file last.
BUILD=(-B -ntp -q -pl server -am test-compile dependency:build-classpath -Dmdep.includeScope=test
  -Dmdep.outputFile="$PWD/$CPFILE")
mvn -o "${BUILD[@]}" >/dev/null 2>&1 || mvn "${BUILD[@]}" >/dev/null
CP="server/target/test-classes:server/target/classes:$(cat "$CPFILE")"
POINTS=var/bench/kde-points-1m.csv
[ -f "$POINTS" ] || java -cp "$CP" org.safemap.bench.KdePointsCsv "$POINTS" 1000000

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f\n", m}'; }

echo "== SafeMap (JMH, single-shot, 3 warm-up + 7 measured, median in the 'p0.50' row)"
java -cp "$CP" org.openjdk.jmh.Main 'org.safemap.bench.KdeBench' -rf json -rff var/bench/kde-jmh.json \
  -p points=1000000 2>&1 | grep -E "^(Benchmark|KdeBench)|p0.50" || true
python3 - <<'PY'
import json
for r in json.load(open("var/bench/kde-jmh.json")):
    pct = r["primaryMetric"]["scorePercentiles"]
    print(f'{r["benchmark"].split(".")[-1]:15s} median {pct["50.0"]:8.1f} ms  min {min(x for run in r["primaryMetric"]["rawData"] for x in run):8.1f} ms')
PY

echo "== R spatstat density.ppp, same points, 1000 x 1000 pixels, edge = FALSE ($RUNS runs, median seconds)"
for kernel in quartic gaussian; do
  Rscript --vanilla - "$POINTS" "$kernel" "$RUNS" <<'R'
suppressPackageStartupMessages(library(spatstat))
a <- commandArgs(TRUE); p <- read.csv(a[1]); runs <- as.integer(a[3])
X <- ppp(p$x, p$y, window = owin(c(330000, 355000), c(380000, 405000)))
t <- replicate(runs, system.time(density(X, sigma = 250 / sqrt(8), kernel = a[2], edge = FALSE,
                                          dimyx = c(1000, 1000)))[["elapsed"]])
cat(sprintf("spatstat %-9s median %.3f s  (runs: %s)\n", a[2], median(t), paste(sprintf("%.2f", t), collapse = " ")))
R
done
echo "== fast mode's error against exact (100,000 clustered points, 1000 x 1000 cells of 25 m)"
java -cp "$CP" org.safemap.bench.KdeAccuracy 100000

echo "== Gi* for 35,000 areas, queen contiguity, with FDR classes (JMH, single-shot, 5 warm-up + 10 measured)"
java -cp "$CP" org.openjdk.jmh.Main 'org.safemap.bench.GiStarBench' -rf json -rff var/bench/gistar-jmh.json \
  >/dev/null 2>&1
python3 - <<'PY'
import json
for r in json.load(open("var/bench/gistar-jmh.json")):
    print(f'Gi* 35,000 areas median {r["primaryMetric"]["scorePercentiles"]["50.0"]:.1f} ms')
PY

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; $(java -version 2>&1 | head -1); $(R --version | head -1)"
