package org.safemap.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.safemap.SafemapException;
import org.safemap.areas.AreaLevel;
import org.safemap.areas.AreaLoader;
import org.safemap.db.Database;
import org.safemap.ingest.FeedAdapters;
import org.safemap.ingest.IncidentLoader;
import org.safemap.ingest.SourceFile;

/**
 * The bundled demo dataset (Liverpool, police.uk, 2022-01 to 2022-07; see docs/demo-data.md), loaded through
 * the same loaders a user's files go through. Loading is idempotent: files already loaded are skipped.
 */
public final class DemoData {
    private static final String FOLDER = "demo/";

    /** Hears about each file as it is loaded, for progress output. */
    public interface Listener {
        /** A file is about to load; returns the progress callback for its stored bytes. */
        java.util.function.LongConsumer starting(SourceFile file, int index, int total);

        void finished(SourceFile file, String summary);
    }

    /**
     * What loading did.
     *
     * @param filesLoaded  files loaded now
     * @param filesSkipped files found already loaded
     * @param incidents    incident records loaded now
     * @param quarantined  rows quarantined now
     */
    public record Result(int filesLoaded, int filesSkipped, int incidents, int quarantined) {
    }

    private record Entry(String kind, String file, String format, String feed, String level, int vintage) {
    }

    private DemoData() {
    }

    public static Result load(Database db, Listener listener) {
        List<Entry> entries = manifest();
        AreaLoader areas = new AreaLoader(db.dataSource());
        IncidentLoader incidents = new IncidentLoader(db.dataSource());
        int loaded = 0;
        int skipped = 0;
        int records = 0;
        int quarantined = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            SourceFile file = SourceFile.resource(FOLDER + e.file());
            var progress = listener.starting(file, i + 1, entries.size());
            if (e.kind().equals("boundaries")) {
                AreaLoader.Result r = areas.load(file, AreaLevel.parse(e.level()), e.vintage(), null, null, progress);
                listener.finished(file, r.unchanged() ? "already loaded" : r.areas() + " " + e.level() + " boundaries");
                if (r.unchanged()) {
                    skipped++;
                } else {
                    loaded++;
                }
            } else {
                IncidentLoader.Result r = incidents.load(file, e.feed(), FeedAdapters.forFormat(e.format()), progress);
                listener.finished(file, r.alreadyLoaded() ? "already loaded (batch " + r.batchId() + ")"
                        : String.format(java.util.Locale.UK, "%,d records, %,d quarantined", r.rowsLoaded(), r.rowsQuarantined()));
                if (r.alreadyLoaded()) {
                    skipped++;
                } else {
                    loaded++;
                    records += r.rowsLoaded();
                    quarantined += r.rowsQuarantined();
                }
            }
        }
        return new Result(loaded, skipped, records, quarantined);
    }

    private static List<Entry> manifest() {
        try (InputStream in = DemoData.class.getClassLoader().getResourceAsStream(FOLDER + "manifest.json")) {
            if (in == null) {
                throw new SafemapException("demo_missing", "the demo dataset is missing from this build");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<Entry> entries = new ArrayList<>();
            for (JsonNode b : root.path("boundaries")) {
                entries.add(new Entry("boundaries", b.path("file").asText(), null, null, b.path("level").asText(),
                        b.path("vintage").asInt()));
            }
            for (JsonNode f : root.path("incidents")) {
                entries.add(new Entry("incidents", f.path("file").asText(), f.path("format").asText(),
                        f.path("feed").asText(), null, 0));
            }
            return entries;
        } catch (IOException e) {
            throw new SafemapException("demo_missing", "cannot read the demo manifest: " + e.getMessage(), e);
        }
    }
}
