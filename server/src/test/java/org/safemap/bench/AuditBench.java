package org.safemap.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.sharing.AuditEvent;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.Role;

/**
 * Audit entries per second when many request threads share the server's one log, as map tiles of restricted layers
 * do (one entry per answer). Each entry must be committed before its answer goes, so without grouping the rate is
 * bounded by the disk's flushes (about 500 a second here, pg_test_fsync's fdatasync). Arguments: threads (16),
 * seconds (10). Database: SAFEMAP_DB_URL (a scratch database: the entries stay). Run with a build's jar on the
 * class path to compare builds: {@code java -cp server/target/test-classes:OTHER.jar org.safemap.bench.AuditBench}.
 */
public final class AuditBench {
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        try (Database db =
                Database.open(Settings.fromEnvironment().externalDatabase().orElseThrow(), threads + 2, "")) {
            db.migrate();
            AuditLog log = AuditLog.open(Settings.fromEnvironment(), db.dataSource(), ProtocolCatalog.builtIn());
            Principal who = new Principal("bench", Role.ANALYST, "csp", "strategic-assessment", "token");
            for (int i = 0; i < 200; i++) { // warm up
                log.record(AuditEvent.of(who, "tiles", "/tiles/warm/" + i).feeds(List.of("istv-ae")));
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long t0 = System.nanoTime();
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    int n = 0;
                    while (System.nanoTime() < end) {
                        log.record(AuditEvent.of(who, "tiles", "/tiles/" + id + "/" + n)
                                .feeds(List.of("istv-ae")));
                        n++;
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Integer> f : done) {
                total += f.get();
            }
            double took = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            System.out.printf(
                    Locale.ROOT,
                    "audit entries: %d threads, %.1f s: %,d entries, %,.0f per second%n",
                    threads,
                    took,
                    total,
                    total / took);
        }
    }
}
