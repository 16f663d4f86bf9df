package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestPrincipals;

/**
 * {@code GET /api/print} on the demo: the PDF read back by poppler's pdftotext says the title, period, filters, legend
 * units and sources; the PNG is the map's size with drawn pixels; a restricted layer is refused to the anonymous as
 * GetMap refuses it, and prints of restricted feeds are audited.
 */
class PrintIT {
    private static final String ANALYST = "analyst:csp:strategic-assessment";
    /** Liverpool's centre, 4 km by 3 km of British National Grid. */
    private static final String BBOX = "332500,388500,336500,391500";

    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;

    @BeforeAll
    static void start() {
        server = DemoServer.start();
        db = server.db();
        base = server.base();
    }

    private static HttpResponse<byte[]> print(String query, String... headers) {
        return Http.getBytes(base + "/api/print?" + query, headers);
    }

    @Test
    void pdfSaysTitlePeriodFiltersLegendUnitsAndSources() throws Exception {
        long before = Sql.count(db, "SELECT count(*) FROM audit_log WHERE action = 'api.print' AND outcome = 'ok'");
        HttpResponse<byte[]> r = print(
                "format=pdf&bbox=" + BBOX + "&layers=density-violence,incident-counts,lsoa-boundaries"
                        + "&time=2022-05/2022-07&category=violence&hours=18-23&title=Violence%20in%20the%20centre",
                TestPrincipals.HEADER,
                ANALYST);
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).isEqualTo("application/pdf");
        assertThat(r.headers().firstValue("cache-control").orElse("")).isEqualTo("no-store");
        Path file = Files.createTempFile("safemap-print", ".pdf");
        Files.write(file, r.body());
        String text = run("pdftotext", "-enc", "UTF-8", file.toString(), "-").replaceAll("\\s+", " ");
        // One A4 page: 595 by 842 points.
        assertThat(run("pdfinfo", file.toString()))
                .containsPattern("Pages: +1\\n")
                .contains("(A4)");
        Files.delete(file);
        assertThat(text)
                .contains("Violence in the centre")
                .contains("Period: May to July 2022")
                .contains("Categories: Violence")
                // the surface is drawn for the hours; the count table, monthly, is not, and the page says which is
                // which
                .contains("Drawn for hours 18-23 (UK local time): Violence and robbery: density")
                .contains("Not applied to Incidents per LSOA: the viewer's hours 18-23")
                .contains("incidents per km² per month")
                .contains("Violence and robbery: density")
                .contains("police.uk")
                .contains("shared under")
                .contains("for National Statistics boundaries"); // pdftotext keeps the "ffi" ligature of "Office"
        // The credits name the feeds drawn, not the catalogue's sentence for every feed the layers could draw: two
        // layers drawing police.uk credit it once, the boundaries once, and violence draws nothing of the fire
        // service's (the map's own credit line is drawn into the image, which pdftotext does not read).
        assertThat(text.split("Contains public sector information from data.police.uk", -1).length - 1)
                .isEqualTo(1);
        assertThat(text.split("for National Statistics boundaries", -1).length - 1)
                .isEqualTo(1);
        assertThat(text).doesNotContain("Pooled partner data").doesNotContain("Incident Recording System");
        assertThat(Sql.count(db, "SELECT count(*) FROM audit_log WHERE action = 'api.print' AND outcome = 'ok'"))
                .isEqualTo(before + 1);
    }

    @Test
    void pngIsTheMapWithItsLegendAndDrawnPixels() throws Exception {
        HttpResponse<byte[]> r = print(
                "format=png&bbox=" + BBOX + "&layers=density-violence,lsoa-boundaries&time=2022-07",
                TestPrincipals.HEADER,
                ANALYST);
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).isEqualTo("image/png");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        // The map is 1,060 pixels wide (180 mm at 150 dpi) with a 16-pixel margin; 4 km by 3 km makes it 795 tall,
        // and the title, legends and sources come above and below it.
        assertThat(img.getWidth()).isEqualTo(1060 + 2 * 16);
        assertThat(img.getHeight()).isGreaterThan(795 + 200);
        // Within the map: coloured density cells (not white, not grey) over a good share of the pixels.
        int coloured = 0;
        int total = 0;
        for (int y = 120; y < 795; y += 3) {
            for (int x = 30; x < 1060; x += 3) {
                int rgb = img.getRGB(x, y);
                int red = (rgb >> 16) & 255;
                int green = (rgb >> 8) & 255;
                int blue = rgb & 255;
                total++;
                if (Math.max(red, Math.max(green, blue)) - Math.min(red, Math.min(green, blue)) > 40) {
                    coloured++;
                }
            }
        }
        assertThat((double) coloured / total).as("share of coloured map pixels").isGreaterThan(0.05);
    }

    @Test
    void aRestrictedLayerIsRefusedToTheAnonymousAsGetMapRefusesIt() {
        long refusals = Sql.count(
                db, "SELECT count(*) FROM audit_log WHERE action = 'api.print' AND outcome <> 'ok' AND actor IS NULL");
        HttpResponse<byte[]> r =
                print("format=png&bbox=" + BBOX + "&layers=lsoa-boundaries,density-violence&time=2022-07");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("no layer named density-violence");
        // GetMap says the same: no such layer, for the anonymous.
        HttpResponse<String> getMap = Http.get(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap"
                + "&LAYERS=density-violence&STYLES=&CRS=EPSG:27700&BBOX=" + BBOX
                + "&WIDTH=100&HEIGHT=75&FORMAT=image/png&TIME=2022-07");
        assertThat(getMap.body()).contains("LayerNotDefined");
        assertThat(
                        Sql.count(
                                db,
                                "SELECT count(*) FROM audit_log WHERE action = 'api.print' AND outcome <> 'ok' AND actor IS NULL"))
                .isEqualTo(refusals + 1);
        // A public layer prints for anyone.
        HttpResponse<byte[]> open =
                print("format=png&bbox=" + BBOX + "&layers=lsoa-boundaries,density-acquisitive&time=2022-07");
        assertThat(open.statusCode()).isEqualTo(200);
    }

    @Test
    void refusesAViewItCannotPrint() {
        assertThat(print("layers=lsoa-boundaries").statusCode()).isEqualTo(400);
        assertThat(print("bbox=0,0,400000,400000&layers=lsoa-boundaries").statusCode())
                .isEqualTo(400);
        assertThat(print("bbox=" + BBOX + "&layers=lsoa-boundaries&format=tiff").statusCode())
                .isEqualTo(400);
        assertThat(print("bbox=" + BBOX + "&layers=density-acquisitive").statusCode())
                .as("a timed layer needs its period")
                .isEqualTo(400);
        assertThat(print("bbox=" + BBOX + "&layers=density-acquisitive&time=1999-01")
                        .statusCode())
                .as("a month the map service refuses")
                .isEqualTo(400);
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
