package org.safemap.areas;

import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.safemap.db.ReferenceUpsert;
import org.safemap.files.CsvTable;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;

/**
 * Loads the ONS LSOA 2011 to 2021 lookup (LSOA11CD, LSOA21CD, CHGIND): U unchanged, S split, M merged,
 * X irregular. U, S and M allow exact re-aggregation between the vintages; X does not.
 */
public final class LsoaChangeLoader {
    private static final Pattern FROM = Pattern.compile("(?i)LSOA11CD");
    private static final Pattern TO = Pattern.compile("(?i)LSOA21CD");
    private static final Pattern CHANGE = Pattern.compile("(?i)CHGIND|CHNGIND|change.*");
    private static final Pattern LSOA_CODE = Pattern.compile("[EW]01\\d{6}");

    private static final String CREATE_STAGE =
            "CREATE TEMP TABLE change_stage (lsoa11_code text, lsoa21_code text, change char(1)) ON COMMIT DROP";
    private static final String COPY = "COPY change_stage FROM STDIN (FORMAT csv)";
    private static final String UPSERT = """
            INSERT INTO lsoa_change (lsoa11_code, lsoa21_code, change, batch_id)
            SELECT DISTINCT lsoa11_code, lsoa21_code, change, ?::bigint FROM change_stage
            ON CONFLICT (lsoa11_code, lsoa21_code) DO UPDATE SET change = EXCLUDED.change, batch_id = EXCLUDED.batch_id
                WHERE lsoa_change.change IS DISTINCT FROM EXCLUDED.change""";

    /** @param rows lookup rows read; @param changed rows inserted or changed */
    public record Result(long batchId, int rows, int changed) {}

    private final DataSource dataSource;

    public LsoaChangeLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result load(SourceFile file, String fromField, String toField, String changeField, LongConsumer progress) {
        ReferenceUpsert.Result r = ReferenceUpsert.run(
                dataSource,
                file,
                "lsoa-changes",
                "lsoa:2011-2021",
                CREATE_STAGE,
                COPY,
                out -> {
                    int n = 0;
                    try (CsvTable table = CsvTable.open(file, progress)) {
                        String from = table.column(fromField, FROM, "--from-field", "2011 LSOA code");
                        String to = table.column(toField, TO, "--to-field", "2021 LSOA code");
                        String change = table.column(changeField, CHANGE, "--change-field", "change indicator");
                        for (CsvTable.Row row : table) {
                            String a = code(row, from);
                            String b = code(row, to);
                            String c = row.required(change).toUpperCase();
                            if (!c.matches("[USMX]")) {
                                throw row.problem(change, "'" + c + "' is not a change indicator (U, S, M or X)");
                            }
                            out.value(a).value(b).value(c);
                            out.endRow();
                            n++;
                        }
                    }
                    if (n == 0) {
                        throw new InputFormatException(file.name(), 1, null, "the file has a header but no rows");
                    }
                    return n;
                },
                UPSERT);
        return new Result(r.batchId(), r.rows(), r.changed());
    }

    private static String code(CsvTable.Row row, String column) {
        String code = row.required(column);
        if (!LSOA_CODE.matcher(code).matches()) {
            throw row.problem(column, "'" + code + "' is not an LSOA code");
        }
        return code;
    }
}
