package org.safemap.areas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.safemap.config.TempFiles;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;

/**
 * Reads boundaries from a zipped ESRI Shapefile through GDAL's ogr2ogr (Debian package gdal-bin): there is no
 * well-kept pure-Java Shapefile reader on Maven Central, and GDAL is the reference implementation. ogr2ogr turns
 * the layer into GeoJSON (with the .prj's CRS as a crs member), which the GeoJSON reader then streams.
 */
final class ShapefileBoundaryReader implements BoundaryReader {
    private static final String OGR2OGR = "ogr2ogr";

    private final Path zip;
    private final String name;
    private final BoundaryOptions options;

    ShapefileBoundaryReader(Path zip, String name, BoundaryOptions options) {
        this.zip = zip;
        this.name = name;
        this.options = options;
    }

    @Override
    public Summary read(Sink sink, LongConsumer rawBytesRead) throws IOException {
        String shp = shapefileIn();
        if (!onPath()) {
            throw new InputFormatException(
                    name,
                    0,
                    null,
                    "reading Shapefiles needs GDAL's ogr2ogr; install it with "
                            + "apt-get install -y gdal-bin, or convert the file to GeoJSON or GeoPackage");
        }
        Path tempDir = TempFiles.createFolder("safemap-shp-");
        Path json = tempDir.resolve("converted.geojson");
        try {
            List<String> command = List.of(
                    OGR2OGR,
                    "-f",
                    "GeoJSON",
                    "-lco",
                    "RFC7946=NO",
                    json.toString(),
                    "/vsizip/" + zip.toAbsolutePath() + "/" + shp);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new InputFormatException(
                        name,
                        0,
                        null,
                        "GDAL could not read " + shp + ": " + output.strip().replace('\n', ' '));
            }
            rawBytesRead.accept(Files.size(zip) / 2);
            SourceFile converted = new SourceFile(name, Files.size(json), () -> Files.newInputStream(json));
            BoundaryReader.Summary s = new GeoJsonBoundaryReader(converted, options).read(sink, n -> {});
            rawBytesRead.accept(Files.size(zip));
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while converting " + name, e);
        } finally {
            Files.deleteIfExists(json);
            Files.deleteIfExists(tempDir);
        }
    }

    /** The .shp inside the zip: the one there is, or the one --layer names; checks the zip is whole. */
    private String shapefileIn() {
        List<String> shps = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> all = z.entries();
            while (all.hasMoreElements()) {
                String entry = all.nextElement().getName();
                entries.add(entry.toLowerCase(Locale.ROOT));
                if (entry.toLowerCase(Locale.ROOT).endsWith(".shp")) {
                    shps.add(entry);
                }
            }
        } catch (ZipException e) {
            throw new InputFormatException(
                    name, 0, null, "not a complete zip archive (" + e.getMessage() + "); was the download cut short?");
        } catch (IOException e) {
            throw new InputFormatException(name, 0, null, "cannot read the zip archive: " + e.getMessage());
        }
        String chosen;
        String layer = options.layer();
        if (layer != null) {
            chosen = shps.stream()
                    .filter(s -> baseName(s).equalsIgnoreCase(layer) || s.equalsIgnoreCase(layer))
                    .findFirst()
                    .orElseThrow(() -> new InputFormatException(
                            name,
                            0,
                            null,
                            "no Shapefile '" + layer + "' (--layer) in the archive; it holds: "
                                    + String.join(", ", shps)));
        } else if (shps.size() == 1) {
            chosen = shps.get(0);
        } else {
            throw new InputFormatException(
                    name,
                    0,
                    null,
                    shps.isEmpty()
                            ? "the zip archive holds no .shp file"
                            : "the zip archive holds several Shapefiles (" + String.join(", ", shps)
                                    + "); choose one with --layer");
        }
        String stem = chosen.substring(0, chosen.length() - 4).toLowerCase(Locale.ROOT);
        for (String part : List.of(".shx", ".dbf")) {
            if (!entries.contains(stem + part)) {
                throw new InputFormatException(
                        name,
                        0,
                        null,
                        chosen + " comes without its " + part
                                + " file; a Shapefile needs .shp, .shx and .dbf (and .prj for its CRS)");
            }
        }
        return chosen;
    }

    private static String baseName(String entry) {
        String file = entry.substring(entry.lastIndexOf('/') + 1);
        return file.substring(0, file.length() - 4);
    }

    private static boolean onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, OGR2OGR))) {
                return true;
            }
        }
        return false;
    }
}
