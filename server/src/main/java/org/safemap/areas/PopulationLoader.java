package org.safemap.areas;

import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.safemap.db.ReferenceUpsert;
import org.safemap.files.CsvTable;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;

/**
 * Loads resident population per area for one year (ONS mid-year estimates, or the IoD 2019 population
 * denominators file) from CSV. Rates are only ever computed where such a denominator exists.
 */
public final class PopulationLoader {
    private static final Pattern TOTAL = Pattern.compile("(?i)(total population.*|all ages|population|total)");
    private static final Pattern MID_YEAR = Pattern.compile("(?i).*\\bmid[- ]?(\\d{4}).*");

    private static final String CREATE_STAGE =
            "CREATE TEMP TABLE population_stage (code text, population integer) ON COMMIT DROP";
    private static final String COPY = "COPY population_stage FROM STDIN (FORMAT csv)";
    private static final String UPSERT = """
            WITH args AS (SELECT ?::bigint AS batch_id, ?::text AS level, ?::smallint AS vintage, ?::smallint AS year)
            INSERT INTO area_population (level, vintage, code, year, population, batch_id)
            SELECT a.level, a.vintage, s.code, a.year, s.population, a.batch_id FROM population_stage s, args a
            ON CONFLICT (level, vintage, code, year) DO UPDATE SET population = EXCLUDED.population,
                batch_id = EXCLUDED.batch_id
                WHERE area_population.population IS DISTINCT FROM EXCLUDED.population""";

    /** @param rows areas in the file; @param changed rows inserted or changed; @param year the estimate's year */
    public record Result(
            long batchId, int rows, int changed, int year, long total, String codeField, String populationField) {}

    private final DataSource dataSource;

    public PopulationLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @param year            the estimate's year, or null to read it from the column name ("mid 2015")
     * @param codeField       column of area codes, or null to detect ("LSOA code (2011)", LSOA11CD ...)
     * @param populationField column of totals, or null to detect ("Total population ...", "All Ages")
     */
    public Result load(
            SourceFile file,
            AreaLevel level,
            int vintage,
            Integer year,
            String codeField,
            String populationField,
            LongConsumer progress) {
        String[] chosen = new String[2];
        int[] resolvedYear = new int[1];
        long[] total = new long[1];
        // Column detection needs the header before the SQL (which names the year) can be written.
        try (CsvTable table = CsvTable.open(file, n -> {})) {
            chosen[0] = table.column(codeField, AreaCodes.codeColumn(level), "--code-field", level + " code");
            chosen[1] = table.column(populationField, TOTAL, "--population-field", "population total");
            if (year != null) {
                resolvedYear[0] = year;
            } else {
                Matcher m = MID_YEAR.matcher(chosen[1]);
                if (!m.matches()) {
                    throw new InputFormatException(
                            file.name(),
                            1,
                            chosen[1],
                            "cannot tell the estimate's year from the column name; give it with --year");
                }
                resolvedYear[0] = Integer.parseInt(m.group(1));
            }
        } catch (java.io.IOException e) {
            throw new InputFormatException(file.name(), 0, null, "cannot read: " + e.getMessage());
        }
        ReferenceUpsert.Result r = ReferenceUpsert.run(
                dataSource,
                file,
                "population",
                level + ":" + vintage + ":" + resolvedYear[0],
                CREATE_STAGE,
                COPY,
                out -> {
                    int n = 0;
                    java.util.Set<String> seen = new java.util.HashSet<>();
                    try (CsvTable table = CsvTable.open(file, progress)) {
                        for (CsvTable.Row row : table) {
                            String code = AreaCodes.check(row, chosen[0], level);
                            Integer population = row.integer(chosen[1]);
                            if (population == null || population < 0) {
                                throw row.problem(chosen[1], "a population must be a whole number of 0 or more");
                            }
                            if (!seen.add(code)) {
                                throw row.problem(chosen[0], code + " appears twice");
                            }
                            out.value(code).value(population);
                            out.endRow();
                            total[0] += population;
                            n++;
                        }
                    }
                    if (n == 0) {
                        throw new InputFormatException(file.name(), 1, null, "the file has a header but no rows");
                    }
                    return n;
                },
                UPSERT,
                level.name(),
                vintage,
                resolvedYear[0]);
        return new Result(r.batchId(), r.rows(), r.changed(), resolvedYear[0], total[0], chosen[0], chosen[1]);
    }
}
