-- Records per UK month they start in x LSOA x category x feed, kept by every load and purge in its own transaction
-- (IncidentCounts), so counts over 35,000 LSOAs and many months need not read the records. lsoa_code '' stands for
-- records in no loaded LSOA, so the key has no NULL. Records are counted whole in the month they start in: for
-- police.uk's whole-month records that is what the readers' aoristic shares give; readers of timed records that
-- cross a month's end, or filtered by hour or weekday, still read incident.
CREATE TABLE incident_month_count (
    month     date   NOT NULL,
    lsoa_code text   NOT NULL,
    category  text   NOT NULL,
    feed      text   NOT NULL,
    records   bigint NOT NULL CHECK (records >= 0),   -- rows reaching 0 are deleted by the purge
    PRIMARY KEY (month, lsoa_code, category, feed)
);
CREATE INDEX incident_month_count_feed_idx ON incident_month_count (feed, month);

INSERT INTO incident_month_count (month, lsoa_code, category, feed, records)
SELECT date_trunc('month', event_from AT TIME ZONE 'Europe/London')::date, coalesce(lsoa_code, ''), category, feed,
       count(*)
FROM incident GROUP BY 1, 2, 3, 4;
