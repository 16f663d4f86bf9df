package org.safemap.export;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mil.nga.geopackage.BoundingBox;
import mil.nga.geopackage.GeoPackage;
import mil.nga.geopackage.GeoPackageManager;
import mil.nga.geopackage.contents.Contents;
import mil.nga.geopackage.db.GeoPackageDataType;
import mil.nga.geopackage.db.TableColumnKey;
import mil.nga.geopackage.extension.metadata.Metadata;
import mil.nga.geopackage.extension.metadata.MetadataExtension;
import mil.nga.geopackage.extension.metadata.MetadataScopeType;
import mil.nga.geopackage.extension.metadata.reference.MetadataReference;
import mil.nga.geopackage.extension.metadata.reference.ReferenceScopeType;
import mil.nga.geopackage.extension.rtree.RTreeIndexExtension;
import mil.nga.geopackage.features.columns.GeometryColumns;
import mil.nga.geopackage.features.user.FeatureColumn;
import mil.nga.geopackage.features.user.FeatureTable;
import mil.nga.geopackage.features.user.FeatureTableMetadata;
import mil.nga.geopackage.geom.GeoPackageGeometryData;
import mil.nga.geopackage.srs.SpatialReferenceSystem;
import mil.nga.sf.GeometryEnvelope;
import mil.nga.sf.GeometryType;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * Rows as one feature table of an OGC GeoPackage in British National Grid (EPSG:27700), written with NGA's
 * geopackage-java. Provenance goes where GeoPackage readers look: the table's {@code gpkg_contents} identifier and
 * description, and two {@code gpkg_metadata} entries referenced to the table in {@code gpkg_metadata_reference}: the
 * full provenance as JSON, and the same as GDAL metadata items (standard URI {@code http://gdal.org}, GDAL's XML), which
 * GDAL, QGIS and ogrinfo show as the layer's metadata.
 */
final class GeoPackageExport {
    /** The GeoPackage's own id for the SRS, kept equal to the EPSG code as GDAL and QGIS write it. */
    private static final long BNG = 27700;
    /** The JSON metadata's standard, a name of SafeMap's own (the GeoPackage standard allows any URI). */
    static final String PROVENANCE_URI = "urn:safemap:export-provenance:1";

    private static final String GDAL_URI = "http://gdal.org";
    private static final int COMMIT_EVERY = 50_000;
    /**
     * EPSG:27700 as OGC WKT 1, the form gpkg_spatial_ref_sys.definition holds (the EPSG dataset's definition, as
     * GDAL writes it). geopackage-java carries definitions only for WGS 84 and Web Mercator.
     */
    private static final String BNG_WKT = "PROJCS[\"OSGB36 / British National Grid\",GEOGCS[\"OSGB36\","
            + "DATUM[\"Ordnance_Survey_of_Great_Britain_1936\",SPHEROID[\"Airy 1830\",6377563.396,299.3249646,"
            + "AUTHORITY[\"EPSG\",\"7001\"]],AUTHORITY[\"EPSG\",\"6277\"]],PRIMEM[\"Greenwich\",0,"
            + "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
            + "AUTHORITY[\"EPSG\",\"4277\"]],PROJECTION[\"Transverse_Mercator\"],"
            + "PARAMETER[\"latitude_of_origin\",49],PARAMETER[\"central_meridian\",-2],"
            + "PARAMETER[\"scale_factor\",0.9996012717],PARAMETER[\"false_easting\",400000],"
            + "PARAMETER[\"false_northing\",-100000],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],"
            + "AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"27700\"]]";

    private GeoPackageExport() {}

    /**
     * Writes {@code file} (replacing it) with one table {@code table} of {@code geometryType}.
     *
     * @return rows written
     */
    static long write(FeatureRows rows, Provenance provenance, String table, GeometryType geometryType, Path file)
            throws IOException, SQLException {
        Files.deleteIfExists(file);
        File f = file.toFile();
        try {
            GeoPackageManager.create(f);
        } catch (RuntimeException e) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "cannot create the GeoPackage " + file + ": " + e.getMessage(), e);
        }
        GeoPackage gpkg = GeoPackageManager.open(f, true);
        try {
            SpatialReferenceSystem srs = britishNationalGrid(gpkg);
            GeometryColumns gc = new GeometryColumns();
            gc.setId(new TableColumnKey(table, "geom"));
            gc.setGeometryType(geometryType);
            gc.setZ((byte) 0);
            gc.setM((byte) 0);
            gc.setSrs(srs);
            List<FeatureColumn> columns = new ArrayList<>();
            for (FeatureRows.Column c : rows.columns()) {
                columns.add(FeatureColumn.createColumn(c.name(), type(c.kind())));
            }
            FeatureTable featureTable = gpkg.createFeatureTable(
                    FeatureTableMetadata.create(gc, "fid", columns, new BoundingBox(0, 0, 0, 0)));

            double[] extent = insert(gpkg, rows, table, srs.getSrsId());

            Contents contents = gpkg.getContentsDao().queryForId(table);
            contents.setIdentifier(provenance.title());
            contents.setDescription(provenance.description());
            if (extent[0] <= extent[2]) {
                contents.setBoundingBox(new BoundingBox(extent[0], extent[1], extent[2], extent[3]));
            }
            gpkg.getContentsDao().update(contents);
            // a spatial index, so QGIS draws a million points without reading them all at every pan
            new RTreeIndexExtension(gpkg).create(featureTable);
            metadata(gpkg, table, provenance);
            // geopackage-java stamps 1.4 (user_version 10400), which GDAL before 3.8 (Debian 12's 3.6, QGIS on
            // it) warns it "may only partially support"; nothing written here needs more than 1.3
            gpkg.execSQL("PRAGMA user_version = 10300");
        } finally {
            gpkg.close();
        }
        return rows.read();
    }

    /** Inserts the rows with one prepared statement in large transactions; returns minX, minY, maxX, maxY. */
    private static double[] insert(GeoPackage gpkg, FeatureRows rows, String table, long srsId)
            throws SQLException, IOException {
        Connection c = gpkg.getConnection().getConnection();
        int n = rows.columns().size();
        StringBuilder sql = new StringBuilder("INSERT INTO \"").append(table).append("\" (geom");
        for (FeatureRows.Column col : rows.columns()) {
            sql.append(", \"").append(col.name()).append('"');
        }
        sql.append(") VALUES (?").append(", ?".repeat(n)).append(')');
        double[] extent = {
            Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY
        };
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            long written = 0;
            while (rows.next()) {
                byte[] wkb = rows.wkb();
                if (wkb == null) {
                    ps.setNull(1, java.sql.Types.BLOB);
                } else {
                    GeoPackageGeometryData g = GeoPackageGeometryData.createFromWkbAndBuildEnvelope(srsId, wkb);
                    GeometryEnvelope e = g.getEnvelope();
                    if (e != null) {
                        extent[0] = Math.min(extent[0], e.getMinX());
                        extent[1] = Math.min(extent[1], e.getMinY());
                        extent[2] = Math.max(extent[2], e.getMaxX());
                        extent[3] = Math.max(extent[3], e.getMaxY());
                    }
                    ps.setBytes(1, g.toBytes());
                }
                for (int i = 0; i < n; i++) {
                    Object v = rows.value(i);
                    if (v == null) {
                        ps.setNull(i + 2, java.sql.Types.NULL);
                    } else if (v instanceof Long l) {
                        ps.setLong(i + 2, l);
                    } else if (v instanceof Double d) {
                        ps.setDouble(i + 2, d);
                    } else {
                        ps.setString(i + 2, v.toString());
                    }
                }
                ps.executeUpdate();
                if (++written % COMMIT_EVERY == 0) {
                    c.commit();
                }
            }
            c.commit();
        } finally {
            c.setAutoCommit(auto);
        }
        return extent;
    }

    private static SpatialReferenceSystem britishNationalGrid(GeoPackage gpkg) throws SQLException {
        SpatialReferenceSystem srs = new SpatialReferenceSystem();
        srs.setSrsName("OSGB36 / British National Grid");
        srs.setSrsId(BNG);
        srs.setOrganization("EPSG");
        srs.setOrganizationCoordsysId(BNG);
        srs.setDefinition(BNG_WKT);
        srs.setDescription("British National Grid (EPSG:27700), metres");
        return gpkg.getSpatialReferenceSystemDao().createIfNotExists(srs);
    }

    private static void metadata(GeoPackage gpkg, String table, Provenance provenance) throws SQLException {
        MetadataExtension extension = new MetadataExtension(gpkg);
        extension.getOrCreate();
        extension.createMetadataTable();
        extension.createMetadataReferenceTable();
        entry(extension, table, PROVENANCE_URI, "application/json", provenance.toPrettyJson());
        entry(extension, table, GDAL_URI, "text/xml", gdalMultiDomainXml(provenance.metadataItems()));
    }

    private static void entry(MetadataExtension extension, String table, String uri, String mime, String text)
            throws SQLException {
        Metadata m = new Metadata();
        m.setMetadataScope(MetadataScopeType.DATASET);
        m.setStandardUri(uri);
        m.setMimeType(mime);
        m.setMetadata(text);
        extension.getMetadataDao().create(m);
        MetadataReference ref = new MetadataReference();
        ref.setReferenceScope(ReferenceScopeType.TABLE);
        ref.setTableName(table);
        ref.setMetadata(m);
        extension.getMetadataReferenceDao().create(ref);
    }

    /** GDAL's metadata document as its GeoPackage driver stores a layer's metadata (default domain). */
    static String gdalMultiDomainXml(Map<String, String> items) {
        StringBuilder x = new StringBuilder("<GDALMultiDomainMetadata>\n  <Metadata>\n");
        items.forEach((k, v) -> x.append("    <MDI key=\"")
                .append(xml(k))
                .append("\">")
                .append(xml(v))
                .append("</MDI>\n"));
        return x.append("  </Metadata>\n</GDALMultiDomainMetadata>").toString();
    }

    /** The GeoTIFF GDAL_METADATA tag's document: {@code <GDALMetadata><Item name="...">value</Item>...</GDALMetadata>}. */
    static String gdalXml(Map<String, String> items) {
        StringBuilder x = new StringBuilder("<GDALMetadata>\n");
        items.forEach((k, v) -> x.append("  <Item name=\"")
                .append(xml(k))
                .append("\">")
                .append(xml(v))
                .append("</Item>\n"));
        return x.append("</GDALMetadata>").toString();
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static GeoPackageDataType type(FeatureRows.Kind kind) {
        return switch (kind) {
            case INTEGER -> GeoPackageDataType.INTEGER;
            case REAL -> GeoPackageDataType.DOUBLE;
            case DATETIME -> GeoPackageDataType.DATETIME;
            case TEXT -> GeoPackageDataType.TEXT;
        };
    }
}
