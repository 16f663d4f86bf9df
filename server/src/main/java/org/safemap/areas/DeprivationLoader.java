package org.safemap.areas;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.safemap.db.ReferenceUpsert;
import org.safemap.files.CsvTable;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;

/**
 * Loads the Index of Multiple Deprivation per LSOA from an MHCLG-style CSV: the overall rank and decile (1 = most
 * deprived), the score where given, and every domain the file has as "&lt;Domain&gt; Rank/Decile/Score" columns.
 */
public final class DeprivationLoader {
    private static final Pattern IMD_RANK =
            Pattern.compile("(?i)(Index of Multiple Deprivation \\(IMD\\)|IMD) Rank\\b.*");
    private static final Pattern IMD_DECILE =
            Pattern.compile("(?i)(Index of Multiple Deprivation \\(IMD\\)|IMD) Decile\\b.*");
    private static final Pattern IMD_SCORE =
            Pattern.compile("(?i)(Index of Multiple Deprivation \\(IMD\\)|IMD) Score\\b.*");
    /** "Income Rank (where 1 is most deprived)" -> domain "Income", measure "Rank". */
    private static final Pattern DOMAIN = Pattern.compile("(?i)(.+?) (Rank|Decile|Score)\\b.*");

    private static final Pattern EDITION = Pattern.compile("(?i).*(?:IMD|IoD)[ _-]?(\\d{4}).*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String CREATE_STAGE = """
            CREATE TEMP TABLE deprivation_stage (code text, imd_rank integer, imd_decile smallint, imd_score real,
                domains jsonb) ON COMMIT DROP""";
    private static final String COPY = "COPY deprivation_stage FROM STDIN (FORMAT csv)";
    private static final String UPSERT = """
            WITH args AS (SELECT ?::bigint AS batch_id, ?::smallint AS edition, ?::smallint AS vintage)
            INSERT INTO lsoa_deprivation (edition, vintage, code, imd_rank, imd_decile, imd_score, domains, batch_id)
            SELECT a.edition, a.vintage, s.code, s.imd_rank, s.imd_decile, s.imd_score, s.domains, a.batch_id
            FROM deprivation_stage s, args a
            ON CONFLICT (edition, code) DO UPDATE SET vintage = EXCLUDED.vintage, imd_rank = EXCLUDED.imd_rank,
                imd_decile = EXCLUDED.imd_decile, imd_score = EXCLUDED.imd_score, domains = EXCLUDED.domains,
                batch_id = EXCLUDED.batch_id
                WHERE (lsoa_deprivation.vintage, lsoa_deprivation.imd_rank, lsoa_deprivation.imd_decile,
                       lsoa_deprivation.imd_score, lsoa_deprivation.domains)
                      IS DISTINCT FROM (EXCLUDED.vintage, EXCLUDED.imd_rank, EXCLUDED.imd_decile, EXCLUDED.imd_score,
                                        EXCLUDED.domains)""";

    /** @param domains the domain names found besides the overall index */
    public record Result(long batchId, int rows, int changed, int edition, Set<String> domains) {}

    /** Column names; null to detect. */
    public record Columns(String code, String rank, String decile, String score) {}

    private record Measure(String domain, String kind) {}

    private final DataSource dataSource;

    public DeprivationLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @param edition the index's year (2019), or null to read it from the file name ("IMD2019", "IoD2019")
     * @param vintage the LSOA vintage the index is published on
     */
    public Result load(SourceFile file, Integer edition, int vintage, Columns columns, LongConsumer progress) {
        int year = edition != null ? edition : editionOf(file);
        AreaLevel lsoa = AreaLevel.parse("lsoa");
        Set<String> domainNames = new java.util.TreeSet<>();
        ReferenceUpsert.Result r = ReferenceUpsert.run(
                dataSource,
                file,
                "deprivation",
                "lsoa:" + vintage + ":imd" + year,
                CREATE_STAGE,
                COPY,
                out -> {
                    int n = 0;
                    Set<String> seen = new HashSet<>();
                    try (CsvTable table = CsvTable.open(file, progress)) {
                        String code =
                                table.column(columns.code(), AreaCodes.codeColumn(lsoa), "--code-field", "LSOA code");
                        String rank = table.column(columns.rank(), IMD_RANK, "--rank-field", "IMD rank");
                        String decile = table.column(columns.decile(), IMD_DECILE, "--decile-field", "IMD decile");
                        String score = columns.score() != null
                                ? table.column(columns.score(), IMD_SCORE, "--score-field", "IMD score")
                                : table.optionalColumn(IMD_SCORE).orElse(null);
                        Map<String, Measure> domains =
                                domains(table, Set.of(code, rank, decile, score == null ? "" : score));
                        domains.values().forEach(m -> domainNames.add(m.domain()));
                        for (CsvTable.Row row : table) {
                            String c = AreaCodes.check(row, code, lsoa);
                            if (!seen.add(c)) {
                                throw row.problem(code, c + " appears twice");
                            }
                            Integer imdRank = row.integer(rank);
                            Integer imdDecile = row.integer(decile);
                            if (imdRank == null || imdRank < 1) {
                                throw row.problem(rank, "a rank must be a whole number from 1");
                            }
                            if (imdDecile == null || imdDecile < 1 || imdDecile > 10) {
                                throw row.problem(decile, "a decile must be a whole number from 1 to 10");
                            }
                            ObjectNode json = JSON.createObjectNode();
                            for (var d : domains.entrySet()) {
                                Double v = row.decimal(d.getKey());
                                if (v != null) {
                                    ObjectNode domain =
                                            json.withObjectProperty(d.getValue().domain());
                                    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                                        domain.put(d.getValue().kind(), v.longValue());
                                    } else {
                                        domain.put(d.getValue().kind(), v);
                                    }
                                }
                            }
                            Double s = score == null ? null : row.decimal(score);
                            out.value(c)
                                    .value(imdRank)
                                    .value(imdDecile)
                                    .value(s == null ? null : s.toString())
                                    .value(json.toString());
                            out.endRow();
                            n++;
                        }
                    }
                    if (n == 0) {
                        throw new InputFormatException(file.name(), 1, null, "the file has a header but no rows");
                    }
                    return n;
                },
                UPSERT,
                year,
                vintage);
        return new Result(r.batchId(), r.rows(), r.changed(), year, domainNames);
    }

    /** Columns "<Domain> Rank|Decile|Score ..." other than the ones already used, by column name. */
    private static Map<String, Measure> domains(CsvTable table, Set<String> used) {
        Map<String, Measure> out = new LinkedHashMap<>();
        for (String h : table.header()) {
            if (used.contains(h)) {
                continue;
            }
            Matcher m = DOMAIN.matcher(h);
            if (m.matches()) {
                out.put(h, new Measure(m.group(1).strip(), m.group(2).toLowerCase()));
            }
        }
        return out;
    }

    private static int editionOf(SourceFile file) {
        Matcher m = EDITION.matcher(file.name());
        if (!m.matches()) {
            throw new InputFormatException(
                    file.name(),
                    0,
                    null,
                    "cannot tell the index's edition from the file name; give it with --edition (e.g. 2019)");
        }
        return Integer.parseInt(m.group(1));
    }
}
