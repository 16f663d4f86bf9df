-- Each batch's partition states its time span as a validated constraint, as IncidentLoader.timeBounds now does at
-- every load, so a query for a period skips batches outside it (constraint exclusion). Partitions are per batch, so
-- pruning by partition bounds cannot use time. This scans each existing batch once.
DO $$
DECLARE
    part regclass;
    batch bigint;
    lo timestamptz;
    hi_from timestamptz;
    hi_to timestamptz;
BEGIN
    FOR part, batch IN
        SELECT i.inhrelid::regclass, substring(c.relname FROM 'incident_([0-9]+)$')::bigint
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'incident'::regclass
    LOOP
        EXECUTE format('SELECT min(event_from), max(event_from), max(event_to) FROM %s', part)
            INTO lo, hi_from, hi_to;
        IF lo IS NOT NULL AND batch IS NOT NULL THEN
            EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (event_from >= %L AND event_from <= %L '
                           'AND event_to <= %L)', part, 'incident_' || batch || '_time', lo, hi_from, hi_to);
        END IF;
    END LOOP;
END $$;
