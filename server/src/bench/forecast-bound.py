#!/usr/bin/env python3
"""How much could any forecast gain over the naive count on a 100 m grid, if crime were stationary? (issue 20)

A rough bound, not a measurement of SafeMap: each 100 m cell is given a rate, its count over all seven bundled
Merseyside months divided by seven, and months are drawn from it as Poisson counts (5 training, 2 test, like
forecast.sh's split), 20 times. Three maps are scored by PAI at 5% of the area on the drawn test months: the drawn
training count (the naive bar), the true rate itself (the best any forecast could know under stationarity), and the
test months' own counts (the ceiling). The real data's count and ceiling are printed beside it.

Approximations, so compare ratios, not levels: cells are on a local equirectangular projection, not the British
National Grid, so counts differ from `safemap evaluate`'s by a few per cent; the study area is taken as 71,100 cells
(evaluate selects 3,555 at 5%); cells that score zero fill the 5% at random. For sparse crimes (burglary) the model
is degenerate: the rate is zero wherever no burglary was recorded, so the "true rate" knows where the test months'
burglaries are. The rates themselves carry the seven months' sampling noise, which overstates how unequal the
cells are, and so overstates what knowing them gains.

Usage: server/src/bench/forecast-bound.py [DATA]   (DATA: the shared data folder, default ../shared/data)
"""
import csv
import glob
import math
import random
import sys

import numpy as np

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
N_CELLS = 71100
K = int(0.05 * N_CELLS)
LAT0, LON0 = 53.4, -2.9
KX, KY = 111320 * math.cos(math.radians(LAT0)), 110540


def cells(rows):
    """Counts per 100 m cell and month (index 1 to 7)."""
    out = {}
    for month, lon, lat, _ in rows:
        c = (math.floor((lon - LON0) * KX / 100), math.floor((lat - LAT0) * KY / 100))
        out.setdefault(c, [0] * 8)[month] += 1
    return out


def pai(score, test, rng):
    """PAI at 5%: cells above zero by score (random tie-break), then random cells among those scoring zero."""
    positive = sorted((c for c in score if score[c] > 0), key=lambda c: (-score[c], rng.random()))
    top = positive[:K]
    total = sum(test.values())
    hits = sum(test.get(c, 0) for c in top)
    if len(top) < K:
        zero_test = total - sum(test.get(c, 0) for c in positive)
        hits += zero_test * (K - len(top)) / (N_CELLS - len(positive))
    return hits / total / 0.05


def main():
    rows = []
    for f in sorted(glob.glob(f"{DATA}/merseyside/crime/2022-0*-merseyside-street.csv")):
        for r in csv.DictReader(open(f, newline="")):
            if r["Longitude"]:
                rows.append((int(r["Month"][5:7]), float(r["Longitude"]), float(r["Latitude"]), r["Crime type"]))
    rng = random.Random(1)
    draws = np.random.default_rng(7)
    print("| category | real: count | real: ceiling | model: count | model: true rate | true rate / count | model: ceiling |")
    print("|---|---|---|---|---|---|---|")
    for name, types in [("all", None), ("violence", {"Violence and sexual offences"}), ("burglary", {"Burglary"}),
                        ("asb", {"Anti-social behaviour"})]:
        d = cells([r for r in rows if types is None or r[3] in types])
        train = {c: sum(v[1:6]) for c, v in d.items()}
        test = {c: v[6] + v[7] for c, v in d.items()}
        keys = list(d)
        rate = np.array([sum(d[c][1:8]) / 7 for c in keys])
        scores = []
        for _ in range(20):
            tr, te = dict(zip(keys, draws.poisson(5 * rate))), dict(zip(keys, draws.poisson(2 * rate)))
            scores.append((pai(tr, te, rng), pai(dict(zip(keys, rate)), te, rng), pai(te, te, rng)))
        count, true_rate, ceiling = np.mean(scores, axis=0)
        print(f"| {name} | {pai(train, test, rng):.2f} | {pai(test, test, rng):.2f} | {count:.2f} | "
              f"{true_rate:.2f} | {true_rate / count:.3f} | {ceiling:.2f} |")


main()
