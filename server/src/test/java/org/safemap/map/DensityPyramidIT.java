package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.YearMonth;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.files.SourceFile;
import org.safemap.hotspot.Kernel;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.IncidentLoader;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;
import org.safemap.time.Period;

/**
 * Small-scale density maps from the month pyramids ({@link DensityPyramid}) on real PostGIS and real police.uk months
 * (Liverpool, March and April 2022), against the exact surface: every pixel of a map whose pixels are pyramid cells
 * is the exact surface's mean over that cell (integrated here independently, from {@link DensityField}'s exact
 * reads on a fine grid), ranges are the sums of their months, the records' mass is kept, larger scales stay exact, and
 * a batch loaded or purged moves the pyramid with it.
 */
class DensityPyramidIT {
    /** A box over Liverpool on whole 1 km cells (EPSG:27700). */
    private static final double X0 = 332_000;

    private static final double Y0 = 383_000;
    private static final double X1 = 344_000;
    private static final double Y1 = 397_000;
    /** Sub-samples per cell side of the reference means. */
    private static final int SUB = 16;

    @AutoClose
    private static Database db;

    private static WmsService wms;
    private static IncidentLoader loader;

    @BeforeAll
    static void load() {
        db = TestData.liverpoolLsoas("pyramid");
        loader = new IncidentLoader(db.dataSource());
        for (String month : List.of("2022-03", "2022-04")) {
            loader.load(
                    SourceFile.resource("demo/" + month + "-liverpool-street.csv.gz"),
                    FeedCatalog.builtIn().get("police-uk"),
                    null);
        }
        wms = org.safemap.testing.TestWms.builtIn(db.dataSource(), 0);
    }

    private static float[] values(String time, double cell) {
        return values(time, X0, Y0, X1, Y1, cell);
    }

    private static float[] values(String time, double x0, double y0, double x1, double y1, double cell) {
        Map<String, String> q = org.safemap.testing.TestWms.getMap(
                "density-all", x0, y0, x1, y1, Math.round((x1 - x0) / cell), Math.round((y1 - y0) / cell), time);
        return wms.drawnDensityValues(q, TestPrincipals.CSP_ANALYST);
    }

    /** The exact surface of one month's police.uk records, per km² per month. */
    private static DensityField exact(String month) {
        MapData.Weighted w = new MapData(db.dataSource())
                .densityPoints(new MapData.Filter(
                        Period.of(YearMonth.parse(month)), List.of(), List.of(), List.of("police-uk")));
        return new DensityField(w.x(), w.y(), w.w(), Kernel.QUARTIC, 250, 1e6);
    }

    /**
     * The exact surface's mean over each cell of the box, rows from the north as a map's: the midpoint rule on SUB²
     * exact reads per cell, a line of cells at a time.
     */
    private static double[] cellMeans(DensityField f, double cell) {
        int cols = (int) Math.round((X1 - X0) / cell);
        int rows = (int) Math.round((Y1 - Y0) / cell);
        double[] out = new double[cols * rows];
        double d = cell / SUB;
        double[] line = new double[cols * SUB];
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < SUB; b++) {
                double y = Y1 - r * cell - (b + 0.5) * d;
                for (int from = 0; from < line.length; from += 64) {
                    int n = Math.min(64, line.length - from);
                    f.readLine(X0 + (from + 0.5) * d, y, d, 0, n, line, from);
                }
                for (int k = 0; k < line.length; k++) {
                    out[r * cols + k / SUB] += line[k] / (SUB * SUB);
                }
            }
        }
        return out;
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** The largest difference, as a share of the reference's peak. */
    private static double worst(float[] got, double[] want) {
        assertThat(got).hasSize(want.length);
        double peak = max(want);
        assertThat(peak).isGreaterThan(10);
        double worst = 0;
        for (int k = 0; k < want.length; k++) {
            worst = Math.max(worst, Math.abs(got[k] - want[k]) / peak);
        }
        // The figure docs/wms.md states, for the record of each run.
        System.out.printf(
                Locale.ROOT, "pyramid against the exact cell means: largest difference %.1e of the peak%n", worst);
        return worst;
    }

    @Test
    void aPixelAsWideAsACellIsTheExactSurfacesMeanOverIt() {
        double[] want = cellMeans(exact("2022-03"), 125);
        // The reference's own midpoint error is about 10⁻⁴ of the peak; the pyramid's table 2·10⁻⁵.
        assertThat(worst(values("2022-03", 125), want)).isLessThan(1e-3);
        // Coarser levels sum the cells below: 500 m pixels read level 2.
        assertThat(worst(values("2022-03", 500), cellMeans(exact("2022-03"), 500)))
                .isLessThan(1e-3);
    }

    @Test
    void aRangeIsTheMeanOfItsMonths() {
        double[] march = cellMeans(exact("2022-03"), 250);
        double[] april = cellMeans(exact("2022-04"), 250);
        double[] want = new double[march.length];
        for (int k = 0; k < want.length; k++) {
            want[k] = (march[k] + april[k]) / 2;
        }
        assertThat(worst(values("2022-03/2022-04", 250), want)).isLessThan(1e-3);
    }

    @Test
    void everyRecordsMassIsKept() {
        // 1 km pixels over a box wider than the data by more than a bandwidth: the cells hold every record once.
        float[] v = values("2022-03", 300_000, 360_000, 370_000, 420_000, 1000);
        double incidents = 0;
        for (float x : v) {
            incidents += x * 1.0; // per km², 1 km² cells, one month
        }
        // March in UK time: April begins at 00:00 BST, 23:00 UTC on 31 March.
        double records = Sql.count(
                db,
                "SELECT count(*) FROM incident WHERE event_from >= '2022-03-01 00:00+00'"
                        + " AND event_from < '2022-04-01 00:00+01'");
        assertThat(records).isGreaterThan(5000);
        assertThat(Math.abs(incidents - records) / records).isLessThan(1e-4);
    }

    @Test
    void pixelsNarrowerThanACellAreDrawnExactly() {
        DensityField f = exact("2022-03");
        float[] v = values("2022-03", 100);
        int cols = (int) Math.round((X1 - X0) / 100);
        double peak = 0;
        double worst = 0;
        for (int k = 0; k < v.length; k++) {
            double want = f.at(X0 + (k % cols + 0.5) * 100, Y1 - (k / cols + 0.5) * 100);
            peak = Math.max(peak, want);
            worst = Math.max(worst, Math.abs(v[k] - want));
        }
        assertThat(worst / peak).isLessThan(1e-6);
    }

    @Test
    void aBatchLoadedOrPurgedMovesThePyramid() {
        float[] before = values("2022-03", 250);
        // 40 burglaries at one place in March (a new batch), then purged as the retention purge purges: its records
        // deleted and the batch marked.
        StringBuilder csv = new StringBuilder(SourceFiles.POLICE_UK_HEADER);
        for (int k = 0; k < 40; k++) {
            csv.append("pyramid-")
                    .append(k)
                    .append(",2022-03,Merseyside Police,Merseyside Police,-2.9500,53.4000,On or near Test Street,"
                            + "E01006513,Liverpool 060A,Burglary,,\n");
        }
        long batch = loader.load(
                        SourceFiles.text("pyramid-test.csv", csv.toString()),
                        FeedCatalog.builtIn().get("police-uk"),
                        null)
                .batchId();
        wms.invalidate();
        float[] loaded = values("2022-03", 250);
        assertThat(worst(loaded, cellMeans(exact("2022-03"), 250))).isLessThan(1e-3);
        double added = 0;
        for (int k = 0; k < loaded.length; k++) {
            added += (loaded[k] - before[k]) * 0.0625; // 250 m cells are 1/16 km²
        }
        assertThat(added).isCloseTo(40, within(0.01));

        Sql.execute(db, "DELETE FROM incident WHERE batch_id = " + batch);
        Sql.execute(db, "UPDATE load_batch SET rows_purged = rows_loaded, purged_at = now() WHERE id = " + batch);
        wms.invalidate();
        float[] purged = values("2022-03", 250);
        double peak = 0;
        for (float x : before) {
            peak = Math.max(peak, x);
        }
        for (int k = 0; k < before.length; k++) {
            assertThat(Math.abs(purged[k] - before[k])).isLessThan((float) (1e-6 * peak));
        }
    }
}
