package org.safemap.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.function.LongConsumer;
import mil.nga.sf.GeometryType;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.config.TempFiles;

/** An export of rows with geometry (areas or points) as CSV, GeoJSON or GeoPackage. */
abstract class FeatureExport extends Export {
    private final String layer;
    private final String idColumn;
    private final GeometryType geometryType;

    /** Reads the rows and hands them over; the cursor is open only during the call. */
    @FunctionalInterface
    interface RowsUser {
        long use(FeatureRows rows) throws IOException, SQLException;
    }

    FeatureExport(
            ExportFormat format,
            Provenance provenance,
            String baseName,
            String layer,
            String idColumn,
            GeometryType geometryType) {
        super(format, provenance, baseName);
        if (format == ExportFormat.GEOTIFF) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "areas and points export as csv, geojson or gpkg, not tif");
        }
        this.layer = layer;
        this.idColumn = idColumn;
        this.geometryType = geometryType;
    }

    /**
     * Runs the export's query and passes its rows to {@code user}.
     *
     * @param wkb  fill geom_wkb (EPSG:27700), for GeoPackage
     * @param json fill geom_json (EPSG:4326), for GeoJSON
     */
    abstract long withRows(boolean wkb, boolean json, LongConsumer progress, RowsUser user)
            throws IOException, SQLException;

    @Override
    public long writeTo(OutputStream out, LongConsumer progress) throws IOException {
        try {
            return switch (format()) {
                case CSV -> withRows(false, false, progress, rows -> CsvExport.write(rows, out));
                case GEOJSON ->
                    withRows(
                            false,
                            true,
                            progress,
                            rows -> GeoJsonExport.write(rows, provenance(), layer, idColumn, out));
                case GPKG -> {
                    // SQLite writes a file, not a stream: build it aside, stream it, delete it
                    Path tmp = TempFiles.create("safemap-export-", ".gpkg");
                    try {
                        long n = writeTo(tmp, progress);
                        Files.copy(tmp, out);
                        yield n;
                    } finally {
                        Files.deleteIfExists(tmp);
                        Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + "-journal"));
                    }
                }
                case GEOTIFF -> throw new IllegalStateException("checked in the constructor");
            };
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the export's rows", e);
        }
    }

    @Override
    public long writeTo(Path file, LongConsumer progress) throws IOException {
        if (format() != ExportFormat.GPKG) {
            return super.writeTo(file, progress);
        }
        try {
            return withRows(
                    true,
                    false,
                    progress,
                    rows -> GeoPackageExport.write(rows, provenance(), layer, geometryType, file));
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not write the GeoPackage", e);
        }
    }
}
