package org.safemap.testing;

import org.safemap.db.Database;

/** Checks the kept counts (incident_month_count, V18) against a GROUP BY over the records themselves. */
public final class MonthCounts {
    private static final String RECOUNT = """
            SELECT date_trunc('month', event_from AT TIME ZONE 'Europe/London')::date, coalesce(lsoa_code, ''),
                   category, feed, count(*)
            FROM incident GROUP BY 1, 2, 3, 4""";
    private static final String KEPT = "SELECT month, lsoa_code, category, feed, records FROM incident_month_count";

    private MonthCounts() {}

    /** Rows in one and not the other, either way: zero when the kept counts are exactly the records' counts. */
    public static long mismatches(Database db) {
        return Sql.count(
                db,
                "SELECT count(*) FROM ((" + KEPT + " EXCEPT " + RECOUNT + ") UNION ALL (" + RECOUNT + " EXCEPT " + KEPT
                        + ")) d");
    }
}
