package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.safemap.geo.Crs;

class FeaturePainterTest {
    private static final String RULES_SLD = """
            <StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc">
              <NamedLayer><Name>t</Name><UserStyle><Name>rules</Name><FeatureTypeStyle>
                <Rule><Name>under-10</Name><ogc:Filter><ogc:PropertyIsLessThan><ogc:PropertyName>monthly</ogc:PropertyName><ogc:Literal>10</ogc:Literal></ogc:PropertyIsLessThan></ogc:Filter>
                  <PolygonSymbolizer><Fill><CssParameter name="fill">#FF0000</CssParameter><CssParameter name="fill-opacity">0.6</CssParameter></Fill></PolygonSymbolizer></Rule>
                <Rule><Name>big-near</Name><MaxScaleDenominator>20000</MaxScaleDenominator><ogc:Filter><ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>monthly</ogc:PropertyName><ogc:Literal>30</ogc:Literal></ogc:PropertyIsGreaterThanOrEqualTo></ogc:Filter>
                  <PolygonSymbolizer><Stroke><CssParameter name="stroke">#0000FF</CssParameter><CssParameter name="stroke-width">2</CssParameter></Stroke></PolygonSymbolizer></Rule>
                <Rule><Name>outline</Name>
                  <LineSymbolizer><Stroke><CssParameter name="stroke">#333333</CssParameter><CssParameter name="stroke-width">0.7</CssParameter><CssParameter name="stroke-opacity">0.5</CssParameter></Stroke></LineSymbolizer></Rule>
                <Rule><Name>rest</Name><ElseFilter/>
                  <PolygonSymbolizer><Fill><CssParameter name="fill">#00AA00</CssParameter><CssParameter name="fill-opacity">0.4</CssParameter></Fill><Stroke><CssParameter name="stroke">#FFFFFF</CssParameter><CssParameter name="stroke-width">0.5</CssParameter></Stroke></PolygonSymbolizer></Rule>
              </FeatureTypeStyle></UserStyle></NamedLayer>
            </StyledLayerDescriptor>""";

    /**
     * Areas of a seeded random coverage-like grid in British National Grid: jittered quadrilaterals and polygons of
     * many vertices, some with a hole, some in two parts, each with a monthly count or none (suppressed).
     */
    private static List<LayerData.Shape> areas(int n, long seed) {
        Random rnd = new Random(seed);
        List<LayerData.Shape> out = new ArrayList<>();
        int side = (int) Math.ceil(Math.sqrt(n));
        for (int k = 0; k < n; k++) {
            double x0 = 330_000 + (k % side) * 400.0;
            double y0 = 390_000 + (k / side) * 400.0;
            Polygon body = ring(rnd, x0 + 200, y0 + 200, 190, 4 + rnd.nextInt(40), k % 5 == 0 ? 60 : 0);
            Geometry g = k % 7 == 0
                    ? LayerData.GEOMETRY.createMultiPolygon(
                            new Polygon[] {body, ring(rnd, x0 + 380, y0 + 380, 15, 5, 0)})
                    : LayerData.GEOMETRY.createMultiPolygon(new Polygon[] {body});
            // codes out of drawing order, so the painter's order (by code) is not the list's
            String code = "E01" + String.format("%06d", (k * 7919) % 1_000_003);
            out.add(new LayerData.Shape(code, "area " + k, g, null, 0));
        }
        return out;
    }

    private static Polygon ring(Random rnd, double cx, double cy, double r, int vertices, double hole) {
        Coordinate[] cs = new Coordinate[vertices + 1];
        for (int v = 0; v < vertices; v++) {
            double a = 2 * Math.PI * v / vertices;
            double rr = r * (0.75 + 0.25 * rnd.nextDouble());
            cs[v] = new Coordinate(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
        }
        cs[vertices] = cs[0];
        LinearRing shell = LayerData.GEOMETRY.createLinearRing(cs);
        if (hole == 0) {
            return LayerData.GEOMETRY.createPolygon(shell);
        }
        Coordinate[] h = {
            new Coordinate(cx - hole, cy - hole),
            new Coordinate(cx + hole, cy - hole),
            new Coordinate(cx + hole, cy + hole),
            new Coordinate(cx - hole, cy + hole),
            new Coordinate(cx - hole, cy - hole)
        };
        return LayerData.GEOMETRY.createPolygon(shell, new LinearRing[] {LayerData.GEOMETRY.createLinearRing(h)});
    }

    private static Map<String, Object> properties(LayerData.Shape s, Random rnd) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("code", s.code());
        p.put("name", s.name());
        p.put("level", "lsoa");
        double u = rnd.nextDouble();
        p.put("monthly", u < 0.1 ? null : Math.floor(u * 220));
        return p;
    }

    private static BufferedImage canvas(MapView view) {
        BufferedImage image = new BufferedImage(view.width(), view.height(), BufferedImage.TYPE_INT_ARGB);
        return image;
    }

    private static Graphics2D graphics(BufferedImage image) {
        // the hints WmsService.paint draws with
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        return g;
    }

    private static int[] pixels(BufferedImage image) {
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }

    private static SldStyle counts() throws Exception {
        try (InputStream in =
                FeaturePainterTest.class.getClassLoader().getResourceAsStream("org/safemap/layers/styles/counts.sld")) {
            assertThat(in).as("counts.sld on the classpath").isNotNull();
            return SldReader.read(in, "counts.sld");
        }
    }

    /** Draws the set both ways: features with properties, and outlines by classes; returns both images' pixels. */
    private static int[][] bothWays(
            LayerData.ShapeSet set, Map<String, Map<String, Object>> props, SldStyle style, MapView view) {
        List<FeaturePainter.Feature> features = new ArrayList<>();
        for (LayerData.Shape s : set.shapes()) {
            features.add(new FeaturePainter.Feature(s.geometry(), props.get(s.code())));
        }
        features.sort(Comparator.comparing(f -> (String) f.properties().get("code")));
        BufferedImage a = canvas(view);
        Graphics2D ga = graphics(a);
        new FeaturePainter(ga, view).paint(style, features);
        ga.dispose();

        int[] classOf = new int[set.shapes().size()];
        Map<BitSet, Integer> ids = new HashMap<>();
        List<BitSet> matched = new ArrayList<>();
        for (LayerData.Shape s : set.shapes()) {
            classOf[s.index()] = ids.computeIfAbsent(FeaturePainter.matching(style, props.get(s.code())::get), m -> {
                matched.add(m);
                return matched.size() - 1;
            });
        }
        Integer[] order = new Integer[set.shapes().size()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(order, Comparator.comparingInt(k -> set.codeRank()[k]));
        int[] areas = java.util.Arrays.stream(order).mapToInt(Integer::intValue).toArray();
        FeaturePainter.Classes classes = new FeaturePainter.Classes(classOf, matched);
        BufferedImage b = canvas(view);
        Graphics2D gb = graphics(b);
        new FeaturePainter(gb, view).paint(style, set.outlines(), areas, classes);
        gb.dispose();
        BufferedImage c = canvas(view);
        Graphics2D gc = graphics(c);
        FeaturePainter.paint(gc, view, style, set, areas, classes, 3);
        gc.dispose();
        return new int[][] {pixels(a), pixels(b), pixels(c)};
    }

    @Test
    void areasDrawnFromOutlinesAndClassesInOneOrSeveralBandsAreThePixelsOfAreasDrawnFromProperties() throws Exception {
        LayerData.ShapeSet set = LayerData.ShapeSet.of(areas(400, 20261208));
        assertThat(set.outlines()).isNotNull();
        Random rnd = new Random(7);
        Map<String, Map<String, Object>> props = new HashMap<>();
        for (LayerData.Shape s : set.shapes()) {
            props.put(s.code(), properties(s, rnd));
        }
        MapCrs bng = new MapCrs("EPSG:27700", Crs.BNG, false);
        for (SldStyle style : List.of(
                counts(),
                SldReader.read(new ByteArrayInputStream(RULES_SLD.getBytes(StandardCharsets.UTF_8)), "rules.sld"))) {
            // the whole grid (about 8 km: small areas, the scale-ranged rule off) and a corner (rule on)
            for (MapView view : List.of(
                    new MapView(bng, 329_000, 389_000, 339_000, 399_000, 256, 256),
                    new MapView(bng, 330_100, 390_100, 331_300, 391_300, 256, 256),
                    new MapView(bng, 330_000, 390_000, 331_000, 390_700, 300, 210))) {
                int[][] both = bothWays(set, props, style, view);
                Set<Integer> colours = new HashSet<>();
                for (int p : both[0]) {
                    colours.add(p);
                }
                assertThat(colours).as("something drawn, in several colours").hasSizeGreaterThan(8);
                assertThat(both[1])
                        .as(style.name() + " at 1:" + Math.round(view.scaleDenominator()))
                        .isEqualTo(both[0]);
                assertThat(both[2])
                        .as(style.name() + " in 3 bands at 1:" + Math.round(view.scaleDenominator()))
                        .isEqualTo(both[0]);
            }
        }
    }

    @Test
    void projectedOutlinesHoldTheProjectedVerticesInOrder() {
        LayerData.ShapeSet bng = LayerData.ShapeSet.of(areas(30, 5));
        List<LayerData.Shape> projected = new ArrayList<>();
        for (LayerData.Shape s : bng.shapes()) {
            projected.add(new LayerData.Shape(
                    s.code(), s.name(), LayerData.project(s.geometry(), Crs.BNG, Crs.WEB_MERCATOR), null, 0));
        }
        LayerData.ShapeSet set = LayerData.ShapeSet.of(projected);
        LayerData.Outlines o = set.outlines();
        for (LayerData.Shape s : set.shapes()) {
            Coordinate[] cs = s.geometry().getCoordinates();
            int first = o.ringStart()[o.shapeStart()[s.index()]];
            int last = o.ringStart()[o.shapeStart()[s.index() + 1]];
            assertThat(last - first).isEqualTo(cs.length);
            for (int k = 0; k < cs.length; k++) {
                assertThat(o.xy()[2 * (first + k)]).isEqualTo(cs[k].x);
                assertThat(o.xy()[2 * (first + k) + 1]).isEqualTo(cs[k].y);
            }
        }
    }
}
