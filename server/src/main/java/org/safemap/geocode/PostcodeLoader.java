package org.safemap.geocode;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.safemap.db.CopyWriter;
import org.safemap.db.ReferenceUpsert;
import org.safemap.files.CsvRecords;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;

/**
 * Loads postcode centroids from OS Code-Point Open (no header row; Postcode, Positional_quality_indicator,
 * Eastings, Northings, ...) or the ONS Postcode Directory (header row with pcds, oseast1m, osnrth1m, osgrdind).
 * Rows are added to what is stored, so area files (L, CH, WA ...) can be loaded one by one. Postcodes without
 * coordinates (quality 90) are counted and left out: they cannot locate anything.
 */
public final class PostcodeLoader {
    private static final String STAGE =
            "CREATE TEMP TABLE postcode_stage (postcode text, display text, x float8, y float8, quality smallint) "
                    + "ON COMMIT DROP";
    private static final String COPY = "COPY postcode_stage FROM STDIN (FORMAT csv)";
    private static final String UPSERT = """
            INSERT INTO postcode (postcode, display, x, y, quality, district, batch_id)
            SELECT DISTINCT ON (postcode) postcode, display, x, y, quality,
                   left(postcode, length(postcode) - 3), ?::bigint FROM postcode_stage ORDER BY postcode
            ON CONFLICT (postcode) DO UPDATE SET display = EXCLUDED.display, x = EXCLUDED.x, y = EXCLUDED.y,
                quality = EXCLUDED.quality, batch_id = EXCLUDED.batch_id
                WHERE (postcode.x, postcode.y, postcode.quality) IS DISTINCT FROM (EXCLUDED.x, EXCLUDED.y, EXCLUDED.quality)""";

    /**
     * @param rows          postcode rows read
     * @param stored        postcodes added or changed
     * @param noCoordinates rows left out for having no coordinates
     * @param format        codepoint or onspd
     */
    public record Result(int rows, int stored, int noCoordinates, String format) {}

    private final DataSource dataSource;

    public PostcodeLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result load(SourceFile file, LongConsumer progress) {
        int[] missing = {0};
        String[] format = {null};
        ReferenceUpsert.Result r = ReferenceUpsert.run(
                dataSource,
                file,
                "postcodes",
                "postcodes",
                STAGE,
                COPY,
                out -> {
                    int rows = 0;
                    try (InputStream in = file.open(progress);
                            CsvRecords records = new CsvRecords(in, ',')) {
                        CsvRecords.Record first = records.next();
                        if (first == null) {
                            throw new InputFormatException(file.name(), 1, null, "the file is empty");
                        }
                        Columns columns = columns(file, first);
                        format[0] = columns.format;
                        for (CsvRecords.Record rec = columns.headerRow ? records.next() : first;
                                rec != null;
                                rec = records.next()) {
                            if (rec instanceof CsvRecords.Bad bad) {
                                throw new InputFormatException(file.name(), bad.line(), null, bad.reason());
                            }
                            if (stage(out, file, columns, (CsvRecords.Good) rec)) {
                                rows++;
                            } else {
                                missing[0]++;
                            }
                        }
                    }
                    return rows;
                },
                UPSERT);
        return new Result(r.rows() + missing[0], r.changed(), missing[0], format[0]);
    }

    /** Writes one postcode row; false when it has no coordinates (Code-Point quality 90) and so is left out. */
    private static boolean stage(CopyWriter out, SourceFile file, Columns columns, CsvRecords.Good row)
            throws IOException {
        List<String> f = row.fields();
        if (f.size() <= Math.max(columns.postcode, Math.max(columns.x, columns.y))) {
            throw new InputFormatException(file.name(), row.line(), null, "too few fields");
        }
        String key = Postcodes.key(f.get(columns.postcode));
        if (key == null) {
            throw new InputFormatException(
                    file.name(), row.line(), "postcode", "'" + f.get(columns.postcode) + "' is not a postcode");
        }
        int quality = columns.quality < 0 ? 10 : quality(f.get(columns.quality).strip(), columns.format);
        String xs = f.get(columns.x).strip();
        String ys = f.get(columns.y).strip();
        if (quality >= 90 || xs.isEmpty() || ys.isEmpty() || xs.equals("0") && ys.equals("0")) {
            return false;
        }
        try {
            out.value(key)
                    .value(Postcodes.display(key))
                    .value(Double.parseDouble(xs))
                    .value(Double.parseDouble(ys))
                    .value(quality);
        } catch (NumberFormatException e) {
            throw new InputFormatException(
                    file.name(), row.line(), "easting", "'" + xs + "', '" + ys + "' are not coordinates");
        }
        out.endRow();
        return true;
    }

    private record Columns(String format, boolean headerRow, int postcode, int quality, int x, int y) {}

    /** Code-Point Open has no header: its first field is already a postcode. ONSPD names its columns. */
    private static Columns columns(SourceFile file, CsvRecords.Record first) {
        if (!(first instanceof CsvRecords.Good good)) {
            throw new InputFormatException(file.name(), 1, null, "cannot read the first row");
        }
        List<String> f = good.fields().stream()
                .map(s -> s.strip().toLowerCase(Locale.ROOT))
                .toList();
        if (Postcodes.key(good.fields().get(0)) != null) {
            return new Columns("codepoint", false, 0, 1, 2, 3);
        }
        int pc = f.indexOf("pcds") >= 0 ? f.indexOf("pcds") : f.indexOf("pcd");
        int x = f.indexOf("oseast1m");
        int y = f.indexOf("osnrth1m");
        if (pc < 0 || x < 0 || y < 0) {
            throw new InputFormatException(
                    file.name(),
                    1,
                    null,
                    "neither Code-Point Open (no header, postcode first) "
                            + "nor the ONS Postcode Directory (pcds, oseast1m, osnrth1m columns)");
        }
        return new Columns("onspd", true, pc, f.indexOf("osgrdind"), x, y);
    }

    /** Code-Point's positional quality as is; ONSPD's grid reference indicator 1..9 on the same scale. */
    private static int quality(String value, String format) {
        try {
            int q = Integer.parseInt(value);
            return format.equals("onspd") ? q * 10 : q;
        } catch (NumberFormatException e) {
            return 60;
        }
    }
}
