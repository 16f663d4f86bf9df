package org.safemap.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.hotspot.Surface;
import org.safemap.map.GeoTiff;
import org.safemap.runs.RunStore;
import org.safemap.time.Period;

/**
 * The density surfaces of stored hotspot runs that GeoServer may serve: kernel density runs (not prospective risk
 * scores) that read only feeds the public may see record by record (geoserver.public_feed, from the protocols in
 * force). A run that read any other feed keeps its surface inside SafeMap, whose map guards restricted densities.
 *
 * <p>Each is written as a float32 GeoTIFF in EPSG:27700 with its values in incidents per km² per month (the run's
 * density over its period divided by the period's months), so the density style from layers/ colours it on the
 * same fixed scale as SafeMap's own density layers.
 */
public final class RunSurfaces {
    private static final String OPEN_KDE_RUNS = """
            SELECT h.id, h.params #>> '{selection,period}', (h.params #>> '{selection,from}')::timestamptz,
                   (h.params #>> '{selection,to}')::timestamptz,
                   coalesce((SELECT string_agg(v, ', ') FROM jsonb_array_elements_text(
                       CASE WHEN jsonb_typeof(h.params #> '{selection,categories}') = 'array'
                            THEN h.params #> '{selection,categories}' ELSE '[]'::jsonb END) v), '')
            FROM hotspot_run h JOIN hotspot_surface s ON s.run_id = h.id
            WHERE h.kind = 'hotspots' AND h.status = 'done' AND h.params #>> '{surface,method}' = 'kde'
              AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(h.data_version -> 'batches', '[]'::jsonb)) b
                              WHERE NOT (b ->> 'feed' IN (SELECT feed FROM geoserver.public_feed)))
            ORDER BY h.id""";

    /** An average month, for periods that are not whole months. */
    private static final double MONTH_SECONDS = 365.2425 / 12 * 86_400;

    /**
     * One published surface.
     *
     * @param runId  the run
     * @param name   store, coverage and layer name: surface-run-ID
     * @param file   the GeoTIFF's file name in the surfaces folder
     * @param title  for GeoServer's layer list
     * @param months the divisor that made the values monthly
     */
    public record Published(long runId, String name, String file, String title, double months) {}

    private RunSurfaces() {}

    /** The runs whose surfaces may be published, oldest first, with their titles. Nothing is written. */
    public static List<Published> list(DataSource dataSource) {
        List<Published> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(OPEN_KDE_RUNS);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                Period period = new Period(
                        rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant(), rs.getString(2));
                String categories = rs.getString(5).isEmpty() ? "all categories" : rs.getString(5);
                out.add(new Published(
                        id,
                        "surface-run-" + id,
                        "safemap-run-" + id + ".tif",
                        "Density of hotspot run " + id + ": " + categories + ", " + period.label()
                                + " (incidents per km² per month)",
                        months(period)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list run surfaces: " + e.getMessage(), e);
        }
        return out;
    }

    /** Writes each surface into {@code folder} (replacing an older file of the same run), monthly values. */
    public static void write(DataSource dataSource, List<Published> surfaces, Path folder) {
        RunStore store = new RunStore(dataSource);
        try {
            Files.createDirectories(folder);
            for (Published p : surfaces) {
                Surface s = store.surface(p.runId()).orElseThrow();
                double[] monthly = s.densityPerKm2().clone();
                for (int k = 0; k < monthly.length; k++) {
                    monthly[k] /= p.months();
                }
                Path part = folder.resolve(p.file() + ".part");
                GeoTiff.write(new Surface(s.grid(), monthly), p.title().replace("²", "2"), part);
                Files.move(
                        part,
                        folder.resolve(p.file()),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "cannot write the surfaces into " + folder + " (--surfaces-dir): " + e, e);
        }
    }

    /** Whole months by count; anything else by its length in average months. */
    static double months(Period period) {
        if (period.wholeMonths()) {
            return period.months().size();
        }
        return Duration.between(period.from(), period.to()).toSeconds() / MONTH_SECONDS;
    }
}
