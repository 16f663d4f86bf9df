package org.safemap.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.locationtech.jts.densify.Densifier;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.triangulate.VoronoiDiagramBuilder;
import org.safemap.geo.Crs;

/**
 * Writes a synthetic national boundary file for benchmarks, since no national LSOA file is at hand: N Voronoi
 * cells over England and Wales' extent (denser in a few "cities", like real LSOAs), each edge densified so the
 * average vertex count matches the ONS generalised LSOAs (about 41), in WGS84 like ONS GeoJSON downloads.
 * Fixed seed, so every run benchmarks the same file.
 *
 * <p>Usage: {@code java -cp server/target/test-classes:server/target/safemap.jar
 * org.safemap.bench.SyntheticBoundaries OUT.geojson.gz [N]}
 */
public final class SyntheticBoundaries {
    private SyntheticBoundaries() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 35_000;
        write(out, n, 41, 20261124L);
    }

    static void write(Path out, int n, int targetVertices, long seed) throws IOException {
        Random random = new Random(seed);
        Envelope extent = new Envelope(140_000, 655_000, 10_000, 660_000);
        double[][] cities = new double[12][];
        for (int i = 0; i < cities.length; i++) {
            cities[i] = new double[] {
                extent.getMinX() + random.nextDouble() * extent.getWidth(),
                extent.getMinY() + random.nextDouble() * extent.getHeight()
            };
        }
        List<Coordinate> sites = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() < 0.45) {
                double[] c = cities[random.nextInt(cities.length)];
                double r = Math.abs(random.nextGaussian()) * 15_000;
                double a = random.nextDouble() * 2 * Math.PI;
                sites.add(new Coordinate(
                        clamp(c[0] + r * Math.cos(a), extent.getMinX(), extent.getMaxX()),
                        clamp(c[1] + r * Math.sin(a), extent.getMinY(), extent.getMaxY())));
            } else {
                sites.add(new Coordinate(
                        extent.getMinX() + random.nextDouble() * extent.getWidth(),
                        extent.getMinY() + random.nextDouble() * extent.getHeight()));
            }
        }
        writeCells(out, sites, extent, targetVertices);
    }

    /**
     * Writes the Voronoi cells of the sites, clipped to the extent (EPSG:27700), densified to about targetVertices
     * each, as LSOA-like features coded E01900000 onwards, in WGS84 GeoJSON, gzipped.
     */
    static void writeCells(Path out, List<Coordinate> sites, Envelope extent, int targetVertices) throws IOException {
        GeometryFactory factory = new GeometryFactory();
        VoronoiDiagramBuilder voronoi = new VoronoiDiagramBuilder();
        voronoi.setSites(sites);
        voronoi.setClipEnvelope(extent);
        Geometry cells = voronoi.getDiagram(factory);
        Geometry frame = factory.toGeometry(extent);
        Crs.Transform toWgs84 = Crs.BNG.to(Crs.WGS84);
        double[] ll = new double[2];
        try (Writer w = new BufferedWriter(
                new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(out)), StandardCharsets.UTF_8),
                1 << 20)) {
            w.write("{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
                    + "\"urn:ogc:def:crs:OGC:1.3:CRS84\"}},\"features\":[\n");
            for (int i = 0; i < cells.getNumGeometries(); i++) {
                Polygon cell = (Polygon) cells.getGeometryN(i).intersection(frame);
                double segment = cell.getLength() / (targetVertices - 1);
                Polygon dense = (Polygon) Densifier.densify(cell, segment);
                String code = String.format(Locale.ROOT, "E01%06d", 900_000 + i);
                w.write(i == 0 ? "" : ",\n");
                w.write("{\"type\":\"Feature\",\"properties\":{\"LSOA21CD\":\"" + code + "\",\"LSOA21NM\":\"Synthetic "
                        + i + "\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[");
                Coordinate[] ring = dense.getExteriorRing().getCoordinates();
                for (int k = 0; k < ring.length; k++) {
                    toWgs84.apply(ring[k].x, ring[k].y, ll);
                    w.write((k == 0 ? "" : ",") + "[" + round(ll[0]) + "," + round(ll[1]) + "]");
                }
                w.write("]]}}");
            }
            w.write("\n]}\n");
        }
    }

    private static String round(double v) {
        return String.format(Locale.ROOT, "%.7f", v);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
