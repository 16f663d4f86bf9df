package org.safemap.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.areas.AreaLevel;
import org.safemap.areas.AreaLoader;
import org.safemap.areas.DeprivationLoader;
import org.safemap.areas.HierarchyLoader;
import org.safemap.areas.PopulationLoader;
import org.safemap.db.Database;
import org.safemap.files.SourceFile;
import org.safemap.geocode.GazetteerLoader;
import org.safemap.geocode.PostcodeLoader;
import org.safemap.geocode.StreetGazetteer;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.IncidentLoader;

/**
 * The bundled demo dataset (Liverpool: boundaries, lookup, population, deprivation, and police.uk records for
 * 2022-01 to 2022-07; see docs/demo-data.md), loaded through the same loaders a user's files go through, in the
 * order they depend on each other. Loading is idempotent: files already loaded are skipped.
 */
public final class DemoData {
    private static final String FOLDER = "demo/";

    /** Hears about each file as it is loaded, for progress output. */
    public interface Listener {
        /** A file is about to load; returns the progress callback for its stored bytes. */
        LongConsumer starting(SourceFile file, int index, int total);

        void finished(SourceFile file, String summary);
    }

    /**
     * What loading did.
     *
     * @param filesLoaded  files that changed what is stored
     * @param filesSkipped files found already loaded
     * @param incidents    incident records loaded now
     * @param quarantined  rows quarantined now
     */
    public record Result(int filesLoaded, int filesSkipped, int incidents, int quarantined) {}

    private record Entry(String kind, JsonNode spec) {
        String file() {
            return spec.path("file").asText();
        }
    }

    /** Outcome of one file: whether it changed anything, its summary, and counts for incident files. */
    private record Outcome(boolean changed, String summary, int incidents, int quarantined) {}

    private DemoData() {}

    /** Loads the demo under the built-in protocols with a throw-away pseudonym key (tests). */
    public static Result load(Database db, Listener listener) {
        return load(db, new IncidentLoader(db.dataSource()), listener);
    }

    /** Loads the demo with the given loader (the CLI passes one with the configured protocols and key). */
    public static Result load(Database db, IncidentLoader incidents, Listener listener) {
        List<Entry> entries = manifest();
        int loaded = 0;
        int skipped = 0;
        int records = 0;
        int quarantined = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            // The street gazetteer is built from loaded records, not read from a file.
            SourceFile file = e.kind().equals("streets")
                    ? new SourceFile("streets from police.uk map points", 0, null)
                    : SourceFile.resource(FOLDER + e.file());
            LongConsumer progress = listener.starting(file, i + 1, entries.size());
            Outcome o = switch (e.kind()) {
                case "boundaries" -> boundaries(db, file, e.spec(), progress);
                case "hierarchy" -> hierarchy(db, file, progress);
                case "population" -> population(db, file, e.spec(), progress);
                case "deprivation" -> deprivation(db, file, e.spec(), progress);
                case "postcodes" -> postcodes(db, file, progress);
                case "streets" -> streets(db);
                case "gazetteer" -> gazetteer(db, file, progress);
                default -> incidents(incidents, file, e.spec(), progress);
            };
            listener.finished(file, o.summary());
            if (o.changed()) {
                loaded++;
                records += o.incidents();
                quarantined += o.quarantined();
            } else {
                skipped++;
            }
        }
        return new Result(loaded, skipped, records, quarantined);
    }

    private static Outcome boundaries(Database db, SourceFile file, JsonNode spec, LongConsumer progress) {
        AreaLevel level = AreaLevel.parse(spec.path("level").asText());
        AreaLoader.Result r = new AreaLoader(db.dataSource())
                .load(file, level, spec.path("vintage").asInt(), null, null, progress);
        return new Outcome(
                !r.unchanged(),
                r.unchanged() ? "already loaded" : String.format(Locale.UK, "%,d %s boundaries", r.areas(), level),
                0,
                0);
    }

    private static Outcome hierarchy(Database db, SourceFile file, LongConsumer progress) {
        HierarchyLoader.Result r = new HierarchyLoader(db.dataSource())
                .load(file, new HierarchyLoader.Columns(null, null, null), null, null, progress);
        return new Outcome(
                r.changed() > 0,
                r.changed() == 0
                        ? "already loaded"
                        : String.format(Locale.UK, "%,d LSOAs and %,d MSOAs with their parents", r.lsoas(), r.msoas()),
                0,
                0);
    }

    private static Outcome population(Database db, SourceFile file, JsonNode spec, LongConsumer progress) {
        PopulationLoader.Result r = new PopulationLoader(db.dataSource())
                .load(
                        file,
                        AreaLevel.parse(spec.path("level").asText()),
                        spec.path("vintage").asInt(),
                        null,
                        null,
                        null,
                        progress);
        return new Outcome(
                r.changed() > 0,
                r.changed() == 0
                        ? "already loaded"
                        : String.format(Locale.UK, "population of %,d areas, mid-%d", r.rows(), r.year()),
                0,
                0);
    }

    private static Outcome deprivation(Database db, SourceFile file, JsonNode spec, LongConsumer progress) {
        DeprivationLoader.Result r = new DeprivationLoader(db.dataSource())
                .load(
                        file,
                        spec.path("edition").asInt(),
                        spec.path("vintage").asInt(),
                        new DeprivationLoader.Columns(null, null, null, null),
                        progress);
        return new Outcome(
                r.changed() > 0,
                r.changed() == 0
                        ? "already loaded"
                        : String.format(Locale.UK, "IMD %d for %,d LSOAs", r.edition(), r.rows()),
                0,
                0);
    }

    private static Outcome postcodes(Database db, SourceFile file, LongConsumer progress) {
        PostcodeLoader.Result r = new PostcodeLoader(db.dataSource()).load(file, progress);
        return new Outcome(
                r.stored() > 0,
                r.stored() == 0
                        ? "already loaded"
                        : String.format(Locale.UK, "%,d postcodes (%s)", r.stored(), r.format()),
                0,
                0);
    }

    private static Outcome streets(Database db) {
        StreetGazetteer.Result r = new StreetGazetteer(db.dataSource()).build();
        return new Outcome(
                r.streets() > 0,
                r.streets() == 0
                        ? "already built"
                        : String.format(Locale.UK, "%,d street entries from %,d map points", r.streets(), r.points()),
                0,
                0);
    }

    private static Outcome gazetteer(Database db, SourceFile file, LongConsumer progress) {
        GazetteerLoader.Result r = new GazetteerLoader(db.dataSource()).load(file, progress);
        return new Outcome(
                r.stored() > 0,
                r.stored() == 0 ? "already loaded" : String.format(Locale.UK, "%,d named places", r.stored()),
                0,
                0);
    }

    private static Outcome incidents(IncidentLoader loader, SourceFile file, JsonNode spec, LongConsumer progress) {
        IncidentLoader.Result r = loader.load(
                file, FeedCatalog.builtIn().get(spec.path("feed").asText()), (bytes, rows) -> progress.accept(bytes));
        return new Outcome(
                !r.alreadyLoaded(),
                r.alreadyLoaded()
                        ? "already loaded (batch " + r.batchId() + ")"
                        : String.format(Locale.UK, "%,d records, %,d quarantined", r.rowsLoaded(), r.rowsQuarantined()),
                r.rowsLoaded(),
                r.rowsQuarantined());
    }

    /**
     * Entries in dependency order: geography, postcodes, the police.uk incidents, the street gazetteer built from
     * them and the venue gazetteer, then the partner feeds whose free-text locations need both.
     */
    private static List<Entry> manifest() {
        try (InputStream in = DemoData.class.getClassLoader().getResourceAsStream(FOLDER + "manifest.json")) {
            if (in == null) {
                throw new SafemapException(ErrorCode.DEMO_MISSING, "the demo dataset is missing from this build");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<Entry> entries = new ArrayList<>();
            for (String kind : List.of(
                    "boundaries",
                    "hierarchy",
                    "population",
                    "deprivation",
                    "postcodes",
                    "incidents",
                    "streets",
                    "gazetteer",
                    "partner-incidents")) {
                for (JsonNode spec : root.path(kind)) {
                    entries.add(new Entry(kind.equals("partner-incidents") ? "incidents" : kind, spec));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.DEMO_MISSING, "cannot read the demo manifest: " + e.getMessage(), e);
        }
    }
}
