-- SafeMap foundation schema: load batches and quarantine, boundaries, the common category list and incidents.
-- Geometry is stored in British National Grid (EPSG:27700, metres). PostGIS is created before migrations run.

-- One load of one source file. Loads are atomic: a batch and its rows commit together or not at all.
CREATE TABLE load_batch (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             text        NOT NULL CHECK (kind IN ('incidents', 'areas')),
    feed             text        NOT NULL,          -- incidents: the declared feed; areas: level:vintage
    source_name      text        NOT NULL,          -- file name as given (no folders: they may name people)
    source_sha256    text        NOT NULL CHECK (source_sha256 ~ '^[0-9a-f]{64}$'),
    loaded_at        timestamptz NOT NULL DEFAULT now(),
    rows_read        integer     NOT NULL,
    rows_loaded      integer     NOT NULL,
    rows_quarantined integer     NOT NULL,
    CHECK (rows_read = rows_loaded + rows_quarantined)
);
-- The same incident file is never loaded twice into the same feed (idempotent re-runs).
CREATE UNIQUE INDEX load_batch_incident_file_once ON load_batch (feed, source_sha256) WHERE kind = 'incidents';

-- Rows refused by validation, kept verbatim with the reason, so nothing a partner sent is lost.
CREATE TABLE quarantine (
    batch_id   bigint  NOT NULL REFERENCES load_batch (id) ON DELETE CASCADE,
    line_no    integer NOT NULL,                     -- line in the source file, header = line 1
    field      text,                                 -- the offending field, when one is to blame
    reason     text    NOT NULL,
    raw_record text    NOT NULL,
    PRIMARY KEY (batch_id, line_no)
);

-- Boundaries: Super Output Areas, wards, districts and custom sets, one row per area per vintage.
CREATE TABLE area (
    level    text     NOT NULL CHECK (level ~ '^(lsoa|msoa|ward|lad|custom:[a-z0-9_-]+)$'),
    vintage  smallint NOT NULL CHECK (vintage BETWEEN 1990 AND 2100),
    code     text     NOT NULL,
    name     text     NOT NULL,
    batch_id bigint   NOT NULL REFERENCES load_batch (id),
    geom     geometry(MultiPolygon, 27700) NOT NULL,
    PRIMARY KEY (level, vintage, code)
);
CREATE INDEX area_geom_idx ON area USING gist (geom);

-- The common taxonomy. Each record keeps its source's own category too; this is what partners add up.
CREATE TABLE category (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]+$'),
    label       text NOT NULL,
    group_code  text NOT NULL,                       -- violence, acquisitive, damage, asb, drugs-weapons, other
    sort_order  smallint NOT NULL
);
INSERT INTO category (code, label, group_code, sort_order) VALUES
    ('anti-social-behaviour',      'Anti-social behaviour',          'asb',           1),
    ('violence-and-sexual-offences','Violence and sexual offences',  'violence',      2),
    ('robbery',                    'Robbery',                        'violence',      3),
    ('public-order',               'Public order',                   'asb',           4),
    ('criminal-damage-and-arson',  'Criminal damage and arson',      'damage',        5),
    ('burglary',                   'Burglary',                       'acquisitive',   6),
    ('vehicle-crime',              'Vehicle crime',                  'acquisitive',   7),
    ('theft-from-the-person',      'Theft from the person',          'acquisitive',   8),
    ('bicycle-theft',              'Bicycle theft',                  'acquisitive',   9),
    ('shoplifting',                'Shoplifting',                    'acquisitive',  10),
    ('other-theft',                'Other theft',                    'acquisitive',  11),
    ('drugs',                      'Drugs',                          'drugs-weapons',12),
    ('possession-of-weapons',      'Possession of weapons',          'drugs-weapons',13),
    ('other-crime',                'Other crime',                    'other',        14);

-- One record from any feed, located and timed. Time is a window [event_from, event_to): police.uk gives a
-- month, A&E an instant (event_to = event_from), partners sometimes a from/to range.
CREATE TABLE incident (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id          bigint      NOT NULL REFERENCES load_batch (id) ON DELETE CASCADE,
    line_no           integer     NOT NULL,
    feed              text        NOT NULL,           -- police, asb, transport, ae, ambulance, fire, or a partner's
    source_ref        text,                           -- the source's own id (police.uk Crime ID; blank for ASB)
    source_category   text        NOT NULL,           -- the category exactly as the source gave it
    category          text        NOT NULL REFERENCES category (code),
    event_from        timestamptz NOT NULL,
    event_to          timestamptz NOT NULL CHECK (event_to >= event_from),
    location_text     text,                           -- the location as given ("On or near Bold Street")
    geom              geometry(Point, 27700) NOT NULL,
    geocode_method    text        NOT NULL,           -- coordinate, snapped-map-point, uprn, postcode, street ...
    precision_m       real        NOT NULL CHECK (precision_m >= 0),
    stated_lsoa_code  text,                           -- the LSOA the source itself named, if any
    attributes        jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- source fields kept but not modelled
    UNIQUE (batch_id, line_no)
);
CREATE INDEX incident_geom_idx ON incident USING gist (geom);
CREATE INDEX incident_time_idx ON incident (event_from);
CREATE INDEX incident_feed_category_idx ON incident (feed, category);
