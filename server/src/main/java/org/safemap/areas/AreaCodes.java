package org.safemap.areas;

import java.util.regex.Pattern;
import org.safemap.files.CsvTable;

/** What area codes and code columns look like at each level. */
final class AreaCodes {
    private AreaCodes() {}

    /** A header naming a level's codes: LSOA11CD, "LSOA code (2011)", MSOA21CD ... */
    static Pattern codeColumn(AreaLevel level) {
        String prefix = level.onsPrefix();
        if (prefix == null) {
            return Pattern.compile("(?i)code");
        }
        return Pattern.compile("(?i)" + prefix + "\\d{0,2}\\s*(CD|code\\b.*)");
    }

    /** ONS code shapes per level (E/W England and Wales; S, N for Scotland and Northern Ireland wards). */
    static Pattern codePattern(AreaLevel level) {
        return switch (level.name()) {
            case "lsoa" -> Pattern.compile("[EW]01\\d{6}");
            case "msoa" -> Pattern.compile("[EW]02\\d{6}");
            case "ward" -> Pattern.compile("[EWSN]\\d{8}");
            case "lad" -> Pattern.compile("[EWSN]\\d{8}");
            default -> Pattern.compile("\\S.{0,63}");
        };
    }

    /** The row's code in that column, checked against the level's code shape. */
    static String check(CsvTable.Row row, String column, AreaLevel level) {
        String code = row.required(column);
        if (!codePattern(level).matcher(code).matches()) {
            throw row.problem(
                    column,
                    "'" + code + "' is not "
                            + (level.onsPrefix() == null
                                    ? "a valid code"
                                    : "an " + level.name().toUpperCase() + " code"));
        }
        return code;
    }
}
