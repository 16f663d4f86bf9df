package org.safemap.pack;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.locationtech.jts.algorithm.locate.IndexedPointInAreaLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygonal;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.Work;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.FeedDefinition;
import org.safemap.map.LayerSources;
import org.safemap.map.WmsService;
import org.safemap.sharing.Principal;
import org.safemap.time.Period;

/**
 * The pack's map images, drawn by SafeMap's own map service (a WMS GetMap in process: the density surface in
 * incidents per km² per month, with LSOA boundaries), then marked up for print: the area's outline, the hot spots
 * outlined and numbered, a scale bar, a north arrow and the attribution line.
 *
 * <p>Every map, and every density value its colour stretch reads, is asked of the map service as the pack's reader,
 * so a map never shows more than the WMS shows that reader for the same selection, and shows the same surface the
 * pack's tables count (the reader's own levels: exact for the feeds they see as points).
 */
final class PackMaps {
    /** The overview's size in pixels: about 180 mm wide at 150 dpi. */
    static final int OVERVIEW_WIDTH = 1060;

    static final int SPOT_WIDTH = 480;
    static final int SPOT_HEIGHT = 360;
    /** A hot spot map shows at least this much ground, so the streets around a small LSOA are seen. */
    private static final double SPOT_MIN_METRES = 900;

    private static final String DENSITY = "density-all";
    private static final String BOUNDARIES = "lsoa-boundaries";
    private static final Color OUTLINE = new Color(20, 20, 20);
    private static final Color HOTSPOT = new Color(0, 70, 200);

    /**
     * The pictures; the stretches their colours follow (the overview's the pack's area, each hot spot map's its own
     * view, by hot spot code); where each map's markers and names went; and the overview's credit line.
     */
    record Images(
            MapPicture overview,
            MapPicture legend,
            Map<String, MapPicture> hotspots,
            MapStretch stretch,
            Map<String, MapStretch> hotspotStretches,
            List<Layout> layouts,
            String credit) {
        /** Every picture, the overview and legend first. */
        List<MapPicture> all() {
            List<MapPicture> all = new ArrayList<>(List.of(overview, legend));
            all.addAll(hotspots.values());
            return all;
        }
    }

    /**
     * What was placed on one map, in its pixels: the markers, the names, and the boxes both kept clear of (furniture,
     * the inset and the crowd's frame).
     */
    record Layout(
            String map,
            int width,
            int height,
            List<MapMarkers.Marker> markers,
            List<MapLabels.Placed> labels,
            List<Rectangle2D> obstacles,
            Map<String, String> getMap) {}

    /** One drawn map and what it carries. */
    private record Drawn(MapPicture picture, MapStretch stretch, List<Layout> layouts, String credit) {}

    /** At most this many crowds are enlarged in insets; beyond, their markers are offset with leader lines. */
    static final int MAX_INSETS = 3;
    /** Markers closer than this many radii make a crowd, which an inset shows enlarged. */
    private static final double CROWD_REACH_RADII = 3;
    /** A crowd needs this many markers; fewer that collide are offset with leader lines. */
    private static final int CROWD_MIN = 4;
    /** An overview at most this wide (metres) is at street scale: its names cover the whole view. */
    private static final double STREET_SCALE_METRES = 4000;

    private final WmsService wms;
    private final LayerSources sources;
    private final FeedCatalog feeds;
    private final MapLabels labels;

    private final java.util.concurrent.Executor helper;

    /**
     * @param sources the feeds the density layer draws for a reader, which each map's credit line names
     * @param feeds the feeds' titles, as the credit line names them
     */
    PackMaps(
            WmsService wms,
            MapLabels labels,
            LayerSources sources,
            FeedCatalog feeds,
            java.util.concurrent.Executor helper) {
        this.wms = wms;
        this.labels = labels;
        this.sources = sources;
        this.feeds = feeds;
        this.helper = helper;
    }

    /**
     * The overview and one map per hot spot, drawn for {@code reader} by this thread and a helper side by side (each
     * takes the next map not yet started), each map drawn once and reduced to its palette on the thread that drew it;
     * with {@code png}, also encoded as 8-bit PNG there (HTML and DOCX embed PNGs; a PDF takes the indexed pixels).
     */
    Images draw(Pack pack, Principal reader, boolean png, Consumer<String> progress) {
        Consumer<String> said = message -> {
            synchronized (progress) {
                progress.accept(message);
            }
        };
        List<Pack.Hotspot> spots = pack.hotspots();
        Drawn[] drawn = new Drawn[spots.size() + 1];
        AtomicInteger next = new AtomicInteger();
        Runnable drawer = () -> {
            for (int k = next.getAndIncrement(); k <= spots.size(); k = next.getAndIncrement()) {
                drawn[k] = k == 0 ? overview(pack, reader, said) : spot(pack, reader, spots.get(k - 1), said);
                prepare(drawn[k].picture(), png);
            }
        };
        CompletableFuture<Object> beside = CompletableFuture.supplyAsync(
                Work.carried(() -> {
                    drawer.run();
                    return null;
                }),
                helper);
        drawer.run();
        PackBuilder.joined(beside); // the join also makes the helper's maps visible here
        Map<String, MapPicture> byCode = new LinkedHashMap<>();
        Map<String, MapStretch> stretches = new LinkedHashMap<>();
        List<Layout> layouts = new ArrayList<>(drawn[0].layouts());
        for (int k = 0; k < spots.size(); k++) {
            byCode.put(spots.get(k).code(), drawn[k + 1].picture());
            stretches.put(spots.get(k).code(), drawn[k + 1].stretch());
            layouts.addAll(drawn[k + 1].layouts());
        }
        MapPicture legend = new MapPicture("legend", drawn[0].stretch().legend());
        prepare(legend, png);
        return new Images(
                drawn[0].picture(), legend, byCode, drawn[0].stretch(), stretches, layouts, drawn[0].credit());
    }

    private static void prepare(MapPicture picture, boolean png) {
        if (png) {
            picture.png();
        } else {
            picture.indexed();
        }
    }

    private Drawn overview(Pack pack, Principal reader, Consumer<String> progress) {
        String time = time(pack);
        Envelope e = new Envelope(pack.area().outline().getEnvelopeInternal());
        e.expandBy(Math.max(e.getWidth(), e.getHeight()) * 0.04 + 100);
        int height = (int) Math.round(OVERVIEW_WIDTH * e.getHeight() / e.getWidth());
        // a tall area is shown wider than it is, so the map and its legend fit on one A4 page
        height = Math.max(320, Math.min((int) (OVERVIEW_WIDTH * 0.72), height));
        Envelope view = fit(e, OVERVIEW_WIDTH, height);
        progress.accept("drawing the overview map");
        MapStretch stretch =
                stretch(pack, reader, pack.area().outline(), pack.area().name());
        Map<String, String> q = mapQuery(pack, view, OVERVIEW_WIDTH, height, time, stretch);
        BufferedImage overview = getMap(q, reader);
        Graphics2D g = graphics(overview);
        Frame f = new Frame(view, OVERVIEW_WIDTH, height);
        outlines(g, f, pack, 2.2f, 2.6f);
        String credit = credit(pack, drawnFeeds(reader, q));
        List<Rectangle2D> obstacles = new ArrayList<>(furniture(g, f, stretch.onMap() + ". " + credit, 12));
        double radius = MapMarkers.radius(13);
        List<MapMarkers.Anchor> anchors = anchors(pack.hotspots(), f);
        List<MapMarkers.Inset> insets = insets(pack, f, anchors, radius, obstacles);
        List<Layout> layouts = new ArrayList<>();
        List<Integer> enlarged = new ArrayList<>();
        for (MapMarkers.Inset inset : insets) {
            layouts.add(inset(pack, reader, g, f, stretch, inset, anchors, obstacles));
            enlarged.addAll(inset.numbers());
        }
        List<MapMarkers.Anchor> own =
                anchors.stream().filter(a -> !enlarged.contains(a.number())).toList();
        List<MapMarkers.Marker> markers = MapMarkers.place(own, radius, f.width(), f.height(), obstacles);
        // at street scale the whole view is named; over a district, the surroundings of the hot spots marked on
        // this map (a crowd's are named in its inset)
        boolean streetScale = view.getWidth() <= STREET_SCALE_METRES;
        List<MapLabels.Place> near = new ArrayList<>();
        if (streetScale) {
            near.addAll(pixels(labels.within(view, 120), f));
        } else {
            for (Pack.Hotspot h : pack.hotspots()) {
                if (!enlarged.contains(h.number())) {
                    Envelope around = new Envelope(h.geometry().getEnvelopeInternal());
                    around.expandBy(300);
                    near.addAll(pixels(labels.within(around, 8), f));
                }
            }
        }
        List<Rectangle2D> clear = new ArrayList<>(obstacles);
        markers.forEach(m -> clear.add(grown(m.box(), 2)));
        List<MapLabels.Placed> names =
                MapLabels.place(near, clear, f.width(), f.height(), streetScale ? 24 : Math.max(4, 2 * own.size()));
        MapLabels.draw(g, names);
        MapMarkers.draw(g, markers, 13);
        g.dispose();
        layouts.add(0, new Layout("overview", f.width(), f.height(), markers, names, obstacles, q));
        return new Drawn(new MapPicture("overview", overview), stretch, layouts, credit);
    }

    /**
     * The crowds of markers on the overview and where each one's inset goes: crowds whose frames would overlap are
     * one crowd, and at most {@link #MAX_INSETS} are enlarged (the largest first).
     */
    private static List<MapMarkers.Inset> insets(
            Pack pack, Frame f, List<MapMarkers.Anchor> anchors, double radius, List<Rectangle2D> obstacles) {
        List<List<Integer>> groups = MapMarkers.crowds(anchors, CROWD_REACH_RADII * radius, CROWD_MIN);
        if (groups.isEmpty()) {
            return List.of();
        }
        List<List<Integer>> merged = new ArrayList<>();
        List<Envelope> grounds = new ArrayList<>();
        for (List<Integer> group : groups) {
            merged.add(new ArrayList<>(group));
            grounds.add(crowdGround(pack, group));
        }
        for (boolean again = true; again; ) {
            again = false;
            search:
            for (int i = 0; i < merged.size(); i++) {
                for (int j = i + 1; j < merged.size(); j++) {
                    if (grounds.get(i).intersects(grounds.get(j))) {
                        merged.get(i).addAll(merged.remove(j));
                        merged.set(i, merged.get(i).stream().sorted().toList());
                        grounds.set(i, crowdGround(pack, merged.get(i)));
                        grounds.remove(j);
                        again = true;
                        break search;
                    }
                }
            }
        }
        List<MapMarkers.Crowd> crowds = new ArrayList<>();
        for (int k = 0; k < merged.size(); k++) {
            Envelope c = grounds.get(k);
            crowds.add(new MapMarkers.Crowd(
                    merged.get(k),
                    new Rectangle2D.Double(
                            f.x(c.getMinX()),
                            f.y(c.getMaxY()),
                            f.x(c.getMaxX()) - f.x(c.getMinX()),
                            f.y(c.getMinY()) - f.y(c.getMaxY()))));
        }
        double bottom = f.height() - 8;
        for (Rectangle2D o : obstacles) { // above the scale bar and the credit strip
            if (o.getMaxY() > f.height() * 0.7) {
                bottom = Math.min(bottom, o.getMinY() - 6);
            }
        }
        Geometry area = pack.area().outline();
        return MapMarkers.insets(
                crowds,
                MAX_INSETS,
                anchors,
                f.width(),
                f.height(),
                bottom,
                obstacles,
                c -> area.intersection(area.getFactory().toGeometry(f.ground(c)))
                        .getArea());
    }

    /** The ground a crowd's inset enlarges: its hot spots' extent, with a margin for their surroundings. */
    private static Envelope crowdGround(Pack pack, List<Integer> crowd) {
        Envelope crowded = new Envelope();
        for (Pack.Hotspot h : pack.hotspots()) {
            if (crowd.contains(h.number())) {
                crowded.expandToInclude(h.geometry().getEnvelopeInternal());
            }
        }
        crowded.expandBy(Math.max(crowded.getWidth(), crowded.getHeight()) * 0.12 + 150);
        return crowded;
    }

    /**
     * One crowd's hot spots enlarged in its inset, in the overview's colours; their part of the overview is framed
     * and tagged with their numbers instead.
     */
    private Layout inset(
            Pack pack,
            Principal reader,
            Graphics2D g,
            Frame f,
            MapStretch stretch,
            MapMarkers.Inset inset,
            List<MapMarkers.Anchor> anchors,
            List<Rectangle2D> obstacles) {
        Rectangle2D frame = inset.frame();
        Rectangle2D at = inset.at();
        int iw = (int) Math.round(at.getWidth());
        int ih = (int) Math.round(at.getHeight());
        Envelope ground = fit(f.ground(frame), iw, ih);
        String which = inset.label().isEmpty() ? "the inset" : "inset " + inset.label();
        String tag = "Hot spots " + MapMarkers.numbers(inset.numbers()) + ": see " + which;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        FontMetrics m = g.getFontMetrics();
        double tw = m.stringWidth(tag) + 8;
        double th = m.getHeight() + 4;
        // below the frame, else above it, else beside it on the right: the first clear of insets, frames and tags
        Rectangle2D[] tags = {
            new Rectangle2D.Double(frame.getMinX(), frame.getMaxY() + 2, tw, th),
            new Rectangle2D.Double(frame.getMinX(), frame.getMinY() - th - 2, tw, th),
            new Rectangle2D.Double(frame.getMaxX() - tw, frame.getMaxY() + 2, tw, th),
            new Rectangle2D.Double(frame.getMaxX() - tw, frame.getMinY() - th - 2, tw, th),
            new Rectangle2D.Double(frame.getMaxX() + 2, frame.getMinY(), tw, th)
        };
        Rectangle2D tagBox = tags[0];
        for (Rectangle2D t : tags) {
            boolean inside =
                    t.getMinX() >= 0 && t.getMinY() >= 0 && t.getMaxX() <= f.width() && t.getMaxY() <= f.height();
            if (inside && obstacles.stream().noneMatch(o -> o.intersects(t)) && !t.intersects(at)) {
                tagBox = t;
                break;
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(2f));
        g.draw(frame);
        g.setColor(new Color(255, 255, 255, 235));
        g.fill(tagBox);
        g.setColor(Color.BLACK);
        g.drawString(tag, (float) tagBox.getX() + 4, (float) (tagBox.getY() + 2 + m.getAscent()));
        obstacles.add(grown(frame, 3));
        obstacles.add(grown(tagBox, 2));
        obstacles.add(grown(at, 4));

        Map<String, String> q = mapQuery(pack, ground, iw, ih, time(pack), stretch);
        BufferedImage img = getMap(q, reader);
        Graphics2D ig = graphics(img);
        Frame inf = new Frame(ground, iw, ih);
        outlines(ig, inf, pack, 2f, 2.6f);
        String inset0 = inset.label().isEmpty() ? "Inset" : "Inset " + inset.label();
        ig.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        FontMetrics im = ig.getFontMetrics();
        // the longest title that fits the inset: a narrow inset of a long crowd drops "enlarged", then the numbers
        String title = inset0 + ": " + inset.numbers().size() + " hot spots";
        for (String t : List.of(
                inset0 + ": hot spots " + MapMarkers.numbers(inset.numbers()) + ", enlarged",
                inset0 + ": hot spots " + MapMarkers.numbers(inset.numbers()))) {
            if (im.stringWidth(t) + 10 <= iw) {
                title = t;
                break;
            }
        }
        Rectangle2D titleBox = new Rectangle2D.Double(0, 0, im.stringWidth(title) + 10, im.getHeight() + 6);
        ig.setColor(new Color(255, 255, 255, 235));
        ig.fill(titleBox);
        ig.setColor(Color.BLACK);
        ig.drawString(title, 5, 3 + im.getAscent());
        List<Rectangle2D> clear = new ArrayList<>();
        clear.add(grown(titleBox, 2));
        clear.addAll(scaleBar(ig, inf, ih - 6, 11));
        List<MapMarkers.Anchor> inner = MapMarkers.enlarged(anchors, inset);
        List<MapMarkers.Marker> markers = MapMarkers.place(inner, MapMarkers.radius(13), iw, ih, clear);
        List<Rectangle2D> clearOfMarkers = new ArrayList<>(clear);
        markers.forEach(x -> clearOfMarkers.add(grown(x.box(), 2)));
        List<MapLabels.Placed> names =
                MapLabels.place(pixels(labels.within(ground, 120), inf), clearOfMarkers, iw, ih, 14);
        MapLabels.draw(ig, names);
        MapMarkers.draw(ig, markers, 13);
        ig.dispose();

        g.setColor(Color.WHITE);
        g.fill(grown(at, 3));
        g.drawImage(img, (int) at.getX(), (int) at.getY(), null);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(2f));
        g.draw(at);
        String name = inset.label().isEmpty() ? "inset" : "inset " + inset.label();
        return new Layout(name, iw, ih, markers, names, clear, q);
    }

    private static List<MapMarkers.Anchor> anchors(List<Pack.Hotspot> spots, Frame f) {
        List<MapMarkers.Anchor> out = new ArrayList<>();
        for (Pack.Hotspot h : spots) {
            Point p = h.geometry().getInteriorPoint();
            out.add(new MapMarkers.Anchor(h.number(), f.x(p.getX()), f.y(p.getY())));
        }
        return out;
    }

    /** Gazetteer places moved into the frame's pixels. */
    private static List<MapLabels.Place> pixels(List<MapLabels.Place> places, Frame f) {
        return places.stream()
                .map(p -> new MapLabels.Place(p.name(), p.kind(), f.x(p.x()), f.y(p.y())))
                .toList();
    }

    static Rectangle2D grown(Rectangle2D r, double by) {
        return new Rectangle2D.Double(r.getX() - by, r.getY() - by, r.getWidth() + 2 * by, r.getHeight() + 2 * by);
    }

    /** The area's outline (black) and the hot spots' (blue). */
    private static void outlines(Graphics2D g, Frame f, Pack pack, float area, float spots) {
        g.setColor(OUTLINE);
        g.setStroke(new BasicStroke(area));
        g.draw(f.path(pack.area().outline()));
        g.setColor(HOTSPOT);
        g.setStroke(new BasicStroke(spots));
        for (Pack.Hotspot h : pack.hotspots()) {
            g.draw(f.path(h.geometry()));
        }
    }

    private Drawn spot(Pack pack, Principal reader, Pack.Hotspot h, Consumer<String> progress) {
        progress.accept("drawing the map of hot spot " + h.number() + " of "
                + pack.hotspots().size());
        Envelope s = new Envelope(h.geometry().getEnvelopeInternal());
        double size = Math.max(SPOT_MIN_METRES, Math.max(s.getWidth(), s.getHeight()) * 1.5);
        Envelope around = fit(
                new Envelope(
                        s.centre().x - size / 2,
                        s.centre().x + size / 2,
                        s.centre().y - size / 2,
                        s.centre().y + size / 2),
                SPOT_WIDTH,
                SPOT_HEIGHT);
        MapStretch stretch =
                stretch(pack, reader, pack.area().outline().getFactory().toGeometry(around), "this map");
        Map<String, String> q = mapQuery(pack, around, SPOT_WIDTH, SPOT_HEIGHT, time(pack), stretch);
        BufferedImage img = getMap(q, reader);
        Graphics2D sg = graphics(img);
        Frame sf = new Frame(around, SPOT_WIDTH, SPOT_HEIGHT);
        sg.setColor(HOTSPOT);
        sg.setStroke(new BasicStroke(3f));
        sg.draw(sf.path(h.geometry()));
        String credit = stretch.onMap() + ". Contains OS data \u00a9 Crown copyright and database right. "
                + "Sources: see the footnote.";
        List<Rectangle2D> obstacles = new ArrayList<>(furniture(sg, sf, credit, 10));
        MapMarkers.Marker badge = new MapMarkers.Marker(h.number(), 22, 22, MapMarkers.radius(15), 22, 22);
        obstacles.add(grown(badge.box(), 2));
        List<MapLabels.Placed> names =
                MapLabels.place(pixels(labels.within(around, 120), sf), obstacles, SPOT_WIDTH, SPOT_HEIGHT, 14);
        MapLabels.draw(sg, names);
        MapMarkers.draw(sg, List.of(badge), 15);
        sg.dispose();
        return new Drawn(
                new MapPicture("hotspot-" + h.number(), img),
                stretch,
                List.of(new Layout(
                        "hot spot " + h.number(), SPOT_WIDTH, SPOT_HEIGHT, List.of(badge), names, obstacles, q)),
                credit);
    }

    /**
     * The local stretch over {@code ground}: its density read on square cells (the map service's surface for the
     * pack's selection, as the maps draw it), the cells whose centre lies in the ground ranked.
     */
    private MapStretch stretch(Pack pack, Principal reader, Geometry ground, String where) {
        Envelope e = ground.getEnvelopeInternal();
        double cell = MapStretch.cellFor(e.getWidth(), e.getHeight());
        double minX = Math.floor(e.getMinX() / cell) * cell;
        double minY = Math.floor(e.getMinY() / cell) * cell;
        int cols = (int) Math.ceil((e.getMaxX() - minX) / cell);
        int rows = (int) Math.ceil((e.getMaxY() - minY) / cell);
        double maxY = minY + rows * cell;
        Map<String, String> q = query(pack, new Envelope(minX, minX + cols * cell, minY, maxY), cols, rows, time(pack));
        q.put("LAYERS", DENSITY);
        q.put("STYLES", "");
        float[] values = wms.densityValues(q, reader);
        IndexedPointInAreaLocator inside = new IndexedPointInAreaLocator(ground);
        float[] kept = new float[values.length];
        int n = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                Coordinate centre = new Coordinate(minX + (c + 0.5) * cell, maxY - (r + 0.5) * cell);
                if (inside.locate(centre) == Location.INTERIOR) {
                    kept[n++] = values[r * cols + c];
                }
            }
        }
        return MapStretch.of(where, cell, java.util.Arrays.copyOf(kept, n));
    }

    /**
     * The days or months the density shows: the period's, clipped to the months with data (the map service refuses
     * others); a period of days draws those days, as the map service takes them.
     */
    static String time(Pack pack) {
        Period p = pack.request().period();
        if (!p.wholeMonths()) {
            java.time.LocalDate from = p.from().atZone(Period.LONDON).toLocalDate();
            java.time.LocalDate to = p.to().minusNanos(1).atZone(Period.LONDON).toLocalDate();
            if (from.isBefore(pack.dataFirst().atDay(1))) {
                from = pack.dataFirst().atDay(1);
            }
            if (to.isAfter(pack.dataLast().atEndOfMonth())) {
                to = pack.dataLast().atEndOfMonth();
            }
            return from.equals(to) ? from.toString() : from + "/" + to;
        }
        YearMonth first = YearMonth.from(p.from().atZone(Period.LONDON));
        YearMonth last = YearMonth.from(p.to().minusNanos(1).atZone(Period.LONDON));
        if (first.isBefore(pack.dataFirst())) {
            first = pack.dataFirst();
        }
        if (last.isAfter(pack.dataLast())) {
            last = pack.dataLast();
        }
        return first.equals(last) ? first.toString() : first + "/" + last;
    }

    /**
     * The titles of the feeds the density layer draws for {@code reader} with the map's GetMap {@code q}: what the
     * map service itself credits for that picture ({@link LayerSources#drawn}), so the credit line names exactly the
     * feeds drawn, and a reader who sees fewer feeds is credited fewer.
     */
    List<String> drawnFeeds(Principal reader, Map<String, String> q) {
        List<String> all = feeds.all().stream().map(FeedDefinition::name).toList();
        return sources.drawn(reader, wms.catalogue().layer(DENSITY), q, all).stream()
                .map(name -> feeds.find(name).map(FeedDefinition::title).orElse(name))
                .toList();
    }

    /** One line: what the colours are, and whose data ({@code feeds}, by title) and boundaries they come from. */
    static String credit(Pack pack, List<String> feeds) {
        return "Density of "
                + (pack.request().categories().isEmpty()
                        ? "all incidents"
                        : String.join(", ", pack.request().categories()))
                + ", incidents per km\u00b2 per month, "
                + "250 m quartic kernel. Data: " + String.join("; ", feeds) + " (see the sources footnote). "
                + "Boundaries: ONS; contains OS data \u00a9 Crown copyright and database right.";
    }

    /** The GetMap of one of the pack's maps: its selection over a view, coloured by the stretch. */
    private static Map<String, String> mapQuery(
            Pack pack, Envelope v, int width, int height, String time, MapStretch stretch) {
        Map<String, String> q = query(pack, v, width, height, time);
        if (!stretch.empty()) {
            q.put("SLD_BODY", stretch.sld(DENSITY, BOUNDARIES));
        }
        return Map.copyOf(q);
    }

    /** The map service's picture for the reader, exactly as its WMS would draw it for them. */
    private BufferedImage getMap(Map<String, String> q, Principal reader) {
        try {
            return argb(wms.image(q, reader));
        } catch (SafemapException e) {
            if (e.code() == ErrorCode.BAD_REQUEST) {
                throw new SafemapException(
                        ErrorCode.INTERNAL_ERROR,
                        "the map service could not draw the pack's map: " + e.getMessage(),
                        e);
            }
            throw e;
        }
    }

    /** A GetMap of the pack's selection over a view: its months, categories and feeds. */
    private static Map<String, String> query(Pack pack, Envelope v, int width, int height, String time) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("SERVICE", "WMS");
        q.put("VERSION", "1.3.0");
        q.put("REQUEST", "GetMap");
        q.put("LAYERS", DENSITY + "," + BOUNDARIES);
        q.put("STYLES", "");
        q.put("CRS", "EPSG:27700");
        q.put(
                "BBOX",
                String.format(Locale.ROOT, "%.2f,%.2f,%.2f,%.2f", v.getMinX(), v.getMinY(), v.getMaxX(), v.getMaxY()));
        q.put("WIDTH", String.valueOf(width));
        q.put("HEIGHT", String.valueOf(height));
        q.put("FORMAT", "image/png");
        q.put("TRANSPARENT", "FALSE");
        q.put("TIME", time);
        if (!pack.request().categories().isEmpty()) {
            q.put("DIM_CATEGORY", String.join(",", pack.request().categories()));
        }
        if (!pack.request().feeds().isEmpty()) {
            q.put("DIM_FEED", String.join(",", pack.request().feeds()));
        }
        // the maps show the times the pack counts, each record weighed as its counts and runs weigh it
        if (pack.request().hours() != null) {
            q.put("DIM_HOURS", pack.request().hours());
        }
        if (pack.request().weekdays() != null) {
            q.put("DIM_WEEKDAYS", pack.request().weekdays());
        }
        return q;
    }

    /** Grows the envelope so it has the image's proportions (square pixels), about its centre. */
    static Envelope fit(Envelope e, int width, int height) {
        double aspect = (double) width / height;
        double w = e.getWidth();
        double h = e.getHeight();
        if (w / h < aspect) {
            w = h * aspect;
        } else {
            h = w / aspect;
        }
        Coordinate c = e.centre();
        return new Envelope(c.x - w / 2, c.x + w / 2, c.y - h / 2, c.y + h / 2);
    }

    /** British National Grid metres to pixels: one scale, no rotation. */
    record Frame(Envelope view, int width, int height) {
        double x(double e) {
            return (e - view.getMinX()) / view.getWidth() * width;
        }

        double y(double n) {
            return (view.getMaxY() - n) / view.getHeight() * height;
        }

        double metresPerPixel() {
            return view.getWidth() / width;
        }

        /** The ground under a box of pixels. */
        Envelope ground(Rectangle2D box) {
            return new Envelope(
                    view.getMinX() + box.getMinX() * metresPerPixel(),
                    view.getMinX() + box.getMaxX() * metresPerPixel(),
                    view.getMaxY() - box.getMaxY() * metresPerPixel(),
                    view.getMaxY() - box.getMinY() * metresPerPixel());
        }

        Path2D path(Geometry g) {
            Path2D.Double p = new Path2D.Double(Path2D.WIND_EVEN_ODD);
            for (int i = 0; i < g.getNumGeometries(); i++) {
                Geometry part = g.getGeometryN(i);
                if (!(part instanceof Polygonal)) {
                    continue;
                }
                org.locationtech.jts.geom.Polygon poly = (org.locationtech.jts.geom.Polygon) part;
                ring(p, poly.getExteriorRing().getCoordinates());
                for (int k = 0; k < poly.getNumInteriorRing(); k++) {
                    ring(p, poly.getInteriorRingN(k).getCoordinates());
                }
            }
            return p;
        }

        private void ring(Path2D p, Coordinate[] cs) {
            for (int k = 0; k < cs.length; k++) {
                if (k == 0) {
                    p.moveTo(x(cs[k].x), y(cs[k].y));
                } else {
                    p.lineTo(x(cs[k].x), y(cs[k].y));
                }
            }
            p.closePath();
        }
    }

    static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        return g;
    }

    /**
     * Scale bar (bottom left), north arrow (top right) and the attribution strip along the bottom.
     *
     * @return the boxes they cover, in pixels, for names and markers to keep clear of
     */
    static List<Rectangle2D> furniture(Graphics2D g, Frame f, String credit, int fontSize) {
        List<Rectangle2D> covered = new ArrayList<>();
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, fontSize);
        g.setFont(small);
        FontMetrics m = g.getFontMetrics();
        List<String> lines = wrap(credit, m, f.width() - 12);
        int strip = lines.size() * (m.getHeight()) + 6;
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRect(0, f.height() - strip, f.width(), strip);
        covered.add(new Rectangle2D.Double(0, f.height() - strip, f.width(), strip));
        g.setColor(new Color(40, 40, 40));
        int ty = f.height() - strip + m.getAscent() + 3;
        for (String line : lines) {
            g.drawString(line, 6, ty);
            ty += m.getHeight();
        }
        covered.addAll(scaleBar(g, f, f.height() - strip - 14, fontSize));

        // north arrow: British National Grid north, within a degree or two of true north in England and Wales
        g.setFont(small);
        int ax = f.width() - 24;
        int ay = 16;
        int len = fontSize * 3;
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRoundRect(ax - 14, ay - 6, 28, len + m.getHeight() + 10, 6, 6);
        covered.add(new Rectangle2D.Double(ax - 14, ay - 6, 28, len + m.getHeight() + 10));
        g.setColor(Color.BLACK);
        g.drawString("N", ax - m.stringWidth("N") / 2, ay + m.getAscent() - 2);
        int top = ay + m.getHeight();
        Polygon arrow = new Polygon(
                new int[] {ax, ax + 7, ax, ax - 7}, new int[] {top, top + len, top + len - 7, top + len}, 4);
        g.fill(arrow);
        return covered;
    }

    /** A scale bar of a round length near a fifth of the width, its bar's top at {@code y0}; returns its box. */
    static List<Rectangle2D> scaleBar(Graphics2D g, Frame f, int y0, int fontSize) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, fontSize));
        FontMetrics m = g.getFontMetrics();
        double target = f.metresPerPixel() * f.width() / 5;
        double step = Math.pow(10, Math.floor(Math.log10(target)));
        double metres = step;
        for (double k : new double[] {1, 2, 5, 10}) {
            if (k * step <= target) {
                metres = k * step;
            }
        }
        int px = (int) Math.round(metres / f.metresPerPixel());
        int x0 = 12;
        y0 = Math.min(y0, f.height() - 8);
        String label = metres >= 1000
                ? String.format(Locale.UK, "%s km", trim(metres / 1000))
                : String.format(Locale.UK, "%d m", (int) metres);
        Rectangle2D box = new Rectangle2D.Double(
                x0 - 6, y0 - m.getHeight() - 10, px + m.stringWidth(label) + 22, m.getHeight() + 22);
        g.setColor(new Color(255, 255, 255, 225));
        g.fill(box);
        g.setColor(Color.BLACK);
        g.fillRect(x0, y0, px / 2, 5);
        g.drawRect(x0, y0, px, 5);
        g.drawString("0", x0 - 2, y0 - 4);
        g.drawString(label, x0 + px - m.stringWidth(label) / 2, y0 - 4);
        return List.of(box);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    static List<String> wrap(String text, FontMetrics m, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && m.stringWidth(line + " " + word) > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * The map as the WMS would have sent it with TRANSPARENT=FALSE and no BGCOLOR (flattened on white), as an ARGB
     * image to mark up.
     */
    static BufferedImage argb(BufferedImage drawn) {
        // flattened exactly as the WMS flattens an opaque PNG (onto white, in RGB), so the maps keep every pixel
        BufferedImage rgb = new BufferedImage(drawn.getWidth(), drawn.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D f = rgb.createGraphics();
        f.setColor(Color.WHITE);
        f.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
        f.drawImage(drawn, 0, 0, null);
        f.dispose();
        BufferedImage argb = new BufferedImage(drawn.getWidth(), drawn.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = argb.createGraphics();
        g.drawImage(rgb, 0, 0, null);
        g.dispose();
        return argb;
    }

    /** A PNG from the map service as an ARGB image to mark up. */
    static BufferedImage decode(byte[] png) {
        try {
            BufferedImage read = ImageIO.read(new ByteArrayInputStream(png));
            BufferedImage argb = new BufferedImage(read.getWidth(), read.getHeight(), BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = argb.createGraphics();
            g.drawImage(read, 0, 0, null);
            g.dispose();
            return argb;
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "unreadable map image", e);
        }
    }
}
