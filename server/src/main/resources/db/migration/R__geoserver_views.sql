-- The views GeoServer reads, in their current form: a repeatable migration, so a change is an edit here (Flyway
-- re-applies this file when its checksum moves, after every versioned migration) rather than a new versioned file
-- that copies the whole view again. V9 created them and V10 rewrote them; those files stay as they were, because
-- databases already migrated hold their checksums.
--
-- GeoServer reads these views directly, outside SafeMap's per-request policy, so they hold only what the protocols
-- give the public: counts of feeds whose protocol shows their records to the public as points, and, for runs that
-- read any other feed, classes without counts or statistics (which, with the weights, would let counts be solved for):
-- the columns of AreaResults.CLASS_FIELDS, which GeoServerPublishIT holds this view to.
-- CREATE OR REPLACE keeps every column in place: a column removed or renamed needs a DROP VIEW here first.
-- V17 dropped incident_counts with the table it read (incident, re-partitioned by month): this file makes it again,
-- now over V18's kept counts.

CREATE OR REPLACE VIEW geoserver.incident_counts AS
-- From the counts kept at ingest (V18: records per UK month they start in x LSOA x category x feed), which are
-- exactly what this view counted from incident, without reading the records.
WITH monthly AS (
    SELECT k.lsoa_code AS code,
           k.month,
           sum(k.records)::bigint AS incidents,
           coalesce(sum(k.records) FILTER (WHERE c.group_code = 'violence'), 0)::bigint AS violence,
           coalesce(sum(k.records) FILTER (WHERE c.group_code = 'acquisitive'), 0)::bigint AS acquisitive,
           coalesce(sum(k.records) FILTER (WHERE c.group_code = 'damage'), 0)::bigint AS damage,
           coalesce(sum(k.records) FILTER (WHERE c.group_code = 'asb'), 0)::bigint AS asb,
           coalesce(sum(k.records) FILTER (WHERE c.group_code = 'drugs-weapons'), 0)::bigint AS drugs_weapons,
           coalesce(sum(k.records) FILTER (WHERE c.group_code NOT IN ('violence', 'acquisitive', 'damage', 'asb',
                                                                     'drugs-weapons')), 0)::bigint AS other
    FROM incident_month_count k
    JOIN category c ON c.code = k.category
    WHERE k.feed IN (SELECT feed FROM geoserver.public_feed) AND k.lsoa_code <> ''
    GROUP BY 1, 2
)
SELECT m.code || '/' || to_char(m.month, 'YYYY-MM') AS id, a.code, a.name, m.month,
       m.incidents, m.incidents::double precision AS monthly, p.population,
       CASE WHEN p.population > 0 THEN 1000.0 * m.incidents / p.population END AS monthly_rate_per_1000,
       m.violence, m.acquisitive, m.damage, m.asb, m.drugs_weapons, m.other,
       (SELECT coalesce(string_agg(feed, ',' ORDER BY feed), '') FROM geoserver.public_feed)::text AS feeds,
       a.geom::geometry(MultiPolygon, 27700) AS geom
FROM monthly m
JOIN area a ON a.level = 'lsoa' AND a.code = m.code
           AND a.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')
LEFT JOIN (SELECT DISTINCT ON (code) code, population FROM area_population
           WHERE level = 'lsoa' ORDER BY code, vintage DESC, year DESC) p ON p.code = a.code;

CREATE OR REPLACE VIEW geoserver.hotspot_results AS
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
       r.level, r.vintage, r.code, a.name,
       CASE WHEN o.open THEN r.incidents END AS incidents,
       CASE WHEN o.open THEN r.records END AS records,
       r.population,
       CASE WHEN o.open THEN r.rate_per_1000 END AS rate_per_1000,
       CASE WHEN o.open THEN r.kde_mean END AS kde_mean,
       CASE WHEN o.open THEN r.kde_max END AS kde_max,
       CASE WHEN o.open THEN r.top_share END AS top_share,
       CASE WHEN o.open THEN r.location_quotient END AS location_quotient,
       CASE WHEN o.open THEN r.gi_z END AS gi_z,
       CASE WHEN o.open THEN r.gi_p END AS gi_p,
       r.gi_bin, r.gi_class, r.emerging_class,
       CASE WHEN o.open THEN r.trend_tau END AS trend_tau,
       CASE WHEN o.open THEN r.trend_p END AS trend_p,
       CASE WHEN o.open THEN r.hot_steps END AS hot_steps,
       CASE WHEN o.open THEN r.cold_steps END AS cold_steps,
       CASE WHEN o.open THEN r.steps END AS steps,
       r.rank,
       a.geom::geometry(MultiPolygon, 27700) AS geom
FROM hotspot_area_result r
JOIN hotspot_run h ON h.id = r.run_id AND h.status = 'done' AND h.kind IN ('hotspots', 'emerging')
JOIN area a ON a.level = r.level AND a.vintage = r.vintage AND a.code = r.code
-- open: every feed the run read is public record by record, so its counts and statistics may be shown
CROSS JOIN LATERAL (SELECT NOT EXISTS (
        SELECT 1 FROM jsonb_array_elements(coalesce(h.data_version -> 'batches', '[]'::jsonb)) b
        WHERE NOT (b ->> 'feed' IN (SELECT feed FROM geoserver.public_feed))) AS open) o;


-- District outlines of the newest vintage, as the msoa and ward boundary views (V9) give theirs.
CREATE OR REPLACE VIEW geoserver.lad_boundaries AS
SELECT a.code, a.name, a.vintage, a.geom::geometry(MultiPolygon, 27700) AS geom
FROM area a
WHERE a.level = 'lad' AND a.vintage = (SELECT max(vintage) FROM area WHERE level = 'lad');
