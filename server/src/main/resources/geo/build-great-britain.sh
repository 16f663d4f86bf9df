#!/usr/bin/env bash
# Rebuilds great-britain-27700.wkt.gz, the outline geo.GreatBritain tests points against, from GSHHG's full-resolution
# shorelines as Debian packages them. See README.md beside this script for what is kept and why.
#
# Needs Debian's gmt, gmt-gshhg-full, gdal-bin and python3-gdal (gdal_polygonize.py), and a PostGIS database named
# by the usual libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE); it leaves nothing behind there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Land (including lakes and islands in lakes) at 0.002 degrees, about 220 m by 130 m, from the full shorelines.
gmt grdlandmask -R-8.8/2/49.8/61 -I0.002 -Df -N0/1/1/1/1 -G"$work/land.nc=nb"
# One polygon per piece of land.
gdal_polygonize.py -q -8 "$work/land.nc" -f GPKG "$work/land.gpkg" land value
ogr2ogr -f PostgreSQL PG: "$work/land.gpkg" -a_srs EPSG:4326 -where "value = 1" -nln gb_outline_work \
    -lco GEOMETRY_NAME=geom -overwrite
# Great Britain is every piece of land in the box but Ireland (with Rathlin Island; Sanda and Davaar off Kintyre
# are Scottish, the Smalls and Grassholm off Pembrokeshire Welsh), the Isle of Man and the Continent; the Isles of
# Scilly and Cornwall lie south of Ireland. Then: British National Grid, 1.2 km out to sea, simplified to
# 100 m and rounded to whole metres, so every coastal point stays at least about 1 km inside.
psql -v ON_ERROR_STOP=1 -qAt <<'SQL' | gzip -9n > "$here/great-britain-27700.wkt.gz"
WITH piece AS (
    SELECT geom, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM gb_outline_work
)
SELECT ST_AsText(ST_ReducePrecision(ST_SimplifyPreserveTopology(
           ST_Buffer(ST_Transform(ST_Union(geom), 27700), 1200), 100), 1))
FROM piece
WHERE NOT ((lon < -5.4 AND lat BETWEEN 51.3 AND 55.45                           -- Ireland
            AND NOT (lon > -5.75 AND lat > 55.2) AND NOT (lon > -5.8 AND lat < 52.0))
        OR (lon BETWEEN -4.9 AND -4.25 AND lat BETWEEN 54.0 AND 54.45)         -- Isle of Man
        OR (lon > 0 AND lat < 51.3));                                          -- France and Belgium
SQL
psql -v ON_ERROR_STOP=1 -q -c "DROP TABLE gb_outline_work"
