package org.safemap.areas;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import mil.nga.geopackage.GeoPackage;
import mil.nga.geopackage.GeoPackageManager;
import mil.nga.geopackage.features.user.FeatureDao;
import mil.nga.geopackage.features.user.FeatureResultSet;
import mil.nga.geopackage.features.user.FeatureRow;
import mil.nga.geopackage.geom.GeoPackageGeometryData;
import mil.nga.geopackage.srs.SpatialReferenceSystem;
import mil.nga.sf.GeometryType;
import org.safemap.files.InputFormatException;

/**
 * Reads boundaries from an OGC GeoPackage with NGA's geopackage-java library: one feature table (named with
 * --layer when the file has several), its SRS from gpkg_spatial_ref_sys, geometry passed on as WKB.
 */
final class GeoPackageBoundaryReader implements BoundaryReader {
    private final File file;
    private final String name;
    private final BoundaryOptions options;

    GeoPackageBoundaryReader(File file, String name, BoundaryOptions options) {
        this.file = file;
        this.name = name;
        this.options = options;
    }

    @Override
    public Summary read(Sink sink, LongConsumer rawBytesRead) throws IOException {
        GeoPackage gpkg;
        try {
            gpkg = GeoPackageManager.open(file, false);
        } catch (RuntimeException e) {
            throw problem(null, "not a readable GeoPackage (" + rootMessage(e) + ")");
        }
        try {
            FeatureDao dao = gpkg.getFeatureDao(table(gpkg.getFeatureTables()));
            int srid = options.crs() != null ? options.crs() : srid(dao.getSrs());
            List<String> fields = new ArrayList<>(Arrays.asList(dao.getColumnNames()));
            fields.remove(dao.getGeometryColumnName());
            String code;
            String nm;
            try {
                code = FieldNames.pick(fields, options.level(), options.codeField(), "CD", "--code-field");
                nm = FieldNames.pick(fields, options.level(), options.nameField(), "NM", "--name-field");
            } catch (FieldNames.Missing e) {
                throw problem(e.field(), e.getMessage());
            }
            int total = Math.max(1, dao.count());
            int count = 0;
            FeatureResultSet rows = dao.queryForAll();
            try {
                while (rows.moveToNext()) {
                    FeatureRow row = rows.getRow();
                    count++;
                    String c = text(row.getValue(code));
                    String n = text(row.getValue(nm));
                    if (c == null || n == null) {
                        throw problem(c == null ? code : nm, "feature " + count + " has no value");
                    }
                    GeoPackageGeometryData g = row.getGeometry();
                    if (g == null || g.isEmpty() || g.getGeometry() == null) {
                        throw problem("geometry", "feature " + count + " (" + c + ") has no geometry");
                    }
                    GeometryType type = g.getGeometry().getGeometryType();
                    if (type != GeometryType.POLYGON && type != GeometryType.MULTIPOLYGON) {
                        throw problem(
                                "geometry",
                                "feature " + count + " (" + c + ") is a " + type
                                        + "; boundaries must be Polygon or MultiPolygon");
                    }
                    sink.accept(new BoundaryFeature(count, c, n, null, g.getWkb()));
                    rawBytesRead.accept(file.length() * count / total);
                }
            } finally {
                rows.close();
            }
            if (count == 0) {
                throw problem(null, "the layer holds no features");
            }
            return new Summary(srid, code, nm, count);
        } finally {
            gpkg.close();
        }
    }

    private String table(List<String> tables) {
        String layer = options.layer();
        if (layer != null) {
            if (!tables.contains(layer)) {
                throw problem(
                        null, "no feature table '" + layer + "' (--layer); the file has: " + String.join(", ", tables));
            }
            return layer;
        }
        if (tables.size() == 1) {
            return tables.get(0);
        }
        throw problem(
                null,
                tables.isEmpty()
                        ? "the file holds no feature tables"
                        : "the file holds several feature tables (" + String.join(", ", tables)
                                + "); choose one with --layer");
    }

    private int srid(SpatialReferenceSystem srs) {
        String org = srs.getOrganization() == null ? "" : srs.getOrganization();
        long id = srs.getOrganizationCoordsysId();
        if (org.equalsIgnoreCase("EPSG") && (id == 4326 || id == 27700 || id == 3857)) {
            return (int) id;
        }
        if (id == 900913 || id == 3785) {
            return 3857;
        }
        throw problem(
                "srs_id",
                "unsupported coordinate reference system " + org + ":" + id
                        + "; SafeMap reads EPSG:27700, EPSG:4326 and EPSG:3857");
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String s = value.toString().strip();
        return s.isEmpty() ? null : s;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private InputFormatException problem(String field, String message) {
        return new InputFormatException(name, 0, field, message);
    }
}
