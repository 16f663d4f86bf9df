package org.safemap.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.hotspot.BandwidthChoice;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.KdeMode;
import org.safemap.hotspot.KdeParams;
import org.safemap.hotspot.Kernel;
import org.safemap.hotspot.KernelDensity;
import org.safemap.hotspot.Surface;
import org.safemap.hotspot.WeightedPoints;
import org.safemap.ingest.PointsCsv;
import org.safemap.map.GeoTiff;
import org.safemap.map.SurfaceCsv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap kde}: a density surface from a plain CSV of points, with no database. */
@Command(
        name = "kde",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Kernel density surface of a CSV of x,y[,weight] points in EPSG:27700 metres, written as a "
                    + "GeoTIFF (float32, incidents per km², no-data NaN) or as CSV (x,y of each cell centre and its "
                    + "density). Needs no database.",
            "",
            "Example: safemap kde --points burglary.csv --cell 25 --bandwidth 250 --out burglary.tif",
            "Formulas, defaults and rules: docs/hotspots.md."
        })
final class KdeCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(
            names = "--points",
            required = true,
            paramLabel = "FILE",
            description = "CSV of x,y[,weight]; a header naming x/easting, y/northing and weight is optional.")
    Path points;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE",
            description = "Output: FILE.tif (GeoTIFF) or FILE.csv.")
    Path out;

    @Option(
            names = "--extent",
            paramLabel = "MINX,MINY,MAXX,MAXY",
            description = "Grid extent in metres. Default: the points' bounds widened by the kernel's reach.")
    String extent;

    @Option(
            names = "--cell",
            paramLabel = "METRES",
            description = "Cell size. Default: the extent's shorter side / 150, rounded down to whole metres.")
    Double cell;

    @Option(
            names = "--bandwidth",
            paramLabel = "METRES|RULE",
            defaultValue = "ppl",
            description = "Kernel radius in metres (Gaussian: standard deviation), or a rule: ppl (likelihood "
                    + "cross-validation, as spatstat bw.ppl), scott (spatstat bw.scott) or arcgis (ArcGIS Kernel "
                    + "Density's default). Default: ${DEFAULT-VALUE}.")
    String bandwidth;

    @Option(
            names = "--kernel",
            defaultValue = "quartic",
            paramLabel = "NAME",
            description = "quartic, gaussian, epanechnikov, triangular or uniform. Default: ${DEFAULT-VALUE}.")
    String kernel;

    @Option(
            names = "--mode",
            defaultValue = "exact",
            paramLabel = "MODE",
            description = "exact (every cell over every point in reach) or fast (binned). Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--edge-correction", description = "Divide each cell by the share of its kernel inside the extent.")
    boolean edgeCorrection;

    @Override
    public Integer call() throws IOException {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean tiff = name.endsWith(".tif") || name.endsWith(".tiff");
        if (!tiff && !name.endsWith(".csv")) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "--out must end in .tif, .tiff or .csv, got " + out);
        }
        Kernel k = parse(() -> Kernel.fromCode(kernel));
        KdeMode m = parse(() -> KdeMode.fromCode(mode));
        long started = System.nanoTime();
        Terminal terminal = cli.terminal();
        WeightedPoints pts =
                PointsCsv.read(points, terminal.progress(points.getFileName().toString(), Files.size(points)));
        if (pts.size() == 0) {
            throw new SafemapException(ErrorCode.BAD_POINTS, points + " has no points");
        }
        double[] window = extent != null ? parseExtent(extent) : null;
        BandwidthChoice choice = parse(() -> BandwidthChoice.parse(bandwidth));
        double h = parse(() -> choice.metres(pts, k, window != null ? window : pts.bounds()));
        String bandwidthSource = choice.source();
        double[] frame = window;
        if (frame == null) {
            double reach = k.supportRadius(h);
            double[] b = pts.bounds();
            frame = new double[] {b[0] - reach, b[1] - reach, b[2] + reach, b[3] + reach};
        }
        double[] f = frame;
        double cellMetres = cell != null ? cell : parse(() -> Grid.defaultCellMetres(f[0], f[1], f[2], f[3]));
        Grid grid = parse(() -> Grid.covering(f[0], f[1], f[2], f[3], cellMetres));
        KdeParams params = parse(() -> new KdeParams(grid, k, h, m, edgeCorrection));
        Surface surface = KernelDensity.estimate(pts, params);
        String description = String.format(
                Locale.ROOT,
                "SafeMap KDE: %s kernel, bandwidth %.1f m (%s), cell %.1f m, %s mode%s, %d points from %s; "
                        + "incidents per km2",
                k.code(),
                h,
                bandwidthSource,
                cellMetres,
                m.code(),
                edgeCorrection ? ", edge-corrected" : "",
                pts.size(),
                points.getFileName());
        try (OutputStream o = Files.newOutputStream(out)) {
            if (tiff) {
                GeoTiff.write(surface, description, o);
            } else {
                SurfaceCsv.write(surface, o);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        terminal.line(String.format(
                Locale.UK,
                "%,d points (total weight %,.1f); %s kernel, bandwidth %.1f m (%s)",
                pts.size(),
                pts.totalWeight(),
                k.code(),
                h,
                bandwidthSource));
        terminal.line(String.format(
                Locale.UK,
                "grid %,d x %,d cells of %.1f m from (%.1f, %.1f); %s mode%s",
                grid.columns(),
                grid.rows(),
                cellMetres,
                grid.minX(),
                grid.minY(),
                m.code(),
                edgeCorrection ? ", edge-corrected" : ""));
        terminal.line(String.format(
                Locale.UK, "maximum %.2f incidents per km²; wrote %s in %.2f s", surface.max(), out, seconds));
        return Cli.OK;
    }

    private static double[] parseExtent(String text) {
        String[] parts = text.split(",");
        if (parts.length != 4) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "--extent needs minx,miny,maxx,maxy, got '" + text + "'");
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            if (!isNumber(parts[i].trim())) {
                throw new SafemapException(ErrorCode.BAD_REQUEST, "--extent value '" + parts[i] + "' is not a number");
            }
            v[i] = Double.parseDouble(parts[i].trim());
        }
        if (!(v[2] > v[0]) || !(v[3] > v[1])) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "--extent must have minx < maxx and miny < maxy, got '" + text + "'");
        }
        return v;
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Turns the engine's IllegalArgumentException into the user error the CLI prints as one line. */
    private static <T> T parse(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (IllegalArgumentException e) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, e.getMessage(), e);
        }
    }
}
