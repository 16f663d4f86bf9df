package org.safemap.areas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;

/** Picks the reader for a boundary file from its name and first bytes: GeoJSON, GeoPackage or zipped Shapefile. */
public final class BoundaryFiles {
    private static final byte[] SQLITE = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] ZIP = {'P', 'K', 3, 4};

    /** The formats, by the name users see in messages and docs. */
    public enum Format {
        GEOJSON,
        GEOPACKAGE,
        SHAPEFILE_ZIP
    }

    /**
     * A file to load, with its reader.
     *
     * @param file   the file as given (its SHA-256 identifies the load)
     * @param format what it was recognised as
     * @param reader the reader for it
     */
    public record Opened(SourceFile file, Format format, BoundaryReader reader) {}

    private BoundaryFiles() {}

    /** Recognises the file and returns it with its reader. */
    public static Opened open(Path path, BoundaryOptions options) {
        Integer crs = options.crs();
        if (crs != null && crs != 27700 && crs != 4326 && crs != 3857) {
            throw new InputFormatException(
                    path.getFileName().toString(),
                    0,
                    null,
                    "--crs EPSG:" + crs + " is not supported; SafeMap reads EPSG:27700, EPSG:4326 and EPSG:3857");
        }
        SourceFile file = SourceFile.of(path);
        String name = file.name();
        if (file.rawSize() == 0) {
            throw new InputFormatException(name, 0, null, "the file is empty");
        }
        byte[] head = head(path);
        String lower = name.toLowerCase(Locale.ROOT);
        if (startsWith(head, SQLITE) || lower.endsWith(".gpkg")) {
            if (!startsWith(head, SQLITE)) {
                throw new InputFormatException(name, 0, null, "named .gpkg but not a GeoPackage (SQLite) file");
            }
            return new Opened(file, Format.GEOPACKAGE, new GeoPackageBoundaryReader(path.toFile(), name, options));
        }
        if (startsWith(head, ZIP) || lower.endsWith(".zip")) {
            return new Opened(file, Format.SHAPEFILE_ZIP, new ShapefileBoundaryReader(path, name, options));
        }
        if (lower.endsWith(".shp")) {
            throw new InputFormatException(
                    name, 0, null, "give the Shapefile as a .zip holding its .shp, .shx, .dbf " + "and .prj files");
        }
        if (options.layer() != null) {
            throw new InputFormatException(
                    name, 0, null, "--layer applies to GeoPackage and zipped Shapefile input only");
        }
        return geoJson(file, options);
    }

    /** A GeoJSON file from anywhere (the bundled demo data), with its reader. */
    public static Opened geoJson(SourceFile file, BoundaryOptions options) {
        return new Opened(file, Format.GEOJSON, new GeoJsonBoundaryReader(file, options));
    }

    private static byte[] head(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(16);
        } catch (IOException e) {
            throw new InputFormatException(path.getFileName().toString(), 0, null, "cannot read: " + e.getMessage());
        }
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(Arrays.copyOf(head, magic.length), magic);
    }
}
