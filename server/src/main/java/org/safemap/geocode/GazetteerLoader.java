package org.safemap.geocode;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.safemap.SafemapException;
import org.safemap.db.CopyWriter;
import org.safemap.db.LoadBatches;
import org.safemap.geo.Crs;
import org.safemap.ingest.CsvRecords;
import org.safemap.ingest.InputFormatException;
import org.safemap.ingest.SourceFile;

/**
 * Loads named places for free-text geocoding from CSV: {@code name, kind, locality} and either {@code x, y}
 * (British National Grid) or {@code longitude, latitude}, with an optional {@code precision_m}. Kinds: street,
 * venue, place. Rows are added to or update what is stored (kind, name and locality identify an entry).
 */
public final class GazetteerLoader {
    static final String STAGE = "CREATE TEMP TABLE gazetteer_stage (name text, name_key text, name_core text, kind text, locality text, "
            + "x float8, y float8, precision_m real) ON COMMIT DROP";
    static final String COPY = "COPY gazetteer_stage FROM STDIN (FORMAT csv)";
    static final String UPSERT = """
            INSERT INTO gazetteer (name, name_key, name_core, kind, locality, x, y, precision_m, batch_id)
            SELECT DISTINCT ON (kind, name_key, coalesce(locality, '')) name, name_key, name_core, kind, locality, x, y,
                   precision_m, ?::bigint
            FROM gazetteer_stage ORDER BY kind, name_key, coalesce(locality, '')
            ON CONFLICT (kind, name_key, coalesce(locality, '')) DO UPDATE SET name = EXCLUDED.name,
                name_core = EXCLUDED.name_core, x = EXCLUDED.x,
                y = EXCLUDED.y, precision_m = EXCLUDED.precision_m, batch_id = EXCLUDED.batch_id
            WHERE (gazetteer.name, gazetteer.name_core, gazetteer.x, gazetteer.y, gazetteer.precision_m)
                IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.name_core, EXCLUDED.x, EXCLUDED.y, EXCLUDED.precision_m)""";

    /** @param rows places read; @param stored added or changed */
    public record Result(int rows, int stored) {
    }

    private final DataSource dataSource;

    public GazetteerLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result load(SourceFile file, LongConsumer progress) {
        Crs.Transform fromWgs84 = Crs.WGS84.to(Crs.BNG);
        double[] bng = new double[2];
        try (Connection c = dataSource.getConnection(); InputStream in = file.open(progress);
             CsvRecords records = new CsvRecords(in, ',')) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(STAGE);
            }
            int rows = 0;
            try (CopyWriter out = CopyWriter.open(c, COPY)) {
                CsvRecords.Record first = records.next();
                if (!(first instanceof CsvRecords.Good header)) {
                    throw new InputFormatException(file.name(), 1, null, "expected a header row");
                }
                Map<String, Integer> index = new HashMap<>();
                for (int i = 0; i < header.fields().size(); i++) {
                    index.put(header.fields().get(i).strip().toLowerCase(Locale.ROOT), i);
                }
                boolean bngColumns = index.containsKey("x") && index.containsKey("y");
                boolean lonLat = index.containsKey("longitude") && index.containsKey("latitude");
                for (String required : List.of("name", "kind")) {
                    if (!index.containsKey(required)) {
                        throw new InputFormatException(file.name(), 1, required, "missing column; a gazetteer needs name, "
                                + "kind, locality and x, y or longitude, latitude");
                    }
                }
                if (!bngColumns && !lonLat) {
                    throw new InputFormatException(file.name(), 1, null, "no coordinates: give x, y (British National "
                            + "Grid) or longitude, latitude");
                }
                for (CsvRecords.Record r = records.next(); r != null; r = records.next()) {
                    if (!(r instanceof CsvRecords.Good row)) {
                        throw new InputFormatException(file.name(), r.line(), null, ((CsvRecords.Bad) r).reason());
                    }
                    List<String> f = row.fields();
                    String name = get(f, index, "name");
                    String kind = get(f, index, "kind").toLowerCase(Locale.ROOT);
                    if (!List.of("street", "venue", "place").contains(kind)) {
                        throw new InputFormatException(file.name(), r.line(), "kind", "'" + kind
                                + "' is not street, venue or place");
                    }
                    try {
                        if (bngColumns) {
                            bng[0] = Double.parseDouble(get(f, index, "x"));
                            bng[1] = Double.parseDouble(get(f, index, "y"));
                        } else {
                            fromWgs84.apply(Double.parseDouble(get(f, index, "longitude")),
                                    Double.parseDouble(get(f, index, "latitude")), bng);
                        }
                    } catch (NumberFormatException e) {
                        throw new InputFormatException(file.name(), r.line(), bngColumns ? "x" : "longitude",
                                "not a number");
                    }
                    String precision = get(f, index, "precision_m");
                    float p = precision.isEmpty() ? (kind.equals("venue") ? GeocodeMethod.VENUE.defaultPrecisionM()
                            : kind.equals("street") ? GeocodeMethod.STREET.defaultPrecisionM() : 500) : Float.parseFloat(precision);
                    String locality = get(f, index, "locality");
                    out.value(name).value(PlaceNames.key(name)).value(PlaceNames.core(PlaceNames.key(name))).value(kind).value(locality.isEmpty() ? null : locality)
                            .value(bng[0]).value(bng[1]).value(Float.toString(p));
                    out.endRow();
                    rows++;
                }
            }
            long batch = LoadBatches.start(c, "gazetteer", "gazetteer", file.name(), file.sha256(), rows, rows);
            int stored;
            try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                ps.setLong(1, batch);
                stored = ps.executeUpdate();
            }
            if (stored > 0) {
                c.commit();
            } else {
                c.rollback(); // nothing changed: no batch either, so a repeat load leaves no trace
            }
            return new Result(rows, stored);
        } catch (SQLException e) {
            throw new SafemapException("load_failed", "loading the gazetteer from " + file.name() + " failed: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new SafemapException("load_failed", "cannot read " + file.name() + ": " + e.getMessage(), e);
        }
    }

    private static String get(List<String> fields, Map<String, Integer> index, String column) {
        Integer i = index.get(column);
        return i == null || i >= fields.size() ? "" : fields.get(i).strip();
    }
}
