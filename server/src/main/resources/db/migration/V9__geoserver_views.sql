-- The views GeoServer publishes (safemap publish geoserver): stable names in their own schema, so a GeoServer
-- datastore can be pointed at schema 'geoserver' and a read-only role granted these views and nothing else (a
-- view reads its tables with its owner's rights, so that role never sees the incident table).
--
-- Rules every view keeps:
--   * Only per-area results: boundaries, deprivation, public incident counts and stored hotspot run results.
--     Never record-level incidents: GeoServer reads PostGIS directly and would bypass SafeMap's disclosure rules.
--   * Geometry is area.geom itself, geometry(MultiPolygon, 27700), so geometry_columns lists each view with its
--     type and SRID, and a GeoServer bounding-box filter on a view reaches the GiST index area_geom_idx.
--   * Run, period and category are columns (plain views): GeoServer filters on them (a TIME dimension on
--     incident_counts.month, a run parameter on the SQL views the publisher builds over hotspot_results).

CREATE SCHEMA IF NOT EXISTS geoserver;

-- Boundaries of the newest vintage loaded of each common level.
CREATE VIEW geoserver.lsoa_boundaries AS
SELECT a.code, a.name, a.vintage, a.geom::geometry(MultiPolygon, 27700) AS geom
FROM area a
WHERE a.level = 'lsoa' AND a.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa');

CREATE VIEW geoserver.msoa_boundaries AS
SELECT a.code, a.name, a.vintage, a.geom::geometry(MultiPolygon, 27700) AS geom
FROM area a
WHERE a.level = 'msoa' AND a.vintage = (SELECT max(vintage) FROM area WHERE level = 'msoa');

CREATE VIEW geoserver.ward_boundaries AS
SELECT a.code, a.name, a.vintage, a.geom::geometry(MultiPolygon, 27700) AS geom
FROM area a
WHERE a.level = 'ward' AND a.vintage = (SELECT max(vintage) FROM area WHERE level = 'ward');

-- Index of Multiple Deprivation of each LSOA of the newest vintage, from the newest edition loaded (as SafeMap's
-- own deprivation layer draws it). imd_decile 1 is the most deprived tenth of England.
CREATE VIEW geoserver.deprivation AS
SELECT a.code, a.name, d.edition, d.imd_rank, d.imd_decile, d.imd_score,
       a.geom::geometry(MultiPolygon, 27700) AS geom
FROM area a
JOIN (SELECT DISTINCT ON (code) code, edition, imd_rank, imd_decile, imd_score
      FROM lsoa_deprivation ORDER BY code, edition DESC) d ON d.code = a.code
WHERE a.level = 'lsoa' AND a.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa');

-- Recorded incidents per LSOA per month, from the feeds that are public (police.uk and British Transport Police,
-- published record by record by police.uk already), one row per LSOA and month with counts per category group.
-- Partner feeds (A&E, ambulance, fire, partners' files) are never counted here, whatever GeoServer's security.
-- Both feeds give a month and nothing finer, so every record lies in exactly one month (the month of event_from,
-- UK time) and no two records are linked as one event (the linker needs times within minutes): count(*) equals
-- SafeMap's own event count for these feeds.
-- TODO(trust): which feeds are public belongs to the feeds' data-sharing protocols (org.safemap.sharing); this
-- list is the interim rule and must follow them once they exist.
CREATE VIEW geoserver.incident_counts AS
WITH monthly AS (
    SELECT i.lsoa_code AS code,
           date_trunc('month', i.event_from AT TIME ZONE 'Europe/London')::date AS month,
           count(*) AS incidents,
           count(*) FILTER (WHERE c.group_code = 'violence') AS violence,
           count(*) FILTER (WHERE c.group_code = 'acquisitive') AS acquisitive,
           count(*) FILTER (WHERE c.group_code = 'damage') AS damage,
           count(*) FILTER (WHERE c.group_code = 'asb') AS asb,
           count(*) FILTER (WHERE c.group_code = 'drugs-weapons') AS drugs_weapons,
           count(*) FILTER (WHERE c.group_code NOT IN ('violence', 'acquisitive', 'damage', 'asb', 'drugs-weapons'))
               AS other
    FROM incident i
    JOIN category c ON c.code = i.category
    WHERE i.feed IN ('police-uk', 'btp') AND i.lsoa_code IS NOT NULL
    GROUP BY 1, 2
)
SELECT m.code || '/' || to_char(m.month, 'YYYY-MM') AS id, a.code, a.name, m.month,
       m.incidents, m.incidents::double precision AS monthly, p.population,
       CASE WHEN p.population > 0 THEN 1000.0 * m.incidents / p.population END AS monthly_rate_per_1000,
       m.violence, m.acquisitive, m.damage, m.asb, m.drugs_weapons, m.other,
       'police-uk,btp'::text AS feeds,
       a.geom::geometry(MultiPolygon, 27700) AS geom
FROM monthly m
JOIN area a ON a.level = 'lsoa' AND a.code = m.code
           AND a.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')
LEFT JOIN (SELECT DISTINCT ON (code) code, population FROM area_population
           WHERE level = 'lsoa' ORDER BY code, vintage DESC, year DESC) p ON p.code = a.code;

-- Per-area results of completed hotspot and emerging runs, with each run's period, categories and feeds as
-- columns, and is_default marking the run SafeMap's own map shows by default for its kind and level (the newest,
-- runs a tasking pack made for itself last). Grid-cell results have no boundary and are not included.
CREATE VIEW geoserver.hotspot_results AS
SELECT r.run_id || '/' || r.level || '/' || r.code AS id,
       r.run_id, h.kind AS run_kind,
       h.params #>> '{selection,period}' AS period,
       (h.params #>> '{selection,from}')::timestamptz AS period_from,
       (h.params #>> '{selection,to}')::timestamptz AS period_to,
       coalesce((SELECT string_agg(v, ',') FROM jsonb_array_elements_text(
           CASE WHEN jsonb_typeof(h.params #> '{selection,categories}') = 'array'
                THEN h.params #> '{selection,categories}' ELSE '[]'::jsonb END) v), '') AS categories,
       coalesce((SELECT string_agg(v, ',') FROM jsonb_array_elements_text(
           CASE WHEN jsonb_typeof(h.params #> '{selection,feeds}') = 'array'
                THEN h.params #> '{selection,feeds}' ELSE '[]'::jsonb END) v), '') AS feeds,
       h.created_at, h.created_by,
       h.id = (SELECT d.id FROM hotspot_run d
               WHERE d.kind = h.kind AND d.status = 'done'
                 AND EXISTS (SELECT 1 FROM hotspot_area_result x WHERE x.run_id = d.id AND x.level = r.level)
               ORDER BY d.created_by = 'pack', d.id DESC LIMIT 1) AS is_default,
       r.level, r.vintage, r.code, a.name, r.incidents, r.records, r.population, r.rate_per_1000, r.kde_mean,
       r.kde_max, r.top_share, r.location_quotient, r.gi_z, r.gi_p, r.gi_bin, r.gi_class, r.emerging_class,
       r.trend_tau, r.trend_p, r.hot_steps, r.cold_steps, r.steps, r.rank,
       a.geom::geometry(MultiPolygon, 27700) AS geom
FROM hotspot_area_result r
JOIN hotspot_run h ON h.id = r.run_id AND h.status = 'done' AND h.kind IN ('hotspots', 'emerging')
JOIN area a ON a.level = r.level AND a.vintage = r.vintage AND a.code = r.code;

COMMENT ON SCHEMA geoserver IS 'Per-area views for GeoServer (safemap publish geoserver); no record-level data.';
