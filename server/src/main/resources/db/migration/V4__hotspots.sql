-- Hotspot runs: every computation stored with all its parameters and the data it read, so it can be reproduced and
-- cited, and its results in tables with stable names that the map service and GeoServer publish.

CREATE TABLE hotspot_run (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('hotspots', 'emerging', 'evaluate', 'near-repeat', 'repeats')),
    status        text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    params        jsonb       NOT NULL,   -- every parameter, defaults and rule-chosen values written out
    data_version  jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- the batches read (id, feed, file hash), areas vintage
    summary       jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- counts, chosen bandwidth, warnings
    message       text,                   -- why a failed run failed
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    created_by    text        NOT NULL DEFAULT 'cli'
);

-- One row per area per run: the per-area table analysts rank and the choropleth layers draw.
CREATE TABLE hotspot_area_result (
    run_id            bigint   NOT NULL REFERENCES hotspot_run (id) ON DELETE CASCADE,
    level             text     NOT NULL,
    vintage           smallint NOT NULL,
    code              text     NOT NULL,
    incidents         double precision NOT NULL,  -- weighted count (aoristic shares and weights summed)
    records           integer  NOT NULL,          -- records with any weight in the selection
    population        integer,                    -- residents, the latest estimate loaded
    rate_per_1000     double precision,
    kde_mean          double precision,           -- incidents per km², mean over the area's cells
    kde_max           double precision,
    top_share         double precision,           -- share of the area's cells in the study area's top cells
    location_quotient double precision,           -- Brantingham: share of the selection among all records here / overall
    gi_z              double precision,
    gi_p              double precision,
    gi_bin            smallint,                   -- +3/+2/+1 hot at 99/95/90%, negative cold, 0 none
    gi_class          text,
    emerging_class    text,                       -- emerging runs: the class from the monthly Gi* series
    trend_tau         double precision,           -- emerging runs: Mann-Kendall tau of the Gi* z-scores
    trend_p           double precision,
    hot_steps         smallint,                   -- emerging runs: steps significantly hot / cold, of steps
    cold_steps        smallint,
    steps             smallint,
    rank              integer  NOT NULL,          -- 1 = most incidents (ties by code)
    cell_geom         geometry(Polygon, 27700),   -- grid-level results: the cell (level 'grid', vintage 0)
    PRIMARY KEY (run_id, level, code)
);

-- The density surface of a run: float32 little-endian, row-major from the south-west cell, NaN outside the study
-- area; incidents per km².
CREATE TABLE hotspot_surface (
    run_id       bigint  NOT NULL PRIMARY KEY REFERENCES hotspot_run (id) ON DELETE CASCADE,
    min_x        double precision NOT NULL,
    min_y        double precision NOT NULL,
    cell_m       double precision NOT NULL,
    columns      integer NOT NULL,
    rows         integer NOT NULL,
    kernel       text    NOT NULL,
    bandwidth_m  double precision NOT NULL,
    max_density  double precision NOT NULL,
    density      bytea   NOT NULL,
    CHECK (length(density) = 4 * columns * rows)
);

-- Per-area (and per-cell) results with their boundaries, for GeoServer and other GIS clients (one stable name).
CREATE VIEW hotspot_area_layer AS
SELECT r.run_id, r.level, r.vintage, r.code, coalesce(a.name, r.code) AS name, r.incidents, r.records,
       r.population, r.rate_per_1000, r.kde_mean, r.kde_max, r.top_share, r.location_quotient, r.gi_z, r.gi_p,
       r.gi_bin, r.gi_class, r.emerging_class, r.trend_tau, r.trend_p, r.hot_steps, r.cold_steps, r.steps, r.rank,
       coalesce(ST_Multi(r.cell_geom), a.geom)::geometry(MultiPolygon, 27700) AS geom
FROM hotspot_area_result r
LEFT JOIN area a ON a.level = r.level AND a.vintage = r.vintage AND a.code = r.code;
