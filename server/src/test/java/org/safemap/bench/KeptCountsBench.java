package org.safemap.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.Role;
import org.safemap.time.Period;

/**
 * What a cold count choropleth costs to count, both ways: the published tables ({@link ProtectedCounts}) of one
 * audience for every month of a period, built from nothing (areas, counts, protection) by a new instance reading the
 * kept counts where exact ({@link ProtectedCounts.Source#KEPT_WHERE_EXACT}) and by one reading the records
 * ({@link ProtectedCounts.Source#RECORDS}), in alternating order, round after round; medians per audience. This is
 * the work of the first count map, profile or table of a month after a load or purge; later ones reuse the tables.
 * Arguments: period (2022-01..2022-07), rounds (9). Database: SAFEMAP_DB_URL (read only), e.g. the demo's.
 */
public final class KeptCountsBench {
    public static void main(String[] args) throws Exception {
        Period period = Period.parse(args.length > 0 ? args[0] : "2022-01..2022-07");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        List<Principal> who = List.of(
                Principal.ANONYMOUS,
                new Principal("bench-tasking", Role.TASKING, null, "tasking", "token"),
                new Principal("bench-csp", Role.ANALYST, "csp", "strategic-assessment", "token"));
        try (Database db =
                Database.open(Settings.fromEnvironment().externalDatabase().orElseThrow(), 4, "")) {
            Policy policy = new Policy(ProtocolCatalog.builtIn());
            for (Principal p : who) {
                for (int w = 0; w < 2; w++) { // warm up both readers (JIT, PostgreSQL's caches)
                    build(db, policy, p, period, ProtectedCounts.Source.KEPT_WHERE_EXACT);
                    build(db, policy, p, period, ProtectedCounts.Source.RECORDS);
                }
                double[] kept = new double[rounds];
                double[] records = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    if (r % 2 == 0) {
                        kept[r] = time(() -> build(db, policy, p, period, ProtectedCounts.Source.KEPT_WHERE_EXACT));
                        records[r] = time(() -> build(db, policy, p, period, ProtectedCounts.Source.RECORDS));
                    } else {
                        records[r] = time(() -> build(db, policy, p, period, ProtectedCounts.Source.RECORDS));
                        kept[r] = time(() -> build(db, policy, p, period, ProtectedCounts.Source.KEPT_WHERE_EXACT));
                    }
                }
                ProtectedCounts.Reads reads = build(db, policy, p, period, ProtectedCounts.Source.KEPT_WHERE_EXACT);
                System.out.printf(
                        Locale.ROOT,
                        "%-22s %s: kept where exact %.1f ms (month reads: %d kept, %d records), records %.1f ms,"
                                + " ratio %.2f; %d rounds%n",
                        p.role() + (p.partner() == null ? "" : ":" + p.partner()),
                        period,
                        median(kept),
                        reads.kept(),
                        reads.records(),
                        median(records),
                        median(kept) / median(records),
                        rounds);
            }
        }
    }

    private static ProtectedCounts.Reads build(
            Database db, Policy policy, Principal who, Period period, ProtectedCounts.Source source) {
        ProtectedCounts counts =
                new ProtectedCounts(db.dataSource(), policy, ProtectedCounts.Geography.LSOA_MSOA_LAD, source);
        counts.tables(who, period);
        return counts.reads();
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private KeptCountsBench() {}
}
