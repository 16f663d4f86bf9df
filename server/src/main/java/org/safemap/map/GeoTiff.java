package org.safemap.map;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mil.nga.tiff.FieldTagType;
import mil.nga.tiff.FieldType;
import mil.nga.tiff.FileDirectory;
import mil.nga.tiff.Rasters;
import mil.nga.tiff.TIFFImage;
import mil.nga.tiff.TiffWriter;
import mil.nga.tiff.util.TiffConstants;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.Surface;

/**
 * Writes a density surface as a single-band 32-bit float GeoTIFF in EPSG:27700, north up, no-data NaN, so QGIS,
 * ArcGIS and GDAL open it in place with its values in incidents per km².
 */
public final class GeoTiff {
    /** GeoKey ids and values from the GeoTIFF 1.0 specification (OGC 19-008r4 for the same numbers). */
    private static final int GT_MODEL_TYPE = 1024;

    private static final int GT_RASTER_TYPE = 1025;
    private static final int GT_CITATION = 1026;
    private static final int PROJECTED_CS_TYPE = 3072;
    private static final int PROJ_LINEAR_UNITS = 3076;
    private static final int MODEL_TYPE_PROJECTED = 1;
    private static final int RASTER_PIXEL_IS_AREA = 1;
    private static final int EPSG_BRITISH_NATIONAL_GRID = 27700;
    private static final int LINEAR_METRE = 9001;

    private GeoTiff() {}

    public static byte[] bytes(Surface surface, String description) throws IOException {
        return bytes(surface, description, null);
    }

    /**
     * The surface with a description (TIFFTAG_IMAGEDESCRIPTION) and GDAL's metadata document (the GDAL_METADATA
     * tag, {@code <GDALMetadata><Item name="...">...</Item></GDALMetadata>}), which gdalinfo, QGIS and ArcGIS show.
     * TIFF text fields are ASCII, so both should be ASCII.
     */
    public static byte[] bytes(Surface surface, String description, String gdalMetadataXml) throws IOException {
        Grid grid = surface.grid();
        int width = grid.columns();
        int height = grid.rows();
        Rasters rasters = new Rasters(width, height, 1, FieldType.FLOAT);
        double[] values = surface.densityPerKm2();
        for (int row = 0; row < height; row++) {
            // image row 0 is the northernmost grid row
            int gridRow = height - 1 - row;
            for (int column = 0; column < width; column++) {
                rasters.setFirstPixelSample(column, row, (float) values[gridRow * width + column]);
            }
        }
        FileDirectory directory = new FileDirectory();
        directory.setImageWidth(width);
        directory.setImageHeight(height);
        directory.setBitsPerSample(FieldType.FLOAT.getBits());
        directory.setCompression(TiffConstants.COMPRESSION_NO);
        directory.setPhotometricInterpretation(TiffConstants.PHOTOMETRIC_INTERPRETATION_BLACK_IS_ZERO);
        directory.setSamplesPerPixel(1);
        directory.setRowsPerStrip(rasters.calculateRowsPerStrip(TiffConstants.PLANAR_CONFIGURATION_CHUNKY));
        directory.setPlanarConfiguration(TiffConstants.PLANAR_CONFIGURATION_CHUNKY);
        directory.setSampleFormat(TiffConstants.SAMPLE_FORMAT_FLOAT);
        directory.setWriteRasters(rasters);
        directory.setModelPixelScale(List.of(grid.cellMetres(), grid.cellMetres(), 0.0));
        directory.setModelTiepoint(List.of(0.0, 0.0, 0.0, grid.minX(), grid.maxY(), 0.0));
        String citation = "OSGB 1936 / British National Grid|";
        directory.setUnsignedIntegerListEntryValue(
                FieldTagType.GeoKeyDirectory,
                List.of(
                        1,
                        1,
                        0,
                        5,
                        GT_MODEL_TYPE,
                        0,
                        1,
                        MODEL_TYPE_PROJECTED,
                        GT_RASTER_TYPE,
                        0,
                        1,
                        RASTER_PIXEL_IS_AREA,
                        GT_CITATION,
                        FieldTagType.GeoAsciiParams.getId(),
                        citation.length(),
                        0,
                        PROJECTED_CS_TYPE,
                        0,
                        1,
                        EPSG_BRITISH_NATIONAL_GRID,
                        PROJ_LINEAR_UNITS,
                        0,
                        1,
                        LINEAR_METRE));
        directory.setStringEntryValue(FieldTagType.GeoAsciiParams, citation);
        directory.setStringEntryValue(FieldTagType.GDAL_NODATA, "nan");
        if (description != null && !description.isBlank()) {
            directory.setStringEntryValue(FieldTagType.ImageDescription, description);
        }
        if (gdalMetadataXml != null && !gdalMetadataXml.isBlank()) {
            directory.setStringEntryValue(FieldTagType.GDAL_METADATA, gdalMetadataXml);
        }
        TIFFImage image = new TIFFImage();
        image.add(directory);
        return TiffWriter.writeTiffToBytes(image);
    }

    public static void write(Surface surface, String description, Path file) throws IOException {
        Files.write(file, bytes(surface, description));
    }

    public static void write(Surface surface, String description, OutputStream out) throws IOException {
        out.write(bytes(surface, description));
    }
}
