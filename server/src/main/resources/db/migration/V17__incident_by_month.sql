-- incident is partitioned by the UK month its records start in, then by when they end (within two months of the
-- month's start, or later), then by batch, as IncidentPartitions describes: partitioned by batch alone, every period
-- query planned over every batch (about 0.3 ms each, a second at 3,000 batches; docs/performance.md, "Many
-- batches"). A partitioned table's strategy cannot change, so a new incident is made and every batch's table moves
-- under it, split by month where it spans several; rows are copied only for those.

CREATE SCHEMA IF NOT EXISTS periods;   -- the month tables; batches keeps the batches' own tables

-- The one view over incident; R__geoserver_views makes it again after this.
DROP VIEW IF EXISTS geoserver.incident_counts;

ALTER SEQUENCE incident_record_id_seq OWNED BY NONE;
CREATE TABLE incident_by_month (LIKE incident INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (event_from);

DO $$
DECLARE
    part regclass;
    batch bigint;
BEGIN
    FOR part, batch IN
        SELECT i.inhrelid::regclass, substring(c.relname FROM 'incident_([0-9]+)$')::bigint
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'incident'::regclass
    LOOP
        EXECUTE format('ALTER TABLE incident DETACH PARTITION %s', part);
    END LOOP;
END $$;

DROP TABLE incident;
ALTER TABLE incident_by_month RENAME TO incident;
ALTER SEQUENCE incident_record_id_seq OWNED BY incident.id;
CREATE INDEX incident_id_idx ON incident (id);
CREATE INDEX incident_geom_idx ON incident USING gist (geom);
CREATE INDEX incident_time_idx ON incident (event_from);
CREATE INDEX incident_lsoa_idx ON incident (lsoa_code);
CREATE INDEX incident_event_idx ON incident (event_id) WHERE event_id IS NOT NULL;

-- Each old batch table: its pieces (start month, late end), as IncidentPartitions.place finds them.
DO $$
DECLARE
    tbl text;
    batch bigint;
    months text[];
    lates boolean[];
    k int;
    piece record;
    pieces int;
    target text;
    month_tbl text;
    ends_tbl text;
    lo timestamptz;
    hi_from timestamptz;
    lo_to timestamptz;
    hi_to timestamptz;
BEGIN
    FOR tbl, batch IN
        SELECT 'batches.' || c.relname, substring(c.relname FROM '^incident_([0-9]+)$')::bigint
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'batches' AND c.relkind = 'r' AND c.relname ~ '^incident_[0-9]+$'
    LOOP
        -- read first: the table cannot be altered while a loop's query still reads it
        EXECUTE format('SELECT coalesce(array_agg(m ORDER BY m, late), ''{}''), array_agg(late ORDER BY m, late) FROM ('
                       'SELECT to_char(event_from AT TIME ZONE ''Europe/London'', ''YYYY-MM'') AS m, '
                       'event_to AT TIME ZONE ''Europe/London'' >= date_trunc(''month'', event_from AT TIME ZONE '
                       '''Europe/London'') + interval ''2 months'' AS late FROM %s GROUP BY 1, 2) p', tbl)
            INTO months, lates;
        pieces := cardinality(months);
        IF pieces = 0 THEN
            EXECUTE format('DROP TABLE %s', tbl);   -- a batch with no records left has no table, as after a load
            CONTINUE;
        END IF;
        FOR k IN 1..pieces
        LOOP
            SELECT months[k] AS m, lates[k] AS late INTO piece;
            IF pieces = 1 THEN
                target := tbl;
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', tbl, 'incident_' || batch || '_time');
            ELSE
                target := tbl || '_' || replace(piece.m, '-', '_') || CASE WHEN piece.late THEN '_long' ELSE '' END;
                EXECUTE format('CREATE TABLE %s (LIKE incident INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', target);
                EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (batch_id = %s)', target,
                               substring(target FROM '[^.]+$') || '_batch', batch);
                EXECUTE format('INSERT INTO %s SELECT * FROM %s WHERE to_char(event_from AT TIME ZONE '
                               '''Europe/London'', ''YYYY-MM'') = %L AND (event_to >= %L::timestamptz) = %L',
                               target, tbl, piece.m,
                               (piece.m || '-01')::date + interval '2 months' || ' Europe/London', piece.late);
            END IF;
            -- the time span, with event_to's lower bound, so ATTACH needs no scan (IncidentPartitions.timeBounds)
            EXECUTE format('SELECT min(event_from), max(event_from), min(event_to), max(event_to) FROM %s', target)
                INTO lo, hi_from, lo_to, hi_to;
            EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (event_from >= %L AND event_from <= %L '
                           'AND event_to >= %L AND event_to <= %L)', target,
                           substring(target FROM '[^.]+$') || '_time', lo, hi_from, lo_to, hi_to);
            IF pieces > 1 THEN
                EXECUTE format('CREATE INDEX ON %s USING gist (geom)', target);
                EXECUTE format('CREATE INDEX ON %s (id)', target);
                EXECUTE format('CREATE INDEX ON %s (event_from)', target);
                EXECUTE format('CREATE INDEX ON %s (lsoa_code)', target);
                EXECUTE format('CREATE INDEX ON %s (event_id) WHERE event_id IS NOT NULL', target);
            END IF;
            month_tbl := 'periods.incident_' || replace(piece.m, '-', '_');
            ends_tbl := month_tbl || CASE WHEN piece.late THEN '_long' ELSE '_short' END;
            IF to_regclass(month_tbl) IS NULL THEN
                EXECUTE format('CREATE TABLE %s (LIKE incident INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
                               'PARTITION BY RANGE (event_to)', month_tbl);
                EXECUTE format('ALTER TABLE incident ATTACH PARTITION %s FOR VALUES FROM (%L) TO (%L)', month_tbl,
                               piece.m || '-01 00:00 Europe/London',
                               (piece.m || '-01')::date + interval '1 month' || ' Europe/London');
            END IF;
            IF to_regclass(ends_tbl) IS NULL THEN
                EXECUTE format('CREATE TABLE %s (LIKE incident INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
                               'PARTITION BY LIST (batch_id)', ends_tbl);
                IF piece.late THEN
                    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES FROM (%L) TO (MAXVALUE)',
                                   month_tbl, ends_tbl,
                                   (piece.m || '-01')::date + interval '2 months' || ' Europe/London');
                ELSE
                    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES FROM (%L) TO (%L)',
                                   month_tbl, ends_tbl, piece.m || '-01 00:00 Europe/London',
                                   (piece.m || '-01')::date + interval '2 months' || ' Europe/London');
                END IF;
            END IF;
            EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES IN (%s)', ends_tbl, target, batch);
        END LOOP;
        IF pieces > 1 THEN
            EXECUTE format('DROP TABLE %s', tbl);
        END IF;
    END LOOP;
END $$;
