package org.safemap.map;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The subset of an SLD 1.0 style SafeMap understands: rules with an optional filter (comparisons, between, null
 * tests, and/or/not, or ElseFilter), an optional scale range, and polygon, line, point, text and raster symbolizers.
 * The map renderer draws with these rules and the viewer reads them, so a colour is defined once, in the SLD file.
 *
 * @param name  UserStyle name, the STYLES value a WMS client asks for
 * @param title UserStyle title
 * @param rules rules in file order; every rule whose filter matches a feature draws it, in order
 */
public record SldStyle(String name, String title, List<Rule> rules) {

    /** True when some rule draws a raster (a density surface) rather than features. */
    public boolean isRaster() {
        return rules.stream().anyMatch(r -> r.symbolizers().stream().anyMatch(s -> s instanceof Raster));
    }

    /** The first raster symbolizer, or null. */
    public Raster raster() {
        for (Rule r : rules) {
            for (Symbolizer s : r.symbolizers()) {
                if (s instanceof Raster raster) {
                    return raster;
                }
            }
        }
        return null;
    }

    /**
     * @param name        rule name
     * @param title       legend label
     * @param filter      the features it applies to, or null for all
     * @param elseFilter  true for an ElseFilter rule: applies to features no other filtered rule matched
     * @param minScale    MinScaleDenominator (inclusive), or null
     * @param maxScale    MaxScaleDenominator (exclusive), or null
     * @param symbolizers how to draw, in order
     */
    public record Rule(
            String name,
            String title,
            Filter filter,
            boolean elseFilter,
            Double minScale,
            Double maxScale,
            List<Symbolizer> symbolizers) {
        /** Whether the rule is active at a scale denominator (SLD: min inclusive, max exclusive). */
        public boolean activeAt(double scaleDenominator) {
            return (minScale == null || scaleDenominator >= minScale)
                    && (maxScale == null || scaleDenominator < maxScale);
        }
    }

    /** How a rule draws. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Polygon.class, name = "polygon"),
        @JsonSubTypes.Type(value = Line.class, name = "line"),
        @JsonSubTypes.Type(value = Point.class, name = "point"),
        @JsonSubTypes.Type(value = Text.class, name = "text"),
        @JsonSubTypes.Type(value = Raster.class, name = "raster")
    })
    public sealed interface Symbolizer permits Polygon, Line, Point, Text, Raster {}

    /** Fill and outline of areas; either may be null. */
    public record Polygon(Fill fill, Stroke stroke) implements Symbolizer {}

    public record Line(Stroke stroke) implements Symbolizer {}

    /** A well-known mark (circle, square, triangle, star, cross, x) of {@code size} pixels. */
    public record Point(String mark, double size, Fill fill, Stroke stroke) implements Symbolizer {}

    /**
     * A label from a property, drawn at the feature's interior point with an optional halo.
     *
     * @param haloRadius halo width in pixels, 0 for none
     */
    public record Text(
            String property, String fontFamily, double fontSize, boolean bold, Fill fill, double haloRadius, Fill halo)
            implements Symbolizer {}

    /** A density surface coloured by a colour map; {@code opacity} multiplies every entry's own opacity. */
    public record Raster(double opacity, ColorMap colorMap) implements Symbolizer {}

    /**
     * SLD 1.0 ColorMap. {@code ramp} interpolates linearly between entries; {@code intervals} gives each value the
     * colour of the first entry whose quantity is above it; {@code values} colours exact quantities only. Values
     * below the first quantity take the first entry's colour and opacity (give it opacity 0 to leave them clear);
     * values at or above the last take the last entry's. NaN is transparent.
     */
    public record ColorMap(String type, List<Entry> entries) {
        public record Entry(String colour, double opacity, double quantity, String label) {}
    }

    /** @param colour #RRGGBB; @param opacity 0 to 1 */
    public record Fill(String colour, double opacity) {}

    /** @param colour #RRGGBB; @param width pixels; @param opacity 0 to 1 */
    public record Stroke(String colour, double width, double opacity) {}

    /** An OGC filter over a feature's properties. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Compare.class, name = "compare"),
        @JsonSubTypes.Type(value = Between.class, name = "between"),
        @JsonSubTypes.Type(value = IsNull.class, name = "null"),
        @JsonSubTypes.Type(value = And.class, name = "and"),
        @JsonSubTypes.Type(value = Or.class, name = "or"),
        @JsonSubTypes.Type(value = Not.class, name = "not")
    })
    public sealed interface Filter permits Compare, Between, IsNull, And, Or, Not {
        boolean test(Function<String, Object> properties);
    }

    /**
     * PropertyIsEqualTo and its siblings. Values compare as numbers when both sides are numbers, otherwise as text;
     * a missing (null) property matches nothing, as in OGC filter semantics.
     *
     * @param operator one of = != &lt; &lt;= &gt; &gt;=
     */
    public record Compare(String operator, String property, String literal) implements Filter {
        @Override
        public boolean test(Function<String, Object> properties) {
            Object value = properties.apply(property);
            if (value == null) {
                return false;
            }
            int c = compare(value, literal);
            return switch (operator) {
                case "=" -> c == 0;
                case "!=" -> c != 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                case ">=" -> c >= 0;
                default -> throw new IllegalStateException(operator);
            };
        }
    }

    /** PropertyIsBetween: lower and upper bounds both inclusive. */
    public record Between(String property, String lower, String upper) implements Filter {
        @Override
        public boolean test(Function<String, Object> properties) {
            Object value = properties.apply(property);
            return value != null && compare(value, lower) >= 0 && compare(value, upper) <= 0;
        }
    }

    public record IsNull(String property) implements Filter {
        @Override
        public boolean test(Function<String, Object> properties) {
            return properties.apply(property) == null;
        }
    }

    public record And(List<Filter> filters) implements Filter {
        @Override
        public boolean test(Function<String, Object> properties) {
            return filters.stream().allMatch(f -> f.test(properties));
        }
    }

    public record Or(List<Filter> filters) implements Filter {
        @Override
        public boolean test(Function<String, Object> properties) {
            return filters.stream().anyMatch(f -> f.test(properties));
        }
    }

    public record Not(Filter filter) implements Filter {
        @Override
        public boolean test(Function<String, Object> properties) {
            return !filter.test(properties);
        }
    }

    static int compare(Object value, String literal) {
        if (value instanceof Number n) {
            try {
                return Double.compare(n.doubleValue(), Double.parseDouble(literal));
            } catch (NumberFormatException e) {
                return String.valueOf(value).compareTo(literal);
            }
        }
        if (value instanceof Boolean b) {
            return Boolean.compare(b, Boolean.parseBoolean(literal.toLowerCase(Locale.ROOT)));
        }
        return value.toString().compareTo(literal);
    }
}
