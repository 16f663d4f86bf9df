package org.safemap.map;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import org.safemap.geo.Crs;

/**
 * WMS GetCapabilities documents, 1.3.0 (valid against the OGC schema, checked in the test suite) and 1.1.1 (valid
 * against its DTD), written from the layer catalogue and the current state of the data: every layer with its
 * bounding box in each CRS, styles with legend URLs, queryable flags, the TIME dimension over the months with data
 * and the category, feed and run dimensions with their values.
 */
final class Capabilities {
    static final String ABSTRACT = "Crime and anti-social behaviour hotspot maps from pooled police, transport police, "
            + "A&E, ambulance and fire and rescue data: density surfaces in incidents per km² per month on one fixed "
            + "colour scale, per-area counts and rates, Gi* and emerging hot spots, incident points and boundaries.";
    static final int MAX_LAYERS = 16;
    /**
     * DIM_HOURS' values: hours of the day in UK local time, any several at once; requests may also write ranges, one
     * over midnight too ("22-3"), as the API's {@code hours} does.
     */
    static final String HOURS = "all,"
            + String.join(
                    ",",
                    java.util.stream.IntStream.range(0, 24)
                            .mapToObj(String::valueOf)
                            .toList());
    /** DIM_WEEKDAYS' values, any several at once; requests may also write ranges ("fri-sun"). */
    static final String WEEKDAYS = "all,mon,tue,wed,thu,fri,sat,sun";

    /** What the caller knows per layer: the completed runs of run-areas layers with their titles, default first. */
    interface Runs {
        java.util.Map<Long, String> of(LayerCatalogue.Layer layer);
    }

    private final List<LayerCatalogue.Layer> layers;
    private final MapState state;
    private final long sequence;
    private final ServiceInfo info;
    private final String url;
    private final int maxWidth;
    private final int maxHeight;
    private final Runs runs;
    private final BiFunction<LayerCatalogue.Layer, LayerCatalogue.Style, BufferedImage> legend;

    /** @param layers the layers the requester may see (the policy's choice), in catalogue order */
    Capabilities(
            List<LayerCatalogue.Layer> layers,
            MapState state,
            long sequence,
            ServiceInfo info,
            String url,
            int maxWidth,
            int maxHeight,
            Runs runs,
            BiFunction<LayerCatalogue.Layer, LayerCatalogue.Style, BufferedImage> legend) {
        this.layers = layers;
        this.state = state;
        this.sequence = sequence;
        this.info = info;
        this.url = url;
        this.maxWidth = maxWidth;
        this.maxHeight = maxHeight;
        this.runs = runs;
        this.legend = legend;
    }

    String v130() {
        Xml x = new Xml().declaration();
        x.start("WMS_Capabilities")
                .attr("version", "1.3.0")
                .attr("updateSequence", sequence())
                .attr("xmlns", "http://www.opengis.net/wms")
                .attr("xmlns:xlink", "http://www.w3.org/1999/xlink")
                .attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
                .attr(
                        "xsi:schemaLocation",
                        "http://www.opengis.net/wms " + "http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd");
        x.start("Service").element("Name", "WMS").element("Title", "SafeMap").element("Abstract", ABSTRACT);
        keywords(x, List.of("crime", "anti-social behaviour", "hotspots", "community safety"));
        resource(x, url);
        contact(x);
        x.element("Fees", "none")
                .element(
                        "AccessConstraints",
                        "Each layer is released under its data-sharing " + "protocol; see the layer attribution.");
        x.element("LayerLimit", MAX_LAYERS).element("MaxWidth", maxWidth).element("MaxHeight", maxHeight);
        x.end();
        x.start("Capability").start("Request");
        operation(x, "GetCapabilities", List.of("text/xml"));
        operation(x, "GetMap", ImageEncoder.ADVERTISED);
        operation(x, "GetFeatureInfo", WmsService.INFO_FORMATS);
        x.end();
        x.start("Exception")
                .element("Format", "XML")
                .element("Format", "INIMAGE")
                .element("Format", "BLANK")
                .end();
        x.start("Layer").element("Title", "SafeMap").element("Abstract", ABSTRACT);
        for (String crs : MapCrs.ADVERTISED) {
            x.element("CRS", crs);
        }
        boxes130(x);
        for (LayerCatalogue.Layer layer : layers) {
            x.start("Layer").attr("queryable", layer.queryable() ? "1" : "0").attr("opaque", "0");
            x.element("Name", layer.name()).element("Title", layer.title()).element("Abstract", abstractOf(layer));
            keywords(x, List.of(layer.kind().code(), layer.disclosure()));
            boxes130(x);
            dimensions130(x, layer);
            attribution(x, layer);
            metadata(x, layer, true);
            styles(x, layer);
            scales(x, layer, true);
            x.end();
        }
        x.end().end().end();
        return x.toString();
    }

    String v111() {
        Xml x = new Xml().declaration();
        x.raw(
                "<!DOCTYPE WMT_MS_Capabilities SYSTEM \"http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd\">\n");
        x.start("WMT_MS_Capabilities").attr("version", "1.1.1").attr("updateSequence", sequence());
        x.start("Service")
                .element("Name", "OGC:WMS")
                .element("Title", "SafeMap")
                .element("Abstract", ABSTRACT);
        keywords(x, List.of("crime", "anti-social behaviour", "hotspots", "community safety"));
        resource(x, url);
        contact(x);
        x.element("Fees", "none")
                .element(
                        "AccessConstraints",
                        "Each layer is released under its data-sharing " + "protocol; see the layer attribution.");
        x.end();
        x.start("Capability").start("Request");
        operation(x, "GetCapabilities", List.of("application/vnd.ogc.wms_xml"));
        operation(x, "GetMap", ImageEncoder.ADVERTISED);
        operation(x, "GetFeatureInfo", WmsService.INFO_FORMATS);
        operation(x, "GetLegendGraphic", List.of("image/png"));
        x.end();
        x.start("Exception")
                .element("Format", "application/vnd.ogc.se_xml")
                .element("Format", "application/vnd.ogc.se_inimage")
                .element("Format", "application/vnd.ogc.se_blank")
                .end();
        x.start("Layer").element("Title", "SafeMap").element("Abstract", ABSTRACT);
        for (String crs : MapCrs.ADVERTISED) {
            if (!crs.equals("CRS:84")) {
                x.element("SRS", crs);
            }
        }
        boxes111(x);
        for (LayerCatalogue.Layer layer : layers) {
            x.start("Layer").attr("queryable", layer.queryable() ? "1" : "0").attr("opaque", "0");
            x.element("Name", layer.name()).element("Title", layer.title()).element("Abstract", abstractOf(layer));
            keywords(x, List.of(layer.kind().code(), layer.disclosure()));
            boxes111(x);
            dimensions111(x, layer);
            attribution(x, layer);
            metadata(x, layer, false);
            styles(x, layer);
            scales(x, layer, false);
            x.end();
        }
        x.end().end().end();
        return x.toString();
    }

    /** The services' update sequence, which only ever increases, so clients can tell a document is out of date. */
    private String sequence() {
        return Long.toString(sequence);
    }

    /** ContactInformation, from settings: the same elements and order in 1.3.0 and 1.1.1. */
    private void contact(Xml x) {
        x.start("ContactInformation").start("ContactPersonPrimary");
        x.element("ContactPerson", info.person()).element("ContactOrganization", info.organisation());
        x.end();
        if (!info.email().isEmpty()) {
            x.element("ContactElectronicMailAddress", info.email());
        }
        x.end();
    }

    /** The layer's MetadataURL; 1.1.1's DTD allows only the types TC211 and FGDC. */
    private void metadata(Xml x, LayerCatalogue.Layer layer, boolean v130) {
        String href = info.metadataUrl(layer.name(), url);
        x.start("MetadataURL").attr("type", v130 ? "ISO19115:2003" : "TC211");
        x.element("Format", info.metadataFormat(href));
        resource(x, href);
        x.end();
    }

    /** A run layer's abstract names each run it may be drawn with, as WMS gives dimension values no titles. */
    private String abstractOf(LayerCatalogue.Layer layer) {
        if (!(layer.kind() instanceof RunAreasKind)) {
            return layer.abstractText();
        }
        java.util.Map<Long, String> titles = runs.of(layer);
        if (titles.isEmpty()) {
            return layer.abstractText() + " No run has finished yet.";
        }
        return layer.abstractText() + " Runs (DIM_RUN, the default first): " + String.join("; ", titles.values()) + ".";
    }

    private void keywords(Xml x, List<String> words) {
        x.start("KeywordList");
        words.forEach(w -> x.element("Keyword", w));
        x.end();
    }

    private static void resource(Xml x, String href) {
        x.start("OnlineResource")
                .attr("xmlns:xlink", "http://www.w3.org/1999/xlink")
                .attr("xlink:type", "simple")
                .attr("xlink:href", href)
                .end();
    }

    private void operation(Xml x, String name, List<String> formats) {
        x.start(name);
        formats.forEach(f -> x.element("Format", f));
        x.start("DCPType").start("HTTP").start("Get");
        resource(x, url + "?");
        x.end().end().end().end();
    }

    private void boxes130(Xml x) {
        double[] ll = envelope(Crs.WGS84);
        x.start("EX_GeographicBoundingBox")
                .element("westBoundLongitude", num(ll[0]))
                .element("eastBoundLongitude", num(ll[2]))
                .element("southBoundLatitude", num(ll[1]))
                .element("northBoundLatitude", num(ll[3]))
                .end();
        box(x, "CRS", "EPSG:27700", state.extent());
        box(x, "CRS", "EPSG:3857", envelope(Crs.WEB_MERCATOR));
        box(x, "CRS", "EPSG:4326", new double[] {ll[1], ll[0], ll[3], ll[2]}); // latitude first in 1.3.0
        box(x, "CRS", "CRS:84", ll);
    }

    private void boxes111(Xml x) {
        double[] ll = envelope(Crs.WGS84);
        x.start("LatLonBoundingBox")
                .attr("minx", num(ll[0]))
                .attr("miny", num(ll[1]))
                .attr("maxx", num(ll[2]))
                .attr("maxy", num(ll[3]))
                .end();
        box(x, "SRS", "EPSG:27700", state.extent());
        box(x, "SRS", "EPSG:3857", envelope(Crs.WEB_MERCATOR));
        box(x, "SRS", "EPSG:4326", ll);
    }

    private static void box(Xml x, String attribute, String crs, double[] b) {
        x.start("BoundingBox")
                .attr(attribute, crs)
                .attr("minx", num(b[0]))
                .attr("miny", num(b[1]))
                .attr("maxx", num(b[2]))
                .attr("maxy", num(b[3]))
                .end();
    }

    private double[] envelope(Crs crs) {
        return Crs.BNG.to(crs).envelope(state.extent(), 16);
    }

    private void dimensions130(Xml x, LayerCatalogue.Layer layer) {
        if (layer.kind().timed()) {
            if (state.hasRecords()) {
                x.start("Dimension")
                        .attr("name", "time")
                        .attr("units", "ISO8601")
                        .attr("default", layer.kind().defaultTime(state).capabilitiesText())
                        .attr("nearestValue", "0")
                        .text(TimeDimension.monthsExtent(state.firstMonth(), state.lastMonth()))
                        .end();
                if (layer.kind().compares()) {
                    // No default value: without DIM_BASELINE the baseline is the months just before TIME.
                    x.start("Dimension")
                            .attr("name", "baseline")
                            .attr("units", "ISO8601")
                            .attr("nearestValue", "0")
                            .text(TimeDimension.monthsExtent(state.firstMonth(), state.lastMonth()))
                            .end();
                }
            }
            x.start("Dimension")
                    .attr("name", "category")
                    .attr("units", "")
                    .attr("default", "all")
                    .attr("multipleValues", "1")
                    .text(categoryValues(layer))
                    .end();
            x.start("Dimension")
                    .attr("name", "feed")
                    .attr("units", "")
                    .attr("default", "all")
                    .attr("multipleValues", "1")
                    .text(feedValues(layer))
                    .end();
            if (layer.kind().timeOfWeek()) {
                // Sample dimensions (OGC 06-042 Annex C): the values are hours of the day and days of the week, any
                // of them at once; the default, every hour and day, is what a request without them draws.
                x.start("Dimension")
                        .attr("name", "hours")
                        .attr("units", "")
                        .attr("default", "all")
                        .attr("multipleValues", "1")
                        .text(HOURS)
                        .end();
                x.start("Dimension")
                        .attr("name", "weekdays")
                        .attr("units", "")
                        .attr("default", "all")
                        .attr("multipleValues", "1")
                        .text(WEEKDAYS)
                        .end();
            }
        } else if (layer.kind() instanceof RunAreasKind) {
            List<Long> ids = List.copyOf(runs.of(layer).keySet());
            if (!ids.isEmpty()) {
                x.start("Dimension")
                        .attr("name", "run")
                        .attr("units", "")
                        .attr("default", ids.get(0))
                        .text(join(ids))
                        .end();
            }
        }
    }

    private void dimensions111(Xml x, LayerCatalogue.Layer layer) {
        List<Long> ids = layer.kind() instanceof RunAreasKind
                ? List.copyOf(runs.of(layer).keySet())
                : List.of();
        boolean timed = layer.kind().timed();
        if (timed) {
            if (state.hasRecords()) {
                x.start("Dimension")
                        .attr("name", "time")
                        .attr("units", "ISO8601")
                        .end();
                if (layer.kind().compares()) {
                    x.start("Dimension")
                            .attr("name", "baseline")
                            .attr("units", "ISO8601")
                            .end();
                }
            }
            x.start("Dimension").attr("name", "category").attr("units", "").end();
            x.start("Dimension").attr("name", "feed").attr("units", "").end();
            if (layer.kind().timeOfWeek()) {
                x.start("Dimension").attr("name", "hours").attr("units", "").end();
                x.start("Dimension").attr("name", "weekdays").attr("units", "").end();
            }
            if (state.hasRecords()) {
                x.start("Extent")
                        .attr("name", "time")
                        .attr("default", layer.kind().defaultTime(state).capabilitiesText())
                        .attr("nearestValue", "0")
                        .text(TimeDimension.monthsExtent(state.firstMonth(), state.lastMonth()))
                        .end();
                if (layer.kind().compares()) {
                    x.start("Extent")
                            .attr("name", "baseline")
                            .attr("nearestValue", "0")
                            .text(TimeDimension.monthsExtent(state.firstMonth(), state.lastMonth()))
                            .end();
                }
            }
            x.start("Extent")
                    .attr("name", "category")
                    .attr("default", "all")
                    .text(categoryValues(layer))
                    .end();
            x.start("Extent")
                    .attr("name", "feed")
                    .attr("default", "all")
                    .text(feedValues(layer))
                    .end();
            if (layer.kind().timeOfWeek()) {
                x.start("Extent")
                        .attr("name", "hours")
                        .attr("default", "all")
                        .text(HOURS)
                        .end();
                x.start("Extent")
                        .attr("name", "weekdays")
                        .attr("default", "all")
                        .text(WEEKDAYS)
                        .end();
            }
        } else if (!ids.isEmpty()) {
            x.start("Dimension").attr("name", "run").attr("units", "").end();
            x.start("Extent")
                    .attr("name", "run")
                    .attr("default", ids.get(0))
                    .text(join(ids))
                    .end();
        }
    }

    private String categoryValues(LayerCatalogue.Layer layer) {
        // Groups first, then categories; a code that is both (other) is listed once and matches either.
        java.util.Set<String> values = new java.util.LinkedHashSet<>(List.of("all"));
        values.addAll(LayerDims.categories(layer, state));
        return String.join(",", values);
    }

    private String feedValues(LayerCatalogue.Layer layer) {
        java.util.List<String> values = new java.util.ArrayList<>(List.of("all"));
        values.addAll(
                layer.source().feeds().isEmpty()
                        ? new java.util.TreeSet<>(state.names("feed"))
                        : layer.source().feeds());
        return String.join(",", values);
    }

    private static String join(List<Long> ids) {
        return String.join(",", ids.stream().map(String::valueOf).toList());
    }

    private void attribution(Xml x, LayerCatalogue.Layer layer) {
        if (!layer.attribution().isBlank()) {
            x.start("Attribution").element("Title", layer.attributionText()).end();
        }
    }

    private void styles(Xml x, LayerCatalogue.Layer layer) {
        // a forecast's legend states the validation of the forecast for its TIME: the link names the default one
        TimeDimension time = layer.kind() instanceof ForecastKind && state.hasRecords()
                ? layer.kind().defaultTime(state)
                : null;
        for (LayerCatalogue.Style s : layer.styles()) {
            BufferedImage image = time == null
                    ? legend.apply(layer, s)
                    : LegendGraphic.draw(layer.title(), s.style(), ForecastKind.typicalLegendLines(time));
            x.start("Style")
                    .element("Name", s.style().name())
                    .element(
                            "Title",
                            s.style().title() == null
                                    ? s.style().name()
                                    : s.style().title());
            x.start("LegendURL")
                    .attr("width", image.getWidth())
                    .attr("height", image.getHeight())
                    .element("Format", "image/png");
            resource(
                    x,
                    url + "?SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=1.3.0&FORMAT=image/png&LAYER=" + layer.name()
                            + "&STYLE=" + s.style().name() + (time == null ? "" : "&TIME=" + time.text()));
            x.end().end();
        }
    }

    /** A layer drawn only within a scale range says so, from its default style's rules. */
    private void scales(Xml x, LayerCatalogue.Layer layer, boolean v130) {
        double max = 0;
        for (SldStyle.Rule r : layer.style().rules()) {
            if (r.maxScale() == null) {
                return;
            }
            max = Math.max(max, r.maxScale());
        }
        if (v130) {
            x.element("MaxScaleDenominator", num(max));
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
