package org.safemap.pack;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.poi.util.Units;
import org.apache.poi.xwpf.usermodel.Document;
import org.apache.poi.xwpf.usermodel.ParagraphAlignment;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFRun;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.apache.poi.xwpf.usermodel.XWPFStyles;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.apache.poi.xwpf.usermodel.XWPFTableRow;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTPPrGeneral;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTRPr;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTSpacing;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTStyle;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTTblGrid;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.STStyleType;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.actions.TaskingAction;
import org.safemap.hotspot.CountComparison;

/**
 * The pack as an editable Word document (Office Open XML, Apache POI), for an analyst to add commentary before the
 * meeting: the same sections, numbers and words as {@link PackDocument} (whose text helpers it uses), the overview and
 * hot spot maps as pictures, and a commentary paragraph under each section to write in. The PDF and HTML stay the
 * record; this is the working copy.
 */
final class PackDocx {
    /** Text width of an A4 page with Word's default margins, points. */
    private static final double TEXT_WIDTH_PT = 451;

    private static final String COMMENTARY = "Analyst's commentary: (write here before the meeting)";

    private PackDocx() {}

    static byte[] render(Pack p, PackMaps.Images images, Optional<PackSharedCounts> shared) {
        try (XWPFDocument d = new XWPFDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            d.getProperties().getCoreProperties().setTitle(title(p));
            d.getProperties().getCoreProperties().setCreator("SafeMap " + p.version());
            styles(d);
            heading(d, title(p), 0);
            text(
                    d,
                    p.area().kindAndCode()
                            + (p.area().level().equals("lad")
                                    ? ""
                                    : ", in " + p.area().contextName()) + " \u00b7 "
                            + p.area().lsoas().size() + " LSOAs \u00b7 period "
                            + p.request().period().label()
                            + ", compared with " + p.previous().label() + PackDocument.filters(p.request())
                            + ". Data held: " + p.dataFirst() + " to "
                            + p.dataLast() + ".");
            heading(d, "Read these numbers with care", 2);
            bullet(
                    d,
                    "Counts are events: an assault seen by police, ambulance and A&E counts once; a record known only "
                            + "to a time window counts by the share of its window inside the period.");
            for (String n : p.notes()) {
                bullet(d, n);
            }

            heading(d, "1. Headline: " + p.area().name(), 1);
            XWPFTable headline = table(
                    d,
                    "Category group",
                    p.request().period().label(),
                    p.previous().label(),
                    "Change",
                    p.yearEarlier().label() + " (a year earlier)");
            for (Pack.Headline r : p.headline()) {
                row(
                        headline,
                        r.group().equals("all") ? "All records" : r.label() + ": " + r.members(),
                        PackDocument.count(r.current()),
                        r.previous() == null ? "no data" : PackDocument.count(r.previous()),
                        PackDocument.change(r.current(), r.previous()),
                        r.yearEarlier() == null ? "no data" : PackDocument.count(r.yearEarlier()));
            }
            shared.ifPresent(x -> sharedCounts(d, p, x));
            commentary(d);

            heading(d, "2. Where: density and the top hot spots", 1);
            picture(d, images.overview(), "overview.png", TEXT_WIDTH_PT);
            text(d, PackDocument.overviewCaption(p, images));
            picture(d, images.legend(), "legend.png", TEXT_WIDTH_PT / 3);

            heading(d, "3. " + topTitle(p.hotspots().size()), 1);
            XWPFTable top = table(
                    d,
                    "#",
                    "LSOA",
                    "Rank",
                    "Incidents",
                    "Per 1,000 residents",
                    p.previous().label(),
                    "Change",
                    "Gi*",
                    "Emerging class",
                    "IMD decile");
            for (Pack.Hotspot s : p.hotspots()) {
                row(
                        top,
                        Integer.toString(s.number()),
                        s.name() + " (" + s.code() + ")",
                        Integer.toString(s.contextRank()),
                        PackDocument.count(s.incidents()),
                        s.ratePer1000() == null ? "-" : String.format(Locale.UK, "%.1f", s.ratePer1000()),
                        s.previous() == null ? "no data" : PackDocument.count(s.previous()),
                        PackDocument.change(s.incidents(), s.previous()),
                        PackDocument.giText(s.giClass()),
                        PackDocument.emergingText(s.emergingClass()),
                        s.imdDecile() == null ? "-" : s.imdDecile().toString());
            }
            if (!p.hotspots().isEmpty()) {
                heading(d, PackDocument.breakdownTitle(p), 2);
                text(d, PackDocument.breakdownIntro(p));
                text(d, PackDocument.spotMapsCaption());
            }
            for (int i = 0; i < p.hotspots().size(); i++) {
                Pack.Hotspot s = p.hotspots().get(i);
                heading(d, PackDocument.hotspotTitle(s), 3);
                MapPicture map = images.hotspots().get(s.code());
                if (map != null) {
                    picture(d, map, "hotspot-" + s.number() + ".png", TEXT_WIDTH_PT / 2);
                    text(
                            d,
                            PackDocument.darkest(images.hotspotStretches().get(s.code()))
                                    .strip());
                }
                if (i < p.breakdowns().size()) {
                    Pack.Breakdown b = p.breakdowns().get(i);
                    XWPFTable groups = table(
                            d,
                            "Category group",
                            p.request().period().label(),
                            p.previous().label(),
                            "Change",
                            p.yearEarlier().label() + " (a year earlier)");
                    for (Pack.GroupCount g : b.groups()) {
                        row(
                                groups,
                                g.label(),
                                PackDocument.count(g.current()),
                                g.previous() == null ? "no data" : PackDocument.count(g.previous()),
                                PackDocument.change(g.current(), g.previous()),
                                g.yearEarlier() == null ? "no data" : PackDocument.count(g.yearEarlier()));
                    }
                    for (String line : PackDocument.breakdownLines(p, s, b, shared)) {
                        bullet(d, line);
                    }
                }
            }
            commentary(d);

            heading(d, "4. Emerging and persistent hot spots", 1);
            Pack.EmergingSection e = p.emerging();
            if (e.runId().isEmpty()) {
                text(d, e.note().orElse("No emerging hot spot run."));
            } else {
                text(d, p.area().name() + "'s LSOAs by class: " + PackDocument.classCounts(e.classes()) + ".");
                if (!e.hot().isEmpty()) {
                    XWPFTable hot = table(d, "LSOA", "Class", "Incidents", "Months hot", "Trend (Kendall tau, p)");
                    for (Pack.EmergingArea a : e.hot()) {
                        row(
                                hot,
                                a.name() + " (" + a.code() + ")",
                                PackDocument.emergingText(a.emergingClass()),
                                PackDocument.count(a.incidents()),
                                a.hotSteps() + " of " + a.steps(),
                                String.format(Locale.UK, "%+.2f, %.3f", a.trendTau(), a.trendP()));
                    }
                }
            }

            heading(d, "5. Repeat locations", 1);
            Pack.RepeatSection r = p.repeats();
            if (r.top().isEmpty()) {
                text(d, "No location had two or more incidents.");
            } else {
                XWPFTable rep = table(d, "#", "Location", "LSOA", "Incidents", "First", "Last", "Easting, northing");
                for (Pack.RepeatLocation l : r.top()) {
                    row(
                            rep,
                            Integer.toString(l.rank()),
                            l.description().isEmpty() ? "-" : l.description(),
                            l.lsoa(),
                            PackDocument.count(l.incidents()),
                            l.first(),
                            l.last(),
                            String.format(Locale.UK, "%.0f, %.0f", l.x(), l.y()));
                }
            }
            commentary(d);

            heading(d, "6. Actions from earlier meetings", 1);
            if (p.reviews().isEmpty()) {
                text(
                        d,
                        "No action was recorded for " + p.area().name() + " or an area in it before the end of "
                                + PackDocument.periodText(p.request().period()) + ".");
            } else {
                text(
                        d,
                        "Incidents in each action's area in the months before the month it was agreed and as many "
                                + "months after it; the change is the exact conditional test of two Poisson counts (two-sided, "
                                + "5% level).");
                XWPFTable act = table(
                        d, "Area", "Problem and action", "Owner", "Agreed, due", "Status", "Before", "After", "Change");
                for (Pack.ActionReview v : p.reviews()) {
                    TaskingAction a = v.action();
                    String area = a.areaName() + (a.areaName().equals(a.areaCode()) ? "" : " (" + a.areaCode() + ")");
                    String what = a.problem() + ": " + a.action() + (a.notes() == null ? "" : " (" + a.notes() + ")");
                    String when = a.agreedOn() + (a.dueOn() == null ? "" : ", due " + a.dueOn());
                    if (v.change().isPresent()) {
                        CountComparison.Result c = v.change().get();
                        row(
                                act,
                                area,
                                what,
                                a.agency() + ", " + a.owner(),
                                when,
                                a.status().label(),
                                c.before() + " ("
                                        + PackDocument.periodText(v.before().orElseThrow()) + ")",
                                c.after() + " ("
                                        + PackDocument.periodText(v.after().orElseThrow()) + ")",
                                PackDocument.changeText(c));
                    } else {
                        row(
                                act,
                                area,
                                what,
                                a.agency() + ", " + a.owner(),
                                when,
                                a.status().label(),
                                PackDocument.capitalise(v.note().orElse("")),
                                "",
                                "");
                    }
                }
            }
            commentary(d);

            heading(d, "Sources", 1);
            for (Pack.SourceNote s : p.sources()) {
                text(
                        d,
                        s.source().title() + " (" + s.source().partner() + "). "
                                + s.source().attribution() + " Shared under: "
                                + s.protocol().orElse("loaded before SafeMap recorded protocols") + ".");
            }
            for (String ref : p.referenceData()) {
                text(d, ref);
            }
            d.write(out);
            return out.toByteArray();
        } catch (IOException | org.apache.poi.openxml4j.exceptions.InvalidFormatException ex) {
            throw new SafemapException(
                    ErrorCode.INTERNAL_ERROR, "could not write the DOCX pack: " + ex.getMessage(), ex);
        }
    }

    /** "Top hot spot" for one, "Top 10 hot spots" for more. */
    static String topTitle(int n) {
        return n == 1 ? "Top hot spot" : "Top " + n + " hot spots";
    }

    private static String title(Pack p) {
        return "Tasking pack: " + p.area().name() + ", "
                + PackDocument.periodText(p.request().period());
    }

    /**
     * A heading in one of Word's built-in heading styles (level 0 is the title), so Word's navigation pane and a
     * table of contents find the sections.
     */
    private static void heading(XWPFDocument d, String text, int level) {
        XWPFParagraph para = d.createParagraph();
        para.setStyle(level == 0 ? "Title" : "Heading" + level);
        para.createRun().setText(text);
    }

    /** Sizes of the title and heading levels 1 to 3, points. */
    private static final int[] HEADING_PT = {18, 14, 12, 11};

    /**
     * Adds the title and heading styles Word ships (ids {@code Title}, {@code Heading1} ...; names "Title",
     * "heading 1" ...) with their outline levels, which POI's blank document lacks.
     */
    private static void styles(XWPFDocument d) {
        XWPFStyles styles = d.createStyles();
        CTStyle normal = CTStyle.Factory.newInstance();
        normal.setType(STStyleType.PARAGRAPH);
        normal.setStyleId("Normal");
        normal.setDefault(true);
        normal.addNewName().setVal("Normal");
        normal.addNewQFormat();
        styles.addStyle(new XWPFStyle(normal, styles));
        for (int level = 0; level < HEADING_PT.length; level++) {
            CTStyle style = CTStyle.Factory.newInstance();
            style.setType(STStyleType.PARAGRAPH);
            style.setStyleId(level == 0 ? "Title" : "Heading" + level);
            style.addNewName().setVal(level == 0 ? "Title" : "heading " + level);
            style.addNewBasedOn().setVal("Normal");
            style.addNewNext().setVal("Normal");
            style.addNewUiPriority().setVal(BigInteger.valueOf(level == 0 ? 10 : 9));
            style.addNewQFormat();
            CTPPrGeneral ppr = style.addNewPPr();
            ppr.addNewKeepNext();
            CTSpacing spacing = ppr.addNewSpacing();
            spacing.setBefore(BigInteger.valueOf(HEADING_PT[level] * 12L));
            spacing.setAfter(BigInteger.valueOf(60));
            if (level > 0) {
                ppr.addNewOutlineLvl().setVal(BigInteger.valueOf(level - 1));
            }
            CTRPr rpr = style.addNewRPr();
            rpr.addNewB();
            rpr.addNewSz().setVal(BigInteger.valueOf(HEADING_PT[level] * 2L));
            styles.addStyle(new XWPFStyle(style, styles));
        }
    }

    private static void text(XWPFDocument d, String text) {
        d.createParagraph().createRun().setText(text);
    }

    private static void bullet(XWPFDocument d, String text) {
        XWPFParagraph para = d.createParagraph();
        para.setIndentationLeft(360);
        para.createRun().setText("\u2022 " + text);
    }

    private static void commentary(XWPFDocument d) {
        XWPFRun run = d.createParagraph().createRun();
        run.setItalic(true);
        run.setColor("555555");
        run.setText(COMMENTARY);
    }

    private static void picture(XWPFDocument d, MapPicture picture, String name, double widthPt)
            throws IOException, org.apache.poi.openxml4j.exceptions.InvalidFormatException {
        byte[] png = picture.png();
        double heightPt = widthPt * picture.height() / picture.width();
        XWPFParagraph para = d.createParagraph();
        para.setAlignment(ParagraphAlignment.CENTER);
        para.createRun()
                .addPicture(
                        new ByteArrayInputStream(png),
                        Document.PICTURE_TYPE_PNG,
                        name,
                        Units.toEMU(widthPt),
                        Units.toEMU(heightPt));
    }

    /** The feeds its reader sees only as counts, as the HTML's "Shared as counts" table gives them. */
    private static void sharedCounts(XWPFDocument d, Pack p, PackSharedCounts s) {
        heading(d, "Shared as counts: " + String.join(", ", s.feeds()), 3);
        if (s.unavailable().isPresent()) {
            text(d, "Not shown for this pack: " + s.unavailable().get() + ". The map's count layers show them.");
            return;
        }
        XWPFTable t = table(
                d,
                "Category group",
                p.request().period().label(),
                p.previous().label(),
                p.yearEarlier().label() + " (a year earlier)");
        List<PackSharedCounts.Row> rows = new java.util.ArrayList<>(s.rows());
        rows.addAll(s.partners());
        for (PackSharedCounts.Row r : rows) {
            boolean partner = s.partners().contains(r);
            row(
                    t,
                    r.group().equals("all") ? "All records" : partner ? "of which " + r.group() : label(p, r.group()),
                    shown(r.current(), true),
                    shown(r.previous(), p.previousKnown()),
                    shown(r.yearEarlier(), p.yearEarlierKnown()));
        }
        text(
                d,
                "As their data-sharing protocols share them with this pack's reader: " + s.rule()
                        + ". Not in the headline above.");
    }

    private static String label(Pack p, String group) {
        return p.headline().stream()
                .filter(h -> h.group().equals(group))
                .map(Pack.Headline::label)
                .findFirst()
                .orElse(group);
    }

    private static String shown(Double v, boolean known) {
        return !known ? "no data" : v == null ? "*" : PackDocument.count(v);
    }

    private static XWPFTable table(XWPFDocument d, String... header) {
        XWPFTable t = d.createTable(1, header.length);
        t.setWidth("100%");
        // The schema requires the column grid (w:tblGrid), which POI does not write; readers other than Word
        // (python-docx, LibreOffice) need it. Equal columns over the text width, in twentieths of a point.
        CTTblGrid grid = t.getCTTbl().getTblGrid() == null
                ? t.getCTTbl().addNewTblGrid()
                : t.getCTTbl().getTblGrid();
        while (grid.sizeOfGridColArray() < header.length) {
            grid.addNewGridCol().setW(BigInteger.valueOf(Math.round(TEXT_WIDTH_PT * 20 / header.length)));
        }
        XWPFTableRow first = t.getRow(0);
        first.setRepeatHeader(true);
        for (int i = 0; i < header.length; i++) {
            XWPFParagraph para = first.getCell(i).getParagraphs().get(0);
            XWPFRun run = para.createRun();
            run.setBold(true);
            run.setText(header[i]);
        }
        return t;
    }

    private static void row(XWPFTable t, String... cells) {
        XWPFTableRow r = t.createRow();
        List<org.apache.poi.xwpf.usermodel.XWPFTableCell> row = r.getTableCells();
        for (int i = 0; i < cells.length && i < row.size(); i++) {
            row.get(i).setText(cells[i]);
        }
    }
}
