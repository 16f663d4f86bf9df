package org.safemap.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.safemap.SafemapException;
import org.safemap.areas.AreaAssigner;
import org.safemap.areas.AreaAssigners;
import org.safemap.config.TempFiles;
import org.safemap.db.CopyWriter;
import org.safemap.db.JsonText;
import org.safemap.db.LoadBatches;
import org.safemap.db.ReferenceData;
import org.safemap.geocode.Geocoder;
import org.safemap.sharing.Protocol;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.ProtocolRegistry;
import org.safemap.sharing.Pseudonymiser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one source file into one feed as one batch, in one transaction:
 * <ol>
 * <li>the feed's adapter reads the file, row by row, into records or rejections;</li>
 * <li>records are taken in chunks: geocoded ({@link Geocoder}), their categories mapped onto the common taxonomy
 *     (the feed's mapping, as data), and given their areas ({@link AreaAssigner}, in Morton order);</li>
 * <li>accepted records stream with COPY into a new partition of {@code incident} for this batch, which gets its
 *     indexes built in bulk and is then attached; rejected rows go to {@code quarantine} with their reason;</li>
 * <li>the batch's violent records are linked to matching records of other feeds ({@link Linker}).</li>
 * </ol>
 * The same content loaded into the same feed again is reported as already loaded. A failure, or a killed process,
 * leaves nothing behind: the partition, the batch and the quarantine rows are all in the one transaction.
 * Memory is bounded by the chunk size, whatever the file's size.
 */
public final class IncidentLoader {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentLoader.class);
    static final int CHUNK = 20_000;
    private static final int SAMPLE_REJECTIONS = 5;

    private static final String FIND_BATCH = """
            SELECT id, rows_loaded, rows_quarantined, summary::text FROM load_batch
            WHERE kind = 'incidents' AND feed = ? AND source_sha256 = ?""";
    private static final String CATEGORY_MAP = "SELECT source_value, code FROM category_mapping WHERE scheme = ?";
    private static final String SET_PROTOCOL = "UPDATE load_batch SET protocol_version = ? WHERE id = ?";
    private static final String INCIDENT_COLUMNS = "batch_id, line_no, feed, source_ref, source_category, category, "
            + "event_from, event_to, location_text, geom, geocode_method, precision_m, stated_lsoa_code, attributes, "
            + "lsoa_vintage, lsoa_code, msoa_code, lad_code, ward_vintage, ward_code, custom_areas, area_match";
    private static final String COPY_QUARANTINE = "COPY quarantine (batch_id, line_no, field, reason, raw_record) "
            + "FROM STDIN (FORMAT csv)";
    private static final String SET_SUMMARY = "UPDATE load_batch SET summary = ?::jsonb WHERE id = ?";
    /** EWKB of a point in EPSG:27700, little-endian: byte order, type with SRID flag, SRID; then x and y. */
    private static final String EWKB_POINT_27700 = "0101000020346C0000";

    /** Only records timed to within this can link to another feed's (police.uk's months cannot). */
    private static final long ONE_DAY_S = 86_400;

    /** Hears stored bytes read and rows read so far. */
    @FunctionalInterface
    public interface Progress {
        void update(long rawBytes, long rows);
    }

    /**
     * Linkage settings: the distance and time within which records of different feeds are one event.
     *
     * @param distanceM at least this far apart are different events, unless their locations are coarser
     * @param minutes   time windows further apart than this are different events
     */
    public record LinkRule(double distanceM, int minutes) {
        public static final LinkRule DEFAULT = new LinkRule(250, 120);
    }

    /**
     * What a load did.
     *
     * @param batchId          the batch holding the rows (the earlier one when already loaded)
     * @param alreadyLoaded    the same content was loaded into this feed before; nothing changed
     * @param rowsLoaded       records stored
     * @param rowsQuarantined  rows kept in quarantine
     * @param sampleRejections the first few rejections, for the summary a user sees
     * @param summaryJson      geocoding methods, area matches and quarantine reasons with counts (JSON)
     */
    public record Result(long batchId, boolean alreadyLoaded, int rowsLoaded, int rowsQuarantined,
                         List<Rejection> sampleRejections, String summaryJson) {
        public int rowsRead() {
            return rowsLoaded + rowsQuarantined;
        }
    }

    private final DataSource dataSource;
    private final AreaAssigners areas;
    private final LinkRule linkRule;
    private final ProtocolCatalog protocols;
    private final Pseudonymiser pseudonymiser;

    /**
     * A loader under the built-in example protocols with a throw-away pseudonym key: for tests and benchmarks only,
     * as pseudonyms from two such loaders never match.
     */
    public IncidentLoader(DataSource dataSource) {
        this(dataSource, LinkRule.DEFAULT);
    }

    /** As {@link #IncidentLoader(DataSource)}, with a link rule. */
    public IncidentLoader(DataSource dataSource, LinkRule linkRule) {
        this(dataSource, linkRule, ProtocolCatalog.builtIn(), new Pseudonymiser(throwAwayKey()));
    }

    /**
     * @param protocols     the protocols in force: a feed without one is refused
     * @param pseudonymiser keyed hash for the protocols' linkage fields (the server's configured key)
     */
    public IncidentLoader(DataSource dataSource, LinkRule linkRule, ProtocolCatalog protocols,
                          Pseudonymiser pseudonymiser) {
        this.dataSource = dataSource;
        this.areas = new AreaAssigners(dataSource);
        this.linkRule = linkRule;
        this.protocols = protocols;
        this.pseudonymiser = pseudonymiser;
    }

    /** The server's loader: link rule, protocols and pseudonym key from configuration. */
    public static IncidentLoader configured(DataSource dataSource, org.safemap.config.Settings settings) {
        return new IncidentLoader(dataSource, new LinkRule(settings.linkDistanceM(), settings.linkMinutes()),
                ProtocolCatalog.load(settings.trust().protocolsDir()),
                new Pseudonymiser(org.safemap.sharing.Keys.pseudonym(settings)));
    }

    private static byte[] throwAwayKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    /**
     * Loads the file into the feed; see the class comment.
     *
     * @throws SafemapException no_protocol when the feed has no data-sharing protocol: nothing is read or kept
     */
    public Result load(SourceFile file, FeedDefinition definition, Progress progress) {
        Protocol protocol = protocols.require(definition.name());
        FeedDefinition feed = definition.withTerms(FeedTerms.of(protocol, pseudonymiser));
        String sha = file.sha256();
        FeedAdapter adapter = FeedAdapters.forFormat(feed.format());
        try (Connection c = dataSource.getConnection()) {
            Optional<Result> earlier = findBatch(c, feed.name(), sha);
            if (earlier.isPresent()) {
                return earlier.get();
            }
            c.setAutoCommit(false);
            Path spill = TempFiles.create("safemap-quarantine-", ".csv");
            try {
                long started = System.nanoTime();
                ProtocolRegistry.record(c, protocol);
                Result result = loadNew(c, file, feed, protocol, sha, adapter, spill, progress);
                c.commit();
                LOG.info("batch {}: {} into feed {}: {} loaded, {} quarantined in {} ms", result.batchId(), file.name(),
                        feed.name(), result.rowsLoaded(), result.rowsQuarantined(), (System.nanoTime() - started) / 1_000_000);
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                if (e instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                    // Another process loaded the same file meanwhile; report its batch.
                    c.setAutoCommit(true);
                    return findBatch(c, feed.name(), sha).orElseThrow(() -> new IllegalStateException(e));
                }
                throw e;
            } finally {
                Files.deleteIfExists(spill);
            }
        } catch (SQLException e) {
            throw new SafemapException("load_failed", "loading " + file.name() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SafemapException("load_failed", "cannot read " + file.name() + ": " + e.getMessage(), e);
        }
    }

    private Result loadNew(Connection c, SourceFile file, FeedDefinition feed, Protocol protocol, String sha,
                           FeedAdapter adapter, Path spill, Progress progress) throws SQLException, IOException {
        try (Statement s = c.createStatement()) {
            // Index builds at the end sort in memory when they can; this is per transaction only.
            s.execute("SET LOCAL maintenance_work_mem = '256MB'");
        }
        if (feed.format().startsWith("mapped-")) {
            syncCategoryMap(c, feed);
        }
        Map<String, String> categories = categoryMap(c, feed.categories());
        long batchId = LoadBatches.start(c, "incidents", feed.name(), file.name(), sha, 0, 0);
        try (PreparedStatement ps = c.prepareStatement(SET_PROTOCOL)) {
            ps.setInt(1, protocol.version());
            ps.setLong(2, batchId);
            ps.executeUpdate();
        }
        String partition = "batches.incident_" + batchId;
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + partition + " (LIKE incident INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
            // Lets ATTACH PARTITION trust the rows without scanning them.
            s.execute("ALTER TABLE " + partition + " ADD CONSTRAINT incident_" + batchId + "_batch CHECK (batch_id = "
                    + batchId + ")");
        }
        long t0 = System.nanoTime();
        Pipeline pipeline;
        try (CopyWriter out = CopyWriter.openPumped(c, "COPY " + partition + " (" + INCIDENT_COLUMNS
                + ") FROM STDIN (FORMAT csv)");
             CopyWriter quarantine = CopyWriter.to(Files.newBufferedWriter(spill, StandardCharsets.UTF_8))) {
            pipeline = new Pipeline(batchId, feed, categories, new Geocoder(dataSource), areas.current(), out,
                    quarantine, progress);
            adapter.read(file, feed, pipeline, bytes -> pipeline.bytes = bytes);
            pipeline.flush();
        }
        long t1 = System.nanoTime();
        try (Statement s = c.createStatement()) {
            if (pipeline.accepted > 0) {
                s.execute("CREATE INDEX ON " + partition + " USING gist (geom)");
                s.execute("CREATE INDEX ON " + partition + " (id)");
                s.execute("CREATE INDEX ON " + partition + " (event_from)");
                s.execute("CREATE INDEX ON " + partition + " (lsoa_code)");
                s.execute("CREATE INDEX ON " + partition + " (event_id) WHERE event_id IS NOT NULL");
                s.execute("ALTER TABLE incident ATTACH PARTITION " + partition + " FOR VALUES IN (" + batchId + ")");
            } else {
                s.execute("DROP TABLE " + partition);
            }
        }
        long t2 = System.nanoTime();
        try (BufferedReader in = Files.newBufferedReader(spill, StandardCharsets.UTF_8)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_QUARANTINE, in);
        }
        // Only records timed to within a day can link (police.uk's whole months never do): skip the search otherwise.
        int linked = pipeline.narrowlyTimed > 0 ? Linker.link(c, batchId, linkRule.distanceM(), linkRule.minutes()) : 0;
        LOG.debug("{}: read, geocode, assign and COPY {} ms (geocode {} ms, areas {} ms); indexes and attach {} ms; "
                + "quarantine and links {} ms", file.name(), (t1 - t0) / 1_000_000, pipeline.geocodeNanos / 1_000_000,
                pipeline.areaNanos / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
        LoadBatches.finish(c, batchId, pipeline.accepted, pipeline.rejected);
        String summary = pipeline.summary(linked);
        try (PreparedStatement ps = c.prepareStatement(SET_SUMMARY)) {
            ps.setString(1, summary);
            ps.setLong(2, batchId);
            ps.executeUpdate();
        }
        return new Result(batchId, false, pipeline.accepted, pipeline.rejected, List.copyOf(pipeline.samples), summary);
    }

    /** A mapped feed's category map lives in its definition file; the database gets a copy for queries. */
    private static void syncCategoryMap(Connection c, FeedDefinition feed) throws SQLException {
        try {
            ReferenceData.replaceScheme(c, feed.name(), MappedFeed.of(feed).categoryMap);
        } catch (SQLException e) {
            if ("23503".equals(e.getSQLState())) {
                throw new SafemapException("bad_feed", feed.origin() + ": the category map names a code that is not "
                        + "in the common taxonomy (taxonomy/categories.csv): " + e.getMessage());
            }
            throw e;
        }
    }

    /** Source category (lower case, trimmed) to common code. */
    private static Map<String, String> categoryMap(Connection c, String scheme) throws SQLException {
        Map<String, String> map = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(CATEGORY_MAP)) {
            ps.setString(1, scheme);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    map.put(rs.getString(1).strip().toLowerCase(Locale.ROOT), rs.getString(2));
                }
            }
        }
        if (map.isEmpty()) {
            throw new SafemapException("bad_feed", "category mapping '" + scheme + "' is empty or missing");
        }
        return map;
    }

    private static Optional<Result> findBatch(Connection c, String feed, String sha) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND_BATCH)) {
            ps.setString(1, feed);
            ps.setString(2, sha);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Result(rs.getLong(1), true, rs.getInt(2), rs.getInt(3), List.of(), rs.getString(4)));
            }
        }
    }

    /** Collects records into chunks, then geocodes, maps, assigns and writes each chunk. */
    private static final class Pipeline implements RowSink {
        private final long batchId;
        private final FeedDefinition feed;
        private final Map<String, String> categories;
        private final Geocoder geocoder;
        private final AreaAssigner assigner;
        private final CopyWriter out;
        private final CopyWriter quarantine;
        private final Progress progress;
        private final List<IncidentRecord> chunk = new ArrayList<>(CHUNK);
        private final List<Rejection> samples = new ArrayList<>();
        private final Map<String, Long> methods = new TreeMap<>();
        private final Map<String, Long> matches = new TreeMap<>();
        private final Map<String, Long> reasons = new TreeMap<>();
        private final StringBuilder hex = new StringBuilder(64);
        volatile long bytes;
        long geocodeNanos;
        long areaNanos;
        int accepted;
        int rejected;
        int narrowlyTimed;

        Pipeline(long batchId, FeedDefinition feed, Map<String, String> categories, Geocoder geocoder,
                 AreaAssigner assigner, CopyWriter out, CopyWriter quarantine, Progress progress) {
            this.batchId = batchId;
            this.feed = feed;
            this.categories = categories;
            this.geocoder = geocoder;
            this.assigner = assigner;
            this.out = out;
            this.quarantine = quarantine;
            this.progress = progress;
        }

        @Override
        public void accept(IncidentRecord record) throws IOException {
            chunk.add(record);
            if (chunk.size() == CHUNK) {
                flush();
            }
        }

        @Override
        public void reject(Rejection r) throws IOException {
            rejected++;
            if (samples.size() < SAMPLE_REJECTIONS) {
                samples.add(r);
            }
            reasons.merge(ReasonKinds.of(r.reason()), 1L, Long::sum);
            quarantine.value(batchId).value(r.lineNo()).value(r.field()).value(r.reason()).value(r.rawRecord());
            quarantine.endRow();
            report();
        }

        void flush() throws IOException {
            int n = chunk.size();
            if (n == 0) {
                return;
            }
            List<org.safemap.geocode.LocationInput> locations = new ArrayList<>(n);
            chunk.forEach(r -> locations.add(r.location()));
            long g0 = System.nanoTime();
            Geocoder.Result[] where = geocoder.resolve(locations);
            geocodeNanos += System.nanoTime() - g0;
            String[] codes = new String[n];
            double[] xs = new double[n];
            double[] ys = new double[n];
            int[] keep = new int[n];
            int kept = 0;
            for (int i = 0; i < n; i++) {
                IncidentRecord r = chunk.get(i);
                String code = categories.get(r.sourceCategory().strip().toLowerCase(Locale.ROOT));
                if (code == null) {
                    reject(new Rejection(r.lineNo(), "category", "category '" + r.sourceCategory() + "' is not one this "
                            + "feed shares: mapping '" + feed.categories() + "' has no entry for it", r.raw()));
                } else if (!where[i].ok()) {
                    reject(new Rejection(r.lineNo(), "location", where[i].failure(), r.raw()));
                } else {
                    codes[i] = code;
                    xs[kept] = where[i].x();
                    ys[kept] = where[i].y();
                    keep[kept++] = i;
                }
            }
            long a0 = System.nanoTime();
            AreaAssigner.Assignment[] areas = assigner.assignAll(xs, ys, kept);
            areaNanos += System.nanoTime() - a0;
            for (int k = 0; k < kept; k++) {
                int i = keep[k];
                IncidentRecord r = chunk.get(i);
                Geocoder.Result g = where[i];
                Map<String, String> attributes = r.attributes();
                if (g.matched() != null) {
                    attributes = new LinkedHashMap<>(attributes);
                    attributes.put("gazetteer_match", g.matched());
                }
                out.value(batchId).value(r.lineNo()).value(feed.name()).value(r.sourceRef()).value(r.sourceCategory())
                        .value(codes[i]).value(r.eventFrom().toString()).value(r.eventTo().toString())
                        .value(r.locationText()).value(ewkb(g.x(), g.y())).value(g.method().code())
                        .value(Float.toString(g.precisionM())).value(r.statedLsoaCode()).value(JsonText.object(attributes));
                assigner.write(areas[k], out);
                out.endRow();
                accepted++;
                if (r.eventTo().getEpochSecond() - r.eventFrom().getEpochSecond() <= ONE_DAY_S) {
                    narrowlyTimed++;
                }
                methods.merge(g.method().code(), 1L, Long::sum);
                matches.merge(assigner.lsoaVintage().isEmpty() ? "pending" : areas[k].inside() ? "inside" : "outside",
                        1L, Long::sum);
            }
            chunk.clear();
            report();
        }

        private void report() {
            if (progress != null) {
                progress.update(bytes, (long) accepted + rejected + chunk.size());
            }
        }

        /** Hex EWKB of a point, written without allocating per digit. */
        private String ewkb(double x, double y) {
            hex.setLength(0);
            hex.append(EWKB_POINT_27700);
            appendLittleEndian(Double.doubleToRawLongBits(x));
            appendLittleEndian(Double.doubleToRawLongBits(y));
            return hex.toString();
        }

        private void appendLittleEndian(long bits) {
            for (int i = 0; i < 8; i++) {
                int b = (int) (bits >>> (8 * i)) & 0xff;
                hex.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
            }
        }

        String summary(int linked) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("geocode_methods", methods);
            s.put("area_match", matches);
            s.put("reasons", reasons);
            s.put("linked", linked);
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
