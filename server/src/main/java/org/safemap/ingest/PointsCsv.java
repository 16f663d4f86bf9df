package org.safemap.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.hotspot.WeightedPoints;

/**
 * Reads an analyst's own extract: a CSV of x, y and an optional weight in EPSG:27700 metres. A header is optional;
 * when present, columns named x/easting, y/northing and weight are used wherever they are, otherwise the first two
 * (three) columns. Any unreadable value stops the read with the file, line and field named, since a density surface
 * silently missing points would mislead.
 */
public final class PointsCsv {
    private static final List<String> X_NAMES = List.of("x", "easting", "east", "eastings", "x_coordinate");
    private static final List<String> Y_NAMES = List.of("y", "northing", "north", "northings", "y_coordinate");
    private static final List<String> WEIGHT_NAMES = List.of("weight", "w", "severity", "count");

    private PointsCsv() {}

    /** Reads every row; progress receives the number of characters read so far. */
    public static WeightedPoints read(Path file, LongConsumer progress) {
        try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 16);
                CSVParser csv = CSVFormat.DEFAULT
                        .builder()
                        .setIgnoreSurroundingSpaces(true)
                        .setTrim(true)
                        .get()
                        .parse(reader)) {
            int xColumn = 0;
            int yColumn = 1;
            int weightColumn = -1;
            double[] x = new double[1024];
            double[] y = new double[1024];
            double[] w = new double[1024];
            int n = 0;
            boolean first = true;
            for (CSVRecord record : csv) {
                long line = record.getRecordNumber();
                if (record.size() == 1 && record.get(0).isEmpty()) {
                    continue;
                }
                if (first) {
                    first = false;
                    if (!isNumber(record.get(0))) {
                        List<String> names = record.stream()
                                .map(s -> s.toLowerCase(Locale.ROOT).replace("\uFEFF", ""))
                                .toList();
                        xColumn = find(names, X_NAMES, 0);
                        yColumn = find(names, Y_NAMES, 1);
                        weightColumn = find(names, WEIGHT_NAMES, names.size() > 2 ? 2 : -1);
                        continue;
                    }
                    weightColumn = record.size() > 2 ? 2 : -1;
                }
                if (n == x.length) {
                    x = Arrays.copyOf(x, n * 2);
                    y = Arrays.copyOf(y, n * 2);
                    w = Arrays.copyOf(w, n * 2);
                }
                x[n] = value(file, line, record, xColumn, "x");
                y[n] = value(file, line, record, yColumn, "y");
                w[n] = weightColumn < 0 ? 1 : value(file, line, record, weightColumn, "weight");
                if (w[n] < 0) {
                    throw new SafemapException(
                            ErrorCode.BAD_POINTS,
                            file + " line " + line + ", field weight: " + w[n]
                                    + " is negative; weights must be 0 or more");
                }
                n++;
                if ((n & 0xFFFF) == 0) {
                    progress.accept(record.getCharacterPosition());
                }
            }
            return new WeightedPoints(Arrays.copyOf(x, n), Arrays.copyOf(y, n), Arrays.copyOf(w, n));
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.FILE_NOT_FOUND, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            throw new SafemapException(
                    ErrorCode.BAD_POINTS, file + ": " + e.getCause().getMessage(), e);
        }
    }

    private static int find(List<String> header, List<String> names, int fallback) {
        for (int i = 0; i < header.size(); i++) {
            if (names.contains(header.get(i))) {
                return i;
            }
        }
        return fallback;
    }

    private static double value(Path file, long line, CSVRecord record, int column, String field) {
        if (column >= record.size()) {
            throw new SafemapException(
                    ErrorCode.BAD_POINTS,
                    file + " line " + line + ", field " + field + ": missing (the row has " + record.size()
                            + " field(s))");
        }
        String text = record.get(column);
        try {
            double v = Double.parseDouble(text);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new SafemapException(
                    ErrorCode.BAD_POINTS,
                    file + " line " + line + ", field " + field + ": '" + text
                            + "' is not a number (expected EPSG:27700 metres"
                            + (field.equals("weight") ? " or a weight" : "")
                            + ")");
        }
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.replace("\uFEFF", ""));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
