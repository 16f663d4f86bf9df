package org.safemap.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.safemap.map.LayerCatalogue;

/** The print's page: everything on one A4 sheet however many layers and sources, and the PNG laid out the same. */
class ViewPrinterTest {
    private static final Path ARTEFACTS =
            Path.of(System.getProperty("safemap.test.artefacts", "target/test-artefacts"));
    /** What a surface of some hours leaves out for a tasking member, as the print says it. */
    private static final String NOTICE = "A&E assaults (ISTV) and Ambulance assault call-outs are left out of this map"
            + " of some hours of the day: they are shared with you as monthly counts, so they are drawn only for whole"
            + " months at every hour and day.";

    private static BufferedImage image(int width, int height, Color colour) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return img;
    }

    /** The most a print holds: the tallest map, twelve layers with ten-class legends, eight feeds (the demo has five). */
    private static ViewPrinter.Page fullest() {
        List<ViewPrinter.Legend> legends = new ArrayList<>();
        for (int k = 0; k < ViewPrint.MAX_LAYERS; k++) {
            legends.add(new ViewPrinter.Legend(
                    "Density of layer " + k,
                    "Incidents per km² per month",
                    image(230, 12 + 20 * 12, Color.ORANGE),
                    // two different notices: each is printed once, under the legends
                    k % 2 == 0 ? NOTICE : NOTICE.replace("some hours of the day", "part of a month")));
        }
        List<String> sources = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            sources.add("Feed number " + k + " (a partner with a long name): shared under the partnership's"
                    + " information sharing agreement for community safety, version 3; shown as aggregates");
        }
        return new ViewPrinter.Page(
                "Violence density, Incident counts, May to July 2022: a title as long as the viewer makes it, 120 chars",
                "May to July 2022, compared with January to April 2022",
                image(ViewPrinter.MAP_WIDTH, ViewPrinter.maxMapHeight(ViewPrint.MAX_LAYERS, 2), Color.BLUE),
                legends,
                List.of(
                        "Categories: Violence, Acquisitive crime",
                        "Sources: all this account may see (listed below)",
                        "Not applied to this map: the viewer's hours 22-3 and days fri,sat (the map service draws every"
                                + " hour and day; the viewer's points and profiles apply them)"),
                sources,
                "Printed from SafeMap 7 December 2026 04:00; British National Grid, 4000 m across.");
    }

    @Test
    void theFullestPrintFitsOneA4Page() throws Exception {
        byte[] pdf = ViewPrinter.pdf(fullest());
        Files.createDirectories(ARTEFACTS);
        Files.write(ARTEFACTS.resolve("print-fullest.pdf"), pdf);
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertThat(doc.getNumberOfPages()).isEqualTo(1);
            assertThat(doc.getPage(0).getMediaBox().getWidth())
                    .isCloseTo(595.3f, org.assertj.core.data.Offset.offset(1f));
            String text = new PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
            assertThat(text)
                    .contains("May to July 2022, compared with January to April 2022")
                    .contains("Density of layer 11")
                    .contains("Feed number 7")
                    .contains("Printed from SafeMap");
            // each notice once, naming the layers it is about
            assertThat(text.split("left out of this map of some hours", -1)).hasSize(2);
            assertThat(text.split("left out of this map of part of a month", -1))
                    .hasSize(2);
            assertThat(text).contains("Density of layer 0, Density of layer 2");
        }
    }

    @Test
    void thePngHoldsTheMapAtItsSizeBelowTheTitle() throws Exception {
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(ViewPrinter.png(fullest())));
        assertThat(png.getWidth()).isEqualTo(ViewPrinter.MAP_WIDTH + 32);
        assertThat(png.getHeight()).isGreaterThan(ViewPrinter.MAX_MAP_HEIGHT + 300);
        // the map's blue fills the middle of the image
        assertThat(new Color(
                        png.getRGB(png.getWidth() / 2, 80 + ViewPrinter.maxMapHeight(ViewPrint.MAX_LAYERS, 2) / 2)))
                .isEqualTo(Color.BLUE);
    }

    @Test
    void attributionsReadAsTextAndPeriodsInWords() {
        LayerCatalogue.Layer layer = new LayerCatalogue.Layer(
                "x",
                "X",
                null,
                null,
                null,
                Map.of(),
                null,
                List.of(),
                "A&amp;E,\n &copy; <a href=\"x\">OS</a> ",
                null,
                false,
                true);
        assertThat(layer.attributionText()).isEqualTo("A&E, © OS");
        assertThat(ViewPrinter.period(Map.of("time", "2022-05/2022-07"))).isEqualTo("May to July 2022");
        assertThat(ViewPrinter.period(Map.of("time", "2021-12/2022-02", "baseline", "2021-09")))
                .isEqualTo("December 2021 to February 2022, compared with September 2021");
        assertThat(ViewPrinter.period(Map.of("time", "2022-07-01/2022-07-14"))).isEqualTo("1 to 14 July 2022");
        assertThat(ViewPrinter.period(Map.of("time", "2022-06-28/2022-07-03"))).isEqualTo("28 June to 3 July 2022");
        assertThat(ViewPrinter.period(Map.of("time", "2021-12-30/2022-01-02")))
                .isEqualTo("30 December 2021 to 2 January 2022");
        assertThat(ViewPrinter.period(Map.of("time", "2022-07-14"))).isEqualTo("14 July 2022");
    }
}
