package org.safemap.map;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Parses SLD 1.0 documents into {@link SldStyle}. Styles also arrive from strangers as WMS SLD_BODY, so DTDs,
 * entities and external references are refused, sizes are capped ({@link #MAX_RULES}, {@link #MAX_FILTER_DEPTH},
 * {@link #MAX_ENTRIES}), and anything outside the supported subset is reported by name, never silently ignored.
 */
public final class SldReader {
    static final String SLD = "http://www.opengis.net/sld";
    static final String OGC = "http://www.opengis.net/ogc";
    public static final int MAX_RULES = 200;
    public static final int MAX_FILTER_DEPTH = 12;
    public static final int MAX_ENTRIES = 256;
    private static final Pattern COLOUR = Pattern.compile("#[0-9A-Fa-f]{6}");
    private static final Map<String, String> COMPARISONS = Map.of(
            "PropertyIsEqualTo",
            "=",
            "PropertyIsNotEqualTo",
            "!=",
            "PropertyIsLessThan",
            "<",
            "PropertyIsLessThanOrEqualTo",
            "<=",
            "PropertyIsGreaterThan",
            ">",
            "PropertyIsGreaterThanOrEqualTo",
            ">=");
    private static final List<String> MARKS = List.of("circle", "square", "triangle", "star", "cross", "x");

    /**
     * One NamedLayer of a document: the layer it styles and either the name of a style the server already has
     * (NamedStyle) or a style given in full (UserStyle).
     */
    public record LayerStyle(String layer, String namedStyle, SldStyle userStyle) {}

    private SldReader() {}

    /** Reads a style file: the first UserStyle of the document. */
    public static SldStyle read(InputStream in, String source) {
        for (LayerStyle ls : readDocument(in, source)) {
            if (ls.userStyle() != null) {
                return ls.userStyle();
            }
        }
        throw invalid(source, "no UserStyle");
    }

    /** Reads every NamedLayer of a document (a WMS SLD_BODY may style several layers). */
    public static List<LayerStyle> readDocument(InputStream in, String source) {
        Document doc;
        try {
            doc = builder().parse(in);
        } catch (SAXException | IOException e) {
            throw invalid(source, "not well-formed XML: " + e.getMessage());
        }
        Element root = doc.getDocumentElement();
        if (!SLD.equals(root.getNamespaceURI()) || !"StyledLayerDescriptor".equals(root.getLocalName())) {
            throw invalid(source, "the root element must be sld:StyledLayerDescriptor");
        }
        List<LayerStyle> out = new ArrayList<>();
        for (Element e : childElements(root)) {
            if (!SLD.equals(e.getNamespaceURI())) {
                continue;
            }
            switch (e.getLocalName()) {
                case "NamedLayer" -> out.add(namedLayer(e, source));
                case "UserLayer" ->
                    throw invalid(
                            source,
                            "UserLayer (data from outside SafeMap) is not supported; "
                                    + "use a NamedLayer naming one of the server's layers");
                default -> {}
            }
        }
        if (out.isEmpty()) {
            throw invalid(source, "no NamedLayer");
        }
        return out;
    }

    private static LayerStyle namedLayer(Element namedLayer, String source) {
        String layer = text(namedLayer, SLD, "Name");
        if (layer == null) {
            throw invalid(source, "a NamedLayer has no Name");
        }
        Element namedStyle = child(namedLayer, SLD, "NamedStyle");
        if (namedStyle != null) {
            return new LayerStyle(layer, text(namedStyle, SLD, "Name"), null);
        }
        Element userStyle = child(namedLayer, SLD, "UserStyle");
        if (userStyle == null) {
            throw invalid(source, "NamedLayer " + layer + " has neither a NamedStyle nor a UserStyle");
        }
        return new LayerStyle(layer, null, userStyle(userStyle, source));
    }

    private static SldStyle userStyle(Element userStyle, String source) {
        List<SldStyle.Rule> rules = new ArrayList<>();
        for (Element fts : children(userStyle, SLD, "FeatureTypeStyle")) {
            for (Element rule : children(fts, SLD, "Rule")) {
                if (rules.size() == MAX_RULES) {
                    throw invalid(source, "more than " + MAX_RULES + " rules");
                }
                rules.add(rule(rule, source));
            }
        }
        if (rules.isEmpty()) {
            throw invalid(source, "the style has no rules");
        }
        String name = text(userStyle, SLD, "Name");
        return new SldStyle(name == null ? "default" : name, text(userStyle, SLD, "Title"), List.copyOf(rules));
    }

    private static SldStyle.Rule rule(Element rule, String source) {
        String name = text(rule, SLD, "Name");
        String where = "rule " + (name == null ? "(unnamed)" : name);
        SldStyle.Filter filter = null;
        Element filterElement = child(rule, OGC, "Filter");
        if (filterElement != null) {
            List<Element> inner = childElements(filterElement);
            if (inner.size() != 1) {
                throw invalid(source, where + ": ogc:Filter must hold exactly one condition");
            }
            filter = filter(inner.get(0), source, where, 1);
        }
        boolean elseFilter = child(rule, SLD, "ElseFilter") != null;
        if (elseFilter && filter != null) {
            throw invalid(source, where + ": a rule cannot have both a Filter and an ElseFilter");
        }
        Double minScale = number(text(rule, SLD, "MinScaleDenominator"), source, where);
        Double maxScale = number(text(rule, SLD, "MaxScaleDenominator"), source, where);
        List<SldStyle.Symbolizer> symbolizers = new ArrayList<>();
        for (Element e : childElements(rule)) {
            if (!SLD.equals(e.getNamespaceURI())) {
                continue;
            }
            switch (e.getLocalName()) {
                case "PolygonSymbolizer" ->
                    symbolizers.add(new SldStyle.Polygon(
                            fill(child(e, SLD, "Fill"), source, where),
                            stroke(child(e, SLD, "Stroke"), source, where)));
                case "LineSymbolizer" -> {
                    SldStyle.Stroke stroke = stroke(child(e, SLD, "Stroke"), source, where);
                    symbolizers.add(new SldStyle.Line(stroke == null ? new SldStyle.Stroke("#000000", 1, 1) : stroke));
                }
                case "PointSymbolizer" -> symbolizers.add(point(e, source, where));
                case "TextSymbolizer" -> symbolizers.add(textSymbolizer(e, source, where));
                case "RasterSymbolizer" -> symbolizers.add(raster(e, source, where));
                case "Name",
                        "Title",
                        "Abstract",
                        "LegendGraphic",
                        "ElseFilter",
                        "MinScaleDenominator",
                        "MaxScaleDenominator" -> {}
                default -> throw invalid(source, where + ": " + e.getLocalName() + " is not supported");
            }
        }
        if (symbolizers.isEmpty()) {
            throw invalid(source, where + " has no Polygon-, Line-, Point-, Text- or RasterSymbolizer");
        }
        return new SldStyle.Rule(
                name, text(rule, SLD, "Title"), filter, elseFilter, minScale, maxScale, List.copyOf(symbolizers));
    }

    private static SldStyle.Filter filter(Element e, String source, String where, int depth) {
        if (depth > MAX_FILTER_DEPTH) {
            throw invalid(source, where + ": filter nested deeper than " + MAX_FILTER_DEPTH);
        }
        if (!OGC.equals(e.getNamespaceURI())) {
            throw invalid(source, where + ": " + e.getLocalName() + " is not an ogc: filter element");
        }
        String op = e.getLocalName();
        String comparison = COMPARISONS.get(op);
        if (comparison != null) {
            return new SldStyle.Compare(comparison, property(e, source, where, op), literal(e, source, where, op));
        }
        return switch (op) {
            case "PropertyIsBetween" -> {
                String lower = boundary(e, "LowerBoundary", source, where);
                String upper = boundary(e, "UpperBoundary", source, where);
                yield new SldStyle.Between(property(e, source, where, op), lower, upper);
            }
            case "PropertyIsNull" -> new SldStyle.IsNull(property(e, source, where, op));
            case "And", "Or" -> {
                List<SldStyle.Filter> parts = new ArrayList<>();
                for (Element c : childElements(e)) {
                    parts.add(filter(c, source, where, depth + 1));
                }
                if (parts.size() < 2) {
                    throw invalid(source, where + ": ogc:" + op + " needs at least two conditions");
                }
                yield op.equals("And") ? new SldStyle.And(List.copyOf(parts)) : new SldStyle.Or(List.copyOf(parts));
            }
            case "Not" -> {
                List<Element> inner = childElements(e);
                if (inner.size() != 1) {
                    throw invalid(source, where + ": ogc:Not needs exactly one condition");
                }
                yield new SldStyle.Not(filter(inner.get(0), source, where, depth + 1));
            }
            default ->
                throw invalid(
                        source,
                        where + ": filter ogc:" + op + " is not supported (supported: "
                                + "PropertyIsEqualTo, -NotEqualTo, -LessThan, -LessThanOrEqualTo, -GreaterThan, "
                                + "-GreaterThanOrEqualTo, -Between, -Null, And, Or, Not)");
        };
    }

    private static String property(Element e, String source, String where, String op) {
        String p = text(e, OGC, "PropertyName");
        if (p == null || p.isEmpty()) {
            throw invalid(source, where + ": ogc:" + op + " needs a PropertyName");
        }
        return p;
    }

    private static String literal(Element e, String source, String where, String op) {
        String l = text(e, OGC, "Literal");
        if (l == null) {
            throw invalid(source, where + ": ogc:" + op + " needs a Literal");
        }
        return l;
    }

    private static String boundary(Element between, String name, String source, String where) {
        Element b = child(between, OGC, name);
        String l = b == null ? null : text(b, OGC, "Literal");
        if (l == null) {
            throw invalid(source, where + ": ogc:PropertyIsBetween needs a " + name + " with a Literal");
        }
        return l;
    }

    private static SldStyle.Point point(Element e, String source, String where) {
        Element graphic = child(e, SLD, "Graphic");
        Element mark = graphic == null ? null : child(graphic, SLD, "Mark");
        if (mark == null) {
            throw invalid(
                    source,
                    where + ": a PointSymbolizer needs a Graphic with a Mark (external graphics are not "
                            + "supported)");
        }
        String wellKnown = text(mark, SLD, "WellKnownName");
        String shape = wellKnown == null ? "square" : wellKnown.toLowerCase(Locale.ROOT);
        if (!MARKS.contains(shape)) {
            throw invalid(source, where + ": mark '" + wellKnown + "' is not one of " + String.join(", ", MARKS));
        }
        Double size = number(text(graphic, SLD, "Size"), source, where);
        if (size != null && (size <= 0 || size > 256)) {
            throw invalid(source, where + ": mark size " + size + " is outside 0 to 256 pixels");
        }
        return new SldStyle.Point(
                shape,
                size == null ? 6 : size,
                fill(child(mark, SLD, "Fill"), source, where),
                stroke(child(mark, SLD, "Stroke"), source, where));
    }

    private static SldStyle.Text textSymbolizer(Element e, String source, String where) {
        Element label = child(e, SLD, "Label");
        String property = label == null ? null : text(label, OGC, "PropertyName");
        if (property == null) {
            throw invalid(source, where + ": a TextSymbolizer needs a Label with an ogc:PropertyName");
        }
        Element font = child(e, SLD, "Font");
        String family = font == null ? "SansSerif" : css(font, "font-family", "SansSerif");
        Double size = font == null ? 11.0 : number(css(font, "font-size", "11"), source, where);
        if (size <= 0 || size > 72) {
            throw invalid(source, where + ": font size " + size + " is outside 0 to 72");
        }
        boolean bold = font != null && "bold".equalsIgnoreCase(css(font, "font-weight", "normal"));
        Element halo = child(e, SLD, "Halo");
        double radius = 0;
        SldStyle.Fill haloFill = null;
        if (halo != null) {
            Double r = number(text(halo, SLD, "Radius"), source, where);
            radius = r == null ? 1 : r;
            if (radius < 0 || radius > 10) {
                throw invalid(source, where + ": halo radius " + radius + " is outside 0 to 10");
            }
            haloFill = fill(child(halo, SLD, "Fill"), source, where);
            if (haloFill == null) {
                haloFill = new SldStyle.Fill("#FFFFFF", 1);
            }
        }
        SldStyle.Fill fill = fill(child(e, SLD, "Fill"), source, where);
        return new SldStyle.Text(
                property, family, size, bold, fill == null ? new SldStyle.Fill("#000000", 1) : fill, radius, haloFill);
    }

    private static SldStyle.Raster raster(Element e, String source, String where) {
        Double opacity = number(text(e, SLD, "Opacity"), source, where);
        if (opacity != null && (opacity < 0 || opacity > 1)) {
            throw invalid(source, where + ": raster opacity " + opacity + " is outside 0 to 1");
        }
        Element colorMap = child(e, SLD, "ColorMap");
        if (colorMap == null) {
            throw invalid(source, where + ": a RasterSymbolizer needs a ColorMap");
        }
        String type = colorMap.getAttribute("type").isEmpty() ? "ramp" : colorMap.getAttribute("type");
        if (!List.of("ramp", "intervals", "values").contains(type)) {
            throw invalid(source, where + ": ColorMap type '" + type + "' is not ramp, intervals or values");
        }
        List<SldStyle.ColorMap.Entry> entries = new ArrayList<>();
        double previous = Double.NEGATIVE_INFINITY;
        for (Element entry : children(colorMap, SLD, "ColorMapEntry")) {
            if (entries.size() == MAX_ENTRIES) {
                throw invalid(source, where + ": more than " + MAX_ENTRIES + " ColorMapEntry elements");
            }
            String colour = colour(entry.getAttribute("color"), source, where);
            double o = entry.hasAttribute("opacity") ? opacity(entry.getAttribute("opacity"), source, where) : 1;
            Double q = number(entry.getAttribute("quantity"), source, where);
            if (q == null || q.isNaN() || q < previous) {
                throw invalid(source, where + ": ColorMapEntry quantities must be numbers in increasing order");
            }
            previous = q;
            String label = entry.getAttribute("label");
            entries.add(new SldStyle.ColorMap.Entry(colour, o, q, label.isEmpty() ? null : label));
        }
        if (entries.isEmpty()) {
            throw invalid(source, where + ": the ColorMap has no ColorMapEntry");
        }
        return new SldStyle.Raster(opacity == null ? 1 : opacity, new SldStyle.ColorMap(type, List.copyOf(entries)));
    }

    private static SldStyle.Fill fill(Element fill, String source, String rule) {
        if (fill == null) {
            return null;
        }
        return new SldStyle.Fill(
                colour(css(fill, "fill", "#808080"), source, rule),
                opacity(css(fill, "fill-opacity", "1"), source, rule));
    }

    private static SldStyle.Stroke stroke(Element stroke, String source, String rule) {
        if (stroke == null) {
            return null;
        }
        Double width = number(css(stroke, "stroke-width", "1"), source, rule);
        if (width < 0 || width > 64) {
            throw invalid(source, rule + ": stroke width " + width + " is outside 0 to 64 pixels");
        }
        return new SldStyle.Stroke(
                colour(css(stroke, "stroke", "#000000"), source, rule),
                width,
                opacity(css(stroke, "stroke-opacity", "1"), source, rule));
    }

    private static String css(Element parent, String name, String fallback) {
        for (Element p : childElements(parent)) {
            if (SLD.equals(p.getNamespaceURI())
                    && ("CssParameter".equals(p.getLocalName()) || "SvgParameter".equals(p.getLocalName()))
                    && name.equals(p.getAttribute("name"))) {
                return p.getTextContent().strip();
            }
        }
        return fallback;
    }

    private static String colour(String value, String source, String rule) {
        if (!COLOUR.matcher(value).matches()) {
            throw invalid(source, rule + ": colour '" + value + "' is not #RRGGBB");
        }
        return value.toUpperCase(Locale.ROOT);
    }

    private static double opacity(String value, String source, String rule) {
        Double v = number(value, source, rule);
        if (v == null || v < 0 || v > 1) {
            throw invalid(source, rule + ": opacity " + value + " is outside 0 to 1");
        }
        return v;
    }

    private static Double number(String value, String source, String rule) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            double v = Double.parseDouble(value.strip());
            if (Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw invalid(source, rule + ": '" + value + "' is not a number");
        }
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return f.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Element child(Element parent, String ns, String local) {
        for (Element e : childElements(parent)) {
            if (ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String ns, String local) {
        List<Element> out = new ArrayList<>();
        for (Element e : childElements(parent)) {
            if (ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<Element> childElements(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String ns, String local) {
        Element e = child(parent, ns, local);
        return e == null ? null : e.getTextContent().strip();
    }

    private static SafemapException invalid(String source, String message) {
        return new SafemapException(ErrorCode.BAD_STYLE, source + ": " + message);
    }
}
