package org.safemap.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.algorithm.locate.IndexedPointInAreaLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Location;
import org.safemap.db.Database;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.FeedDefinition;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.LayerSources;
import org.safemap.map.MapData;
import org.safemap.map.WmsService;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;

/**
 * The pack's maps are the map service's pictures for the pack's reader: two readers with different protocol access
 * (the partnership's analyst, who sees every feed record by record, and a police analyst, who sees partners' feeds
 * reduced or as counts) make the same pack, and each map is compared with the WMS's own image for that reader and
 * for the others, its colour stretch with the density values the WMS gives that reader, and its stated sources with
 * the feeds the WMS draws for them.
 */
class PackMapsIT {
    private static final String LIVERPOOL = "E08000012";
    private static final List<Principal> READERS = List.of(TestPrincipals.CSP_ANALYST, TestPrincipals.POLICE_ANALYST);
    /** Every reader the maps are compared against: the two readers and a tasking meeting member. */
    private static final List<Principal> EVERYONE =
            List.of(TestPrincipals.CSP_ANALYST, TestPrincipals.POLICE_ANALYST, TestPrincipals.TASKING);

    private static Database db;
    private static Policy policy;
    private static WmsService wms;
    private static FeedCatalog feeds;
    private static PackService service;
    private static final Map<Principal, PackService.Made> MADE = new LinkedHashMap<>();

    @BeforeAll
    static void make() {
        db = TestData.demoDatabase();
        policy = new Policy(ProtocolCatalog.builtIn());
        ProtectedCounts counts = new ProtectedCounts(db.dataSource(), policy, ProtectedCounts.Geography.LSOA_MSOA_LAD);
        wms = new WmsService(LayerCatalogue.load(), new MapData(db.dataSource()), policy, counts, 4096, 4096, 1000);
        feeds = FeedCatalog.load(TestSettings.defaults().feedsDir());
        service = new PackService(db.dataSource(), feeds, wms, counts, policy);
        for (Principal reader : READERS) {
            MADE.put(
                    reader,
                    service.made(
                            PackRequest.parse(Map.of("area", LIVERPOOL, "period", "2022-07", "top", "3")),
                            PackFormat.HTML,
                            reader,
                            m -> {}));
        }
    }

    @Test
    void eachMapIsTheWmsImageForItsReaderAndDiffersWhereTheReadersWmsImagesDiffer() {
        int contrasts = 0;
        for (Principal reader : READERS) {
            PackMaps.Images images = MADE.get(reader).images();
            Pack pack = MADE.get(reader).file().pack();
            for (PackMaps.Layout layout : images.layouts()) {
                if (!layout.map().equals("overview") && !layout.map().equals("hot spot 1")) {
                    continue;
                }
                BufferedImage drawn = decode((layout.map().equals("overview")
                                ? images.overview()
                                : images.hotspots().get(pack.hotspots().get(0).code()))
                        .png());
                BufferedImage own = PackMaps.argb(wms.image(layout.getMap(), reader));
                String what = reader.user() + "'s " + layout.map();
                // the marks (outlines, names, markers, furniture) cover part of the map; the rest is the WMS's
                // picture for this reader, up to the 8-bit palette the pack encodes with
                assertThat(share(drawn, own, null))
                        .as(what + ": pixels as the reader's WMS draws them")
                        .isGreaterThan(0.6);
                for (Principal other : EVERYONE) {
                    if (other.equals(reader)) {
                        continue;
                    }
                    BufferedImage theirs = PackMaps.argb(wms.image(layout.getMap(), other));
                    long differing = differing(own, theirs);
                    if (differing < 500) {
                        continue; // the same picture for both: nothing to tell them apart by
                    }
                    contrasts++;
                    double asOwn = share(drawn, own, theirs);
                    double asTheirs = share(drawn, theirs, own);
                    assertThat(asOwn)
                            .as(what + " where " + other.user() + "'s WMS image differs (" + differing
                                    + " pixels): as the reader's")
                            .isGreaterThan(0.6);
                    assertThat(asTheirs)
                            .as(what + " where " + other.user() + "'s WMS image differs: as " + other.user() + "'s")
                            .isLessThan(0.1);
                }
            }
        }
        // the partnership's analyst sees the partners' feeds record by record, the police analyst and a tasking
        // member do not: their pictures of the same selection differ, so the comparison above had something to test
        assertThat(contrasts).isGreaterThanOrEqualTo(2);
        assertThat(MADE.get(TestPrincipals.CSP_ANALYST).images().overview().png())
                .isNotEqualTo(MADE.get(TestPrincipals.POLICE_ANALYST)
                        .images()
                        .overview()
                        .png());
    }

    /**
     * The PDF embeds each picture's pixels themselves, not a PNG: poppler's pdfimages gives back every map and the
     * legend, in order, at its drawn size and pixel for pixel the 8-bit PNG the HTML and DOCX embed for it (the same
     * palette; the drawn overview has more colours than a palette holds, so that is not the drawn image itself).
     */
    @Test
    void pdfEmbedsEachMapsPixelsAsTheHtmlsPngShowsThem() throws Exception {
        PackService.Made made = service.made(
                PackRequest.parse(Map.of("area", LIVERPOOL, "period", "2022-07", "top", "3")),
                PackFormat.PDF,
                TestPrincipals.CSP_ANALYST,
                m -> {});
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pack-images");
        java.nio.file.Path pdf = dir.resolve("pack.pdf");
        java.nio.file.Files.write(pdf, made.file().body());
        Process p = new ProcessBuilder(
                        "pdfimages", "-png", pdf.toString(), dir.resolve("img").toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("pdfimages: " + said).isZero();
        List<java.nio.file.Path> extracted;
        try (var files = java.nio.file.Files.list(dir)) {
            extracted = files.filter(f -> f.getFileName().toString().startsWith("img-"))
                    .sorted()
                    .toList();
        }
        List<MapPicture> pictures = made.images().all();
        assertThat(pictures).hasSize(2 + made.file().pack().hotspots().size());
        assertThat(extracted).as("one image per picture, no soft masks").hasSize(pictures.size());
        for (int k = 0; k < pictures.size(); k++) {
            BufferedImage want = decode(pictures.get(k).png());
            BufferedImage got = ImageIO.read(extracted.get(k).toFile());
            String what = pictures.get(k).name();
            assertThat(got.getWidth()).as(what + " width").isEqualTo(want.getWidth());
            assertThat(got.getHeight()).as(what + " height").isEqualTo(want.getHeight());
            long differing = 0;
            for (int y = 0; y < want.getHeight(); y++) {
                for (int x = 0; x < want.getWidth(); x++) {
                    if ((got.getRGB(x, y) & 0xffffff) != (want.getRGB(x, y) & 0xffffff)) {
                        differing++;
                    }
                }
            }
            assertThat(differing).as(what + ": pixels unlike the PNG's").isZero();
            if (what.equals("overview")) {
                BufferedImage drawn = pictures.get(k).image();
                assertThat(Arrays.stream(drawn.getRGB(
                                        0, 0, drawn.getWidth(), drawn.getHeight(), null, 0, drawn.getWidth()))
                                .distinct()
                                .count())
                        .as("colours drawn on the overview")
                        .isGreaterThan(256);
            }
        }
    }

    @Test
    void colourStretchReadsTheDensityTheWmsGivesTheReader() {
        List<double[]> stretches = new ArrayList<>();
        for (Principal reader : READERS) {
            PackService.Made made = MADE.get(reader);
            Pack pack = made.file().pack();
            double[] expected = breaks(pack, reader);
            MapStretch stretch = made.images().stretch();
            for (int k = 0; k < expected.length; k++) {
                assertThat(stretch.breaks()[k])
                        .as(reader.user() + ": percentile " + MapStretch.PERCENTILES[k])
                        .isCloseTo(expected[k], within(1e-3 * Math.max(1, expected[k])));
            }
            stretches.add(expected);
        }
        // the readers' surfaces differ (partner records in one, not in the other), and so do the stretches; a tasking
        // member's surface, in which partner feeds are guarded counts, is not the partnership's analyst's either
        assertThat(stretches.get(0)).isNotEqualTo(stretches.get(1));
        assertThat(breaks(MADE.get(TestPrincipals.CSP_ANALYST).file().pack(), TestPrincipals.TASKING))
                .isNotEqualTo(stretches.get(0));
    }

    @Test
    void statedSourcesNameOnlyFeedsDrawnForTheReader() {
        LayerSources sources = new LayerSources(db.dataSource(), wms, policy, feeds);
        List<String> all = feeds.all().stream().map(FeedDefinition::name).toList();
        LayerCatalogue.Layer density = wms.catalogue().layer("density-all");
        for (Principal reader : READERS) {
            PackService.Made made = MADE.get(reader);
            List<String> named = Pack.SourceNote.feeds(made.file().pack().sources());
            assertThat(named).isNotEmpty();
            for (PackMaps.Layout layout : made.images().layouts()) {
                List<String> drawn = sources.drawn(reader, density, layout.getMap(), all);
                assertThat(drawn).as(reader.user() + "'s " + layout.map()).containsAll(named);
            }
            // and only feeds the reader sees record by record: those are the maps' feeds, exact
            for (String f : named) {
                assertThat(policy.level(reader, f)).as(reader.user() + ": " + f).isEqualTo(DisclosureLevel.POINTS);
            }
            // the overview's credit line names exactly the feeds the density layer draws for this reader on it
            PackMaps.Layout overview = made.images().layouts().get(0);
            List<String> titles = sources.drawn(reader, density, overview.getMap(), all).stream()
                    .map(f -> feeds.get(f).title())
                    .toList();
            assertThat(overview.map()).isEqualTo("overview");
            assertThat(made.images().credit())
                    .as(reader.user())
                    .contains("Data: " + String.join("; ", titles) + " (see the sources footnote)");
            String html = new String(made.file().body(), java.nio.charset.StandardCharsets.UTF_8);
            for (FeedDefinition f : feeds.all()) {
                if (policy.level(reader, f.name()) != DisclosureLevel.POINTS) {
                    assertThat(named).doesNotContain(f.name());
                }
            }
            assertThat(html)
                    .contains(made.file().pack().sources().get(0).source().title());
        }
        assertThat(Pack.SourceNote.feeds(
                        MADE.get(TestPrincipals.CSP_ANALYST).file().pack().sources()))
                .contains("ambulance");
        assertThat(Pack.SourceNote.feeds(
                        MADE.get(TestPrincipals.POLICE_ANALYST).file().pack().sources()))
                .doesNotContain("ambulance", "istv-ae", "fire-irs");
        // the police analyst, who sees fewer feeds record by record, is credited fewer: the ambulance service's
        // assaults are on the analyst's map and its credit, and on neither of the police analyst's
        String analysts = MADE.get(TestPrincipals.CSP_ANALYST).images().credit();
        String police = MADE.get(TestPrincipals.POLICE_ANALYST).images().credit();
        String ambulance = feeds.get("ambulance").title();
        assertThat(analysts).contains(ambulance);
        assertThat(police)
                .doesNotContain(ambulance)
                .contains(feeds.get("police-uk").title());
        assertThat(police.length()).isLessThan(analysts.length());
    }

    /**
     * A district map with two dense centres: the city centre's crowd of the real pack, and four neighbouring LSOAs in
     * the south-east of Liverpool (the four whose points on surface lie nearest E01006683's) made hot spots too. Each
     * crowd gets its own inset, lettered, 30% of the map wide; every hot spot is marked once, markers never overlap,
     * names overlap no marker. The overview is kept in target/test-artefacts/pack-two-insets.png.
     */
    @Test
    void twoDenseCentresGetAnInsetEach() throws Exception {
        PackService.Made made = service.made(
                PackRequest.parse(Map.of("area", LIVERPOOL, "period", "2022-07", "top", "10")),
                PackFormat.HTML,
                TestPrincipals.CSP_ANALYST,
                m -> {});
        Pack real = made.file().pack();
        List<Integer> centre = made.images().layouts().stream()
                .filter(l -> l.map().startsWith("inset"))
                .flatMap(l -> l.markers().stream().map(MapMarkers.Marker::number))
                .sorted()
                .toList();
        assertThat(centre).as("the city centre's crowd in the real pack").hasSizeGreaterThanOrEqualTo(4);
        List<Pack.Hotspot> spots = new ArrayList<>();
        for (Pack.Hotspot h : real.hotspots()) {
            if (centre.contains(h.number())) {
                spots.add(renumbered(h, spots.size() + 1, h.code(), h.geometry()));
            }
        }
        org.locationtech.jts.io.WKBReader wkb = new org.locationtech.jts.io.WKBReader();
        for (List<Object> row : org.safemap.testing.Sql.rows(db, """
                WITH l AS (SELECT a.code, a.geom, ST_PointOnSurface(a.geom) AS p FROM area a
                           JOIN area_parent ap ON ap.level = 'lsoa' AND ap.code = a.code
                            AND ap.parent_level = 'lad' AND ap.parent_code = ?
                           WHERE a.level = 'lsoa')
                SELECT l.code, ST_AsBinary(l.geom) FROM l, (SELECT p FROM l WHERE code = 'E01006683') o
                ORDER BY l.p <-> o.p LIMIT 4""", LIVERPOOL)) {
            spots.add(renumbered(
                    real.hotspots().get(0), spots.size() + 1, (String) row.get(0), wkb.read((byte[]) row.get(1))));
        }
        Pack two = new Pack(
                real.request(),
                real.area(),
                real.dataFirst(),
                real.dataLast(),
                real.previous(),
                real.yearEarlier(),
                real.previousKnown(),
                real.yearEarlierKnown(),
                real.headline(),
                spots,
                real.breakdowns(),
                real.emerging(),
                real.repeats(),
                real.reviews(),
                real.sources(),
                real.referenceData(),
                real.runs(),
                real.method(),
                real.notes(),
                real.generated(),
                real.version());
        PackMaps.Images images = new PackMaps(
                        wms,
                        new MapLabels(db.dataSource()),
                        new LayerSources(db.dataSource(), wms, policy, feeds),
                        feeds,
                        Runnable::run)
                .draw(two, TestPrincipals.CSP_ANALYST, true, m -> {});
        java.nio.file.Path artefacts =
                java.nio.file.Path.of(System.getProperty("safemap.test.artefacts", "target/test-artefacts"));
        java.nio.file.Files.createDirectories(artefacts);
        java.nio.file.Files.write(
                artefacts.resolve("pack-two-insets.png"), images.overview().png());

        List<PackMaps.Layout> insets = images.layouts().stream()
                .filter(l -> l.map().startsWith("inset"))
                .toList();
        assertThat(insets).extracting(PackMaps.Layout::map).containsExactly("inset A", "inset B");
        assertThat(insets).allMatch(l -> l.width() == Math.round(PackMaps.OVERVIEW_WIDTH * 0.3));
        assertThat(insets.get(1).markers())
                .extracting(MapMarkers.Marker::number)
                .containsExactlyInAnyOrder(spots.size() - 3, spots.size() - 2, spots.size() - 1, spots.size());
        List<Integer> marked = new ArrayList<>();
        for (PackMaps.Layout l : images.layouts()) {
            if (!l.map().equals("overview") && !l.map().startsWith("inset")) {
                continue;
            }
            l.markers().forEach(m -> marked.add(m.number()));
            for (int i = 0; i < l.markers().size(); i++) {
                MapMarkers.Marker a = l.markers().get(i);
                for (int j = i + 1; j < l.markers().size(); j++) {
                    MapMarkers.Marker b = l.markers().get(j);
                    assertThat(Math.hypot(a.x() - b.x(), a.y() - b.y()))
                            .as(l.map() + ": markers " + a.number() + " and " + b.number())
                            .isGreaterThanOrEqualTo(a.radius() + b.radius());
                }
                for (MapLabels.Placed name : l.labels()) {
                    assertThat(name.box().intersects(a.box()))
                            .as(l.map() + ": " + name.name() + " and marker " + a.number())
                            .isFalse();
                }
            }
        }
        assertThat(marked)
                .containsExactlyInAnyOrderElementsOf(
                        spots.stream().map(Pack.Hotspot::number).toList());
    }

    private static Pack.Hotspot renumbered(
            Pack.Hotspot h, int number, String code, org.locationtech.jts.geom.Geometry geometry) {
        return new Pack.Hotspot(
                number,
                h.contextRank(),
                code,
                code,
                h.incidents(),
                h.residents(),
                h.ratePer1000(),
                h.previous(),
                h.giZ(),
                h.giClass(),
                h.emergingClass(),
                h.imdDecile(),
                geometry);
    }

    /**
     * The overview's stretch worked out here from the WMS's density values for {@code who}: the area's envelope read
     * on square cells of the pack's size, the cells whose centre lies in the area ranked, nearest-rank percentiles.
     */
    private static double[] breaks(Pack pack, Principal who) {
        Envelope e = pack.area().outline().getEnvelopeInternal();
        double cell = MapStretch.cellFor(e.getWidth(), e.getHeight());
        double minX = Math.floor(e.getMinX() / cell) * cell;
        double minY = Math.floor(e.getMinY() / cell) * cell;
        int cols = (int) Math.ceil((e.getMaxX() - minX) / cell);
        int rows = (int) Math.ceil((e.getMaxY() - minY) / cell);
        double maxY = minY + rows * cell;
        Map<String, String> q = org.safemap.testing.TestWms.getMap(
                "density-all", minX, minY, minX + cols * cell, maxY, cols, rows, "2022-07");
        if (!pack.request().feeds().isEmpty()) {
            q.put("DIM_FEED", String.join(",", pack.request().feeds()));
        }
        float[] values = wms.densityValues(q, who);
        IndexedPointInAreaLocator inside =
                new IndexedPointInAreaLocator(pack.area().outline());
        List<Float> kept = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (inside.locate(new Coordinate(minX + (c + 0.5) * cell, maxY - (r + 0.5) * cell))
                        == Location.INTERIOR) {
                    kept.add(values[r * cols + c]);
                }
            }
        }
        float[] sorted = new float[kept.size()];
        for (int k = 0; k < sorted.length; k++) {
            sorted[k] = kept.get(k);
        }
        Arrays.sort(sorted);
        double[] out = new double[MapStretch.PERCENTILES.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = sorted[(int) Math.ceil(MapStretch.PERCENTILES[k] / 100 * sorted.length) - 1];
        }
        return out;
    }

    private static BufferedImage decode(byte[] png) {
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Pixels whose colours differ by more than the palette could move one. */
    private static long differing(BufferedImage a, BufferedImage b) {
        long n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (!close(a.getRGB(x, y), b.getRGB(x, y))) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * The share of pixels of {@code drawn} that match {@code like}, among those where {@code like} differs from
     * {@code unlike} (all pixels when {@code unlike} is null).
     */
    private static double share(BufferedImage drawn, BufferedImage like, BufferedImage unlike) {
        long counted = 0;
        long matching = 0;
        for (int y = 0; y < drawn.getHeight(); y++) {
            for (int x = 0; x < drawn.getWidth(); x++) {
                if (unlike != null && close(like.getRGB(x, y), unlike.getRGB(x, y))) {
                    continue;
                }
                counted++;
                if (close(drawn.getRGB(x, y), like.getRGB(x, y))) {
                    matching++;
                }
            }
        }
        return counted == 0 ? 0 : (double) matching / counted;
    }

    private static boolean close(int p, int q) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)) > 12) {
                return false;
            }
        }
        return true;
    }
}
