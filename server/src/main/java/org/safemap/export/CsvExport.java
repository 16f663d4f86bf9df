package org.safemap.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Rows as RFC 4180 CSV in UTF-8: one header line of column names, then one line per row, nothing else in the file
 * (provenance travels beside it), so Excel, QGIS, GDAL, R and pandas read it as it is. Geometry is left out: point
 * exports carry their coordinates as columns.
 */
final class CsvExport {
    private CsvExport() {}

    static long write(FeatureRows rows, OutputStream out) throws IOException, SQLException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        // not closed: the stream belongs to the caller
        CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT);
        for (FeatureRows.Column c : rows.columns()) {
            csv.print(c.name());
        }
        csv.println();
        int n = rows.columns().size();
        while (rows.next()) {
            for (int i = 0; i < n; i++) {
                Object v = rows.value(i);
                csv.print(v == null ? "" : v instanceof String s ? inert(s) : v);
            }
            csv.println();
        }
        csv.flush();
        return rows.read();
    }

    /**
     * Text a spreadsheet would run as a formula (=, +, -, @ first: "CSV injection") gets a leading apostrophe, which
     * spreadsheets show as text; a partner's free-text location must not become a formula on an analyst's machine.
     */
    static String inert(String s) {
        if (s.isEmpty()) {
            return s;
        }
        char c = s.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + s : s;
    }
}
