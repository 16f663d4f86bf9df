package org.safemap.map;

import java.util.List;

/**
 * The subset of an SLD 1.0 style SafeMap understands: rules with an optional property-equals filter, an
 * optional scale range, and polygon, line or point symbolizers. The viewer styles its vector layers from it,
 * and the map renderer draws with the same rules, so a colour is defined once, in the SLD file.
 *
 * @param name  UserStyle name
 * @param title UserStyle title
 * @param rules rules in file order; for each feature the first matching rule applies
 */
public record SldStyle(String name, String title, List<Rule> rules) {

    /**
     * @param name           rule name
     * @param title          legend label
     * @param filterProperty property compared by PropertyIsEqualTo, or null for an unfiltered rule
     * @param filterValue    the literal it must equal, or null
     * @param minScale       MinScaleDenominator, or null
     * @param maxScale       MaxScaleDenominator, or null
     * @param kind           polygon, line or point
     * @param fill           fill, or null (lines; hollow marks)
     * @param stroke         stroke, or null
     * @param mark           WellKnownName of a point mark (circle, square ...), or null
     * @param size           point size in pixels, or null
     */
    public record Rule(String name, String title, String filterProperty, String filterValue, Double minScale,
                       Double maxScale, String kind, Fill fill, Stroke stroke, String mark, Double size) {
    }

    /** @param colour #RRGGBB; @param opacity 0 to 1 */
    public record Fill(String colour, double opacity) {
    }

    /** @param colour #RRGGBB; @param width pixels; @param opacity 0 to 1 */
    public record Stroke(String colour, double width, double opacity) {
    }
}
