#!/usr/bin/env python3
"""Writes forecast.sh's table of held-back results into docs/forecasting.md and docs/hotspots.md, between the markers
<!-- forecast.sh: results --> and <!-- forecast.sh: end -->, so the published table is always the script's output.
Usage: server/src/bench/forecast-docs.py var/bench/forecast/table.md"""
import pathlib
import sys

table = pathlib.Path(sys.argv[1]).read_text().strip()
begin, end = "<!-- forecast.sh: results -->", "<!-- forecast.sh: end -->"
for name in ("forecasting.md", "hotspots.md"):
    doc = pathlib.Path(__file__).resolve().parents[3] / "docs" / name
    head, rest = doc.read_text().split(begin, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{begin}\n{table}\n{end}{tail}")
