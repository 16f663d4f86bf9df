package org.safemap.map;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.safemap.SafemapException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Parses SLD 1.0 documents into {@link SldStyle}. Entities and DTDs are refused (styles may later arrive in
 * requests as SLD_BODY), and anything outside the supported subset is reported, not silently ignored.
 */
public final class SldReader {
    static final String SLD = "http://www.opengis.net/sld";
    static final String OGC = "http://www.opengis.net/ogc";
    private static final Pattern COLOUR = Pattern.compile("#[0-9A-Fa-f]{6}");

    private SldReader() {
    }

    public static SldStyle read(InputStream in, String source) {
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
        Element userStyle = first(root, SLD, "UserStyle");
        if (userStyle == null) {
            throw invalid(source, "no UserStyle");
        }
        List<SldStyle.Rule> rules = new ArrayList<>();
        for (Element fts : children(userStyle, SLD, "FeatureTypeStyle")) {
            for (Element rule : children(fts, SLD, "Rule")) {
                rules.add(rule(rule, source));
            }
        }
        if (rules.isEmpty()) {
            throw invalid(source, "the style has no rules");
        }
        return new SldStyle(text(userStyle, SLD, "Name"), text(userStyle, SLD, "Title"), List.copyOf(rules));
    }

    private static SldStyle.Rule rule(Element rule, String source) {
        String name = text(rule, SLD, "Name");
        String property = null;
        String literal = null;
        Element filter = first(rule, OGC, "Filter");
        if (filter != null) {
            Element equals = first(filter, OGC, "PropertyIsEqualTo");
            if (equals == null || childElements(filter).size() != 1) {
                throw invalid(source, "rule " + name + ": only a single ogc:PropertyIsEqualTo filter is supported");
            }
            property = text(equals, OGC, "PropertyName");
            literal = text(equals, OGC, "Literal");
            if (property == null || literal == null) {
                throw invalid(source, "rule " + name + ": PropertyIsEqualTo needs a PropertyName and a Literal");
            }
        }
        Double minScale = number(text(rule, SLD, "MinScaleDenominator"), source, name);
        Double maxScale = number(text(rule, SLD, "MaxScaleDenominator"), source, name);
        Element polygon = first(rule, SLD, "PolygonSymbolizer");
        Element line = first(rule, SLD, "LineSymbolizer");
        Element point = first(rule, SLD, "PointSymbolizer");
        if (polygon != null) {
            return new SldStyle.Rule(name, text(rule, SLD, "Title"), property, literal, minScale, maxScale, "polygon",
                    fill(first(polygon, SLD, "Fill"), source, name), stroke(first(polygon, SLD, "Stroke"), source, name),
                    null, null);
        }
        if (line != null) {
            return new SldStyle.Rule(name, text(rule, SLD, "Title"), property, literal, minScale, maxScale, "line",
                    null, stroke(first(line, SLD, "Stroke"), source, name), null, null);
        }
        if (point != null) {
            Element graphic = first(point, SLD, "Graphic");
            Element mark = graphic == null ? null : first(graphic, SLD, "Mark");
            if (mark == null) {
                throw invalid(source, "rule " + name + ": a PointSymbolizer needs a Graphic with a Mark");
            }
            String wellKnown = text(mark, SLD, "WellKnownName");
            return new SldStyle.Rule(name, text(rule, SLD, "Title"), property, literal, minScale, maxScale, "point",
                    fill(first(mark, SLD, "Fill"), source, name), stroke(first(mark, SLD, "Stroke"), source, name),
                    wellKnown == null ? "square" : wellKnown, number(text(graphic, SLD, "Size"), source, name));
        }
        throw invalid(source, "rule " + name + " has no Polygon-, Line- or PointSymbolizer");
    }

    private static SldStyle.Fill fill(Element fill, String source, String rule) {
        if (fill == null) {
            return null;
        }
        return new SldStyle.Fill(colour(css(fill, "fill", "#808080"), source, rule),
                opacity(css(fill, "fill-opacity", "1"), source, rule));
    }

    private static SldStyle.Stroke stroke(Element stroke, String source, String rule) {
        if (stroke == null) {
            return null;
        }
        Double width = number(css(stroke, "stroke-width", "1"), source, rule);
        return new SldStyle.Stroke(colour(css(stroke, "stroke", "#000000"), source, rule), width,
                opacity(css(stroke, "stroke-opacity", "1"), source, rule));
    }

    private static String css(Element parent, String name, String fallback) {
        for (Element p : children(parent, SLD, "CssParameter")) {
            if (name.equals(p.getAttribute("name"))) {
                return p.getTextContent().strip();
            }
        }
        return fallback;
    }

    private static String colour(String value, String source, String rule) {
        if (!COLOUR.matcher(value).matches()) {
            throw invalid(source, "rule " + rule + ": colour '" + value + "' is not #RRGGBB");
        }
        return value.toUpperCase();
    }

    private static double opacity(String value, String source, String rule) {
        Double v = number(value, source, rule);
        if (v < 0 || v > 1) {
            throw invalid(source, "rule " + rule + ": opacity " + value + " is outside 0 to 1");
        }
        return v;
    }

    private static Double number(String value, String source, String rule) {
        if (value == null) {
            return null;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw invalid(source, "rule " + rule + ": '" + value + "' is not a number");
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

    private static Element first(Element parent, String ns, String local) {
        var nodes = parent.getElementsByTagNameNS(ns, local);
        return nodes.getLength() == 0 ? null : (Element) nodes.item(0);
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
        List<Element> direct = children(parent, ns, local);
        return direct.isEmpty() ? null : direct.get(0).getTextContent().strip();
    }

    private static SafemapException invalid(String source, String message) {
        return new SafemapException("bad_style", source + ": " + message);
    }
}
