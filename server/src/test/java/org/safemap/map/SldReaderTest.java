package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.safemap.SafemapException;

class SldReaderTest {

    private static SldStyle parse(String xml) {
        return SldReader.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "test.sld");
    }

    private static String sld(String rules) {
        return """
                <StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc">
                  <NamedLayer><Name>x</Name><UserStyle><Name>s</Name><Title>S</Title><FeatureTypeStyle>
                """ + rules + "</FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>";
    }

    @Test
    void readsTheCatalogueStyles() {
        LayerCatalogue catalogue = LayerCatalogue.load();
        SldStyle incidents = catalogue.layer("incidents").style();
        assertThat(incidents.rules())
                .extracting(r -> ((SldStyle.Compare) r.filter()).literal())
                .containsExactly("violence", "acquisitive", "damage", "asb", "drugs-weapons", "other");
        SldStyle.Rule violence = incidents.rules().get(0);
        assertThat(violence.filter()).isEqualTo(new SldStyle.Compare("=", "group", "violence"));
        assertThat(violence.maxScale()).isEqualTo(100_000.0);
        assertThat(violence.symbolizers())
                .containsExactly(new SldStyle.Point(
                        "circle", 7, new SldStyle.Fill("#D55E00", 0.75), new SldStyle.Stroke("#FFFFFF", 0.5, 1.0)));
        SldStyle boundaries = catalogue.layer("lsoa-boundaries").style();
        assertThat(boundaries.rules().get(0).symbolizers().get(0))
                .isEqualTo(new SldStyle.Polygon(
                        new SldStyle.Fill("#334155", 0.04), new SldStyle.Stroke("#334155", 1.0, 0.7)));
        assertThat(boundaries.rules().get(1).symbolizers().get(0)).isInstanceOf(SldStyle.Text.class);
        SldStyle density = catalogue.layer("density-all").style();
        assertThat(density.isRaster()).isTrue();
        assertThat(density.raster().colorMap().type()).isEqualTo("ramp");
        assertThat(catalogue.layer("density-all").styles())
                .extracting(s -> s.style().name())
                .containsExactly("density", "density-classes");
    }

    @Test
    void densityClassesStepFromClassToClassAsAValidSld10Ramp() {
        // SLD 1.0 has no stepped colour map; density-classes.sld draws each class as a flat stretch of a ramp.
        SldStyle classes = LayerCatalogue.load()
                .layer("density-all")
                .style("density-classes")
                .style();
        assertThat(classes.raster().colorMap().type()).isEqualTo("ramp");
        ColorRamp ramp = new ColorRamp(classes.raster());
        assertThat(ramp.colour(2)).isEqualTo(ramp.colour(6)).isEqualTo(ramp.colour(9.99));
        assertThat(ramp.colour(10)).isEqualTo(ramp.colour(24.9)).isNotEqualTo(ramp.colour(9.99));
        assertThat(ramp.colour(600)).isEqualTo(ramp.colour(1e6));
        assertThat(ramp.colour(1.5) >>> 24).isZero();
    }

    @Test
    void everyCatalogueLayerHasAKnownKindAndEveryStyleParses() {
        LayerCatalogue catalogue = LayerCatalogue.load();
        assertThat(catalogue.layers()).hasSizeGreaterThanOrEqualTo(10);
        for (LayerCatalogue.Layer l : catalogue.layers()) {
            assertThat(LayerKind.ALL).contains(l.kind());
            for (LayerCatalogue.Style s : l.styles()) {
                assertThat(s.style().isRaster())
                        .as(l.name() + " " + s.path())
                        .isEqualTo(l.kind().raster());
            }
        }
    }

    @Test
    void readsComparisonsBetweenNullAndLogicalFilters() {
        SldStyle s = parse(sld("""
                <Rule><Name>r</Name><ogc:Filter><ogc:Or>
                  <ogc:And>
                    <ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>n</ogc:PropertyName><ogc:Literal>10</ogc:Literal></ogc:PropertyIsGreaterThanOrEqualTo>
                    <ogc:PropertyIsLessThan><ogc:PropertyName>n</ogc:PropertyName><ogc:Literal>20</ogc:Literal></ogc:PropertyIsLessThan>
                  </ogc:And>
                  <ogc:PropertyIsBetween><ogc:PropertyName>n</ogc:PropertyName>
                    <ogc:LowerBoundary><ogc:Literal>100</ogc:Literal></ogc:LowerBoundary>
                    <ogc:UpperBoundary><ogc:Literal>200</ogc:Literal></ogc:UpperBoundary></ogc:PropertyIsBetween>
                  <ogc:Not><ogc:PropertyIsNull><ogc:PropertyName>flag</ogc:PropertyName></ogc:PropertyIsNull></ogc:Not>
                </ogc:Or></ogc:Filter><PolygonSymbolizer/></Rule>
                <Rule><Name>else</Name><ElseFilter/><LineSymbolizer/></Rule>"""));
        SldStyle.Filter f = s.rules().get(0).filter();
        assertThat(f.test(Map.<String, Object>of("n", 10)::get)).isTrue();
        assertThat(f.test(Map.<String, Object>of("n", 9.99)::get)).isFalse();
        assertThat(f.test(Map.<String, Object>of("n", 20)::get)).isFalse();
        assertThat(f.test(Map.<String, Object>of("n", 200)::get)).isTrue();
        assertThat(f.test(Map.<String, Object>of("n", 5, "flag", "y")::get)).isTrue();
        assertThat(f.test(Map.<String, Object>of()::get)).isFalse();
        assertThat(s.rules().get(1).elseFilter()).isTrue();
        // Numbers compare as numbers, not text: "9" < "10" numerically.
        assertThat(new SldStyle.Compare("<", "n", "10").test(Map.<String, Object>of("n", 9)::get))
                .isTrue();
    }

    @Test
    void readsScaleRangeLineAndRasterSymbolizers() {
        SldStyle s = parse(sld("""
                <Rule><Name>r</Name><MinScaleDenominator>1000</MinScaleDenominator><MaxScaleDenominator>50000</MaxScaleDenominator>
                  <LineSymbolizer><Stroke><CssParameter name="stroke">#112233</CssParameter>
                  <CssParameter name="stroke-width">2.5</CssParameter></Stroke></LineSymbolizer></Rule>
                <Rule><Name>d</Name><RasterSymbolizer><Opacity>0.5</Opacity><ColorMap type="intervals">
                  <ColorMapEntry color="#000000" quantity="1" opacity="0"/><ColorMapEntry color="#FFFFFF" quantity="5" label="five"/>
                </ColorMap></RasterSymbolizer></Rule>"""));
        SldStyle.Rule r = s.rules().get(0);
        assertThat(r.minScale()).isEqualTo(1000.0);
        assertThat(r.activeAt(1000)).isTrue();
        assertThat(r.activeAt(50_000)).isFalse();
        assertThat(r.symbolizers()).containsExactly(new SldStyle.Line(new SldStyle.Stroke("#112233", 2.5, 1.0)));
        SldStyle.Raster raster = s.raster();
        assertThat(raster.opacity()).isEqualTo(0.5);
        assertThat(raster.colorMap().entries())
                .containsExactly(
                        new SldStyle.ColorMap.Entry("#000000", 0, 1, null),
                        new SldStyle.ColorMap.Entry("#FFFFFF", 1, 5, "five"));
    }

    @Test
    void readsNamedStylesOfSeveralLayers() {
        String doc = """
                <StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld">
                  <NamedLayer><Name>a</Name><NamedStyle><Name>gistar</Name></NamedStyle></NamedLayer>
                  <NamedLayer><Name>b</Name><UserStyle><FeatureTypeStyle><Rule><LineSymbolizer/></Rule></FeatureTypeStyle></UserStyle></NamedLayer>
                </StyledLayerDescriptor>""";
        var styles = SldReader.readDocument(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)), "body");
        assertThat(styles).hasSize(2);
        assertThat(styles.get(0).namedStyle()).isEqualTo("gistar");
        assertThat(styles.get(1).userStyle().name()).isEqualTo("default");
    }

    @Test
    void refusesDoctypeSoNoEntityCanBeExpanded() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + sld("<Rule><Name>&e;</Name><PolygonSymbolizer/></Rule>");
        assertThatThrownBy(() -> parse(xxe))
                .isInstanceOf(SafemapException.class)
                .hasMessageContaining("not well-formed");
    }

    @Test
    void refusesWhatIsOutsideTheSubsetByName() {
        assertThatThrownBy(() -> parse(sld("""
                <Rule><Name>r</Name><ogc:Filter><ogc:PropertyIsLike><ogc:PropertyName>a</ogc:PropertyName>
                <ogc:Literal>1</ogc:Literal></ogc:PropertyIsLike></ogc:Filter><PolygonSymbolizer/></Rule>""")))
                .hasMessageStartingWith("test.sld: rule r: filter ogc:PropertyIsLike is not supported");
        assertThatThrownBy(() -> parse(sld("""
                <Rule><Name>r</Name><PointSymbolizer><Graphic><ExternalGraphic/></Graphic></PointSymbolizer></Rule>"""))).hasMessageContaining("external graphics are not supported");
        assertThatThrownBy(() ->
                        SldReader.readDocument(new ByteArrayInputStream("""
                <StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld"><UserLayer/></StyledLayerDescriptor>""".getBytes(StandardCharsets.UTF_8)), "body"))
                .hasMessageContaining("UserLayer");
    }

    @Test
    void refusesHugeOrDeepStyles() {
        String rule = "<Rule><LineSymbolizer/></Rule>";
        assertThatThrownBy(() -> parse(sld(rule.repeat(SldReader.MAX_RULES + 1))))
                .hasMessageContaining("more than " + SldReader.MAX_RULES + " rules");
        String deep = "<ogc:PropertyIsNull><ogc:PropertyName>a</ogc:PropertyName></ogc:PropertyIsNull>";
        for (int k = 0; k < SldReader.MAX_FILTER_DEPTH + 1; k++) {
            deep = "<ogc:Not>" + deep + "</ogc:Not>";
        }
        String nested = deep;
        assertThatThrownBy(() -> parse(sld("<Rule><ogc:Filter>" + nested + "</ogc:Filter><LineSymbolizer/></Rule>")))
                .hasMessageContaining("nested deeper");
    }

    @Test
    void refusesColoursThatAreNotHex() {
        assertThatThrownBy(() -> parse(sld("""
                <Rule><Name>r</Name><PolygonSymbolizer><Fill><CssParameter name="fill">red</CssParameter></Fill>
                </PolygonSymbolizer></Rule>"""))).hasMessage("test.sld: rule r: colour 'red' is not #RRGGBB");
    }
}
