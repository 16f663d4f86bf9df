package org.safemap.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.safemap.ErrorCode;
import org.safemap.Services;
import org.safemap.db.Database;
import org.safemap.export.Export;
import org.safemap.export.ExportFormat;
import org.safemap.export.Exports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap export areas|points|surface}: files for QGIS, ArcGIS, Excel and GDAL, with their provenance. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write a run's per-area results (CSV, GeoJSON, GeoPackage), its density surface (GeoTIFF) or "
                    + "incident points (CSV, GeoJSON, GeoPackage) to a file. Every file carries the run's parameters or "
                    + "the selection, the period, the SafeMap version, when it was exported and each data source's "
                    + "attribution; a CSV gets them in a sidecar FILE.provenance.json.",
            "",
            "Formats and columns: docs/exports.md."
        },
        subcommands = {ExportCommand.Areas.class, ExportCommand.Points.class, ExportCommand.Surface.class})
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.usage(spec, "say what to export: areas, points or surface");
    }

    /** Writes the export to {@code out}, with a progress bar, a CSV sidecar and one summary line. */
    int write(Function<Exports, Export> make, Path out, org.safemap.sharing.Principal who) throws IOException {
        Terminal terminal = cli.terminal();
        Services services = cli.services();
        Database db = services.database();
        try (Export export = make.apply(new Exports(services.dataSource(), services.feeds(), services.policy()))) {
            Path file = out.toAbsolutePath();
            if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
                throw new org.safemap.SafemapException(
                        ErrorCode.FILE_NOT_FOUND,
                        "--out " + out + ": the folder " + file.getParent() + " does not exist");
            }
            String label = out.getFileName().toString();
            LongConsumer bar = terminal.progress(label, export.expectedRows());
            cli.audit(
                    who,
                    "export." + export.provenance().export(),
                    "safemap export " + label,
                    export.provenance().feedsIncluded(),
                    export.expectedRows());
            long rows = export.writeTo(out, bar);
            String sidecar = "";
            if (export.format() == ExportFormat.CSV) {
                Path side = out.resolveSibling(out.getFileName() + ".provenance.json");
                Files.writeString(side, export.provenance().toPrettyJson(), StandardCharsets.UTF_8);
                sidecar = "; provenance in " + side.getFileName();
            }
            String feeds = String.join(", ", export.provenance().feedsIncluded());
            terminal.done(
                    label,
                    String.format(
                            Locale.UK,
                            "%,d %s, %s, feeds %s%s",
                            rows,
                            export.format() == ExportFormat.GEOTIFF ? "cells" : "rows",
                            export.provenance().crs(),
                            feeds.isEmpty() ? "none" : feeds,
                            sidecar));
            terminal.line("attribution: " + export.provenance().attribution());
        }
        return Cli.OK;
    }

    @Command(
            name = "areas",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "A stored hotspots or emerging run's per-area table, ranked, with boundaries (EPSG:27700 "
                        + "in GeoPackage, EPSG:4326 in GeoJSON, none in CSV).",
                "",
                "Example: safemap export areas --run 12 --out violence-q1.gpkg"
            })
    static final class Areas implements Callable<Integer> {
        @ParentCommand
        ExportCommand parent;

        @Mixin
        ActingAs actingAs = new ActingAs();

        @Option(
                names = "--run",
                required = true,
                paramLabel = "ID",
                description = "The run (see GET /api/hotspots/ID).")
        long run;

        @Option(
                names = "--level",
                paramLabel = "LEVEL",
                description = "Area level, when the run has several. " + "Default: the run's.")
        String level;

        @Option(names = "--limit", paramLabel = "N", description = "Only the top N areas. Default: all.")
        Integer limit;

        @Mixin
        TableFile file;

        @Override
        public Integer call() throws IOException {
            ExportFormat f = file.format();
            return parent.write(
                    e -> e.runAreas(run, level, limit == null ? Exports.MAX_AREAS : limit, f, actingAs.principal()),
                    file.out,
                    actingAs.principal());
        }
    }

    @Command(
            name = "points",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Incident records (points) of a period: every record whose time window overlaps it, with "
                        + "easting/northing (EPSG:27700) and lon/lat (EPSG:4326), feed, categories, time window, location "
                        + "as given, geocoding method and precision, and areas. Only feeds disclosure allows are included; "
                        + "the summary names them.",
                "",
                "Example: safemap export points --month 2022-06 --feed police-uk --format csv --out june.csv"
            })
    static final class Points implements Callable<Integer> {
        @ParentCommand
        ExportCommand parent;

        @Mixin
        ActingAs actingAs = new ActingAs();

        @Option(
                names = "--period",
                paramLabel = "PERIOD",
                description = "2024-03, 2024-01..2024-09 or 2024-01-15..2024-02-14 (inclusive).")
        String period;

        @Option(names = "--month", paramLabel = "YYYY-MM", description = "One month (instead of --period).")
        String month;

        @Mixin
        SelectionOptions selection;

        @Option(names = "--area-wkt", paramLabel = "WKT", description = "Area of interest as an EPSG:27700 polygon.")
        String areaWkt;

        @Option(names = "--bbox", paramLabel = "W,S,E,N", description = "minLon,minLat,maxLon,maxLat in degrees.")
        String bbox;

        @Option(
                names = "--max-precision",
                paramLabel = "METRES",
                description = "Leave out records placed less precisely than this.")
        Double maxPrecision;

        @Mixin
        TableFile file;

        @Override
        public Integer call() throws IOException {
            ExportFormat f = file.format();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("period", period);
            p.put("month", month);
            selection.putInto(p);
            p.put("areaWkt", areaWkt);
            p.put("bbox", bbox);
            p.put("maxPrecisionM", maxPrecision);
            p.values().removeIf(java.util.Objects::isNull);
            return parent.write(e -> e.incidents(p, f, actingAs.principal()), file.out, actingAs.principal());
        }
    }

    @Command(
            name = "surface",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "A stored run's density surface as a float32 GeoTIFF in EPSG:27700 (incidents per km², "
                        + "no-data NaN), the provenance in its description and GDAL metadata.",
                "",
                "Example: safemap export surface --run 12 --out violence-q1.tif"
            })
    static final class Surface implements Callable<Integer> {
        @ParentCommand
        ExportCommand parent;

        @Mixin
        ActingAs actingAs = new ActingAs();

        @Option(names = "--run", required = true, paramLabel = "ID", description = "The run.")
        long run;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "FILE.tif",
                description = "The file to write (replaced).")
        Path out;

        @Override
        public Integer call() throws IOException {
            ExportFormat.choose("tif", out);
            return parent.write(e -> e.runSurface(run, actingAs.principal()), out, actingAs.principal());
        }
    }

    /** Where a table export goes, and as what: --out, and --format when its extension does not say. */
    static final class TableFile {
        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                description = "csv, geojson or gpkg. Default: from --out's " + "extension.")
        String format;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (replaced).")
        Path out;

        ExportFormat format() {
            return ExportFormat.choose(format, out);
        }
    }
}
