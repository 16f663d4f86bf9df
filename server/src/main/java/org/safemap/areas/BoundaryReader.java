package org.safemap.areas;

import java.io.IOException;
import java.util.function.LongConsumer;

/** Reads the boundaries of one file (GeoJSON, GeoPackage, zipped Shapefile) one feature at a time. */
interface BoundaryReader {

    /** Receives each feature. */
    interface Sink {
        void accept(BoundaryFeature feature) throws IOException;
    }

    /**
     * What the reader found besides the features.
     *
     * @param srid      EPSG code of the coordinates: 4326, 27700 or 3857
     * @param codeField the property the codes came from
     * @param nameField the property the names came from
     * @param features  how many were read
     */
    record Summary(int srid, String codeField, String nameField, int features) {}

    Summary read(Sink sink, LongConsumer rawBytesRead) throws IOException;
}
