package org.safemap.export;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/** The file formats SafeMap exports, with the extension, media type and names users may call each by. */
public enum ExportFormat {
    CSV("csv", "text/csv; charset=utf-8"),
    GEOJSON("geojson", "application/geo+json"),
    GPKG("gpkg", "application/geopackage+sqlite3"),
    GEOTIFF("tif", "image/tiff; application=geotiff");

    private final String extension;
    private final String mediaType;

    ExportFormat(String extension, String mediaType) {
        this.extension = extension;
        this.mediaType = mediaType;
    }

    public String extension() {
        return extension;
    }

    public String mediaType() {
        return mediaType;
    }

    /** A format by name or extension: csv; geojson or json; gpkg or geopackage; tif, tiff or geotiff. */
    public static Optional<ExportFormat> named(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(
                switch (name.trim().toLowerCase(Locale.ROOT)) {
                    case "csv" -> CSV;
                    case "geojson", "json" -> GEOJSON;
                    case "gpkg", "geopackage" -> GPKG;
                    case "tif", "tiff", "geotiff" -> GEOTIFF;
                    default -> null;
                });
    }

    /**
     * The format asked for: {@code given} when present, else the one {@code out}'s extension names.
     *
     * @throws SafemapException bad_request when neither names a format
     */
    public static ExportFormat choose(String given, Path out) {
        if (given != null && !given.isBlank()) {
            return named(given)
                    .orElseThrow(() -> new SafemapException(
                            ErrorCode.BAD_REQUEST,
                            "unknown format '" + given + "'; expected csv, geojson, gpkg or tif"));
        }
        String name = out == null ? "" : out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return named(dot < 0 ? null : name.substring(dot + 1))
                .orElseThrow(() -> new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        "cannot tell the format from '" + name
                                + "': give --format csv, geojson, gpkg or tif, or end the "
                                + "file name with one of those extensions"));
    }
}
