#!/usr/bin/env bash
# Exact KDE against a plain direct sum: SafeMap's exact quartic KDE (JMH org.safemap.bench.ExactKdeBench) and a
# one-thread direct sum in C++ called from R (kde-direct-sum.cpp through Rcpp), on the same 1,000,000 clustered points
# (KdeBench.clustered) and grids: 1000 x 1000 cells of 25 m with 250 m, and 500 x 500 cells of 30 m with 750 m.
# The two alternate, RUNS rounds (default 5); medians and their ratio are printed. Needs no database. Run from the
# repository root (it builds what it needs). Results: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS=${RUNS:-5}
mkdir -p var/bench/rcpp
CPFILE=var/bench/test-classpath.txt
# -am builds the viewer and layer modules in the same reactor (a fresh checkout has not installed them), and the
# test classes with the JMH benchmarks; the server module comes last and writes the class path file last.
BUILD=(-B -ntp -q -pl server -am test-compile dependency:build-classpath -Dmdep.includeScope=test
  -Dmdep.outputFile="$PWD/$CPFILE")
mvn -o "${BUILD[@]}" >/dev/null 2>&1 || mvn "${BUILD[@]}" >/dev/null
CP="server/target/test-classes:server/target/classes:$(cat "$CPFILE")"
POINTS=var/bench/kde-points-1m.csv
[ -f "$POINTS" ] || java -cp "$CP" org.safemap.bench.KdePointsCsv "$POINTS" 1000000
OUT=var/bench/kde-exact.tsv
: > "$OUT"

rdirect() { # setup -> seconds for one direct sum
  Rscript --vanilla - "$POINTS" "$1" server/src/bench/kde-direct-sum.cpp <<'R'
suppressPackageStartupMessages(library(Rcpp))
a <- commandArgs(TRUE); p <- read.csv(a[1]); s <- as.numeric(strsplit(a[2], ":")[[1]])
sourceCpp(a[3], cacheDir = "var/bench/rcpp")
t <- system.time(z <- quarticDirectSum(p$x, p$y, 330000, 380000, s[2], s[1], s[1], s[3]))[["elapsed"]]
cat(sprintf("%.4f %.6g\n", t, max(z)))
R
}

for round in $(seq "$RUNS"); do
  java -cp "$CP" org.openjdk.jmh.Main 'org.safemap.bench.ExactKdeBench' -i 1 -rf json \
    -rff var/bench/kde-exact-jmh.json >/dev/null 2>&1
  python3 - "$round" >>"$OUT" <<'PY'
import json, sys
for r in json.load(open("var/bench/kde-exact-jmh.json")):
    print(f'{sys.argv[1]}\tsafemap\t{r["params"]["setup"]}\t{r["primaryMetric"]["score"] / 1000:.4f}')
PY
  for setup in 1000:25:250 500:30:750; do
    read -r secs peak < <(rdirect "$setup")
    printf '%s\tdirect\t%s\t%s\n' "$round" "$setup" "$secs" >>"$OUT"
    echo "round $round $setup: direct sum in R $secs s (peak $peak per km2); load $(cut -d' ' -f1 /proc/loadavg)"
  done
  grep -P "^$round\tsafemap" "$OUT" | sed 's/^/  /'
done

python3 - "$OUT" <<'PY'
import statistics, sys, collections
t = collections.defaultdict(list)
for line in open(sys.argv[1]):
    _, who, setup, secs = line.split("\t")
    t[(who, setup)].append(float(secs))
for setup in ("1000:25:250", "500:30:750"):
    s, d = statistics.median(t[("safemap", setup)]), statistics.median(t[("direct", setup)])
    print(f"{setup}: SafeMap exact {s:.3f} s, direct sum in R {d:.3f} s, ratio {d / s:.1f} "
          f"(runs: {' '.join(f'{v:.2f}' for v in t[('safemap', setup)])} | {' '.join(f'{v:.2f}' for v in t[('direct', setup)])})")
PY
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(R --version | head -1)"
