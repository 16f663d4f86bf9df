package org.safemap.pack;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygonal;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.Work;
import org.safemap.map.ImageEncoder;
import org.safemap.map.WmsService;
import org.safemap.time.Period;

/**
 * The pack's map images, drawn by SafeMap's own map service (a WMS GetMap in process: the density surface in
 * incidents per km² per month on the viewer's fixed scale, with LSOA boundaries), then marked up for print: the
 * area's outline, the hot spots outlined and numbered, a scale bar, a north arrow and the attribution line.
 */
final class PackMaps {
    /** The overview's size in pixels: about 180 mm wide at 150 dpi. */
    static final int OVERVIEW_WIDTH = 1060;

    static final int SPOT_WIDTH = 480;
    static final int SPOT_HEIGHT = 360;
    /** A hot spot map shows at least this much ground, so the streets around a small LSOA are seen. */
    private static final double SPOT_MIN_METRES = 900;

    private static final String LAYERS = "density-all,lsoa-boundaries";
    private static final Color OUTLINE = new Color(20, 20, 20);
    private static final Color HOTSPOT = new Color(0, 70, 200);

    /** The images, PNG encoded. */
    record Images(byte[] overview, byte[] legend, Map<String, byte[]> hotspots) {}

    private static final org.safemap.sharing.Principal TASKING =
            new org.safemap.sharing.Principal("pack", org.safemap.sharing.Role.TASKING, null, "tasking", "internal");
    private final WmsService wms;

    private final java.util.concurrent.Executor helper;

    PackMaps(WmsService wms, java.util.concurrent.Executor helper) {
        this.wms = wms;
        this.helper = helper;
    }

    /**
     * The overview and one map per hot spot, drawn by this thread and a helper side by side (each takes the next map
     * not yet started), each map drawn and encoded once.
     */
    Images draw(Pack pack, java.util.function.Consumer<String> progress) {
        java.util.function.Consumer<String> said = message -> {
            synchronized (progress) {
                progress.accept(message);
            }
        };
        List<Pack.Hotspot> spots = pack.hotspots();
        byte[][] drawn = new byte[spots.size() + 1][];
        AtomicInteger next = new AtomicInteger();
        Runnable drawer = () -> {
            for (int k = next.getAndIncrement(); k <= spots.size(); k = next.getAndIncrement()) {
                drawn[k] = k == 0 ? overview(pack, said) : spot(pack, spots.get(k - 1), said);
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
        Map<String, byte[]> byCode = new LinkedHashMap<>();
        for (int k = 0; k < spots.size(); k++) {
            byCode.put(spots.get(k).code(), drawn[k + 1]);
        }
        return new Images(drawn[0], legend(), byCode);
    }

    private byte[] overview(Pack pack, java.util.function.Consumer<String> progress) {
        String time = time(pack);
        String credit = credit(pack);
        Envelope e = new Envelope(pack.area().outline().getEnvelopeInternal());
        e.expandBy(Math.max(e.getWidth(), e.getHeight()) * 0.04 + 100);
        int height = (int) Math.round(OVERVIEW_WIDTH * e.getHeight() / e.getWidth());
        // a tall area is shown wider than it is, so the map and its legend fit on one A4 page
        height = Math.max(320, Math.min((int) (OVERVIEW_WIDTH * 0.72), height));
        Envelope view = fit(e, OVERVIEW_WIDTH, height);
        progress.accept("drawing the overview map");
        BufferedImage overview = getMap(pack, view, OVERVIEW_WIDTH, height, time);
        Graphics2D g = graphics(overview);
        Frame f = new Frame(view, OVERVIEW_WIDTH, height);
        g.setColor(OUTLINE);
        g.setStroke(new BasicStroke(2.2f));
        g.draw(f.path(pack.area().outline()));
        g.setColor(HOTSPOT);
        g.setStroke(new BasicStroke(2.6f));
        for (Pack.Hotspot h : pack.hotspots()) {
            g.draw(f.path(h.geometry()));
        }
        for (Pack.Hotspot h : pack.hotspots()) {
            Point p = h.geometry().getInteriorPoint();
            badge(g, f.x(p.getX()), f.y(p.getY()), String.valueOf(h.number()), 13);
        }
        furniture(g, f, credit, 12);
        g.dispose();
        return png(overview);
    }

    private byte[] spot(Pack pack, Pack.Hotspot h, java.util.function.Consumer<String> progress) {
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
        BufferedImage img = getMap(pack, around, SPOT_WIDTH, SPOT_HEIGHT, time(pack));
        Graphics2D sg = graphics(img);
        Frame sf = new Frame(around, SPOT_WIDTH, SPOT_HEIGHT);
        sg.setColor(HOTSPOT);
        sg.setStroke(new BasicStroke(3f));
        sg.draw(sf.path(h.geometry()));
        badge(sg, 22, 22, String.valueOf(h.number()), 15);
        furniture(sg, sf, "Contains OS data \u00a9 Crown copyright and database right. Sources: see the footnote.", 10);
        sg.dispose();
        return png(img);
    }

    /** Months the density shows: the period's, clipped to the months with data (the map service refuses others). */
    static String time(Pack pack) {
        Period p = pack.request().period();
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

    /** One line: what the colours are, and whose data and boundaries they come from. */
    static String credit(Pack pack) {
        List<String> feeds = new ArrayList<>();
        for (Pack.SourceNote s : pack.sources()) {
            feeds.add(s.source().title());
        }
        return "Density of "
                + (pack.request().categories().isEmpty()
                        ? "all incidents"
                        : String.join(", ", pack.request().categories()))
                + ", incidents per km\u00b2 per month, "
                + "250 m quartic kernel. Data: " + String.join("; ", feeds) + " (see the sources footnote). "
                + "Boundaries: ONS; contains OS data \u00a9 Crown copyright and database right.";
    }

    private BufferedImage getMap(Pack pack, Envelope v, int width, int height, String time) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("SERVICE", "WMS");
        q.put("VERSION", "1.3.0");
        q.put("REQUEST", "GetMap");
        q.put("LAYERS", LAYERS);
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
        try {
            return argb(wms.image(q, TASKING));
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

    private byte[] legend() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("SERVICE", "WMS");
        q.put("VERSION", "1.3.0");
        q.put("REQUEST", "GetLegendGraphic");
        q.put("LAYER", "density-all");
        q.put("FORMAT", "image/png");
        return call(q);
    }

    private byte[] call(Map<String, String> q) {
        // Packs are for the tasking meeting: maps are drawn as a tasking member may see them. The lead's policy for
        // packs will pass the requesting principal instead (see docs/disclosure-control.md, "For the lead").
        WmsService.Response r = wms.handle(q, "", TASKING);
        if (r.status() != 200 || !r.contentType().startsWith("image/")) {
            throw new SafemapException(
                    ErrorCode.INTERNAL_ERROR,
                    "the map service could not draw the pack's map: "
                            + new String(r.body(), StandardCharsets.UTF_8)
                                    .replaceAll("\\s+", " ")
                                    .trim());
        }
        return r.body();
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

    /** A numbered white disc with a blue ring, readable over any density colour. */
    private static void badge(Graphics2D g, double cx, double cy, String text, int size) {
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, size);
        g.setFont(font);
        FontMetrics m = g.getFontMetrics();
        double r = Math.max(m.stringWidth(text), m.getAscent()) / 2.0 + 5;
        java.awt.geom.Ellipse2D disc = new java.awt.geom.Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
        g.setColor(Color.WHITE);
        g.fill(disc);
        g.setColor(HOTSPOT);
        g.setStroke(new BasicStroke(2f));
        g.draw(disc);
        g.setColor(Color.BLACK);
        g.drawString(text, (float) (cx - m.stringWidth(text) / 2.0), (float) (cy + m.getAscent() / 2.0 - 1.5));
    }

    /** Scale bar (bottom left), north arrow (top right) and the attribution strip along the bottom. */
    static void furniture(Graphics2D g, Frame f, String credit, int fontSize) {
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, fontSize);
        g.setFont(small);
        FontMetrics m = g.getFontMetrics();
        List<String> lines = wrap(credit, m, f.width() - 12);
        int strip = lines.size() * (m.getHeight()) + 6;
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRect(0, f.height() - strip, f.width(), strip);
        g.setColor(new Color(40, 40, 40));
        int ty = f.height() - strip + m.getAscent() + 3;
        for (String line : lines) {
            g.drawString(line, 6, ty);
            ty += m.getHeight();
        }

        // scale bar: a round length near a fifth of the width
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
        int y0 = f.height() - strip - 14;
        String label = metres >= 1000
                ? String.format(Locale.UK, "%s km", trim(metres / 1000))
                : String.format(Locale.UK, "%d m", (int) metres);
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRect(x0 - 6, y0 - m.getHeight() - 10, px + m.stringWidth(label) + 22, m.getHeight() + 22);
        g.setColor(Color.BLACK);
        g.fillRect(x0, y0, px / 2, 5);
        g.drawRect(x0, y0, px, 5);
        g.drawString("0", x0 - 2, y0 - 4);
        g.drawString(label, x0 + px - m.stringWidth(label) / 2, y0 - 4);

        // north arrow: British National Grid north, within a degree or two of true north in England and Wales
        int ax = f.width() - 24;
        int ay = 16;
        int len = fontSize * 3;
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRoundRect(ax - 14, ay - 6, 28, len + m.getHeight() + 10, 6, 6);
        g.setColor(Color.BLACK);
        g.drawString("N", ax - m.stringWidth("N") / 2, ay + m.getAscent() - 2);
        int top = ay + m.getHeight();
        Polygon arrow = new Polygon(
                new int[] {ax, ax + 7, ax, ax - 7}, new int[] {top, top + len, top + len - 7, top + len}, 4);
        g.fill(arrow);
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
    private static BufferedImage argb(BufferedImage drawn) {
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

    static byte[] png(BufferedImage img) {
        // 8-bit palettes keep a pack of a dozen maps small enough to e-mail
        return ImageEncoder.encode(img, ImageEncoder.Format.PNG8, false, Color.WHITE);
    }
}
