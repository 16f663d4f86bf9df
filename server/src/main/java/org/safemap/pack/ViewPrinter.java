package org.safemap.pack;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.locationtech.jts.geom.Envelope;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.ingest.FeedCatalog;
import org.safemap.map.ImageEncoder;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.LayerKind;
import org.safemap.map.WmsService;
import org.safemap.sharing.Principal;
import org.safemap.time.Period;

/**
 * Prints a view of the map ({@link ViewPrint}) as an A4 PDF or a PNG: the layers drawn by the map service in process,
 * a GetMap as the requester (so exactly what GetMap would show them, never more), with a scale bar and north arrow, each
 * layer's legend (GetLegendGraphic) with its units, the period, the filters and the sources. The PDF is laid out by
 * openhtmltopdf ({@link PackPdf}); the PNG is the same composition drawn in one image.
 */
public final class ViewPrinter {
    /** The map's width in pixels: 180 mm, the A4 page's width within its margins, at about 150 dpi. */
    static final int MAP_WIDTH = 1060;

    static final int MIN_MAP_HEIGHT = 300;
    /** At most about 125 mm tall, so a row of legends, the filters and the sources fit on the same A4 page. */
    static final int MAX_MAP_HEIGHT = 710;

    static final int LEGENDS_PER_ROW = 6;
    /** Each further row of legends takes about 50 mm of the page from the map. */
    private static final int LEGEND_ROW_PIXELS = 280;
    /** Each notice under the legends (two or three lines of small print) takes about 11 mm. */
    private static final int NOTICE_PIXELS = 60;

    private static final DateTimeFormatter MADE =
            DateTimeFormatter.ofPattern("d MMMM yyyy HH:mm", Locale.UK).withZone(Period.LONDON);
    private static final String CATEGORY = """
            SELECT coalesce((SELECT label FROM category WHERE code = ?), (SELECT label FROM category_group WHERE code = ?))""";
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z])");
    private static final Pattern OGC_MESSAGE =
            Pattern.compile("<ServiceException[^>]*>(.*?)</ServiceException>", Pattern.DOTALL);

    private final WmsService wms;
    private final DataSource ds;
    private final FeedCatalog feeds;

    public ViewPrinter(WmsService wms, DataSource ds, FeedCatalog feeds) {
        this.wms = wms;
        this.ds = ds;
        this.feeds = feeds;
    }

    /**
     * One legend: the layer's title, its units (surfaces and counts), the map service's legend image, and what the
     * layer leaves out for this requester and why ({@link org.safemap.map.Withheld#sentence}), or "".
     */
    record Legend(String title, String units, BufferedImage image, String notice) {}

    /** Everything the page says, whichever format lays it out. */
    record Page(
            String title,
            String period,
            BufferedImage map,
            List<Legend> legends,
            List<String> filters,
            List<String> sources,
            String made) {}

    /**
     * The print for {@code who}.
     *
     * @param sources one line per feed the layers draw for {@code who} (feed, partner, protocol and the level shown)
     * @param credits by layer name, what the layer credits as drawn for {@code who} ({@link
     *                org.safemap.map.LayerSources#credits})
     * @param notices by layer name, what the layer leaves out for {@code who} and why, in words (absent: nothing)
     * @throws SafemapException NOT_FOUND for a layer {@code who} may not see (as for no such layer), BAD_REQUEST for a
     *                          dimension the map service refuses
     */
    public byte[] print(
            Principal who,
            ViewPrint print,
            List<String> sources,
            Map<String, List<String>> credits,
            Map<String, String> notices,
            Instant now) {
        List<LayerCatalogue.Layer> layers = new ArrayList<>();
        for (String name : print.layers()) {
            LayerCatalogue.Layer layer = wms.visibleLayer(who, name);
            if (layer == null) {
                throw new SafemapException(
                        ErrorCode.NOT_FOUND, "no layer named " + name + "; GET /api/layers lists them");
            }
            layers.add(layer);
        }
        boolean timed = layers.stream().anyMatch(l -> l.kind().timed());
        if (timed && !print.dims().containsKey("time")) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "time (a month, months or days from/to) is required for timed layers");
        }
        Envelope bng = print.bng();
        int height = (int) Math.round(MAP_WIDTH * bng.getHeight() / bng.getWidth());
        int distinctNotices = (int) layers.stream()
                .map(l -> notices.getOrDefault(l.name(), ""))
                .filter(n -> !n.isEmpty())
                .distinct()
                .count();
        height = Math.max(MIN_MAP_HEIGHT, Math.min(maxMapHeight(layers.size(), distinctNotices), height));
        Envelope view = PackMaps.fit(bng, MAP_WIDTH, height);
        BufferedImage map = getMap(who, print, layers, view, height);
        Graphics2D g = PackMaps.graphics(map);
        List<String> credited = credits(layers, credits);
        PackMaps.furniture(g, new PackMaps.Frame(view, MAP_WIDTH, height), String.join(" ", credited), 12);
        g.dispose();

        List<Legend> legends = new ArrayList<>();
        for (LayerCatalogue.Layer layer : layers) {
            boolean features = layer.kind() == LayerKind.AREAS || layer.kind() == LayerKind.POINTS;
            String units = features || layer.style().title() == null
                    ? ""
                    : layer.style().title();
            legends.add(new Legend(
                    layer.title(),
                    units,
                    PackMaps.decode(legend(who, layer, print)),
                    notices.getOrDefault(layer.name(), "")));
        }
        List<String> sourceLines = new ArrayList<>(sources);
        sourceLines.addAll(credited);
        Page page = new Page(
                print.title(),
                timed ? period(print.dims()) : "",
                map,
                legends,
                filters(print, layers),
                sourceLines,
                "Printed from SafeMap " + MADE.format(now) + "; British National Grid, "
                        + String.format(Locale.UK, "%.0f m across", view.getWidth()) + ".");
        return print.format() == ViewPrint.Format.PDF ? pdf(page) : png(page);
    }

    /**
     * The tallest map that leaves room on the page for the legends of {@code layers} layers and {@code notices}
     * different notices under them.
     */
    static int maxMapHeight(int layers, int notices) {
        int rows = (layers + LEGENDS_PER_ROW - 1) / LEGENDS_PER_ROW;
        return Math.max(MIN_MAP_HEIGHT, MAX_MAP_HEIGHT - (rows - 1) * LEGEND_ROW_PIXELS - notices * NOTICE_PIXELS);
    }

    /** The map as the requester's GetMap draws it, flattened on white, not encoded: the print encodes it once. */
    private BufferedImage getMap(
            Principal who, ViewPrint print, List<LayerCatalogue.Layer> layers, Envelope view, int height) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("SERVICE", "WMS");
        q.put("VERSION", "1.3.0");
        q.put("REQUEST", "GetMap");
        q.put(
                "LAYERS",
                String.join(",", layers.stream().map(LayerCatalogue.Layer::name).toList()));
        q.put("STYLES", "");
        q.put("CRS", "EPSG:27700");
        q.put(
                "BBOX",
                String.format(
                        Locale.ROOT,
                        "%.2f,%.2f,%.2f,%.2f",
                        view.getMinX(),
                        view.getMinY(),
                        view.getMaxX(),
                        view.getMaxY()));
        q.put("WIDTH", String.valueOf(MAP_WIDTH));
        q.put("HEIGHT", String.valueOf(height));
        q.put("FORMAT", "image/png");
        q.put("TRANSPARENT", "FALSE");
        q.putAll(dimensions(print));
        try {
            return PackMaps.argb(wms.image(q, who));
        } catch (SafemapException e) {
            // refused as the WMS would refuse it (a bad dimension, a layer this requester may not see): the caller's
            // error, in the map service's words
            if (e.code().fault() == ErrorCode.Fault.CALLER) {
                throw new SafemapException(ErrorCode.BAD_REQUEST, "the map could not be drawn: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private byte[] legend(Principal who, LayerCatalogue.Layer layer, ViewPrint print) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("SERVICE", "WMS");
        q.put("VERSION", "1.3.0");
        q.put("REQUEST", "GetLegendGraphic");
        q.put("LAYER", layer.name());
        q.put("FORMAT", "image/png");
        // the legend of the map printed: a forecast's validation for its period, the hours a surface is drawn for
        q.putAll(dimensions(print));
        return call(q, who);
    }

    /** The print's dimensions as WMS parameters: TIME, DIM_CATEGORY ..., DIM_HOURS and DIM_WEEKDAYS. */
    private static Map<String, String> dimensions(ViewPrint print) {
        Map<String, String> q = new LinkedHashMap<>();
        print.dims().forEach((k, v) -> q.put(k.equals("time") ? "TIME" : "DIM_" + k.toUpperCase(Locale.ROOT), v));
        if (print.hours() != null) {
            q.put("DIM_HOURS", print.hours());
        }
        if (print.weekdays() != null) {
            q.put("DIM_WEEKDAYS", print.weekdays());
        }
        return q;
    }

    /** The map service's answer, or its refusal as the caller's error (a bad dimension) in its own words. */
    private byte[] call(Map<String, String> q, Principal who) {
        WmsService.Response r = wms.handle(q, "", who);
        if (r.status() == 200 && r.contentType().startsWith("image/")) {
            return r.body();
        }
        String body = new String(r.body(), StandardCharsets.UTF_8);
        Matcher m = OGC_MESSAGE.matcher(body);
        String message = (m.find() ? m.group(1) : body).replaceAll("\\s+", " ").trim();
        throw new SafemapException(ErrorCode.BAD_REQUEST, "the map could not be drawn: " + message);
    }

    /**
     * What the print credits, the layers' credits ({@link org.safemap.map.LayerSources#credits}) in order, each
     * sentence once: two layers drawing police.uk credit it once, and the boundaries' credit shows once however many
     * layers are drawn on areas.
     */
    static List<String> credits(List<LayerCatalogue.Layer> layers, Map<String, List<String>> credits) {
        Set<String> seen = new LinkedHashSet<>();
        for (LayerCatalogue.Layer layer : layers) {
            for (String text : credits.getOrDefault(layer.name(), List.of())) {
                for (String sentence : SENTENCE_END.split(text)) {
                    if (!sentence.isBlank()) {
                        seen.add(sentence.strip());
                    }
                }
            }
        }
        return List.copyOf(seen);
    }

    /** "July 2022", "May to July 2022", with the baseline a change layer compares it with. */
    static String period(Map<String, String> dims) {
        String text = months(dims.get("time"));
        String baseline = dims.get("baseline");
        return baseline == null ? text : text + ", compared with " + months(baseline);
    }

    private static String months(String value) {
        String[] parts = value.split("/");
        if (parts[0].strip().matches("\\d{4}-\\d{2}-\\d{2}")) {
            return days(parts);
        }
        try {
            YearMonth first = YearMonth.parse(parts[0].strip());
            YearMonth last = parts.length > 1 ? YearMonth.parse(parts[1].strip()) : first;
            if (first.equals(last)) {
                return PackDocument.name(first);
            }
            return (first.getYear() == last.getYear()
                            ? first.getMonth().getDisplayName(java.time.format.TextStyle.FULL, Locale.UK)
                            : PackDocument.name(first))
                    + " to " + PackDocument.name(last);
        } catch (java.time.format.DateTimeParseException e) {
            // the map service has already accepted it (it takes forms such as ISO intervals): show it as given
            return value;
        }
    }

    /** The days of a TIME of days in words ({@link PackDocument#days}). */
    private static String days(String[] parts) {
        try {
            java.time.LocalDate first = java.time.LocalDate.parse(parts[0].strip());
            java.time.LocalDate last = parts.length > 1 && parts[1].strip().matches("\\d{4}-\\d{2}-\\d{2}")
                    ? java.time.LocalDate.parse(parts[1].strip())
                    : first;
            return PackDocument.days(first, last);
        } catch (java.time.format.DateTimeParseException e) {
            return String.join("/", parts);
        }
    }

    private List<String> filters(ViewPrint print, List<LayerCatalogue.Layer> layers) {
        List<String> out = new ArrayList<>();
        String category = print.dims().get("category");
        out.add("Categories: " + (category == null ? "all" : categoryLabels(category)));
        String feed = print.dims().get("feed");
        if (feed == null) {
            out.add("Sources: all this account may see (listed below)");
        } else {
            List<String> labels = new ArrayList<>();
            for (String f : feed.split(",")) {
                labels.add(feeds.find(f.strip()).map(d -> d.label()).orElse(f.strip()));
            }
            out.add("Sources: " + String.join(", ", labels));
        }
        if (print.dims().containsKey("run")) {
            out.add("Run: " + print.dims().get("run"));
        }
        if (print.hours() != null || print.weekdays() != null) {
            String asked = (print.hours() != null ? "hours " + print.hours() + " (UK local time)" : "")
                    + (print.hours() != null && print.weekdays() != null ? " and " : "")
                    + (print.weekdays() != null ? "days " + print.weekdays() : "");
            List<String> applied = layers.stream()
                    .filter(l -> l.kind().timeOfWeek())
                    .map(LayerCatalogue.Layer::title)
                    .toList();
            List<String> not = layers.stream()
                    .filter(l -> l.kind().timed() && !l.kind().timeOfWeek())
                    .map(LayerCatalogue.Layer::title)
                    .toList();
            if (!applied.isEmpty()) {
                out.add("Drawn for " + asked + ": " + String.join(", ", applied));
            }
            if (!not.isEmpty()) {
                out.add("Not applied to " + String.join(", ", not) + ": the viewer's " + asked
                        + " (count layers are monthly tables; the viewer's profiles apply them)");
            }
        }
        return out;
    }

    private String categoryLabels(String codes) {
        List<String> labels = new ArrayList<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(CATEGORY)) {
            for (String code : codes.split(",")) {
                ps.setString(1, code.strip());
                ps.setString(2, code.strip());
                try (ResultSet rs = ps.executeQuery()) {
                    String label = rs.next() ? rs.getString(1) : null;
                    labels.add(label == null ? code.strip() : label);
                }
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the category labels", e);
        }
        return String.join(", ", labels);
    }

    /**
     * The legends' notices, each once with the titles of the layers it is about ("Violence density, Density of all
     * incidents"): layers drawn from the same feeds with the same filters leave out the same feeds, so a page of many
     * surfaces says it once, under the legends.
     */
    static Map<String, String> notices(List<Legend> legends) {
        Map<String, List<String>> titles = new LinkedHashMap<>();
        for (Legend l : legends) {
            if (!l.notice().isEmpty()) {
                titles.computeIfAbsent(l.notice(), k -> new ArrayList<>()).add(l.title());
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        titles.forEach((notice, t) -> out.put(notice, String.join(", ", t)));
        return out;
    }

    // ------------------------------------------------------------------------------------------------------- PDF

    private static final String CSS = """
            @page { size: A4; margin: 12mm 12mm 12mm 12mm; }
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 8pt; color: #111; line-height: 1.25; }
            h1 { font-size: 14pt; margin: 0 0 1pt 0; }
            h2 { font-size: 9pt; margin: 0 0 2pt 0; }
            p { margin: 0 0 3pt 0; }
            img.map { width: 100%; border: 0.5pt solid #888; }
            table { border-collapse: collapse; width: 100%; }
            td { vertical-align: top; padding: 0 8pt 3pt 0; }
            td.legend { width: 16.6%; }
            td.legend img { width: 26mm; }
            ul { margin: 0; padding-left: 10pt; }
            .small { font-size: 7pt; color: #444; }
            """;

    /**
     * The page as one A4 PDF. The map and the legends go in as their 256-colour indexed pixels ({@link MapPicture},
     * {@link PackPdf}), as the pack's maps do: the same pixels as an 8-bit PNG of each, without encoding that PNG,
     * writing it as base64 into the markup and having openhtmltopdf and PDFBox read it back.
     */
    static byte[] pdf(Page page) {
        // flattened on white as the 8-bit PNG was, so a legend's transparent background prints white
        MapPicture map = new MapPicture("map", PackMaps.argb(page.map()));
        List<MapPicture> legends = new ArrayList<>();
        for (Legend l : page.legends()) {
            legends.add(new MapPicture("legend-" + legends.size(), PackMaps.argb(l.image())));
        }
        List<MapPicture> pictures = new ArrayList<>(legends);
        pictures.add(0, map);
        return PackPdf.render(xhtml(page, map, legends), pictures);
    }

    /** The markup of {@link #pdf}: {@code map} and {@code legends} (one per legend, in order) named by their src. */
    static String xhtml(Page page, MapPicture map, List<MapPicture> legends) {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append(
                        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en-GB\"><head><meta charset=\"UTF-8\"/>")
                .append("<title>")
                .append(PackDocument.esc(page.title()))
                .append("</title><style>")
                .append(CSS)
                .append("</style></head><body>\n<h1>")
                .append(PackDocument.esc(page.title()))
                .append("</h1>\n");
        if (!page.period().isEmpty()) {
            h.append("<p>Period: ").append(PackDocument.esc(page.period())).append("</p>\n");
        }
        h.append("<img class=\"map\" alt=\"Map\" src=\"")
                .append(PackPdf.src(map))
                .append("\"/>\n<table><tr>");
        int k = 0;
        for (Legend l : page.legends()) {
            if (k > 0 && k % LEGENDS_PER_ROW == 0) {
                h.append("</tr><tr>");
            }
            h.append("<td class=\"legend\"><strong>")
                    .append(PackDocument.esc(l.title()))
                    .append("</strong>");
            if (!l.units().isEmpty()) {
                h.append("<br/><span class=\"small\">")
                        .append(PackDocument.esc(l.units()))
                        .append("</span>");
            }
            h.append("<br/><img alt=\"Legend: ")
                    .append(PackDocument.esc(l.title()))
                    .append("\" src=\"")
                    .append(PackPdf.src(legends.get(k)))
                    .append("\"/></td>");
            k++;
        }
        for (; k % LEGENDS_PER_ROW != 0; k++) {
            h.append("<td class=\"legend\"></td>");
        }
        h.append("</tr></table>\n");
        notices(page.legends())
                .forEach((notice, titles) -> h.append("<p class=\"small\"><strong>")
                        .append(PackDocument.esc(titles))
                        .append(":</strong> ")
                        .append(PackDocument.esc(notice))
                        .append("</p>\n"));
        // Filters and sources side by side, so a page of many layers still fits one sheet.
        h.append("<table><tr><td style=\"width:38%\"><h2>Filters</h2><ul>");
        page.filters().forEach(f -> h.append("<li>").append(PackDocument.esc(f)).append("</li>"));
        h.append("</ul></td><td><h2>Sources</h2><ul class=\"small\">");
        page.sources().forEach(s -> h.append("<li>").append(PackDocument.esc(s)).append("</li>"));
        h.append("</ul></td></tr></table>\n<p class=\"small\">")
                .append(PackDocument.esc(page.made()))
                .append("</p>\n</body></html>\n");
        return h.toString();
    }

    // ------------------------------------------------------------------------------------------------------- PNG

    private static final int MARGIN = 16;

    /** The page as one image: the title, the period, the map, the legends in a row, then filters and sources. */
    static byte[] png(Page page) {
        int width = MAP_WIDTH + 2 * MARGIN;
        BufferedImage canvas = new BufferedImage(width, page.map().getHeight() + 3000, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PackMaps.graphics(canvas);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        g.setColor(Color.BLACK);
        Font heading = new Font(Font.SANS_SERIF, Font.BOLD, 22);
        Font bold = new Font(Font.SANS_SERIF, Font.BOLD, 13);
        Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        int y = MARGIN;
        y = line(g, heading, page.title(), y);
        if (!page.period().isEmpty()) {
            y = line(g, plain, "Period: " + page.period(), y);
        }
        y += 6;
        g.drawImage(page.map(), MARGIN, y, null);
        g.setColor(new Color(136, 136, 136));
        g.drawRect(MARGIN, y, page.map().getWidth() - 1, page.map().getHeight() - 1);
        g.setColor(Color.BLACK);
        y += page.map().getHeight() + 12;

        int x = MARGIN;
        int rowHeight = 0;
        for (Legend l : page.legends()) {
            int w = Math.max(l.image().getWidth(), 200);
            if (x > MARGIN && x + w > width - MARGIN) {
                x = MARGIN;
                y += rowHeight + 10;
                rowHeight = 0;
            }
            int ly = y;
            g.setFont(bold);
            FontMetrics m = g.getFontMetrics();
            g.drawString(l.title(), x, ly + m.getAscent());
            ly += m.getHeight();
            if (!l.units().isEmpty()) {
                g.setFont(small);
                m = g.getFontMetrics();
                g.drawString(l.units(), x, ly + m.getAscent());
                ly += m.getHeight();
            }
            g.drawImage(l.image(), x, ly + 2, null);
            ly += l.image().getHeight() + 2;
            rowHeight = Math.max(rowHeight, ly - y);
            x += w + 24;
        }
        y += rowHeight + 12;
        for (Map.Entry<String, String> n : notices(page.legends()).entrySet()) {
            y = wrapped(g, small, n.getValue() + ": " + n.getKey(), y, width);
        }
        y = block(g, bold, plain, "Filters", page.filters(), y, width);
        y = block(g, bold, plain, "Sources", page.sources(), y, width);
        y = wrapped(g, small, page.made(), y, width);
        g.dispose();
        BufferedImage out = canvas.getSubimage(0, 0, width, Math.min(canvas.getHeight(), y + MARGIN));
        return ImageEncoder.encode(out, ImageEncoder.Format.PNG, false, Color.WHITE);
    }

    private static int line(Graphics2D g, Font font, String text, int y) {
        g.setFont(font);
        FontMetrics m = g.getFontMetrics();
        g.drawString(text, MARGIN, y + m.getAscent());
        return y + m.getHeight();
    }

    private static int block(Graphics2D g, Font head, Font body, String title, List<String> items, int y, int width) {
        y = line(g, head, title, y);
        for (String item : items) {
            y = wrapped(g, body, "\u2022 " + item, y, width);
        }
        return y + 8;
    }

    private static int wrapped(Graphics2D g, Font font, String text, int y, int width) {
        g.setFont(font);
        FontMetrics m = g.getFontMetrics();
        for (String l : PackMaps.wrap(text, m, width - 2 * MARGIN)) {
            g.drawString(l, MARGIN, y + m.getAscent());
            y += m.getHeight();
        }
        return y;
    }
}
