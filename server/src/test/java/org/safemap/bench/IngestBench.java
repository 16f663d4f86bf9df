package org.safemap.bench;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.postgresql.PGConnection;
import org.safemap.areas.AreaLevel;
import org.safemap.areas.AreaLoader;
import org.safemap.areas.BoundaryFiles;
import org.safemap.areas.BoundaryOptions;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.db.IncidentPartitions;
import org.safemap.files.SourceFile;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.IncidentLoader;

/**
 * Benchmark: a police.uk CSV of 1,000,000 rows, end to end (parse, validate, transform, area assignment, insert
 * with indexes), against a raw COPY of the same file into a plain 12-column text table, alternating in one run.
 * Needs SAFEMAP_DB_URL (a migrated database) and the LSOA boundaries file to assign against.
 *
 * <p>Usage: {@code SAFEMAP_DB_URL=... java -cp ... org.safemap.bench.IngestBench FILE.csv LSOA.geojson [runs
 * [--no-floor]]}; {@code --no-floor} skips the storage floor (for a quick comparison of two builds).
 */
public final class IngestBench {
    private IngestBench() {}

    public static void main(String[] args) throws Exception {
        if (System.getenv("SAFEMAP_LOG_LEVEL") != null) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                    .setLevel(ch.qos.logback.classic.Level.toLevel(System.getenv("SAFEMAP_LOG_LEVEL")));
        }
        Path csv = Path.of(args[0]);
        Path lsoas = Path.of(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean withFloor = args.length <= 3 || !args[3].equals("--no-floor");
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long rows = Files.lines(csv).count() - 1;
        try (Database db =
                Database.open(Settings.fromEnvironment().externalDatabase().orElseThrow(), 4, "")) {
            db.migrate();
            AreaLevel lsoa = AreaLevel.parse("lsoa");
            new AreaLoader(db.dataSource())
                    .load(BoundaryFiles.open(lsoas, BoundaryOptions.detect(lsoa)), lsoa, 2011, n -> {});
            List<Double> copy = new ArrayList<>();
            List<Double> floor = new ArrayList<>();
            List<Double> ingest = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                copy.add(rawCopy(db, csv));
                long t = System.nanoTime();
                long cpu0 = os.getProcessCpuTime();
                IncidentLoader.Result result = new IncidentLoader(db.dataSource())
                        .load(SourceFile.of(csv), FeedCatalog.builtIn().get("police-uk"), null);
                ingest.add((System.nanoTime() - t) / 1e9);
                cpu.add((os.getProcessCpuTime() - cpu0) / 1e9);
                if (r == 0) {
                    System.out.printf(
                            Locale.ROOT,
                            "  loaded %d, quarantined %d of %d rows%n",
                            result.rowsLoaded(),
                            result.rowsQuarantined(),
                            rows);
                }
                if (withFloor) {
                    floor.add(storageFloor(db, result.batchId()));
                }
                try (Connection c = db.dataSource().getConnection();
                        Statement s = c.createStatement()) {
                    // V17 places a batch in one table per month (IncidentPartitions), not batches.incident_<id>.
                    for (String table : IncidentPartitions.tables(c, result.batchId())) {
                        s.execute("DROP TABLE " + table);
                    }
                    s.execute("DELETE FROM quarantine WHERE batch_id = " + result.batchId());
                    s.execute("DELETE FROM load_batch WHERE id = " + result.batchId());
                }
            }
            double c = median(copy);
            double i = median(ingest);
            System.out.printf(Locale.ROOT, "raw COPY into a plain table        %6.2f s  %,10.0f rows/s%n", c, rows / c);
            if (withFloor) {
                double f = median(floor);
                System.out.printf(
                        Locale.ROOT,
                        "storage floor: COPY of the finished rows into an empty partition + its 5 indexes"
                                + "%n                                   %6.2f s  %,10.0f rows/s  (%.2f of COPY)%n",
                        f,
                        rows / f,
                        c / f);
            }
            System.out.printf(
                    Locale.ROOT,
                    "safemap ingest, end to end         %6.2f s  %,10.0f rows/s  (%.2f of COPY)%n",
                    i,
                    rows / i,
                    c / i);
            System.out.printf(
                    Locale.ROOT, "  of which the Java process's CPU time %6.2f s (both its threads)%n", median(cpu));
        }
    }

    /**
     * What storing alone costs: the batch's rows exactly as SafeMap wrote them, dumped to a file, then COPYed into a
     * new table created in the same transaction (as the loader does) and given the same five indexes. No parsing,
     * geocoding or assignment: the part of the load that no pipeline can avoid.
     */
    private static double storageFloor(Database db, long batchId) throws Exception {
        Path dump = Files.createTempFile("safemap-floor-", ".csv");
        String columns = "batch_id, line_no, feed, source_ref, source_category, category, event_from, event_to, "
                + "location_text, geom, geocode_method, precision_m, stated_lsoa_code, attributes, lsoa_vintage, lsoa_code, "
                + "msoa_code, lad_code, ward_vintage, ward_code, custom_areas, area_match";
        try (Connection c = db.dataSource().getConnection()) {
            try (var out = Files.newBufferedWriter(dump, StandardCharsets.UTF_8)) {
                c.unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyOut(
                                "COPY (SELECT " + columns + " FROM incident WHERE batch_id = " + batchId
                                        + ") TO STDOUT (FORMAT csv)",
                                out);
            }
            c.setAutoCommit(false);
            long t = System.nanoTime();
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL maintenance_work_mem = '256MB'");
                s.execute("CREATE TABLE bench_floor (LIKE incident INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
                try (Reader in = Files.newBufferedReader(dump, StandardCharsets.UTF_8)) {
                    c.unwrap(PGConnection.class)
                            .getCopyAPI()
                            .copyIn("COPY bench_floor (" + columns + ") FROM STDIN (FORMAT csv)", in);
                }
                s.execute("CREATE INDEX ON bench_floor USING gist (geom)");
                s.execute("CREATE INDEX ON bench_floor (id)");
                s.execute("CREATE INDEX ON bench_floor (event_from)");
                s.execute("CREATE INDEX ON bench_floor (lsoa_code)");
                s.execute("CREATE INDEX ON bench_floor (event_id) WHERE event_id IS NOT NULL");
            }
            c.commit();
            double seconds = (System.nanoTime() - t) / 1e9;
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE bench_floor");
            }
            c.commit();
            return seconds;
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    private static double rawCopy(Database db, Path csv) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_raw");
            s.execute("CREATE TABLE bench_raw (crime_id text, month text, reported_by text, falls_within text, "
                    + "longitude text, latitude text, location text, lsoa_code text, lsoa_name text, crime_type text, "
                    + "outcome text, context text)");
            long t = System.nanoTime();
            try (Reader in = new InputStreamReader(Files.newInputStream(csv), StandardCharsets.UTF_8)) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_raw FROM STDIN (FORMAT csv, HEADER)", in);
            }
            double seconds = (System.nanoTime() - t) / 1e9;
            s.execute("DROP TABLE bench_raw");
            return seconds;
        }
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
