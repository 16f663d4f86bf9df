-- Areas: hierarchy and lookups, denominators and deprivation, neighbours, display geometry, and the areas each
-- incident falls in.

-- The best-fit parent of an area at a higher level (LSOA -> MSOA -> LAD), from an ONS lookup. Parents need not
-- have boundaries loaded, so their names are kept here.
CREATE TABLE area_parent (
    level          text     NOT NULL,
    vintage        smallint NOT NULL,
    code           text     NOT NULL,
    parent_level   text     NOT NULL,
    parent_vintage smallint NOT NULL,
    parent_code    text     NOT NULL,
    parent_name    text,
    batch_id       bigint   NOT NULL REFERENCES load_batch (id),
    PRIMARY KEY (level, vintage, code, parent_level)
);
CREATE INDEX area_parent_parent_idx ON area_parent (parent_level, parent_code);

-- ONS LSOA 2011 -> 2021 lookup. change: U unchanged, S split, M merged, X irregular (no exact re-aggregation).
CREATE TABLE lsoa_change (
    lsoa11_code text NOT NULL,
    lsoa21_code text NOT NULL,
    change      char(1) NOT NULL CHECK (change IN ('U', 'S', 'M', 'X')),
    batch_id    bigint NOT NULL REFERENCES load_batch (id),
    PRIMARY KEY (lsoa11_code, lsoa21_code)
);
CREATE INDEX lsoa_change_21_idx ON lsoa_change (lsoa21_code);

-- Resident population of an area in a year (ONS mid-year estimates): the denominator of every rate.
CREATE TABLE area_population (
    level      text     NOT NULL,
    vintage    smallint NOT NULL,
    code       text     NOT NULL,
    year       smallint NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    population integer  NOT NULL CHECK (population >= 0),
    batch_id   bigint   NOT NULL REFERENCES load_batch (id),
    PRIMARY KEY (level, vintage, code, year)
);

-- Index of Multiple Deprivation per LSOA: overall rank and decile (1 = most deprived), optional score, and the
-- domains ({"Income": {"rank": .., "decile": .., "score": ..}, ...}) as the file gives them.
CREATE TABLE lsoa_deprivation (
    edition    smallint NOT NULL,                   -- 2019 for the English Indices of Deprivation 2019
    vintage    smallint NOT NULL,                   -- LSOA boundaries the index is published on (2011)
    code       text     NOT NULL,
    imd_rank   integer  NOT NULL CHECK (imd_rank >= 1),
    imd_decile smallint NOT NULL CHECK (imd_decile BETWEEN 1 AND 10),
    imd_score  real,
    domains    jsonb    NOT NULL DEFAULT '{}'::jsonb,
    batch_id   bigint   NOT NULL REFERENCES load_batch (id),
    PRIMARY KEY (edition, code)
);

-- Queen contiguity: areas of one level and vintage that share at least a point; shared_boundary_m is the length
-- of boundary they share (0 when they meet at a corner only).
CREATE TABLE area_neighbour (
    level             text     NOT NULL,
    vintage           smallint NOT NULL,
    code              text     NOT NULL,
    neighbour_code    text     NOT NULL,
    shared_boundary_m double precision NOT NULL,
    PRIMARY KEY (level, vintage, code, neighbour_code),
    FOREIGN KEY (level, vintage, code) REFERENCES area (level, vintage, code) ON DELETE CASCADE
);

-- Boundaries simplified as a coverage (neighbours keep sharing their edges) for drawing at small scales.
CREATE TABLE area_display (
    level       text     NOT NULL,
    vintage     smallint NOT NULL,
    tolerance_m real     NOT NULL CHECK (tolerance_m > 0),
    code        text     NOT NULL,
    geom        geometry(MultiPolygon, 27700) NOT NULL,
    PRIMARY KEY (level, vintage, tolerance_m, code),
    FOREIGN KEY (level, vintage, code) REFERENCES area (level, vintage, code) ON DELETE CASCADE
);
CREATE INDEX area_display_geom_idx ON area_display USING gist (geom);

-- A custom area's overlap with each LSOA it meets, for apportioning LSOA figures (population) by area.
CREATE TABLE area_overlap (
    level         text     NOT NULL,
    vintage       smallint NOT NULL,
    code          text     NOT NULL,
    lsoa_vintage  smallint NOT NULL,
    lsoa_code     text     NOT NULL,
    overlap_m2    double precision NOT NULL CHECK (overlap_m2 > 0),
    share_of_area double precision NOT NULL,    -- overlap / the custom area's area
    share_of_lsoa double precision NOT NULL,    -- overlap / the LSOA's area
    PRIMARY KEY (level, vintage, code, lsoa_vintage, lsoa_code),
    FOREIGN KEY (level, vintage, code) REFERENCES area (level, vintage, code) ON DELETE CASCADE
);

-- The areas each incident falls in, assigned by point-in-polygon (areas.AreaAssigner): LSOA and ward of the
-- newest loaded vintage, MSOA and district from the LSOA's parents (or their own boundaries without a lookup),
-- custom sets as {"custom:beats": "LV-12"}. area_match: pending (not yet assigned), inside (in an LSOA),
-- outside (in no loaded LSOA: flagged, never dropped).
ALTER TABLE incident
    ADD COLUMN lsoa_vintage smallint,
    ADD COLUMN lsoa_code    text,
    ADD COLUMN msoa_code    text,
    ADD COLUMN lad_code     text,
    ADD COLUMN ward_vintage smallint,
    ADD COLUMN ward_code    text,
    ADD COLUMN custom_areas jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN area_match   text  NOT NULL DEFAULT 'pending' CHECK (area_match IN ('pending', 'inside', 'outside'));
CREATE INDEX incident_lsoa_idx ON incident (lsoa_code);
CREATE INDEX incident_area_match_idx ON incident (area_match) WHERE area_match <> 'inside';

-- Reference tables are loaded in batches too, so every row can be traced to the file it came from.
ALTER TABLE load_batch DROP CONSTRAINT load_batch_kind_check;
ALTER TABLE load_batch ADD CONSTRAINT load_batch_kind_check
    CHECK (kind IN ('incidents', 'areas', 'hierarchy', 'lsoa-changes', 'population', 'deprivation'));
