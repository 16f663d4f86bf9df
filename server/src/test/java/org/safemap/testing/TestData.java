package org.safemap.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.safemap.areas.AreaLevel;
import org.safemap.areas.AreaLoader;
import org.safemap.db.Database;
import org.safemap.demo.DemoData;
import org.safemap.files.SourceFile;

/** The bundled demo dataset in the shared test database, and independent counts of what it holds. */
public final class TestData {
    public static final int DEMO_LSOAS = 298;
    public static final String[] DEMO_MONTHS = {"01", "02", "03", "04", "05", "06", "07"};

    private static boolean loaded;

    private TestData() {}

    /** The shared test database with the demo data loaded (once per run). */
    public static synchronized Database demoDatabase() {
        Database db = TestDatabase.shared();
        if (!loaded) {
            loadDemo(db);
            loaded = true;
        }
        return db;
    }

    /** Loads the demo dataset into {@code db}, quietly. */
    public static void loadDemo(Database db) {
        DemoData.load(db, new DemoData.Listener() {
            @Override
            public java.util.function.LongConsumer starting(SourceFile file, int index, int total) {
                return n -> {};
            }

            @Override
            public void finished(SourceFile file, String summary) {}
        });
    }

    /** A fresh database holding only the demo's Liverpool LSOAs (2011), for tests that load their own records. */
    public static Database liverpoolLsoas(String purpose) {
        Database db = TestDatabase.fresh(purpose);
        new AreaLoader(db.dataSource())
                .load(
                        SourceFile.resource("demo/liverpool_lsoa_2011_bgc.geojson.gz"),
                        AreaLevel.parse("lsoa"),
                        2011,
                        null,
                        null,
                        n -> {});
        return db;
    }

    /** Data lines (all lines but the header) of a bundled gzip CSV, counted without any CSV parser. */
    public static int dataLines(String resource) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(TestData.class.getClassLoader().getResourceAsStream(resource)),
                StandardCharsets.UTF_8))) {
            return (int) r.lines().count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Records the demo dataset stores: the police.uk lines and the synthetic partner rows the geocoder places,
     * as the loads' own bookkeeping (load_batch) counted them in the shared demo database.
     */
    public static long demoRecords() {
        return Sql.count(demoDatabase(), "SELECT sum(rows_loaded) FROM load_batch WHERE kind = 'incidents'");
    }

    /** All incident rows in the demo's police.uk files: street files and BTP files, every month. */
    public static int demoIncidentLines() {
        int total = 0;
        for (String m : DEMO_MONTHS) {
            total += dataLines("demo/2022-" + m + "-liverpool-street.csv.gz");
            total += dataLines("demo/2022-" + m + "-liverpool-btp-street.csv.gz");
        }
        return total;
    }
}
