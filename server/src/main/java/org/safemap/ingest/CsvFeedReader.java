package org.safemap.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.safemap.files.CsvRecords;
import org.safemap.files.InputFormatException;
import org.safemap.files.PgText;
import org.safemap.files.SourceFile;

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

    private CsvFeedReader() {}

    /**
     * Reads the file.
     *
     * @param declared every column the feed may send; any other refuses the file
     * @param required columns the header must have
     */
    public static void read(
            SourceFile file,
            FeedDefinition feed,
            Set<String> declared,
            Set<String> required,
            char delimiter,
            RowSink sink,
            LongConsumer rawBytesRead,
            RowReader reader)
            throws IOException {
        FeedTerms terms = feed.terms();
        try (InputStream in = file.open(rawBytesRead);
                CsvRecords records = new CsvRecords(in, delimiter)) {
            CsvRecords.Record first = records.next();
            if (first == null) {
                throw new InputFormatException(file.name(), 1, null, "the file is empty; expected a header row");
            }
            if (first instanceof CsvRecords.Bad bad) {
                throw new InputFormatException(file.name(), 1, null, "cannot read the header: " + bad.reason());
            }
            List<String> header = ((CsvRecords.Good) first)
                    .fields().stream().map(String::strip).toList();
            Map<String, Integer> index = checkHeader(file, header, declared, required, delimiter, terms);
            int[] linkage = linkageColumns(header, terms);
            records.expectFields(header.size());
            CsvRecords.Record r;
            while ((r = records.next()) != null) {
                if (r.line() <= 0) {
                    // The line count ran past the largest int: more rows than a batch (and its line numbers) can hold.
                    throw new InputFormatException(
                            file.name(),
                            0,
                            null,
                            "the file has more than " + Integer.MAX_VALUE + " lines; split it into smaller files");
                }
                if (r instanceof CsvRecords.Bad bad) {
                    if (linkage.length > 0) {
                        terms.keepOriginal(bad.line(), bad.raw());
                    }
                    sink.reject(new Rejection(
                            bad.line(), null, bad.reason(), linkage.length == 0 ? bad.raw() : unparsedWithheld(terms)));
                    continue;
                }
                CsvRecords.Good good = (CsvRecords.Good) r;
                List<String> fields = good.fields();
                String raw = good.raw();
                if (linkage.length > 0) {
                    terms.keepOriginal(good.line(), raw);
                    fields = pseudonymise(fields, linkage, terms);
                    raw = csvLine(fields, delimiter);
                }
                if (fields.size() != header.size()) {
                    sink.reject(new Rejection(
                            good.line(),
                            null,
                            "expected " + header.size() + " fields as in the header, " + "found " + fields.size(),
                            raw));
                    continue;
                }
                int unstorable = unstorableField(fields);
                if (unstorable >= 0) {
                    sink.reject(new Rejection(
                            good.line(),
                            header.get(unstorable),
                            "the field " + PgText.problem(fields.get(unstorable)),
                            raw));
                    continue;
                }
                try {
                    sink.accept(reader.read(new Row(index, fields, good.line(), raw)));
                } catch (RowProblem p) {
                    sink.reject(new Rejection(good.line(), p.field(), p.getMessage(), raw));
                }
            }
        }
    }

    /** The first field holding what no text column can (a NUL character), or -1. */
    private static int unstorableField(List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (!PgText.storable(fields.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * What quarantine shows of a line that could not even be split into fields, for a feed with linkage columns:
     * the identifier cannot be found in it to hash, so the line is not kept readable (the protocol outranks "nothing
     * is lost"). When the load seals rows for the custodian, the line as sent is kept sealed and only the feed's
     * custodians see it; otherwise the partner re-sends it from their own copy.
     */
    static String unparsedWithheld(FeedTerms terms) {
        return terms.keepsOriginals()
                ? "(line shown only to the feed's custodians: it could not be read as CSV, and the protocol "
                        + terms.protocol() + " allows its linkage identifiers to be stored only as keyed hashes)"
                : "(line not kept: it could not be read as CSV, and the protocol " + terms.protocol()
                        + " allows its linkage identifiers to be stored only as keyed hashes)";
    }

    private static int[] linkageColumns(List<String> header, FeedTerms terms) {
        if (terms == null || terms.linkageKeys().isEmpty()) {
            return new int[0];
        }
        return java.util.stream.IntStream.range(0, header.size())
                .filter(i -> terms.isLinkage(header.get(i)))
                .toArray();
    }

    private static List<String> pseudonymise(List<String> fields, int[] linkage, FeedTerms terms) {
        List<String> out = new java.util.ArrayList<>(fields);
        for (int i : linkage) {
            if (i < out.size()) {
                out.set(i, terms.pseudonymiser().pseudonym(out.get(i)));
            }
        }
        return out;
    }

    /** The row written back as CSV, quoting only where needed: what quarantine keeps once identifiers are hashed. */
    static String csvLine(List<String> fields, char delimiter) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                b.append(delimiter);
            }
            String f = fields.get(i);
            if (f.indexOf(delimiter) >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                b.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                b.append(f);
            }
        }
        return b.toString();
    }

    private static Map<String, Integer> checkHeader(
            SourceFile file,
            List<String> header,
            Set<String> declared,
            Set<String> required,
            char delimiter,
            FeedTerms terms) {
        if (header.size() == 1) {
            for (char other : new char[] {';', '\t', '|', ','}) {
                if (other != delimiter && header.get(0).indexOf(other) >= 0) {
                    throw new InputFormatException(
                            file.name(),
                            1,
                            null,
                            "the header is one column; the file seems to "
                                    + "be separated by " + (other == '\t' ? "tabs" : "'" + other + "'")
                                    + " rather than '"
                                    + delimiter + "'");
                }
            }
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i);
            if (!declared.contains(column)) {
                throw new InputFormatException(
                        file.name(),
                        1,
                        column,
                        "this column is not among the fields the feed "
                                + "declares, so the file is refused and nothing from it is kept; declared fields: "
                                + String.join(", ", declared));
            }
            if (terms != null && !terms.permits(column)) {
                throw new InputFormatException(
                        file.name(),
                        1,
                        column,
                        "this column is not among the fields the "
                                + "data-sharing protocol " + terms.protocol()
                                + " lists, so the file is refused and nothing "
                                + "from it is kept; ask the partner to leave it out, or agree a new protocol version");
            }
            if (index.put(column, i) != null) {
                throw new InputFormatException(file.name(), 1, column, "the column appears twice in the header");
            }
        }
        for (String column : required) {
            if (!index.containsKey(column)) {
                throw new InputFormatException(
                        file.name(), 1, column, "missing column; the feed needs " + String.join(", ", required));
            }
        }
        return index;
    }
}
