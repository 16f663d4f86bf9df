package org.safemap.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The part every CSV adapter shares: the header is checked against the feed's declared fields (a column it does
 * not declare refuses the whole file, so nothing outside a data-sharing protocol is ever stored, not even in
 * quarantine), then every record becomes either an {@link IncidentRecord} or a {@link Rejection}.
 */
public final class CsvFeedReader {
    /** Turns one row into a record, throwing {@link RowProblem} for what is wrong with it. */
    @FunctionalInterface
    public interface RowReader {
        IncidentRecord read(Row row);
    }

    /** A data row, fields by column name. */
    public static final class Row {
        private final Map<String, Integer> index;
        private final List<String> fields;
        private final int line;
        private final String raw;

        Row(Map<String, Integer> index, List<String> fields, int line, String raw) {
            this.index = index;
            this.fields = fields;
            this.line = line;
            this.raw = raw;
        }

        public int line() {
            return line;
        }

        public String raw() {
            return raw;
        }

        /** The trimmed value, "" when the column is absent from this file or empty. */
        public String get(String column) {
            Integer i = index.get(column);
            return i == null ? "" : fields.get(i).strip();
        }

        /** A value that must be present. */
        public String required(String column) {
            String v = get(column);
            if (v.isEmpty()) {
                throw new RowProblem(column, "empty, but required");
            }
            return v;
        }

        public boolean has(String column) {
            return !get(column).isEmpty();
        }

        /** A decimal number, or null when empty. */
        public Double number(String column) {
            String v = get(column);
            if (v.isEmpty()) {
                return null;
            }
            try {
                double d = Double.parseDouble(v.replace(",", ""));
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new RowProblem(column, "'" + v + "' is not a number");
            }
        }
    }

    private CsvFeedReader() {
    }

    /**
     * Reads the file.
     *
     * @param declared every column the feed may send; any other refuses the file
     * @param required columns the header must have
     */
    public static void read(SourceFile file, Set<String> declared, Set<String> required, char delimiter,
                            RowSink sink, LongConsumer rawBytesRead, RowReader reader) throws IOException {
        try (InputStream in = file.open(rawBytesRead); CsvRecords records = new CsvRecords(in, delimiter)) {
            CsvRecords.Record first = records.next();
            if (first == null) {
                throw new InputFormatException(file.name(), 1, null, "the file is empty; expected a header row");
            }
            if (first instanceof CsvRecords.Bad bad) {
                throw new InputFormatException(file.name(), 1, null, "cannot read the header: " + bad.reason());
            }
            List<String> header = ((CsvRecords.Good) first).fields().stream().map(String::strip).toList();
            Map<String, Integer> index = checkHeader(file, header, declared, required, delimiter);
            records.expectFields(header.size());
            CsvRecords.Record r;
            while ((r = records.next()) != null) {
                if (r instanceof CsvRecords.Bad bad) {
                    sink.reject(new Rejection(bad.line(), null, bad.reason(), bad.raw()));
                    continue;
                }
                CsvRecords.Good good = (CsvRecords.Good) r;
                if (good.fields().size() != header.size()) {
                    sink.reject(new Rejection(good.line(), null, "expected " + header.size() + " fields as in the header, "
                            + "found " + good.fields().size(), good.raw()));
                    continue;
                }
                try {
                    sink.accept(reader.read(new Row(index, good.fields(), good.line(), good.raw())));
                } catch (RowProblem p) {
                    sink.reject(new Rejection(good.line(), p.field(), p.getMessage(), good.raw()));
                }
            }
        }
    }

    private static Map<String, Integer> checkHeader(SourceFile file, List<String> header, Set<String> declared,
                                                    Set<String> required, char delimiter) {
        if (header.size() == 1) {
            for (char other : new char[] {';', '\t', '|', ','}) {
                if (other != delimiter && header.get(0).indexOf(other) >= 0) {
                    throw new InputFormatException(file.name(), 1, null, "the header is one column; the file seems to "
                            + "be separated by " + (other == '\t' ? "tabs" : "'" + other + "'") + " rather than '"
                            + delimiter + "'");
                }
            }
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i);
            if (!declared.contains(column)) {
                throw new InputFormatException(file.name(), 1, column, "this column is not among the fields the feed "
                        + "declares, so the file is refused and nothing from it is kept; declared fields: "
                        + String.join(", ", declared));
            }
            if (index.put(column, i) != null) {
                throw new InputFormatException(file.name(), 1, column, "the column appears twice in the header");
            }
        }
        for (String column : required) {
            if (!index.containsKey(column)) {
                throw new InputFormatException(file.name(), 1, column, "missing column; the feed needs "
                        + String.join(", ", required));
            }
        }
        return index;
    }
}
