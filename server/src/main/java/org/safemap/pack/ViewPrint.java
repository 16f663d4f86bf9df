package org.safemap.pack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.locationtech.jts.geom.Envelope;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * One print of the viewer's map view: the layers drawn by the map service over a British National Grid box, with the
 * dimensions the viewer's tiles take, laid out on an A4 page (PDF) or as one image (PNG).
 *
 * @param format   PDF (an A4 page) or PNG (the same composition as one image)
 * @param title    the page's heading, at most {@link #MAX_TITLE} characters
 * @param bng      the view, British National Grid metres (EPSG:27700); the print grows it to the map's proportions
 * @param layers   layer names, bottom first, as GetMap's LAYERS
 * @param dims     the map service's dimensions as the tiles take them: time, category, feed, baseline, run (keys
 *                 lower-case; absent when not asked)
 * @param hours    the viewer's hour filter ("18-23,0-5"), or null: DIM_HOURS of the surfaces; the page names the layers
 *                 it does not apply to (count tables, points)
 * @param weekdays the viewer's day filter ("fri,sat"), or null; DIM_WEEKDAYS, likewise
 */
public record ViewPrint(
        Format format,
        String title,
        Envelope bng,
        List<String> layers,
        Map<String, String> dims,
        String hours,
        String weekdays) {
    public static final int MAX_TITLE = 120;
    public static final int MAX_LAYERS = 12;
    /** The widest view printed: beyond it a page shows a county as a smudge and the drawing costs too much. */
    public static final double MAX_VIEW_METRES = 150_000;

    static final double MIN_VIEW_METRES = 50;

    /** The dimension parameters passed on to the map service, in the tiles' spelling. */
    static final List<String> DIMENSIONS = List.of("time", "category", "feed", "baseline", "run");

    public enum Format {
        PDF("application/pdf", "pdf"),
        PNG("image/png", "png");

        private final String mime;
        private final String extension;

        Format(String mime, String extension) {
            this.mime = mime;
            this.extension = extension;
        }

        public String mime() {
            return mime;
        }

        public String extension() {
            return extension;
        }

        static Format parse(String text) {
            for (Format f : values()) {
                if (f.extension.equalsIgnoreCase(text == null ? "pdf" : text.strip())) {
                    return f;
                }
            }
            throw new SafemapException(ErrorCode.BAD_REQUEST, "format must be pdf or png, got '" + text + "'");
        }
    }

    public ViewPrint {
        layers = List.copyOf(layers);
        dims = Map.copyOf(dims);
        if (layers.isEmpty() || layers.size() > MAX_LAYERS) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "layers must name 1 to " + MAX_LAYERS + " layers, got " + layers.size());
        }
        if (title.length() > MAX_TITLE) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "title is longer than " + MAX_TITLE + " characters");
        }
        double size = Math.max(bng.getWidth(), bng.getHeight());
        if (size < MIN_VIEW_METRES || size > MAX_VIEW_METRES) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    String.format(
                            Locale.ROOT,
                            "bbox must span %.0f m to %.0f km (British National Grid metres), got %.0f m",
                            MIN_VIEW_METRES,
                            MAX_VIEW_METRES / 1000,
                            size));
        }
    }

    /**
     * A print from query parameters: {@code format=pdf|png}, {@code bbox=minE,minN,maxE,maxN} (EPSG:27700),
     * {@code layers=a,b}, {@code title}, the dimensions of {@link #DIMENSIONS}, {@code hours} and {@code weekdays}.
     */
    public static ViewPrint parse(Map<String, String> params) {
        String box = params.get("bbox");
        if (box == null || box.isBlank()) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "bbox=minE,minN,maxE,maxN (British National Grid metres) is required");
        }
        String[] parts = box.split(",");
        if (parts.length != 4) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "bbox takes four numbers: minE,minN,maxE,maxN");
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new SafemapException(ErrorCode.BAD_REQUEST, "bbox '" + parts[i] + "' is not a number");
            }
            if (!Double.isFinite(v[i])) {
                throw new SafemapException(ErrorCode.BAD_REQUEST, "bbox '" + parts[i] + "' is not a number");
            }
        }
        if (v[2] <= v[0] || v[3] <= v[1]) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "bbox must be minE,minN,maxE,maxN with min below max");
        }
        List<String> layers = new ArrayList<>();
        for (String name : params.getOrDefault("layers", "").split(",")) {
            if (!name.isBlank()) {
                layers.add(name.strip());
            }
        }
        Map<String, String> dims = new LinkedHashMap<>();
        for (String d : DIMENSIONS) {
            String value = params.get(d);
            if (value != null && !value.isBlank()) {
                dims.put(d, value.strip());
            }
        }
        String title = params.getOrDefault("title", "").strip();
        return new ViewPrint(
                Format.parse(params.get("format")),
                title.isEmpty() ? "SafeMap" : title,
                new Envelope(v[0], v[2], v[1], v[3]),
                layers,
                dims,
                blankToNull(params.get("hours")),
                blankToNull(params.get("weekdays")));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
