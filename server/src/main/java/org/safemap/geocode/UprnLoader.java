package org.safemap.geocode;

import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.safemap.db.ReferenceUpsert;
import org.safemap.files.CsvTable;
import org.safemap.files.SourceFile;

/** Loads OS Open UPRN (UPRN, X_COORDINATE, Y_COORDINATE, LATITUDE, LONGITUDE): every address point in Great Britain. */
public final class UprnLoader {
    private static final String STAGE = "CREATE TEMP TABLE uprn_stage (uprn bigint, x float8, y float8) ON COMMIT DROP";
    private static final String COPY = "COPY uprn_stage FROM STDIN (FORMAT csv)";
    private static final String UPSERT = """
            INSERT INTO uprn (uprn, x, y, batch_id) SELECT DISTINCT ON (uprn) uprn, x, y, ?::bigint FROM uprn_stage
            ORDER BY uprn
            ON CONFLICT (uprn) DO UPDATE SET x = EXCLUDED.x, y = EXCLUDED.y, batch_id = EXCLUDED.batch_id
                WHERE (uprn.x, uprn.y) IS DISTINCT FROM (EXCLUDED.x, EXCLUDED.y)""";
    private static final Pattern UPRN = Pattern.compile("(?i)uprn");
    private static final Pattern X = Pattern.compile("(?i)x_coordinate");
    private static final Pattern Y = Pattern.compile("(?i)y_coordinate");

    /** @param rows address points read; @param stored added or changed */
    public record Result(int rows, int stored) {}

    private final DataSource dataSource;

    public UprnLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result load(SourceFile file, LongConsumer progress) {
        ReferenceUpsert.Result r = ReferenceUpsert.run(
                dataSource,
                file,
                "uprn",
                "uprn",
                STAGE,
                COPY,
                out -> {
                    int rows = 0;
                    try (CsvTable table = CsvTable.open(file, progress)) {
                        String uprn = table.column(UPRN, "UPRN");
                        String x = table.column(X, "easting (X_COORDINATE)");
                        String y = table.column(Y, "northing (Y_COORDINATE)");
                        for (CsvTable.Row row : table) {
                            String id = row.required(uprn);
                            if (!id.chars().allMatch(Character::isDigit) || id.length() > 12) {
                                throw row.problem(uprn, "'" + id + "' is not a UPRN (up to 12 digits)");
                            }
                            Double e = row.decimal(x);
                            Double n = row.decimal(y);
                            if (e == null || n == null) {
                                throw row.problem(e == null ? x : y, "empty, but a UPRN needs both coordinates");
                            }
                            out.value(id).value(e).value(n);
                            out.endRow();
                            rows++;
                        }
                    }
                    return rows;
                },
                UPSERT);
        return new Result(r.rows(), r.changed());
    }
}
