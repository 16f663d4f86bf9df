package org.safemap.pack;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.ingest.FeedCatalog;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.LayerSources;
import org.safemap.map.WmsService;
import org.safemap.runs.Sources;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtectedCounts;

/** Makes tasking packs: computes one ({@link PackBuilder}), draws its maps and lays it out as HTML or PDF. */
public final class PackService {
    /** A finished pack file. */
    public record File(byte[] body, PackFormat format, String filename, Pack pack) {}

    private final PackBuilder builder;
    private final PackMaps maps;
    private final ProtectedCounts counts;
    private final FeedCatalog feeds;
    private final Policy policy;

    /**
     * Threads that make parts of a pack beside the thread asking for it (one per further core): the other hotspot
     * runs while it counts, half the maps while it draws the rest. Parts never wait for other parts, so a pack only
     * waits for its own.
     */
    private static final ExecutorService HELPERS =
            Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors() - 1), r -> {
                Thread t = new Thread(r, "safemap:pack-helper");
                t.setDaemon(true);
                return t;
            });

    /**
     * @param wms draws the pack's maps
     * @param counts the published count tables, the same the map and profiles read, for the feeds a pack counts
     *     only as its reader's protected counts
     */
    public PackService(
            DataSource dataSource, FeedCatalog feeds, WmsService wms, ProtectedCounts counts, Policy policy) {
        Map<String, String> titles = new LinkedHashMap<>();
        feeds.all().forEach(f -> titles.put(f.name(), f.title()));
        this.builder = new PackBuilder(
                dataSource, new Sources(dataSource, feeds), referenceData(wms.catalogue()), titles, HELPERS);
        this.maps = new PackMaps(
                wms, new MapLabels(dataSource), new LayerSources(dataSource, wms, policy, feeds), feeds, HELPERS);
        this.counts = counts;
        this.feeds = feeds;
        this.policy = policy;
    }

    /**
     * A pack for {@code who}. A pack counts and places records exactly, so only feeds its reader may see as points
     * under their protocols go in; the others they could see (as aggregates or reduced points) are named in its
     * notes. A feed asked for by name that may not go in refuses the pack.
     */
    public File make(PackRequest request, PackFormat format, Principal who, Consumer<String> progress) {
        return made(request, format, who, progress).file();
    }

    /** A pack file and the maps drawn for it (as {@link #make}), which the pack's tests compare with the WMS. */
    record Made(File file, PackMaps.Images images) {}

    /** {@link #make}, keeping the maps. */
    Made made(PackRequest request, PackFormat format, Principal who, Consumer<String> progress) {
        policy.requireSignedIn(who, "a tasking pack");
        List<String> allowed = new ArrayList<>();
        List<String> left = new ArrayList<>();
        List<String> asked = request.feeds().isEmpty()
                ? feeds.all().stream()
                        .map(org.safemap.ingest.FeedDefinition::name)
                        .toList()
                : request.feeds();
        for (String f : asked) {
            feeds.get(f); // an unknown feed is a bad request, named
            DisclosureLevel level = policy.level(who, f);
            if (level == DisclosureLevel.POINTS) {
                allowed.add(f);
            } else if (!request.feeds().isEmpty()) {
                throw new org.safemap.sharing.FeedRefusal(
                        ErrorCode.WITHHELD,
                        "a tasking pack counts and places records "
                                + "exactly, and feed '" + f + "' is shared with " + who.describe() + " at "
                                + level.key()
                                + " level",
                        List.of(f));
            } else if (level != DisclosureLevel.NONE) {
                left.add(f);
            }
        }
        if (allowed.isEmpty()) {
            throw new SafemapException(
                    ErrorCode.WITHHELD,
                    "a tasking pack needs at least one feed " + who.describe() + " may see record by record");
        }
        if (allowed.size() == asked.size()) {
            return build(request, format, who, progress); // everything asked for (or every feed) may go in, as asked
        }
        return build(request.withFeeds(allowed, left), format, who, progress);
    }

    private Made build(PackRequest request, PackFormat format, Principal who, Consumer<String> progress) {
        Pack pack = builder.build(request, progress);
        // drawn as the reader, so no map shows more than the WMS shows them, and each shows what the tables count
        // a PDF embeds the drawn pixels, so its maps are never encoded as PNG
        PackMaps.Images images = maps.draw(pack, who, format != PackFormat.PDF, progress);
        // Feeds left out of the exact counts come back as the reader's protected counts (every feed was asked).
        java.util.Optional<PackSharedCounts> shared =
                request.withheld().isEmpty() ? java.util.Optional.empty() : PackSharedCounts.of(counts, who, pack);
        if (format == PackFormat.DOCX) {
            progress.accept("writing the DOCX");
            return new Made(
                    new File(PackDocx.render(pack, images, shared), format, filename(request, format), pack), images);
        }
        // Only the web page links into the viewer's action log, and only for a reader who may record actions there.
        byte[] body;
        if (format == PackFormat.PDF) {
            String xhtml = PackDocument.xhtml(pack, images, shared, false, PackPdf::src);
            progress.accept("laying out the PDF");
            body = PackPdf.render(xhtml, images.all());
        } else {
            body = PackDocument.xhtml(pack, images, shared, policy.mayRecordActions(who), PackDocument::dataUri)
                    .getBytes(StandardCharsets.UTF_8);
        }
        return new Made(new File(body, format, filename(request, format), pack), images);
    }

    /** {@code safemap-pack-E08000012-2022-07.pdf}: the area and period, safe in any file system. */
    static String filename(PackRequest r, PackFormat format) {
        String period = r.period().label().replace("..", "_to_").replaceAll("[^A-Za-z0-9_-]", "-");
        String categories = r.categories().isEmpty()
                ? ""
                : "-" + String.join("-", r.categories()).replaceAll("[^A-Za-z0-9_-]", "");
        String hours = r.hours() == null ? "" : "-hours-" + r.hours().replaceAll("[^0-9-]", "_");
        return "safemap-pack-" + r.area().replaceAll("[^A-Za-z0-9_-]", "-") + "-" + period + categories + hours + "."
                + format.extension();
    }

    /** Credits for the reference data, as the map layers state them (boundaries and deprivation). */
    private static List<String> referenceData(LayerCatalogue catalogue) {
        List<String> out = new ArrayList<>();
        out.add("Boundaries and residents: "
                + catalogue.layer("lsoa-boundaries").attributionText() + " Population: ONS mid-year estimates.");
        out.add("Deprivation: " + catalogue.layer("deprivation").attributionText());
        return out;
    }
}
