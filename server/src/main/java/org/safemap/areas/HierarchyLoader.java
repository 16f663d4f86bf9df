package org.safemap.areas;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.safemap.db.ReferenceUpsert;
import org.safemap.files.CsvTable;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;

/**
 * Loads the LSOA -> MSOA -> local authority district hierarchy from an ONS best-fit lookup CSV (for example the
 * OA -> LSOA -> MSOA -> LAD file, one row per Output Area). Rows are reduced to one per LSOA; an LSOA given two
 * different parents is an error naming both lines.
 */
public final class HierarchyLoader {
    private static final Pattern LSOA_CD = Pattern.compile("(?i)LSOA(\\d{2})CD");
    private static final Pattern MSOA_CD = Pattern.compile("(?i)MSOA(\\d{2})CD");
    private static final Pattern LAD_CD = Pattern.compile("(?i)LAD(\\d{2})CD");

    private static final String CREATE_STAGE = """
            CREATE TEMP TABLE parent_stage (level text, vintage smallint, code text, parent_level text,
                parent_vintage smallint, parent_code text, parent_name text) ON COMMIT DROP""";
    private static final String COPY = "COPY parent_stage FROM STDIN (FORMAT csv)";
    private static final String UPSERT = """
            INSERT INTO area_parent (level, vintage, code, parent_level, parent_vintage, parent_code, parent_name, batch_id)
            SELECT level, vintage, code, parent_level, parent_vintage, parent_code, parent_name, ? FROM parent_stage
            ON CONFLICT (level, vintage, code, parent_level) DO UPDATE
                SET parent_vintage = EXCLUDED.parent_vintage, parent_code = EXCLUDED.parent_code,
                    parent_name = EXCLUDED.parent_name, batch_id = EXCLUDED.batch_id
                WHERE (area_parent.parent_vintage, area_parent.parent_code, area_parent.parent_name)
                      IS DISTINCT FROM (EXCLUDED.parent_vintage, EXCLUDED.parent_code, EXCLUDED.parent_name)""";

    /** Column names; null to detect ONS names (LSOA11CD, MSOA11CD, LAD17CD and their NM partners). */
    public record Columns(String lsoa, String msoa, String lad) {}

    /**
     * What the load did.
     *
     * @param lsoas        LSOAs with parents in the file
     * @param msoas        MSOAs with a district in the file
     * @param changed      parent links inserted or changed
     * @param lsoaVintage  vintage of the LSOA and MSOA codes
     * @param ladVintage   vintage of the district codes
     */
    public record Result(long batchId, int lsoas, int msoas, int changed, int lsoaVintage, int ladVintage) {}

    private record Parents(String msoa, String msoaName, String lad, String ladName, int line) {}

    private final DataSource dataSource;

    public HierarchyLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @param vintage     vintage of the LSOA/MSOA codes, or null to read it from the column name (LSOA11CD: 2011)
     * @param ladVintage  vintage of the district codes, or null to read it from the column name (LAD17CD: 2017)
     */
    public Result load(SourceFile file, Columns columns, Integer vintage, Integer ladVintage, LongConsumer progress) {
        Map<String, Parents> byLsoa = new LinkedHashMap<>();
        Map<String, Parents> byMsoa = new LinkedHashMap<>();
        int[] vintages = new int[2];
        try (CsvTable table = CsvTable.open(file, progress)) {
            String lsoa = table.column(columns.lsoa(), LSOA_CD, "--lsoa-field", "LSOA code");
            String msoa = table.column(columns.msoa(), MSOA_CD, "--msoa-field", "MSOA code");
            String lad = table.column(columns.lad(), LAD_CD, "--lad-field", "local authority district code");
            String msoaName = partner(table, msoa);
            String ladName = partner(table, lad);
            vintages[0] = vintage != null ? vintage : yearOf(file, lsoa, LSOA_CD, "--vintage");
            vintages[1] = ladVintage != null ? ladVintage : yearOf(file, lad, LAD_CD, "--lad-vintage");
            for (CsvTable.Row row : table) {
                Parents p = new Parents(
                        row.required(msoa),
                        msoaName == null ? null : row.text(msoaName),
                        row.required(lad),
                        ladName == null ? null : row.text(ladName),
                        row.line());
                Parents before = byLsoa.putIfAbsent(row.required(lsoa), p);
                if (before != null && !(before.msoa.equals(p.msoa) && before.lad.equals(p.lad))) {
                    throw row.problem(
                            lsoa,
                            "LSOA " + row.required(lsoa) + " has parents " + p.msoa + "/" + p.lad + " here but "
                                    + before.msoa + "/" + before.lad + " on line " + before.line);
                }
                Parents msoaBefore = byMsoa.putIfAbsent(p.msoa, p);
                if (msoaBefore != null && !msoaBefore.lad.equals(p.lad)) {
                    throw row.problem(
                            lad,
                            "MSOA " + p.msoa + " is in district " + p.lad + " here but " + msoaBefore.lad + " on line "
                                    + msoaBefore.line);
                }
            }
        } catch (IOException e) {
            throw new InputFormatException(file.name(), 0, null, "cannot read: " + e.getMessage());
        }
        if (byLsoa.isEmpty()) {
            throw new InputFormatException(file.name(), 1, null, "the file has a header but no rows");
        }
        int v = vintages[0];
        int ladV = vintages[1];
        ReferenceUpsert.Result r = ReferenceUpsert.run(
                dataSource,
                file,
                "hierarchy",
                "lsoa:" + v,
                CREATE_STAGE,
                COPY,
                out -> {
                    for (var e : byLsoa.entrySet()) {
                        Parents p = e.getValue();
                        out.value("lsoa")
                                .value(v)
                                .value(e.getKey())
                                .value("msoa")
                                .value(v)
                                .value(p.msoa)
                                .value(p.msoaName);
                        out.endRow();
                        out.value("lsoa")
                                .value(v)
                                .value(e.getKey())
                                .value("lad")
                                .value(ladV)
                                .value(p.lad)
                                .value(p.ladName);
                        out.endRow();
                    }
                    for (var e : byMsoa.entrySet()) {
                        Parents p = e.getValue();
                        out.value("msoa")
                                .value(v)
                                .value(e.getKey())
                                .value("lad")
                                .value(ladV)
                                .value(p.lad)
                                .value(p.ladName);
                        out.endRow();
                    }
                    return byLsoa.size() * 2 + byMsoa.size();
                },
                UPSERT);
        return new Result(r.batchId(), byLsoa.size(), byMsoa.size(), r.changed(), v, ladV);
    }

    /** The name column beside a code column (LSOA11CD -> LSOA11NM), if present. */
    private static String partner(CsvTable table, String codeColumn) {
        if (!codeColumn.toUpperCase().endsWith("CD")) {
            return null;
        }
        String name = codeColumn.substring(0, codeColumn.length() - 2) + "NM";
        return table.header().stream()
                .filter(h -> h.equalsIgnoreCase(name))
                .findFirst()
                .orElse(null);
    }

    /** 2011 from LSOA11CD; an error asking for the flag when the column name carries no year. */
    static int yearOf(SourceFile file, String column, Pattern pattern, String flag) {
        Matcher m = pattern.matcher(column);
        if (!m.matches()) {
            throw new InputFormatException(
                    file.name(), 1, column, "cannot tell the vintage from the column name; " + "give it with " + flag);
        }
        int yy = Integer.parseInt(m.group(1));
        return yy >= 90 ? 1900 + yy : 2000 + yy;
    }
}
