package org.safemap.files;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file with a header row, read row by row, for reference tables (lookups, population, deprivation).
 * Columns are found by exact name, by name ignoring case and spacing, or by a pattern; numbers may carry
 * thousands separators ("1,296") as ONS and MHCLG files do. Every problem names the file, line and column.
 */
public final class CsvTable implements AutoCloseable, Iterable<CsvTable.Row> {
    private final SourceFile file;
    private final Reader reader;
    private final CSVParser parser;
    private final List<String> header;

    private CsvTable(SourceFile file, Reader reader, CSVParser parser) {
        this.file = file;
        this.reader = reader;
        this.parser = parser;
        this.header = parser.getHeaderNames();
    }

    public static CsvTable open(SourceFile file, LongConsumer rawBytesRead) throws IOException {
        Reader reader = file.openReader(rawBytesRead);
        try {
            CSVParser parser = CSVParser.parse(
                    reader,
                    CSVFormat.RFC4180
                            .builder()
                            .setHeader()
                            .setSkipHeaderRecord(true)
                            .setIgnoreSurroundingSpaces(true)
                            .setAllowMissingColumnNames(true)
                            .get());
            if (parser.getHeaderNames().isEmpty()) {
                throw new InputFormatException(file.name(), 1, null, "the file is empty; expected a header row");
            }
            return new CsvTable(file, reader, parser);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            reader.close();
            throw new InputFormatException(file.name(), 1, null, "cannot read the header: " + CsvErrors.describe(e));
        }
    }

    public SourceFile file() {
        return file;
    }

    public List<String> header() {
        return header;
    }

    /**
     * The column named {@code wanted} (the user's flag) if given, else the first header matching
     * {@code pattern}; an error names the flag and lists the header when neither finds one.
     */
    public String column(String wanted, Pattern pattern, String flag, String what) {
        if (wanted != null) {
            return find(wanted)
                    .orElseThrow(() -> new InputFormatException(
                            file.name(),
                            1,
                            wanted,
                            "no such column (" + flag + "); the header has: " + String.join(", ", header)));
        }
        return optionalColumn(pattern)
                .orElseThrow(() -> new InputFormatException(
                        file.name(),
                        1,
                        null,
                        "cannot tell which column holds the " + what + "; name it with " + flag + " (the header has: "
                                + String.join(", ", header) + ")"));
    }

    /** The first header matching the pattern; an error naming what is missing and listing the header otherwise. */
    public String column(Pattern pattern, String what) {
        return optionalColumn(pattern)
                .orElseThrow(() -> new InputFormatException(
                        file.name(),
                        1,
                        null,
                        "no column for the " + what + "; the header has: " + String.join(", ", header)));
    }

    /** The first header matching the pattern, if any. */
    public Optional<String> optionalColumn(Pattern pattern) {
        return header.stream().filter(h -> pattern.matcher(h).matches()).findFirst();
    }

    private Optional<String> find(String wanted) {
        if (header.contains(wanted)) {
            return Optional.of(wanted);
        }
        String key = normalise(wanted);
        return header.stream().filter(h -> normalise(h).equals(key)).findFirst();
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[\\s_]+", " ").strip();
    }

    @Override
    public Iterator<Row> iterator() {
        Iterator<CSVRecord> records = parser.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return records.hasNext();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw new InputFormatException(
                            file.name(), CsvErrors.lineOf(e), null, "not valid CSV: " + CsvErrors.describe(e));
                }
            }

            @Override
            public Row next() {
                CSVRecord r = records.next();
                return new Row((int) r.getRecordNumber() + 1, r);
            }
        };
    }

    @Override
    public void close() throws IOException {
        parser.close();
        reader.close();
    }

    /** One data row; {@code line} counts the header as line 1. */
    public final class Row {
        private final int line;
        private final CSVRecord record;

        Row(int line, CSVRecord record) {
            this.line = line;
            this.record = record;
        }

        public int line() {
            return line;
        }

        /** The trimmed text of a column; an error if the row is too short to have it. */
        public String text(String column) {
            if (!record.isSet(column)) {
                throw problem(column, "the row has only " + record.size() + " fields");
            }
            return record.get(column).strip();
        }

        /** Non-empty text, or an error naming the column. */
        public String required(String column) {
            String value = text(column);
            if (value.isEmpty()) {
                throw problem(column, "empty");
            }
            return value;
        }

        /** A whole number, thousands separators allowed; empty gives null. */
        public Integer integer(String column) {
            String value = text(column).replace(",", "").replace(" ", "");
            if (value.isEmpty()) {
                return null;
            }
            try {
                return Integer.valueOf(value);
            } catch (NumberFormatException e) {
                throw problem(column, "'" + text(column) + "' is not a whole number");
            }
        }

        /** A decimal number, thousands separators allowed; empty gives null. */
        public Double decimal(String column) {
            String value = text(column).replace(",", "").replace(" ", "");
            if (value.isEmpty()) {
                return null;
            }
            try {
                return Double.valueOf(value);
            } catch (NumberFormatException e) {
                throw problem(column, "'" + text(column) + "' is not a number");
            }
        }

        public InputFormatException problem(String column, String message) {
            return new InputFormatException(file.name(), line, column, message);
        }
    }
}
