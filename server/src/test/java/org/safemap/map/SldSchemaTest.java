package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * Every SLD in layers/styles is valid against the OGC's SLD 1.0.0 schema (StyledLayerDescriptor.xsd, with the
 * Filter 1.0.0, GML 2.1.2 and XLink schemas it imports), so GeoServer and any other SLD reader accept what SafeMap
 * publishes. The schemas come from Maven Central jars (OGC Schemas, W3C Schemas); nothing is fetched from the
 * network: an import the jars cannot answer fails the test.
 */
class SldSchemaTest {
    /** Where each imported schema's absolute location is found on the test classpath. */
    private static final Map<String, String> LOCATIONS = Map.of(
            "http://schemas.opengis.net/", "ogc/",
            "http://www.w3.org/1999/xlink.xsd", "w3c/1999/xlink.xsd",
            "http://www.w3.org/2001/xml.xsd", "w3c/2001/xml.xsd");

    private static Schema sld;
    private static final List<String> resolved = new ArrayList<>();

    @BeforeAll
    static void loadSchema() throws Exception {
        URL root = resource("ogc/sld/1.0.0/StyledLayerDescriptor.xsd");
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "jar,file");
        f.setResourceResolver(new ClasspathResolver());
        sld = f.newSchema(new StreamSource(root.openStream(), root.toExternalForm()));
    }

    @Test
    void theSchemaIsTheOgcsWithItsImportsFromTheJars() {
        // The SLD schema imports Filter 1.0.0 (which imports GML 2.1.2) and XLink; all came from the classpath.
        assertThat(resolved)
                .anyMatch(s -> s.endsWith("filter/1.0.0/filter.xsd"))
                .anyMatch(s -> s.endsWith("gml/2.1.2/geometry.xsd"))
                .anyMatch(s -> s.endsWith("1999/xlink.xsd"));
    }

    @Test
    void everyStyleInLayersIsValidSld100() throws IOException {
        List<Path> files = styles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(9);
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            problems.addAll(
                    validate(Files.readAllBytes(file), file.getFileName().toString()));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theValidatorRejectsWhatTheSchemaForbids() {
        // A misspelt element, a symbolizer out of order and a colour map outside a raster symbolizer: each must fail,
        // or the test above would prove nothing.
        String head = "<StyledLayerDescriptor version=\"1.0.0\" xmlns=\"http://www.opengis.net/sld\" "
                + "xmlns:ogc=\"http://www.opengis.net/ogc\"><NamedLayer><Name>x</Name><UserStyle><Name>s</Name>"
                + "<FeatureTypeStyle><Rule>";
        String tail = "</Rule></FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>";
        assertThat(validate(
                        (head + "<PolygonSymbolizer><Fill/></PolygonSymbolizer>" + tail)
                                .getBytes(StandardCharsets.UTF_8),
                        "good.sld"))
                .isEmpty();
        assertThat(validate(
                        (head + "<PolygonSymboliser><Fill/></PolygonSymboliser>" + tail)
                                .getBytes(StandardCharsets.UTF_8),
                        "misspelt.sld"))
                .isNotEmpty();
        assertThat(validate(
                        (head + "<PolygonSymbolizer/><Name>late</Name>" + tail).getBytes(StandardCharsets.UTF_8),
                        "order.sld"))
                .isNotEmpty();
        assertThat(validate(
                        (head + "<ColorMap><ColorMapEntry color=\"#000000\" quantity=\"0\"/></ColorMap>" + tail)
                                .getBytes(StandardCharsets.UTF_8),
                        "colormap.sld"))
                .isNotEmpty();
    }

    /** The style files as they are in the repository (not a build copy). */
    static List<Path> styles() throws IOException {
        Path dir = Path.of(System.getenv("SAFEMAP_HOME"), "layers", "styles");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".sld")).sorted().toList();
        }
    }

    private static List<String> validate(byte[] sldFile, String name) {
        List<String> problems = new ArrayList<>();
        Validator v = sld.newValidator();
        v.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {}

            @Override
            public void error(SAXParseException e) {
                problems.add(name + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage());
            }

            @Override
            public void fatalError(SAXParseException e) {
                error(e);
            }
        });
        try {
            v.validate(new StreamSource(new ByteArrayInputStream(sldFile)));
        } catch (Exception e) {
            problems.add(name + ": " + e.getMessage());
        }
        return problems;
    }

    private static URL resource(String path) {
        URL url = SldSchemaTest.class.getClassLoader().getResource(path);
        assertThat(url)
                .as(path + " on the test classpath (org.jvnet.ogc:ogc-schemas, org.hisrc.w3c:w3c-schemas)")
                .isNotNull();
        return url;
    }

    /** Answers the schemas' absolute imports from the classpath; relative ones resolve against the jar URL. */
    private static final class ClasspathResolver implements LSResourceResolver {
        @Override
        public LSInput resolveResource(String type, String namespace, String publicId, String systemId, String base) {
            if (systemId == null) {
                return null;
            }
            for (Map.Entry<String, String> e : LOCATIONS.entrySet()) {
                if (systemId.startsWith(e.getKey())) {
                    String path = e.getValue().endsWith("/")
                            ? e.getValue() + systemId.substring(e.getKey().length())
                            : e.getValue();
                    URL url = resource(path);
                    resolved.add(url.toExternalForm());
                    return new Input(url, publicId);
                }
            }
            if (systemId.startsWith("http:") || systemId.startsWith("https:")) {
                throw new IllegalStateException("the SLD schema imports " + systemId + ", which no schema jar holds");
            }
            if (base != null) {
                try {
                    URL url = new URL(new URL(base), systemId);
                    resolved.add(url.toExternalForm());
                    return new Input(url, publicId);
                } catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
            }
            return null;
        }
    }

    /** One schema document from a URL. */
    private record Input(URL url, String publicId) implements LSInput {
        @Override
        public Reader getCharacterStream() {
            return null;
        }

        @Override
        public void setCharacterStream(Reader r) {}

        @Override
        public InputStream getByteStream() {
            try {
                return url.openStream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void setByteStream(InputStream s) {}

        @Override
        public String getStringData() {
            return null;
        }

        @Override
        public void setStringData(String s) {}

        @Override
        public String getSystemId() {
            return url.toExternalForm();
        }

        @Override
        public void setSystemId(String s) {}

        @Override
        public String getPublicId() {
            return publicId;
        }

        @Override
        public void setPublicId(String s) {}

        @Override
        public String getBaseURI() {
            return url.toExternalForm();
        }

        @Override
        public void setBaseURI(String s) {}

        @Override
        public String getEncoding() {
            return null;
        }

        @Override
        public void setEncoding(String s) {}

        @Override
        public boolean getCertifiedText() {
            return false;
        }

        @Override
        public void setCertifiedText(boolean b) {}
    }
}
