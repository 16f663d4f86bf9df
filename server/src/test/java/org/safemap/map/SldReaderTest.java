package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
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
        assertThat(catalogue.layers()).extracting(LayerCatalogue.Layer::name).containsExactly("lsoa-boundaries", "incidents");
        SldStyle incidents = catalogue.layers().get(1).style();
        assertThat(incidents.rules()).extracting(SldStyle.Rule::filterValue)
                .containsExactly("violence", "acquisitive", "damage", "asb", "drugs-weapons", "other");
        SldStyle.Rule violence = incidents.rules().get(0);
        assertThat(violence.kind()).isEqualTo("point");
        assertThat(violence.filterProperty()).isEqualTo("group");
        assertThat(violence.fill()).isEqualTo(new SldStyle.Fill("#D55E00", 0.75));
        assertThat(violence.size()).isEqualTo(7.0);
        SldStyle.Rule boundary = catalogue.layers().get(0).style().rules().get(0);
        assertThat(boundary.kind()).isEqualTo("polygon");
        assertThat(boundary.stroke()).isEqualTo(new SldStyle.Stroke("#334155", 1.0, 0.7));
    }

    @Test
    void readsScaleRangeAndLineSymbolizer() {
        SldStyle s = parse(sld("""
                <Rule><Name>r</Name><MinScaleDenominator>1000</MinScaleDenominator><MaxScaleDenominator>50000</MaxScaleDenominator>
                  <LineSymbolizer><Stroke><CssParameter name="stroke">#112233</CssParameter>
                  <CssParameter name="stroke-width">2.5</CssParameter></Stroke></LineSymbolizer></Rule>"""));
        SldStyle.Rule r = s.rules().get(0);
        assertThat(r.minScale()).isEqualTo(1000.0);
        assertThat(r.maxScale()).isEqualTo(50000.0);
        assertThat(r.stroke()).isEqualTo(new SldStyle.Stroke("#112233", 2.5, 1.0));
    }

    @Test
    void refusesDoctypeSoNoEntityCanBeExpanded() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + sld("<Rule><Name>&e;</Name><PolygonSymbolizer/></Rule>").substring(0);
        assertThatThrownBy(() -> parse(xxe)).isInstanceOf(SafemapException.class).hasMessageContaining("not well-formed");
    }

    @Test
    void refusesFiltersOutsideTheSupportedSubset() {
        assertThatThrownBy(() -> parse(sld("""
                <Rule><Name>r</Name><ogc:Filter><ogc:PropertyIsLessThan><ogc:PropertyName>a</ogc:PropertyName>
                <ogc:Literal>1</ogc:Literal></ogc:PropertyIsLessThan></ogc:Filter><PolygonSymbolizer/></Rule>""")))
                .hasMessage("test.sld: rule r: only a single ogc:PropertyIsEqualTo filter is supported");
    }

    @Test
    void refusesColoursThatAreNotHex() {
        assertThatThrownBy(() -> parse(sld("""
                <Rule><Name>r</Name><PolygonSymbolizer><Fill><CssParameter name="fill">red</CssParameter></Fill>
                </PolygonSymbolizer></Rule>""")))
                .hasMessage("test.sld: rule r: colour 'red' is not #RRGGBB");
    }
}
