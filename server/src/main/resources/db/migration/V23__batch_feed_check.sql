-- Each batch's tables state the one feed their records come from, as a validated CHECK, so the planner leaves out
-- other feeds' batches from a query that names its feeds (constraint exclusion, on by default for partitions): no
-- index leads with feed, so a fire and rescue query over a month otherwise read every police.uk batch of that month
-- to find none of its records. New batches get the same constraint from IncidentPartitions.place.
DO $$
DECLARE
    tbl text;
    rel text;
    batch_feed text;
BEGIN
    FOR tbl, rel, batch_feed IN
        SELECT 'batches.' || quote_ident(c.relname), c.relname, b.feed
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN load_batch b ON b.id = substring(c.relname FROM '^incident_([0-9]+)')::bigint
        WHERE n.nspname = 'batches' AND c.relkind = 'r' AND c.relname ~ '^incident_[0-9]+'
    LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (feed = %L)', tbl, rel || '_feed', batch_feed);
    END LOOP;
END $$;
