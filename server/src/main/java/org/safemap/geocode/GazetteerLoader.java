package org.safemap.geocode;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.safemap.db.CopyWriter;
import org.safemap.db.ReferenceUpsert;
import org.safemap.files.CsvTable;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;
import org.safemap.geo.Crs;

/**
 * Loads named places for free-text geocoding from CSV: {@code name, kind, locality} and either {@code x, y}
 * (British National Grid) or {@code longitude, latitude}, with an optional {@code precision_m}. Kinds: street,
 * venue, place. Rows are added to or update what is stored (kind, name and locality identify an entry).
 */
public final class GazetteerLoader {
    static final String STAGE = "CREATE TEMP TABLE gazetteer_stage (name text, name_key text, name_core text, "
            + "kind text, locality text, x float8, y float8, precision_m real) ON COMMIT DROP";
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

    private static final Set<String> KINDS = Set.of("street", "venue", "place");
    /** A named place (a park, an estate) without a stated precision: about the size of one. */
    private static final float PLACE_PRECISION_M = 500;

    private static final Pattern NAME = Pattern.compile("(?i)name");
    private static final Pattern KIND = Pattern.compile("(?i)kind");
    private static final Pattern LOCALITY = Pattern.compile("(?i)locality");
    private static final Pattern PRECISION = Pattern.compile("(?i)precision_m");
    private static final Pattern X = Pattern.compile("(?i)x");
    private static final Pattern Y = Pattern.compile("(?i)y");
    private static final Pattern LONGITUDE = Pattern.compile("(?i)longitude|lon");
    private static final Pattern LATITUDE = Pattern.compile("(?i)latitude|lat");

    /** @param rows places read; @param stored added or changed */
    public record Result(int rows, int stored) {}

    private final DataSource dataSource;

    public GazetteerLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result load(SourceFile file, LongConsumer progress) {
        Crs.Transform fromWgs84 = Crs.WGS84.to(Crs.BNG);
        double[] bng = new double[2];
        ReferenceUpsert.Result r = ReferenceUpsert.run(
                dataSource,
                file,
                "gazetteer",
                "gazetteer",
                STAGE,
                COPY,
                out -> {
                    int rows = 0;
                    try (CsvTable table = CsvTable.open(file, progress)) {
                        String name = table.column(NAME, "place name");
                        String kind = table.column(KIND, "kind (street, venue or place)");
                        Optional<String> locality = table.optionalColumn(LOCALITY);
                        Optional<String> precision = table.optionalColumn(PRECISION);
                        Optional<String> x = table.optionalColumn(X);
                        Optional<String> y = table.optionalColumn(Y);
                        Optional<String> lon = table.optionalColumn(LONGITUDE);
                        Optional<String> lat = table.optionalColumn(LATITUDE);
                        boolean grid = x.isPresent() && y.isPresent();
                        if (!grid && (lon.isEmpty() || lat.isEmpty())) {
                            throw new InputFormatException(
                                    file.name(),
                                    1,
                                    null,
                                    "no coordinates: give x, y (British National " + "Grid) or longitude, latitude");
                        }
                        for (CsvTable.Row row : table) {
                            String k = row.required(kind).toLowerCase(Locale.ROOT);
                            if (!KINDS.contains(k)) {
                                throw row.problem(kind, "'" + k + "' is not street, venue or place");
                            }
                            if (grid) {
                                bng[0] = required(row, x.get());
                                bng[1] = required(row, y.get());
                            } else {
                                fromWgs84.apply(required(row, lon.get()), required(row, lat.get()), bng);
                            }
                            Double p = precision.isPresent() ? row.decimal(precision.get()) : null;
                            if (p != null && p < 0) {
                                throw row.problem(precision.get(), "a precision cannot be negative");
                            }
                            String place = locality.map(row::text).orElse("");
                            write(
                                    out,
                                    row.required(name),
                                    k,
                                    place.isEmpty() ? null : place,
                                    bng[0],
                                    bng[1],
                                    p != null ? p.floatValue() : defaultPrecision(k));
                            rows++;
                        }
                    }
                    return rows;
                },
                UPSERT);
        return new Result(r.rows(), r.changed());
    }

    /** One staging row; the street gazetteer writes its entries through here too. */
    static void write(CopyWriter out, String name, String kind, String locality, double x, double y, float precisionM)
            throws IOException {
        String key = PlaceNames.key(name);
        out.value(name)
                .value(key)
                .value(PlaceNames.core(key))
                .value(kind)
                .value(locality)
                .value(x)
                .value(y)
                .value(Float.toString(precisionM));
        out.endRow();
    }

    private static float defaultPrecision(String kind) {
        return switch (kind) {
            case "venue" -> GeocodeMethod.VENUE.defaultPrecisionM();
            case "street" -> GeocodeMethod.STREET.defaultPrecisionM();
            default -> PLACE_PRECISION_M;
        };
    }

    private static double required(CsvTable.Row row, String column) {
        Double value = row.decimal(column);
        if (value == null) {
            throw row.problem(column, "empty, but every place needs its coordinates");
        }
        return value;
    }
}
