package org.safemap.publish;

import java.util.List;
import java.util.Optional;
import org.safemap.map.LayerCatalogue;

/**
 * A catalogue layer as GeoServer will serve it: a feature type over one of the stable views in schema
 * {@code geoserver}, or over a parameterised SQL view of one.
 *
 * @param layer         the catalogue layer (name, title, abstract, styles, disclosure)
 * @param nativeName    the view (or, for an SQL view, the virtual table's name) the feature type reads
 * @param sqlView       the SQL view, when the layer takes a parameter GeoServer substitutes
 * @param timeAttribute the column GeoServer's WMS TIME dimension selects on, if any
 */
public record PublishedLayer(
        LayerCatalogue.Layer layer, String nativeName, Optional<SqlView> sqlView, Optional<String> timeAttribute) {

    /** The GeoServer layer name: the catalogue's, so QGIS users see the same names on both servers. */
    public String name() {
        return layer.name();
    }

    /**
     * A GeoServer SQL view (virtual table): SQL with {@code %param%} placeholders that GeoServer fills from a
     * request's {@code viewparams}, each checked against its regular expression first.
     *
     * @param sql        the query, over the stable views only
     * @param keyColumn  the column that identifies a feature
     * @param geometry   geometry column, type and SRID, as GeoServer declares them
     * @param parameters the placeholders
     */
    public record SqlView(String sql, String keyColumn, Geometry geometry, List<Parameter> parameters) {}

    /** A geometry column's name, OGC type and SRID. */
    public record Geometry(String name, String type, int srid) {}

    /** A placeholder, its default and the regular expression a value must match. */
    public record Parameter(String name, String defaultValue, String regexpValidator) {}
}
