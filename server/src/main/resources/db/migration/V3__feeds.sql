-- Feeds: incidents partitioned by load batch, the common taxonomy as data, geocoding reference tables, linkage.

CREATE EXTENSION IF NOT EXISTS pg_trgm;   -- trusted since PostgreSQL 13: the database owner may create it
CREATE SCHEMA IF NOT EXISTS batches;      -- one incident partition per load batch lives here

-- ---------------------------------------------------------------------------------------------------------------
-- The common taxonomy. Codes and their feeds' mappings are reference data (server resources taxonomy/*.csv),
-- synced into these tables on every start; the tables are what queries join.
CREATE TABLE category_new (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]+$'),
    label       text NOT NULL,
    group_code  text NOT NULL,
    sort_order  smallint NOT NULL,
    description text NOT NULL DEFAULT ''
);
CREATE TABLE category_mapping (
    scheme       text NOT NULL,      -- whose categories: police-uk, ampds, istv, fire-irs, or a partner feed's name
    source_value text NOT NULL,      -- the source's category, compared ignoring case and outer spaces
    code         text NOT NULL REFERENCES category_new (code),
    PRIMARY KEY (scheme, source_value)
);

-- ---------------------------------------------------------------------------------------------------------------
-- Incidents, partitioned by batch: a load fills and indexes its own partition, then attaches it in the same
-- transaction, so bulk loads build indexes once instead of maintaining them row by row, and a batch can be
-- removed whole (retention, re-load) by dropping its partition.
CREATE SEQUENCE incident_record_id_seq;
CREATE TABLE incident_partitioned (
    id                bigint      NOT NULL DEFAULT nextval('incident_record_id_seq'),
    batch_id          bigint      NOT NULL,
    line_no           integer     NOT NULL,
    feed              text        NOT NULL,
    source_ref        text,
    source_category   text        NOT NULL,
    category          text        NOT NULL,
    event_from        timestamptz NOT NULL,
    event_to          timestamptz NOT NULL,
    location_text     text,
    geom              geometry(Point, 27700) NOT NULL,
    geocode_method    text        NOT NULL,
    precision_m       real        NOT NULL,
    stated_lsoa_code  text,
    attributes        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    lsoa_vintage      smallint,
    lsoa_code         text,
    msoa_code         text,
    lad_code          text,
    ward_vintage      smallint,
    ward_code         text,
    custom_areas      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    area_match        text        NOT NULL DEFAULT 'pending',
    event_id          bigint,     -- records judged to be one event across feeds share the smallest id among them
    CHECK (event_to >= event_from),
    CHECK (precision_m >= 0),
    CHECK (area_match IN ('pending', 'inside', 'outside'))
) PARTITION BY LIST (batch_id);
ALTER SEQUENCE incident_record_id_seq OWNED BY incident_partitioned.id;

SELECT setval('incident_record_id_seq', coalesce((SELECT max(id) FROM incident), 0) + 1, false);

-- Existing records move into per-batch partitions, with the new taxonomy's codes.
DO $$
DECLARE b bigint;
BEGIN
    FOR b IN SELECT DISTINCT batch_id FROM incident ORDER BY 1 LOOP
        EXECUTE format('CREATE TABLE batches.incident_%s PARTITION OF incident_partitioned FOR VALUES IN (%s)', b, b);
    END LOOP;
END $$;

INSERT INTO incident_partitioned (id, batch_id, line_no, feed, source_ref, source_category, category, event_from,
    event_to, location_text, geom, geocode_method, precision_m, stated_lsoa_code, attributes, lsoa_vintage, lsoa_code,
    msoa_code, lad_code, ward_vintage, ward_code, custom_areas, area_match)
SELECT id, batch_id, line_no,
       CASE WHEN feed = 'transport' THEN 'btp' ELSE 'police-uk' END,
       source_ref, source_category,
       CASE category
           WHEN 'anti-social-behaviour' THEN 'asb-unclassified'
           WHEN 'bicycle-theft' THEN 'theft'
           WHEN 'shoplifting' THEN 'theft'
           WHEN 'theft-from-the-person' THEN 'theft'
           WHEN 'other-theft' THEN 'theft'
           WHEN 'possession-of-weapons' THEN 'weapons'
           WHEN 'other-crime' THEN 'other'
           ELSE category END,
       event_from, event_to, location_text, geom, geocode_method, precision_m, stated_lsoa_code, attributes,
       lsoa_vintage, lsoa_code, msoa_code, lad_code, ward_vintage, ward_code, custom_areas, area_match
FROM incident;

UPDATE load_batch SET feed = CASE WHEN feed = 'transport' THEN 'btp' ELSE 'police-uk' END WHERE kind = 'incidents';

DROP TABLE incident;
ALTER TABLE incident_partitioned RENAME TO incident;
DROP TABLE category;
ALTER TABLE category_new RENAME TO category;
ALTER TABLE category RENAME CONSTRAINT category_new_pkey TO category_pkey;

-- Partitioned indexes: each partition builds its own, in bulk, before it is attached.
CREATE INDEX incident_id_idx ON incident (id);
CREATE INDEX incident_geom_idx ON incident USING gist (geom);
CREATE INDEX incident_time_idx ON incident (event_from);
CREATE INDEX incident_lsoa_idx ON incident (lsoa_code);
CREATE INDEX incident_event_idx ON incident (event_id) WHERE event_id IS NOT NULL;

-- What each load found, so the feeds report needs no scan: {"geocode_methods": {...}, "area_match": {...}}.
ALTER TABLE load_batch ADD COLUMN summary jsonb NOT NULL DEFAULT '{}'::jsonb;
UPDATE load_batch b SET summary = jsonb_build_object(
    'geocode_methods', (SELECT coalesce(jsonb_object_agg(m, n), '{}'::jsonb) FROM
        (SELECT geocode_method m, count(*) n FROM incident i WHERE i.batch_id = b.id GROUP BY 1) x),
    'area_match', (SELECT coalesce(jsonb_object_agg(m, n), '{}'::jsonb) FROM
        (SELECT area_match m, count(*) n FROM incident i WHERE i.batch_id = b.id GROUP BY 1) y),
    'reasons', (SELECT coalesce(jsonb_object_agg(r, n), '{}'::jsonb) FROM
        (SELECT regexp_replace(reason, '''.*?''(?=[[:space:];:,.)]|$)', '''…''', 'g') r, count(*) n   -- as ReasonKinds
         FROM quarantine q WHERE q.batch_id = b.id GROUP BY 1) z),
    'linked', 0)
WHERE kind = 'incidents';

-- ---------------------------------------------------------------------------------------------------------------
-- Geocoding reference data.

-- Postcode unit centroids (OS Code-Point Open, or the ONS Postcode Directory): key is the postcode without spaces.
CREATE TABLE postcode (
    postcode     text PRIMARY KEY CHECK (postcode ~ '^[A-Z0-9]{5,7}$'),
    display      text NOT NULL,                 -- as written, "L1 8JQ"
    x            double precision NOT NULL,
    y            double precision NOT NULL,
    quality      smallint,                      -- Code-Point positional quality indicator (10 best ... 90 none)
    district     text NOT NULL,                 -- outward code, "L1"
    batch_id     bigint NOT NULL REFERENCES load_batch (id)
);
CREATE INDEX postcode_district_idx ON postcode (district);

-- OS Open UPRN: every addressable location in Great Britain.
CREATE TABLE uprn (
    uprn     bigint PRIMARY KEY,
    x        double precision NOT NULL,
    y        double precision NOT NULL,
    batch_id bigint NOT NULL REFERENCES load_batch (id)
);

-- Named places for free-text locations: streets, venues, postcodes written as text.
CREATE TABLE gazetteer (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    name_key    text NOT NULL,                  -- lower case, punctuation and "on or near" removed: what is matched
    name_core   text NOT NULL,                  -- name_key without street-type words ("bold"): finds misspellings
    kind        text NOT NULL CHECK (kind IN ('street', 'venue', 'place')),
    locality    text,                           -- town or district, to tell two Church Streets apart
    x           double precision NOT NULL,
    y           double precision NOT NULL,
    precision_m real NOT NULL CHECK (precision_m >= 0),
    batch_id    bigint NOT NULL REFERENCES load_batch (id)
);
CREATE UNIQUE INDEX gazetteer_entry_idx ON gazetteer (kind, name_key, coalesce(locality, ''));
CREATE INDEX gazetteer_name_trgm_idx ON gazetteer USING gin (name_key gin_trgm_ops);
CREATE INDEX gazetteer_core_trgm_idx ON gazetteer USING gin (name_core gin_trgm_ops);

ALTER TABLE load_batch DROP CONSTRAINT load_batch_kind_check;
ALTER TABLE load_batch ADD CONSTRAINT load_batch_kind_check CHECK (kind IN ('incidents', 'areas', 'hierarchy',
    'lsoa-changes', 'population', 'deprivation', 'postcodes', 'uprn', 'gazetteer'));
