package org.safemap.pack;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.safemap.actions.TaskingAction;
import org.safemap.hotspot.CountComparison;
import org.safemap.hotspot.EmergingClass;
import org.safemap.time.Period;

/**
 * Lays a pack out as one self-contained XHTML document (images inline as data URIs, print CSS for A4): served as
 * the HTML pack and rendered as the PDF, so both say exactly the same thing.
 */
final class PackDocument {
    private static final DateTimeFormatter GENERATED =
            DateTimeFormatter.ofPattern("d MMMM yyyy HH:mm", Locale.UK).withZone(Period.LONDON);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.UK);

    private static final String CSS = """
            @page { size: A4; margin: 14mm 12mm 16mm 12mm;
              @bottom-left { content: "%s"; font-family: "DejaVu Sans", Helvetica, sans-serif; font-size: 7.5pt; color: #555; }
              @bottom-right { content: "Page " counter(page) " of " counter(pages); font-family: "DejaVu Sans", Helvetica, sans-serif;
                font-size: 7.5pt; color: #555; } }
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 9pt; color: #111;
                   line-height: 1.3; }
            @media screen { body { max-width: 190mm; margin: 1em auto; padding: 0 1em; } }
            h1 { font-size: 17pt; margin: 0 0 2pt 0; }
            h2 { font-size: 12.5pt; margin: 12pt 0 4pt 0; border-bottom: 1pt solid #0046c8; padding-bottom: 1pt;
                 page-break-after: avoid; }
            h3 { font-size: 10pt; margin: 0 0 3pt 0; }
            p { margin: 2pt 0 4pt 0; }
            .sub { color: #333; }
            .notes { background: #f3f5f9; border-left: 3pt solid #0046c8; padding: 4pt 8pt; margin: 6pt 0; }
            .notes ul { margin: 2pt 0; padding-left: 12pt; }
            table { border-collapse: collapse; width: 100%%; margin: 2pt 0 6pt 0; }
            th { text-align: left; border-bottom: 1pt solid #333; padding: 2pt 4pt; font-size: 8.5pt;
                 vertical-align: bottom; }
            td { border-bottom: 0.5pt solid #bbb; padding: 2pt 4pt; vertical-align: top; }
            th.n, td.n { text-align: right; }
            td.n { white-space: nowrap; }
            tr { page-break-inside: avoid; }
            .total td { font-weight: bold; border-top: 1pt solid #333; }
            img.map { width: 100%%; }
            .legend { width: 50mm; }
            table.cards td { width: 50%%; border: none; padding: 4pt 6pt 8pt 0; page-break-inside: avoid; }
            .card img { width: 100%%; border: 0.5pt solid #999; }
            .small { font-size: 7.5pt; color: #444; }
            .footnote { font-size: 8pt; }
            .footnote td { font-size: 8pt; }
            .keep { page-break-inside: avoid; }
            .breakdown { page-break-inside: avoid; margin-top: 6pt; }
            .breakdown table { width: 75%%; }
            ul.facts { margin: 0 0 4pt 0; padding-left: 12pt; }
            h3.part { font-size: 11pt; margin-top: 10pt; }
            """;

    private PackDocument() {}

    /** The viewer's action log page, where the HTML pack's links record and update actions. */
    static final String ACTION_LOG = "/actions.html";

    /**
     * @param actionLinks links from each hot spot and each reviewed action into the viewer's action log, to record or
     *     update one there: for the web page served to a reader who may record actions, never on paper
     * @param src each picture's {@code src}: its PNG as a data URI for the web page ({@link #dataUri(MapPicture)}),
     *     a name the PDF's renderer resolves to the pixels for the PDF ({@link PackPdf#src})
     */
    static String xhtml(
            Pack p,
            PackMaps.Images images,
            java.util.Optional<PackSharedCounts> shared,
            boolean actionLinks,
            Function<MapPicture, String> src) {
        String place = p.area().name();
        String title = "Tasking pack: " + place + ", " + periodText(p.request().period());
        StringBuilder h = new StringBuilder(1 << 20);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en-GB\">\n<head>\n")
                .append("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"/>\n")
                .append("<title>")
                .append(esc(title))
                .append("</title>\n")
                .append("<meta name=\"author\" content=\"SafeMap\"/>\n")
                .append("<meta name=\"subject\" content=\"")
                .append(esc("Hot spots, change, emerging hot spots and "
                        + "repeat locations for " + place + " (" + p.area().code() + "), "
                        + p.request().period().label()))
                .append("\"/>\n")
                .append("<style>\n")
                .append(CSS.formatted(cssString("SafeMap tasking pack: " + place + ", "
                        + p.request().period().label())))
                .append("</style>\n</head>\n<body>\n");

        h.append("<h1>").append(esc(title)).append("</h1>\n");
        h.append("<p class=\"sub\">")
                .append(esc(p.area().kindAndCode()
                        + (p.area().level().equals("lad")
                                ? ""
                                : ", in " + p.area().contextName())
                        + " \u00b7 " + p.area().lsoas().size() + " LSOAs"
                        + (p.area().residents() > 0
                                ? String.format(
                                        Locale.UK,
                                        " \u00b7 %,d residents",
                                        p.area().residents())
                                : "")
                        + " \u00b7 period " + p.request().period().label() + ", compared with "
                        + p.previous().label()))
                .append("</p>\n<p class=\"sub\">")
                .append(esc("Records: "
                        + (p.request().categories().isEmpty()
                                ? "all categories"
                                : String.join(", ", p.request().categories()))
                        + "; feeds: "
                        + (p.request().feeds().isEmpty()
                                ? "all"
                                : String.join(", ", p.request().feeds()))
                        + filters(p.request())
                        + ". Data held: " + p.dataFirst() + " to " + p.dataLast() + ". Generated "
                        + GENERATED.format(p.generated()) + " by SafeMap " + p.version() + "."))
                .append("</p>\n");

        h.append("<div class=\"notes\"><b>Read these numbers with care</b><ul>\n");
        li(
                h,
                "Counts are events: an assault seen by police, ambulance and A&E counts once; a record known only to a "
                        + "time window counts by the share of its window inside the period.");
        for (String n : p.notes()) {
            li(h, n);
        }
        h.append("</ul></div>\n");

        headline(h, p);
        shared.ifPresent(s -> shared(h, p, s));
        overview(h, p, images, src);
        hotspots(h, p, images, src);
        breakdowns(h, p, shared, actionLinks);
        emerging(h, p);
        repeats(h, p);
        reviews(h, p, actionLinks);
        sources(h, p);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void headline(StringBuilder h, Pack p) {
        h.append("<h2>1. Headline: ")
                .append(esc(p.area().name()))
                .append("</h2>\n<table>\n<tr><th>Category group</th>")
                .append("<th class=\"n\">")
                .append(esc(p.request().period().label()))
                .append("</th>")
                .append("<th class=\"n\">")
                .append(esc(p.previous().label()))
                .append("</th>")
                .append("<th class=\"n\">Change</th>")
                .append("<th class=\"n\">")
                .append(esc(p.yearEarlier().label()))
                .append(" (a year earlier)</th></tr>\n");
        for (Pack.Headline r : p.headline()) {
            boolean total = r.group().equals("all");
            h.append(total ? "<tr class=\"total\">" : "<tr>")
                    .append("<td>")
                    .append(
                            total
                                    ? "All records"
                                    : "<b>" + esc(r.label()) + "</b> <span class=\"small\">" + esc(r.members())
                                            + "</span>")
                    .append("</td><td class=\"n\">")
                    .append(count(r.current()))
                    .append("</td><td class=\"n\">")
                    .append(r.previous() == null ? "no data" : count(r.previous()))
                    .append("</td><td class=\"n\">")
                    .append(change(r.current(), r.previous()))
                    .append("</td><td class=\"n\">")
                    .append(r.yearEarlier() == null ? "no data" : count(r.yearEarlier()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** The feeds left out of the headline, as the protected counts their protocols allow this reader. */
    private static void shared(StringBuilder h, Pack p, PackSharedCounts s) {
        h.append("<h3>Shared as counts: ")
                .append(esc(String.join(", ", s.feeds())))
                .append("</h3>\n");
        if (s.unavailable().isPresent()) {
            h.append("<p class=\"small\">")
                    .append(esc("Not shown for this pack: " + s.unavailable().get()
                            + ". The map's count layers show them."))
                    .append("</p>\n");
            return;
        }
        h.append("<table>\n<tr><th>Category group</th><th class=\"n\">")
                .append(esc(p.request().period().label()))
                .append("</th><th class=\"n\">")
                .append(esc(p.previous().label()))
                .append("</th><th class=\"n\">")
                .append(esc(p.yearEarlier().label()))
                .append(" (a year earlier)</th></tr>\n");
        for (PackSharedCounts.Row r : s.rows()) {
            boolean total = r.group().equals("all");
            h.append(total ? "<tr class=\"total\">" : "<tr>")
                    .append("<td>")
                    .append(total ? "All records" : "<b>" + esc(label(p, r.group())) + "</b>" + members(p, r.group()))
                    .append("</td><td class=\"n\">")
                    .append(shown(r.current(), true))
                    .append("</td><td class=\"n\">")
                    .append(shown(r.previous(), p.previousKnown()))
                    .append("</td><td class=\"n\">")
                    .append(shown(r.yearEarlier(), p.yearEarlierKnown()))
                    .append("</td></tr>\n");
        }
        for (PackSharedCounts.Row r : s.partners()) {
            h.append("<tr><td>")
                    .append(esc("of which " + r.group()))
                    .append("</td><td class=\"n\">")
                    .append(shown(r.current(), true))
                    .append("</td><td class=\"n\">")
                    .append(shown(r.previous(), p.previousKnown()))
                    .append("</td><td class=\"n\">")
                    .append(shown(r.yearEarlier(), p.yearEarlierKnown()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n<p class=\"small\">")
                .append(esc("Each partner's feeds are counted on their own, as "
                        + "their data-sharing protocols share them with this pack's reader: " + s.rule()
                        + ". An event two "
                        + "partners both recorded counts once for each. A period is the sum of its months, and * where any "
                        + "month is suppressed. They are the same figures as SafeMap's map and area profiles, and are not in "
                        + "the headline above."))
                .append("</p>\n");
    }

    /** "; hours 18-23; days fri-sun" when the pack is narrowed to them, as the viewer's filters write them. */
    static String filters(PackRequest r) {
        return (r.hours() == null ? "" : "; hours " + r.hours() + " (local time)")
                + (r.weekdays() == null ? "" : "; days " + r.weekdays());
    }

    /** The group's plain name as the headline prints it (its code when the headline does not hold it). */
    private static String label(Pack p, String group) {
        for (Pack.Headline h : p.headline()) {
            if (h.group().equals(group)) {
                return h.label();
            }
        }
        return group;
    }

    /** The group's categories as the headline lists them. */
    private static String members(Pack p, String group) {
        for (Pack.Headline h : p.headline()) {
            if (h.group().equals(group)) {
                return " <span class=\"small\">" + esc(h.members()) + "</span>";
            }
        }
        return "";
    }

    private static String shown(Double v, boolean known) {
        return !known ? "no data" : v == null ? "*" : count(v);
    }

    private static void overview(StringBuilder h, Pack p, PackMaps.Images images, Function<MapPicture, String> src) {
        h.append("<h2>2. Where: density and the top hot spots</h2>\n<div class=\"keep\">")
                .append("<img class=\"map\" alt=\"")
                .append(esc("Map of " + p.area().name()
                        + ": density of incidents with the top hot spots outlined and numbered"))
                .append("\" src=\"")
                .append(esc(src.apply(images.overview())))
                .append("\"/>\n")
                .append("<table><tr><td style=\"border:none;width:52mm\"><img class=\"legend\" alt=\"Density legend\" "
                        + "src=\"")
                .append(esc(src.apply(images.legend())))
                .append("\"/></td><td style=\"border:none\">")
                .append("<p class=\"small\">")
                .append(esc(overviewCaption(p, images)))
                .append("</p></td></tr></table></div>\n");
    }

    /** What the overview shows, in words: the colours' stretch first, as the meeting reads the colours by it. */
    static String overviewCaption(Pack p, PackMaps.Images images) {
        return "Colours: kernel density of incidents per km\u00b2 per month over "
                + PackMaps.time(p).replace('/', '-') + " (quartic kernel, 250 m radius). "
                + images.stretch().statement() + " Black line: " + p.area().name() + ". Blue outlines and numbers: "
                + (p.hotspots().size() == 1
                        ? "the top hot spot LSOA, numbered as"
                        : "the top " + p.hotspots().size() + " hot spot LSOAs, as numbered")
                + " in the table below; a number set off its hot spot is joined to it by a line, and where hot spots "
                + "crowd, their part of the map is framed and shown enlarged in an inset. Names: streets and places "
                + "from SafeMap's gazetteer. North is grid north (British National Grid).";
    }

    /** The darkest class's density on a stretched map, for its caption. */
    static String darkest(MapStretch s) {
        return s == null || s.empty()
                ? ""
                : " Darkest: from " + MapStretch.density(s.breaks()[s.breaks().length - 1])
                        + " per km\u00b2 per month.";
    }

    /** Said once above the hot spot maps: each is stretched to its own ground. */
    static String spotMapsCaption() {
        return "Each hot spot map's colours are stretched to that map: darkest = top 1% of its cells, so the "
                + "streets' structure shows even in the busiest places; a colour means a different density on each "
                + "map (the darkest class's density is under each map). Names: streets and places from SafeMap's "
                + "gazetteer.";
    }

    private static void hotspots(StringBuilder h, Pack p, PackMaps.Images images, Function<MapPicture, String> src) {
        h.append("<h2>3. ")
                .append(PackDocx.topTitle(p.hotspots().size()))
                .append("</h2>\n")
                .append("<p>")
                .append(esc("LSOAs of " + p.area().name() + " with the most incidents in "
                        + p.request().period().label() + ", in the order of hot spot run "
                        + p.runs().get(0).id()
                        + ". \"Rank\" is the LSOA's place among all "
                        + p.area().contextLsoas().size()
                        + " LSOAs of " + p.area().contextName() + ". Gi* says whether the LSOA and its neighbours "
                        + "together hold significantly more incidents than the district as a whole (false discovery "
                        + "rate corrected); the emerging class says how that has developed month by month."))
                .append("</p>\n<table>\n<tr><th>#</th><th>LSOA</th><th class=\"n\">Rank</th>")
                .append("<th class=\"n\">Incidents</th><th class=\"n\">Per 1,000 residents</th>")
                .append("<th class=\"n\">")
                .append(esc(p.previous().label()))
                .append("</th><th class=\"n\">Change</th>")
                .append("<th>Gi*</th><th>Emerging class</th><th class=\"n\">IMD decile</th></tr>\n");
        if (p.hotspots().isEmpty()) {
            h.append("<tr><td colspan=\"10\">No LSOA of the area has any incident in the period.</td></tr>\n");
        }
        for (Pack.Hotspot s : p.hotspots()) {
            h.append("<tr><td><b>")
                    .append(s.number())
                    .append("</b></td><td>")
                    .append(esc(s.name()))
                    .append(" <span class=\"small\">")
                    .append(esc(s.code()))
                    .append("</span></td><td class=\"n\">")
                    .append(s.contextRank())
                    .append("</td><td class=\"n\">")
                    .append(count(s.incidents()))
                    .append("</td><td class=\"n\">")
                    .append(s.ratePer1000() == null ? "-" : String.format(Locale.UK, "%.1f", s.ratePer1000()))
                    .append("</td><td class=\"n\">")
                    .append(s.previous() == null ? "no data" : count(s.previous()))
                    .append("</td><td class=\"n\">")
                    .append(change(s.incidents(), s.previous()))
                    .append("</td><td>")
                    .append(esc(giText(s.giClass())))
                    .append("</td><td>")
                    .append(esc(emergingText(s.emergingClass())))
                    .append("</td><td class=\"n\">")
                    .append(s.imdDecile() == null ? "-" : s.imdDecile())
                    .append("</td></tr>\n");
        }
        h.append("</table>\n<p class=\"small\">IMD decile: Index of Multiple Deprivation 2019, 1 = the most deprived "
                + "tenth of LSOAs in England. Rates use the latest resident estimate; city-centre LSOAs with few "
                + "residents and many visitors have high rates for that reason.</p>\n");
        if (p.hotspots().isEmpty()) {
            return;
        }
        h.append("<p class=\"small\">").append(esc(spotMapsCaption())).append("</p>\n");
        h.append("<table class=\"cards\">\n");
        List<Pack.Hotspot> list = p.hotspots();
        for (int i = 0; i < list.size(); i += 2) {
            h.append("<tr>");
            for (int k = i; k < i + 2; k++) {
                h.append("<td>");
                if (k < list.size()) {
                    Pack.Hotspot s = list.get(k);
                    h.append("<div class=\"card\"><h3>")
                            .append(s.number())
                            .append(". ")
                            .append(esc(s.name()))
                            .append("</h3><img alt=\"")
                            .append(esc("Map of hot spot " + s.number() + ", " + s.name()))
                            .append("\" src=\"")
                            .append(esc(src.apply(images.hotspots().get(s.code()))))
                            .append("\"/>")
                            .append("<p class=\"small\">")
                            .append(esc(s.code() + ": " + count(s.incidents())
                                    + " incidents (" + p.previous().label() + ": "
                                    + (s.previous() == null ? "no data" : count(s.previous())) + "), "
                                    + giText(s.giClass()) + "."
                                    + darkest(images.hotspotStretches().get(s.code()))))
                            .append("</p></div>");
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** Section 3's second half: each hot spot taken apart (groups, feeds, partners' counts, timing, repeats). */
    private static void breakdowns(
            StringBuilder h, Pack p, java.util.Optional<PackSharedCounts> shared, boolean actionLinks) {
        if (p.breakdowns().isEmpty()) {
            return;
        }
        h.append("<h3 class=\"part\">")
                .append(esc(breakdownTitle(p)))
                .append("</h3>\n<p class=\"small\">")
                .append(esc(breakdownIntro(p)))
                .append("</p>\n");
        for (int i = 0; i < p.breakdowns().size(); i++) {
            Pack.Hotspot s = p.hotspots().get(i);
            Pack.Breakdown b = p.breakdowns().get(i);
            h.append("<div class=\"breakdown\"><h3>")
                    .append(esc(hotspotTitle(s)))
                    .append("</h3>\n<table>\n<tr><th>Category group</th><th class=\"n\">")
                    .append(esc(p.request().period().label()))
                    .append("</th><th class=\"n\">")
                    .append(esc(p.previous().label()))
                    .append("</th><th class=\"n\">Change</th><th class=\"n\">")
                    .append(esc(p.yearEarlier().label()))
                    .append(" (a year earlier)</th></tr>\n");
            for (Pack.GroupCount g : b.groups()) {
                h.append("<tr><td>")
                        .append(esc(g.label()))
                        .append("</td><td class=\"n\">")
                        .append(count(g.current()))
                        .append("</td><td class=\"n\">")
                        .append(g.previous() == null ? "no data" : count(g.previous()))
                        .append("</td><td class=\"n\">")
                        .append(change(g.current(), g.previous()))
                        .append("</td><td class=\"n\">")
                        .append(g.yearEarlier() == null ? "no data" : count(g.yearEarlier()))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n<ul class=\"facts\">\n");
            for (String line : breakdownLines(p, s, b, shared)) {
                li(h, line);
            }
            h.append("</ul>\n");
            if (actionLinks) {
                h.append("<p class=\"small action-link\"><a href=\"")
                        .append(esc(recordLink(p, s)))
                        .append("\">")
                        .append(esc("Record an action for hot spot " + s.number() + " in the action log"))
                        .append("</a> \u00b7 <a href=\"")
                        .append(esc(ACTION_LOG + "#area=" + url(s.code())))
                        .append("\">")
                        .append(esc("its actions so far"))
                        .append("</a></p>\n");
            }
            h.append("</div>\n");
        }
    }

    /** The action log's form for a new action on hot spot {@code s}, its area and problem filled in. */
    static String recordLink(Pack p, Pack.Hotspot s) {
        return ACTION_LOG + "#area=" + url(s.code()) + "&record=1&problem="
                + url("Hot spot " + s.number() + " of the " + p.area().name() + " tasking pack for "
                        + periodText(p.request().period()) + ": " + s.name() + " (" + s.code() + "), "
                        + count(s.incidents())
                        + " incidents");
    }

    private static String url(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    /** "Each hot spot taken apart" (or the one). */
    static String breakdownTitle(Pack p) {
        return p.hotspots().size() == 1 ? "The hot spot taken apart" : "Each hot spot taken apart";
    }

    static String breakdownIntro(Pack p) {
        return "Incidents by category group, counted as the headline counts, against "
                + p.previous().label()
                + " and the same period a year earlier; then which feeds recorded them (each feed's own events, so "
                + "an event two feeds both recorded counts once for each), when the timed ones happened, the repeat "
                + "locations inside the hot spot and its emerging class.";
    }

    /** "1. Liverpool 060C (E01033760)". */
    static String hotspotTitle(Pack.Hotspot s) {
        return s.number() + ". " + s.name() + " (" + s.code() + ")";
    }

    /** The sentences under a hot spot's table, the same in every format. */
    static List<String> breakdownLines(
            Pack p, Pack.Hotspot s, Pack.Breakdown b, java.util.Optional<PackSharedCounts> shared) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder feeds = new StringBuilder("Feeds: ");
        if (b.feeds().isEmpty()) {
            feeds.append("none recorded an incident here in the period");
        }
        for (int k = 0; k < b.feeds().size(); k++) {
            Pack.FeedCount f = b.feeds().get(k);
            feeds.append(k == 0 ? "" : "; ").append(f.title()).append(" ").append(count(f.events()));
        }
        out.add(feeds + ".");
        shared.map(x -> x.hotspots().get(s.code())).ifPresent(c -> out.add(sharedLine(c)));
        out.add(timingLine(b));
        if (b.repeats().isEmpty()) {
            out.add("Repeat locations: none here (no point with two or more incidents).");
        } else {
            StringBuilder r = new StringBuilder("Repeat locations: ");
            for (int k = 0; k < b.repeats().size(); k++) {
                Pack.RepeatLocation l = b.repeats().get(k);
                r.append(k == 0 ? "" : "; ")
                        .append(l.description())
                        .append(" ")
                        .append(count(l.incidents()))
                        .append(" incidents");
            }
            out.add(r + ".");
        }
        out.add("Emerging class: " + emergingText(s.emergingClass())
                + (s.emergingClass() == null
                        ? " ("
                                + p.emerging()
                                        .note()
                                        .map(n -> "too few months of data")
                                        .orElse("no class") + ")."
                        : "."));
        return out;
    }

    /** A hot spot's partners' counts as their protocols share them: suppressed cells say so, never a number. */
    static String sharedLine(org.safemap.sharing.SharedCounts c) {
        StringBuilder out = new StringBuilder("Shared as counts (" + String.join(", ", c.feeds()) + "): ");
        if (!c.available()) {
            return out.append("not shown here, ")
                    .append(c.reason().orElse(""))
                    .append(".")
                    .toString();
        }
        for (int k = 0; k < c.partners().size(); k++) {
            var partner = c.partners().get(k);
            out.append(k == 0 ? "" : "; ")
                    .append(partner.name())
                    .append(" ")
                    .append(partner.records() == null ? "suppressed (*)" : count(partner.records()));
        }
        return out.append(", from their published tables (")
                .append(c.rule())
                .append(").")
                .toString();
    }

    /** When the timed records happen, or that none is timed. */
    static String timingLine(Pack.Breakdown b) {
        if (b.timed() == 0) {
            return "When: no record here is timed to the hour (" + count(b.untimed()) + " known only to a longer "
                    + "window; police.uk records carry only their month), so no peak hours or days can be given.";
        }
        StringBuilder out = new StringBuilder("When: " + count(b.timed()) + " of " + count(b.timed() + b.untimed())
                + " records are timed to the hour; busiest hours ");
        for (int k = 0; k < b.peakHours().size(); k++) {
            Pack.Peak x = b.peakHours().get(k);
            out.append(k == 0 ? "" : ", ")
                    .append(x.label())
                    .append(" (")
                    .append(x.records())
                    .append(")");
        }
        out.append("; busiest days ");
        for (int k = 0; k < b.peakDays().size(); k++) {
            Pack.Peak x = b.peakDays().get(k);
            out.append(k == 0 ? "" : ", ")
                    .append(x.label())
                    .append(" (")
                    .append(x.records())
                    .append(")");
        }
        return out.append(".").toString();
    }

    private static void emerging(StringBuilder h, Pack p) {
        Pack.EmergingSection e = p.emerging();
        h.append("<h2>4. Emerging and persistent hot spots</h2>\n");
        if (e.runId().isEmpty()) {
            h.append("<p>")
                    .append(esc(e.note().orElse("No emerging hot spot run.")))
                    .append("</p>\n");
            return;
        }
        h.append("<p>")
                .append(esc("Emerging hot spot run " + e.runId().get() + " computed Gi* for every LSOA of "
                        + p.area().contextName() + " in each of the "
                        + e.months().size() + " months "
                        + e.months().get(0) + " to " + e.months().get(e.months().size() - 1)
                        + " (the months of data up to "
                        + "the period's end, at most " + PackBuilder.EMERGING_MONTHS
                        + "), then classed each LSOA's series "
                        + "with a Mann-Kendall trend test. Persistent: a hot spot in at least 90% of the months, no clear "
                        + "trend. Intensifying: hot in at least 90% and getting hotter. New: hot only in the last month. "
                        + "Sporadic: on and off. docs/hotspots.md defines every class."))
                .append("</p>\n<p>")
                .append(esc(p.area().name() + "'s LSOAs by class: " + classCounts(e.classes()) + "."))
                .append("</p>\n");
        if (e.hot().isEmpty()) {
            h.append("<p>None of the area's LSOAs is in a hot class.</p>\n");
            return;
        }
        h.append("<table>\n<tr><th>LSOA</th><th>Class</th><th class=\"n\">Incidents</th>")
                .append("<th class=\"n\">Months hot</th><th class=\"n\">Trend (Kendall tau, p)</th></tr>\n");
        for (Pack.EmergingArea a : e.hot()) {
            h.append("<tr><td>")
                    .append(esc(a.name()))
                    .append(" <span class=\"small\">")
                    .append(esc(a.code()))
                    .append("</span></td><td>")
                    .append(esc(emergingText(a.emergingClass())))
                    .append("</td><td class=\"n\">")
                    .append(count(a.incidents()))
                    .append("</td><td class=\"n\">")
                    .append(a.hotSteps())
                    .append(" of ")
                    .append(a.steps())
                    .append("</td><td class=\"n\">")
                    .append(String.format(Locale.UK, "%+.2f, %.3f", a.trendTau(), a.trendP()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void repeats(StringBuilder h, Pack p) {
        Pack.RepeatSection r = p.repeats();
        h.append("<h2>5. Repeat locations</h2>\n<p>")
                .append(esc(String.format(
                        Locale.UK,
                        "Places in %s where two "
                                + "or more incidents were recorded at exactly the same point in %s (repeats run %d): %,d "
                                + "locations holding %s of the %s incidents.",
                        p.area().name(),
                        p.request().period().label(),
                        r.runId(),
                        r.locations(),
                        count(r.repeatIncidents()),
                        count(r.incidents()))));
        if (r.snapped()) {
            h.append(" <b>Caveat:</b> ")
                    .append(esc("police.uk moves every crime to the nearest of a fixed set of "
                            + "anonymous map points, so a \"location\" here is a snap point that may stand for several "
                            + "addresses or a stretch of street, not one address; confirm with the force's own records before "
                            + "tasking to a door."));
        }
        h.append("</p>\n");
        if (r.top().isEmpty()) {
            h.append("<p>No location had two or more incidents.</p>\n");
            return;
        }
        h.append("<table>\n<tr><th>#</th><th>Location as recorded</th><th>LSOA</th><th class=\"n\">Incidents</th>")
                .append("<th>First</th><th>Last</th><th class=\"n\">Easting, northing</th></tr>\n");
        for (Pack.RepeatLocation l : r.top()) {
            h.append("<tr><td>")
                    .append(l.rank())
                    .append("</td><td>")
                    .append(esc(l.description().isEmpty() ? "-" : l.description()))
                    .append("</td><td>")
                    .append(esc(l.lsoa()))
                    .append("</td><td class=\"n\">")
                    .append(count(l.incidents()))
                    .append("</td><td>")
                    .append(esc(l.first()))
                    .append("</td><td>")
                    .append(esc(l.last()))
                    .append("</td><td class=\"n\">")
                    .append(String.format(Locale.UK, "%.0f, %.0f", l.x(), l.y()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n<p class=\"small\">First and last are the earliest and latest record dates; police.uk "
                + "records carry only their month, shown as its first day.</p>\n");
    }

    private static void sources(StringBuilder h, Pack p) {
        h.append("<div class=\"footnote keep\"><h2>Sources</h2>\n<table>\n<tr><th>Source</th><th>Partner</th>")
                .append("<th>Attribution</th><th class=\"n\">Files</th><th>Data-sharing protocol</th></tr>\n");
        for (Pack.SourceNote s : p.sources()) {
            h.append("<tr><td>")
                    .append(esc(s.source().title()))
                    .append(" <span class=\"small\">(")
                    .append(esc(s.source().feed()))
                    .append(")</span></td><td>")
                    .append(esc(s.source().partner()))
                    .append("</td><td>")
                    .append(esc(s.source().attribution()))
                    .append("</td><td class=\"n\">")
                    .append(s.source().files())
                    .append("</td><td>")
                    .append(esc(s.protocol().orElse("loaded before SafeMap recorded protocols")))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (String ref : p.referenceData()) {
            h.append("<p>").append(esc(ref)).append("</p>\n");
        }
        StringBuilder runs = new StringBuilder("Stored runs behind these numbers (GET /api/hotspots/{id} shows each "
                + "with every parameter and the files it read): ");
        for (int i = 0; i < p.runs().size(); i++) {
            Pack.CitedRun r = p.runs().get(i);
            runs.append(i == 0 ? "" : "; ")
                    .append("run ")
                    .append(r.id())
                    .append(", ")
                    .append(r.what());
        }
        h.append("<p>")
                .append(esc(runs + ". Method: " + p.method().kernel() + " kernel, "
                        + trim(p.method().bandwidthMetres()) + " m radius, "
                        + trim(p.method().cellMetres()) + " m cells; Gi* "
                        + "with " + p.method().neighbours() + " contiguity among "
                        + p.area().contextName() + "'s LSOAs"
                        + (p.method().fdr() ? ", false discovery rate corrected" : "") + "."))
                .append("</p>\n</div>\n");
    }

    static String giText(String giClass) {
        if (giClass == null) {
            return "-";
        }
        return switch (giClass) {
            case "hot_99" -> "hot spot, 99%";
            case "hot_95" -> "hot spot, 95%";
            case "hot_90" -> "hot spot, 90%";
            case "cold_99" -> "cold spot, 99%";
            case "cold_95" -> "cold spot, 95%";
            case "cold_90" -> "cold spot, 90%";
            default -> "not significant";
        };
    }

    static String emergingText(String code) {
        if (code == null) {
            return "-";
        }
        try {
            return EmergingClass.ofCode(code).label();
        } catch (IllegalArgumentException e) {
            return code;
        }
    }

    static String classCounts(Map<String, Integer> classes) {
        StringBuilder s = new StringBuilder();
        classes.entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> s.append(s.length() == 0 ? "" : ", ")
                        .append(emergingText(e.getKey()))
                        .append(" ")
                        .append(e.getValue()));
        return s.length() == 0 ? "none" : s.toString();
    }

    /** A weighted count: whole when it is whole (police.uk), one decimal when window shares make it fractional. */
    static String count(double v) {
        return Math.abs(v - Math.rint(v)) < 0.05
                ? String.format(Locale.UK, "%,d", Math.round(v))
                : String.format(Locale.UK, "%,.1f", v);
    }

    static String change(double now, Double before) {
        if (before == null) {
            return "-";
        }
        double d = now - before;
        String diff = (d > 0 ? "+" : d < 0 ? "-" : "") + count(Math.abs(d));
        if (before <= 0) {
            return diff;
        }
        return diff
                + String.format(Locale.UK, " (%s%.0f%%)", d > 0 ? "+" : d < 0 ? "-" : "", Math.abs(d) * 100 / before);
    }

    private static void reviews(StringBuilder h, Pack p, boolean actionLinks) {
        h.append("<h2>6. Actions from earlier meetings</h2>\n");
        if (p.reviews().isEmpty()) {
            h.append("<p>")
                    .append(esc("No action was recorded for " + p.area().name() + " or an area in it before the end of "
                            + periodText(p.request().period()) + ". The meeting's actions are recorded in SafeMap's "
                            + "action log (the viewer's \"Action log\", or POST /api/actions), and the next pack "
                            + "reviews them."))
                    .append("</p>\n");
            return;
        }
        h.append("<p>")
                .append(esc((p.reviews().size() == 1
                                ? "The action"
                                : "The " + p.reviews().size() + " actions")
                        + " agreed for " + p.area().name() + " or an area in it, as the action log holds "
                        + (p.reviews().size() == 1 ? "it" : "them") + ", with the incidents in "
                        + (p.reviews().size() == 1 ? "its" : "each one's") + " area (this pack's categories and "
                        + "feeds, counted as events) in the months before the month it was agreed and as many months "
                        + "after it; the month itself is in neither. The change is tested exactly: given the two "
                        + "counts' total, the count after is binomial with probability one half if the rate did not "
                        + "change (the conditional test of two Poisson counts; two-sided, 5% level)."))
                .append("</p>\n<table>\n<tr><th>Area</th><th>Problem and action</th><th>Owner</th><th>Agreed, due</th>")
                .append("<th>Status</th><th class=\"n\">Before</th><th class=\"n\">After</th><th>Change</th></tr>\n");
        for (Pack.ActionReview r : p.reviews()) {
            TaskingAction a = r.action();
            h.append("<tr><td>")
                    .append(esc(a.areaName()))
                    .append(
                            a.areaName().equals(a.areaCode())
                                    ? ""
                                    : "<br/><span class=\"small\">" + esc(a.areaCode()) + "</span>")
                    .append(
                            actionLinks
                                    ? "<br/><a class=\"small action-link\" href=\""
                                            + esc(ACTION_LOG + "#area=" + url(a.areaCode()))
                                            + "\">Update in the action log</a>"
                                    : "")
                    .append("</td><td><b>")
                    .append(esc(a.problem()))
                    .append("</b><br/>")
                    .append(esc(a.action()))
                    .append(a.notes() == null ? "" : "<br/><span class=\"small\">" + esc(a.notes()) + "</span>")
                    .append("</td><td>")
                    .append(esc(a.agency()))
                    .append("<br/>")
                    .append(esc(a.owner()))
                    .append("</td><td>")
                    .append(esc(DAY.format(a.agreedOn())))
                    .append(a.dueOn() == null ? "" : "<br/>due " + esc(DAY.format(a.dueOn())))
                    .append("</td><td>")
                    .append(esc(a.status().label()))
                    .append("</td>");
            if (r.change().isPresent()) {
                CountComparison.Result c = r.change().get();
                h.append("<td class=\"n\">")
                        .append(c.before())
                        .append("<br/><span class=\"small\">")
                        .append(esc(periodText(r.before().orElseThrow())))
                        .append("</span></td><td class=\"n\">")
                        .append(c.after())
                        .append("<br/><span class=\"small\">")
                        .append(esc(periodText(r.after().orElseThrow())))
                        .append("</span></td><td>")
                        .append(esc(changeText(c)))
                        .append("</td></tr>\n");
            } else {
                h.append("<td colspan=\"3\">")
                        .append(esc(capitalise(r.note().orElse(""))))
                        .append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
    }

    /** "Fewer (p = 0.012)", "More (p = 0.003)", "No clear change (p = 0.41)". */
    static String changeText(CountComparison.Result c) {
        String p = c.pValue() < 0.001 ? "p < 0.001" : String.format(Locale.UK, "p = %.3f", c.pValue());
        return switch (c.direction()) {
            case FEWER -> "Fewer (" + p + ")";
            case MORE -> "More (" + p + ")";
            case NO_CHANGE -> "No clear change (" + p + ")";
        };
    }

    /** "July 2022", "May 2022 to July 2022", or the label for day ranges. */
    /** "July 2022", "May to July 2022", or for days "1 to 14 July 2022" (UK days, both included). */
    static String periodText(Period p) {
        var months = ComparisonPeriods.wholeMonths(p);
        if (months.isEmpty()) {
            return days(
                    p.from().atZone(Period.LONDON).toLocalDate(),
                    p.to().atZone(Period.LONDON).toLocalDate().minusDays(1));
        }
        YearMonth a = months.get()[0];
        YearMonth b = months.get()[1];
        return a.equals(b) ? name(a) : name(a) + " to " + name(b);
    }

    /** "1 to 14 July 2022", "28 June to 3 July 2022", "30 December 2022 to 2 January 2023", "14 July 2022". */
    static String days(LocalDate first, LocalDate last) {
        DateTimeFormatter full = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);
        if (first.equals(last)) {
            return full.format(first);
        }
        String start = first.getYear() != last.getYear()
                ? full.format(first)
                : first.getMonth() != last.getMonth()
                        ? DateTimeFormatter.ofPattern("d MMMM", Locale.UK).format(first)
                        : String.valueOf(first.getDayOfMonth());
        return start + " to " + full.format(last);
    }

    static String name(YearMonth m) {
        return m.getMonth().getDisplayName(TextStyle.FULL, Locale.UK) + " " + m.getYear();
    }

    private static void li(StringBuilder h, String text) {
        h.append("<li>").append(esc(text)).append("</li>\n");
    }

    /** The picture's 8-bit PNG as a data URI, for the web page. */
    static String dataUri(MapPicture picture) {
        return dataUri(picture.png());
    }

    static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.UK, "%.1f", v);
    }

    static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** XML text and attribute escaping. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        out.append(' ');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** A CSS string's content, for the page footer. */
    private static String cssString(String s) {
        return esc(s.replace("\\", "\\\\").replace("\"", "\\\""));
    }
}
