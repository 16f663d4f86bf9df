package org.safemap.api;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.safemap.runs.HotspotRequests;
import org.safemap.time.Period;

/** Reads and validates query parameters, answering 400 with the parameter's name when one is wrong. */
final class QueryParams {

    private QueryParams() {}

    /**
     * A bounding box {@code minLon,minLat,maxLon,maxLat} in EPSG:4326 (OGC API order), if given.
     *
     * @return {minLon, minLat, maxLon, maxLat}
     */
    static Optional<double[]> bbox(Context ctx) {
        String raw = ctx.queryParam("bbox");
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String[] parts = raw.split(",");
        if (parts.length != 4) {
            throw ApiException.badRequest("bbox must be minLon,minLat,maxLon,maxLat in degrees; got '" + raw + "'");
        }
        double[] box = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                box[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("bbox value '" + parts[i] + "' is not a number");
            }
            if (!Double.isFinite(box[i])) {
                throw ApiException.badRequest("bbox values must be finite numbers");
            }
        }
        if (box[0] < -180 || box[2] > 180 || box[1] < -90 || box[3] > 90 || box[0] >= box[2] || box[1] >= box[3]) {
            throw ApiException.badRequest(
                    "bbox must be minLon,minLat,maxLon,maxLat with min < max, in degrees; got '" + raw + "'");
        }
        return Optional.of(box);
    }

    static Optional<YearMonth> month(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(YearMonth.parse(raw.strip()));
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be a month as YYYY-MM; got '" + raw + "'");
        }
    }

    static Optional<Integer> integer(Context ctx, String name, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            int value = Integer.parseInt(raw.strip());
            if (value >= min && value <= max) {
                return Optional.of(value);
            }
        } catch (NumberFormatException ignored) {
            // message below
        }
        throw ApiException.badRequest(
                name + " must be a whole number from " + min + " to " + max + "; got '" + raw + "'");
    }

    static Optional<Long> longValue(Context ctx, String name, long min, long max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(raw.strip());
            if (value >= min && value <= max) {
                return Optional.of(value);
            }
        } catch (NumberFormatException ignored) {
            // message below
        }
        throw ApiException.badRequest(name + " must be a whole number from " + min + "; got '" + raw + "'");
    }

    /** Comma-separated values, also from repeated parameters ({@code feed=a,b} or {@code feed=a&feed=b}). */
    static List<String> list(Context ctx, String name) {
        List<String> values = new ArrayList<>();
        for (String raw : ctx.queryParams(name)) {
            for (String part : raw.split(",")) {
                if (!part.isBlank()) {
                    values.add(part.strip());
                }
            }
        }
        if (values.size() > HotspotRequests.MAX_LIST) {
            throw ApiException.badRequest(
                    name + " takes at most " + HotspotRequests.MAX_LIST + " values, got " + values.size());
        }
        return List.copyOf(values);
    }

    /**
     * A point in time: {@code 2022-03-01T18:00:00Z} (with an offset), {@code 2022-03-01T18:00} (UK time),
     * {@code 2022-03-01} or {@code 2022-03} (UK time). As an end ({@code end = true}) a date or month includes
     * the whole day or month, so {@code to=2022-03-31} takes in 31 March.
     */
    static Optional<Instant> instant(Context ctx, String name, boolean end) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String text = raw.strip();
        try {
            if (text.matches("\\d{4}-\\d{2}")) {
                YearMonth m = YearMonth.parse(text);
                return Optional.of((end ? m.plusMonths(1) : m)
                        .atDay(1)
                        .atStartOfDay(Period.LONDON)
                        .toInstant());
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate d = LocalDate.parse(text);
                return Optional.of(
                        (end ? d.plusDays(1) : d).atStartOfDay(Period.LONDON).toInstant());
            }
            if (text.matches(".*(Z|[+-]\\d{2}:?\\d{2})$")) {
                return Optional.of(OffsetDateTime.parse(text).toInstant());
            }
            return Optional.of(LocalDateTime.parse(text).atZone(Period.LONDON).toInstant());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(
                    name + " must be a date-time (2022-03-01T18:00:00Z), a date (2022-03-01) or a "
                            + "month (2022-03); got '" + raw + "'");
        }
    }

    static Optional<String> text(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.strip());
    }
}
