package org.safemap.api;

import io.javalin.http.Context;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads and validates query parameters, answering 400 with the parameter's name when one is wrong. */
final class QueryParams {
    private QueryParams() {
    }

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
            throw ApiException.badRequest("bbox must be minLon,minLat,maxLon,maxLat with min < max, in degrees; got '"
                    + raw + "'");
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
        throw ApiException.badRequest(name + " must be a whole number from " + min + " to " + max + "; got '" + raw + "'");
    }

    static Optional<String> text(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.strip());
    }
}
