package org.safemap.ingest;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.ZipException;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.areas.AreaAssigner;
import org.safemap.areas.AreaAssigners;
import org.safemap.config.Settings;
import org.safemap.config.TempFiles;
import org.safemap.db.BinaryCopyWriter;
import org.safemap.db.CopyRows;
import org.safemap.db.CopyWriter;
import org.safemap.db.IncidentCounts;
import org.safemap.db.IncidentPartitions;
import org.safemap.db.JsonText;
import org.safemap.db.LoadBatches;
import org.safemap.db.ReferenceData;
import org.safemap.files.InputFormatException;
import org.safemap.files.PgText;
import org.safemap.files.SourceFile;
import org.safemap.geocode.Geocoder;
import org.safemap.sharing.LinkageSeal;
import org.safemap.sharing.Protocol;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.ProtocolRegistry;
import org.safemap.sharing.Pseudonymiser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one source file into one feed as one batch, in one transaction:
 * <ol>
 * <li>a file that is not text (an image, an archive, UTF-16, cut-short gzip) is refused before anything is read
 *     ({@link ContentSniffer});</li>
 * <li>the feed's adapter reads the file, row by row, into records or rejections;</li>
 * <li>each record's values must be ones PostgreSQL stores and its time plausible ({@link RecordCheck}), or it is
 *     rejected, naming its field;</li>
 * <li>records are taken in chunks: geocoded ({@link Geocoder}), their categories mapped onto the common taxonomy
 *     (the feed's mapping, as data), and given their areas ({@link AreaAssigner}, in Morton order);</li>
 * <li>accepted records stream with binary COPY ({@link BinaryCopyWriter}) into a new table for this batch, counted by
 *     month, LSOA, category and feed as they go; the table is then filed under the months its records start in
 *     ({@link IncidentPartitions#place}: its time span stated, its indexes built in bulk, attached, the counts kept);
 *     rejected rows go to {@code quarantine} with their reason;
 *     records outside every loaded LSOA are listed by line in the batch's summary, or rejected when the
 *     installation says so ({@link Checks#quarantineOutsideArea});</li>
 * <li>the batch's violent records are linked to matching records of other feeds ({@link Linker}).</li>
 * </ol>
 * The same content loaded into the same feed again is reported as already loaded. A failure, or a killed process,
 * leaves nothing behind: the batch's tables, the batch and the quarantine rows are all in the one transaction.
 * Memory is bounded by the chunk size, whatever the file's size.
 */
public final class IncidentLoader {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentLoader.class);
    /**
     * Records geocoded, assigned and written together. Small enough that a file of a force's month (about 11,600
     * rows nationally) is several chunks, written by the pipeline's thread while the file is still being read: with
     * 20,000 such a file was one chunk, all of it geocoded, assigned and written on the reading thread after the last
     * row was read, while the COPY waited (docs/performance.md, "Fewer per-file costs").
     */
    static final int CHUNK = 2_000;
    /** Source categories whose codes are remembered per load; beyond this, a file of odd values is looked up anew. */
    private static final int CATEGORIES_REMEMBERED = 1_000;
    /** Stands for "no code" among remembered categories. */
    private static final String UNMAPPED = new String("unmapped");

    private static final int SAMPLE_REJECTIONS = 5;
    /** The batch summary lists this many line numbers of records outside the area; the count says if there are more. */
    static final int OUTSIDE_LINES_LISTED = 1000;

    private static final String OUTSIDE_AREA =
            "outside the partnership's area: in none of the loaded LSOAs " + "(SAFEMAP_OUTSIDE_AREA is quarantine)";

    private static final String FIND_BATCH = """
            SELECT id, rows_loaded, rows_quarantined, summary::text FROM load_batch
            WHERE kind = 'incidents' AND feed = ? AND source_sha256 = ?""";
    private static final String CATEGORY_MAP = "SELECT source_value, code FROM category_mapping WHERE scheme = ?";
    private static final String SET_PROTOCOL =
            "UPDATE load_batch SET protocol_version = ?, loaded_by = ?, loaded_via = ? WHERE id = ?";
    private static final String INCIDENT_COLUMNS = "batch_id, line_no, feed, source_ref, source_category, category, "
            + "event_from, event_to, location_text, geom, geocode_method, precision_m, stated_lsoa_code, attributes, "
            + "lsoa_vintage, lsoa_code, msoa_code, lad_code, ward_vintage, ward_code, custom_areas, area_match";
    private static final int INCIDENT_COLUMN_COUNT = 22;
    /** Text format: a row may hold anything text can, a line of just {@code \.} too (csv would end the COPY there). */
    private static final String COPY_QUARANTINE =
            "COPY quarantine (batch_id, line_no, field, reason, raw_record, " + "raw_bytes, raw_sealed) FROM STDIN";

    private static final String SET_SUMMARY = "UPDATE load_batch SET summary = ?::jsonb WHERE id = ?";
    /** British National Grid, the SRID of every stored point. */
    private static final int BNG_SRID = 27700;

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
     * Who loads a file, as the batch records it.
     *
     * @param by  a login, or cli:&lt;os user&gt; at the command line
     * @param via how they signed in: session, token 'name', cli
     */
    public record LoadedBy(String by, String via) {}

    /**
     * What a load accepts beyond each format's own checks.
     *
     * @param dataFrom              records dated before this day (UK time) are quarantined (SAFEMAP_DATA_FROM)
     * @param quarantineOutsideArea records outside every loaded LSOA are quarantined rather than kept and listed
     *                              (SAFEMAP_OUTSIDE_AREA)
     * @param clock                 "now", for records dated in the future
     */
    public record Checks(LocalDate dataFrom, boolean quarantineOutsideArea, Clock clock) {
        public static final Checks DEFAULT = of(Settings.IngestSettings.DEFAULT);

        public static Checks of(Settings.IngestSettings settings) {
            return new Checks(settings.dataFrom(), settings.quarantineOutsideArea(), Clock.systemUTC());
        }
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
    public record Result(
            long batchId,
            boolean alreadyLoaded,
            int rowsLoaded,
            int rowsQuarantined,
            List<Rejection> sampleRejections,
            String summaryJson) {
        public int rowsRead() {
            return rowsLoaded + rowsQuarantined;
        }
    }

    private final DataSource dataSource;
    private final AreaAssigners areas;
    private final LinkRule linkRule;
    private final ProtocolCatalog protocols;
    private final Pseudonymiser pseudonymiser;
    private final Checks checks;
    private final LinkageSeal seal;

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
    public IncidentLoader(
            DataSource dataSource, LinkRule linkRule, ProtocolCatalog protocols, Pseudonymiser pseudonymiser) {
        this(dataSource, linkRule, protocols, pseudonymiser, Checks.DEFAULT, null);
    }

    /** As above, with what a load accepts. */
    public IncidentLoader(
            DataSource dataSource,
            LinkRule linkRule,
            ProtocolCatalog protocols,
            Pseudonymiser pseudonymiser,
            Checks checks) {
        this(dataSource, linkRule, protocols, pseudonymiser, checks, null);
    }

    /**
     * As above, sealing quarantined rows for custodians.
     *
     * @param seal seals quarantined rows of linkage feeds as sent, for the feed's custodians (null: they are kept
     *             only with their identifiers hashed)
     */
    public IncidentLoader(
            DataSource dataSource,
            LinkRule linkRule,
            ProtocolCatalog protocols,
            Pseudonymiser pseudonymiser,
            Checks checks,
            LinkageSeal seal) {
        this.dataSource = dataSource;
        this.areas = new AreaAssigners(dataSource);
        this.linkRule = linkRule;
        this.protocols = protocols;
        this.pseudonymiser = pseudonymiser;
        this.checks = checks;
        this.seal = seal;
    }

    /** The server's loader: link rule, protocols, pseudonym and linkage keys and checks from configuration. */
    public static IncidentLoader configured(DataSource dataSource, Settings settings) {
        return configured(
                dataSource, settings, ProtocolCatalog.load(settings.trust().protocolsDir()));
    }

    /** As {@link #configured(DataSource, Settings)}, under protocols already read. */
    public static IncidentLoader configured(DataSource dataSource, Settings settings, ProtocolCatalog protocols) {
        return new IncidentLoader(
                dataSource,
                new LinkRule(settings.linkDistanceM(), settings.linkMinutes()),
                protocols,
                new Pseudonymiser(org.safemap.sharing.Keys.pseudonym(settings)),
                Checks.of(settings.ingest()),
                new LinkageSeal(org.safemap.sharing.Keys.linkage(settings)));
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
     * @throws InputFormatException when the file cannot be read at all (not text, cut short, no header ...): the
     *                              message names the file and says why; nothing is kept
     */
    public Result load(SourceFile file, FeedDefinition definition, Progress progress) {
        return load(file, definition, progress, null);
    }

    /**
     * As {@link #load(SourceFile, FeedDefinition, Progress)}, recording who loads the file ({@code by}; null: not
     * recorded). A file already loaded keeps the loader it was first loaded by.
     */
    public Result load(SourceFile file, FeedDefinition definition, Progress progress, LoadedBy by) {
        Protocol protocol = protocols.require(definition.name());
        // Rows as sent are kept (sealed) only where the protocol hashes identifiers: elsewhere raw_record is the row.
        Map<Integer, String> originals =
                seal != null && !protocol.linkageFields().isEmpty() ? new HashMap<>() : null;
        FeedDefinition feed = definition.withTerms(FeedTerms.of(protocol, pseudonymiser, originals));
        ContentSniffer.requireText(file);
        String sha;
        try {
            sha = file.sha256();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof EOFException || e.getCause() instanceof ZipException) {
                throw ContentSniffer.corrupt(file, e.getCause());
            }
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot read " + file.name(), e);
        }
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
                Result result = loadNew(c, file, feed, protocol, sha, adapter, spill, progress, by);
                long committing = System.nanoTime();
                c.commit();
                long done = System.nanoTime();
                LOG.info(
                        "batch {}: {} into feed {}: {} loaded, {} quarantined in {} ms",
                        result.batchId(),
                        file.name(),
                        feed.name(),
                        result.rowsLoaded(),
                        result.rowsQuarantined(),
                        (done - started) / 1_000_000);
                LOG.debug("batch {}: commit {} ms", result.batchId(), (done - committing) / 1_000_000);
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
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "loading " + file.name() + " failed", e);
        } catch (EOFException | ZipException e) {
            throw ContentSniffer.corrupt(file, e);
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot read " + file.name(), e);
        }
    }

    private Result loadNew(
            Connection c,
            SourceFile file,
            FeedDefinition feed,
            Protocol protocol,
            String sha,
            FeedAdapter adapter,
            Path spill,
            Progress progress,
            LoadedBy by)
            throws SQLException, IOException {
        long setup = System.nanoTime();
        try (Statement s = c.createStatement()) {
            // Index builds at the end sort in memory when they can; this is per transaction only.
            s.execute("SET LOCAL maintenance_work_mem = '256MB'");
        }
        if (feed.format().startsWith("mapped-")) {
            syncCategoryMap(c, feed);
        }
        Map<String, String> categories = categoryMap(c, feed.categories());
        // A name from an upload may hold a NUL, which no text column can store.
        long batchId = LoadBatches.start(c, "incidents", feed.name(), PgText.shown(file.name()), sha, 0, 0);
        try (PreparedStatement ps = c.prepareStatement(SET_PROTOCOL)) {
            ps.setInt(1, protocol.version());
            ps.setString(2, by == null ? null : by.by());
            ps.setString(3, by == null ? null : by.via());
            ps.setLong(4, batchId);
            ps.executeUpdate();
        }
        String partition = IncidentPartitions.staging(batchId);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + partition + " (LIKE incident INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
            // Lets ATTACH PARTITION trust the rows without scanning them.
            s.execute(IncidentPartitions.batchCheck(partition, batchId, ""));
        }
        long t0 = System.nanoTime();
        Pipeline pipeline;
        // Binary: the backend takes each value as it is kept instead of parsing its text (docs/performance.md).
        try (BinaryCopyWriter out = BinaryCopyWriter.openPumped(
                        c,
                        "COPY " + partition + " (" + INCIDENT_COLUMNS + ") FROM STDIN (FORMAT binary)",
                        INCIDENT_COLUMN_COUNT);
                CopyWriter quarantine = CopyWriter.textTo(Files.newBufferedWriter(spill, StandardCharsets.UTF_8))) {
            pipeline = new Pipeline(
                    batchId,
                    feed,
                    categories,
                    new Geocoder(dataSource),
                    areas.current(),
                    out,
                    quarantine,
                    progress,
                    new RecordCheck(checks.dataFrom(), checks.clock().instant()),
                    checks.quarantineOutsideArea(),
                    seal);
            if (feed.terms() != null && feed.terms().keepsOriginals()) {
                // Rows as sent are noted by the reader and dropped by the pipeline: both stay on this thread.
                adapter.read(file, feed, pipeline, bytes -> pipeline.bytes = bytes);
            } else {
                readOnTwoThreads(adapter, file, feed, pipeline);
            }
            pipeline.flush();
        }
        long t1 = System.nanoTime();
        try (Statement s = c.createStatement()) {
            if (pipeline.accepted > 0) {
                IncidentPartitions.place(c, batchId, pipeline.counted);
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
        LOG.debug(
                "{}: batch and table {} ms; read, geocode, assign and COPY {} ms (geocode {} ms, areas {} ms); "
                        + "indexes, attach and counts {} ms; quarantine and links {} ms",
                file.name(),
                (t0 - setup) / 1_000_000,
                (t1 - t0) / 1_000_000,
                pipeline.geocodeNanos / 1_000_000,
                pipeline.areaNanos / 1_000_000,
                (t2 - t1) / 1_000_000,
                (System.nanoTime() - t2) / 1_000_000);
        LoadBatches.finish(c, batchId, pipeline.accepted, pipeline.rejected);
        String summary = pipeline.summary(linked);
        try (PreparedStatement ps = c.prepareStatement(SET_SUMMARY)) {
            ps.setString(1, summary);
            ps.setLong(2, batchId);
            ps.executeUpdate();
        }
        return new Result(batchId, false, pipeline.accepted, pipeline.rejected, List.copyOf(pipeline.samples), summary);
    }

    /**
     * The adapter reads and splits rows on this thread while the pipeline geocodes, assigns and writes COPY text on
     * another: the two halves cost about the same, so a load uses both cores (and PostgreSQL a third process).
     */
    private static void readOnTwoThreads(FeedAdapter adapter, SourceFile file, FeedDefinition feed, Pipeline pipeline)
            throws IOException {
        SinkThread sink = new SinkThread(pipeline, "ingest-pipeline");
        try {
            adapter.read(file, feed, sink, bytes -> pipeline.bytes = bytes);
            sink.close();
        } finally {
            sink.abandon();
        }
    }

    /** A mapped feed's category map lives in its definition file; the database gets a copy for queries. */
    private static void syncCategoryMap(Connection c, FeedDefinition feed) throws SQLException {
        try {
            ReferenceData.replaceScheme(c, feed.name(), MappedFeed.of(feed).categoryMap);
        } catch (SQLException e) {
            if ("23503".equals(e.getSQLState())) {
                throw new SafemapException(
                        ErrorCode.BAD_FEED,
                        feed.origin() + ": the category map names a code that is not "
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
            throw new SafemapException(ErrorCode.BAD_FEED, "category mapping '" + scheme + "' is empty or missing");
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
                return Optional.of(
                        new Result(rs.getLong(1), true, rs.getInt(2), rs.getInt(3), List.of(), rs.getString(4)));
            }
        }
    }

    /** Collects records into chunks, then geocodes, maps, assigns and writes each chunk. */
    private static final class Pipeline implements RowSink {
        private final long batchId;
        private final FeedDefinition feed;
        private final Map<String, String> categories;
        /** Source category as given to its code or {@link #UNMAPPED}, for the categories met so far. */
        private final Map<String, String> codes = new HashMap<>();

        private final Geocoder geocoder;
        private final AreaAssigner assigner;
        private final CopyRows out;
        private final CopyWriter quarantine;
        private final Progress progress;
        private final RecordCheck check;
        private final boolean quarantineOutside;
        private final LinkageSeal seal;
        private final List<IncidentRecord> chunk = new ArrayList<>(CHUNK);
        /** Lines of accepted records outside every loaded LSOA, the first {@link #OUTSIDE_LINES_LISTED}. */
        private final List<Integer> outsideLines = new ArrayList<>();

        private final List<Rejection> samples = new ArrayList<>();
        private final Map<String, Long> methods = new TreeMap<>();
        private final Map<String, Long> matches = new TreeMap<>();
        private final Map<String, Long> reasons = new TreeMap<>();
        /** The kept counts' share of the accepted records, counted as they are written. */
        final IncidentCounts.Tally counted = new IncidentCounts.Tally();

        volatile long bytes;
        long geocodeNanos;
        long areaNanos;
        int accepted;
        int rejected;
        int narrowlyTimed;

        Pipeline(
                long batchId,
                FeedDefinition feed,
                Map<String, String> categories,
                Geocoder geocoder,
                AreaAssigner assigner,
                CopyRows out,
                CopyWriter quarantine,
                Progress progress,
                RecordCheck check,
                boolean quarantineOutside,
                LinkageSeal seal) {
            this.batchId = batchId;
            this.feed = feed;
            this.categories = categories;
            this.geocoder = geocoder;
            this.assigner = assigner;
            this.out = out;
            this.quarantine = quarantine;
            this.progress = progress;
            this.check = check;
            this.quarantineOutside = quarantineOutside;
            this.seal = seal;
        }

        @Override
        public void accept(IncidentRecord record) throws IOException {
            Rejection problem = check.problem(record);
            if (problem != null) {
                reject(problem);
                return;
            }
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
            String reason = PgText.shown(r.reason());
            reasons.merge(ReasonKinds.of(reason), 1L, Long::sum);
            // A row holding a NUL is kept exactly as bytes, and shown with ␀ where the NUL was.
            String raw = r.rawRecord();
            String rawBytes = PgText.storable(raw)
                    ? null
                    : "\\x" + HexFormat.of().formatHex(raw.getBytes(StandardCharsets.UTF_8));
            quarantine
                    .value(batchId)
                    .value(r.lineNo())
                    .value(PgText.shown(r.field()))
                    .value(reason)
                    .value(PgText.shown(raw))
                    .value(rawBytes)
                    .value(sealed(r.lineNo()));
            quarantine.endRow();
            report();
        }

        /**
         * The row as sent, sealed for the custodian, when the feed hashes identifiers and the row was noted. A row is
         * rejected once, so its note goes now: rows rejected as they are read never wait for a chunk to fill.
         */
        private String sealed(int lineNo) {
            Map<Integer, String> originals = feed.terms().originals();
            String original = originals == null ? null : originals.remove(lineNo);
            return original == null ? null : seal.seal(LinkageSeal.quarantinePlace(batchId, lineNo), original);
        }

        void flush() throws IOException {
            int n = chunk.size();
            if (n == 0) {
                forgetOriginals();
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
                String code = code(r.sourceCategory());
                if (code == null) {
                    reject(new Rejection(
                            r.lineNo(),
                            "category",
                            "category '" + r.sourceCategory() + "' is not one this " + "feed shares: mapping '"
                                    + feed.categories() + "' has no entry for it",
                            r.raw()));
                } else if (!where[i].ok()) {
                    reject(new Rejection(r.lineNo(), locationField(r), where[i].failure(), r.raw()));
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
            boolean areasKnown = assigner.lsoaVintage().isPresent();
            for (int k = 0; k < kept; k++) {
                int i = keep[k];
                IncidentRecord r = chunk.get(i);
                Geocoder.Result g = where[i];
                if (areasKnown && !areas[k].inside()) {
                    if (quarantineOutside) {
                        reject(new Rejection(r.lineNo(), locationField(r), OUTSIDE_AREA, r.raw()));
                        continue;
                    }
                    if (outsideLines.size() < OUTSIDE_LINES_LISTED) {
                        outsideLines.add(r.lineNo());
                    }
                }
                Map<String, String> attributes = r.attributes();
                if (g.matched() != null) {
                    attributes = new LinkedHashMap<>(attributes);
                    attributes.put("gazetteer_match", g.matched());
                }
                out.int8(batchId)
                        .int4(r.lineNo())
                        .value(feed.name())
                        .value(r.sourceRef())
                        .value(r.sourceCategory())
                        .value(codes[i])
                        .timestamptz(r.eventFrom())
                        .timestamptz(r.eventTo())
                        .value(r.locationText())
                        .point(BNG_SRID, g.x(), g.y())
                        .value(g.method().code())
                        .float4(g.precisionM())
                        .value(r.statedLsoaCode())
                        .jsonb(JsonText.object(attributes));
                assigner.write(areas[k], out);
                out.endRow();
                counted.count(r.eventFrom(), r.eventTo(), areas[k].lsoa(), codes[i], feed.name());
                accepted++;
                if (r.eventTo().getEpochSecond() - r.eventFrom().getEpochSecond() <= ONE_DAY_S) {
                    narrowlyTimed++;
                }
                methods.merge(g.method().code(), 1L, Long::sum);
                matches.merge(!areasKnown ? "pending" : areas[k].inside() ? "inside" : "outside", 1L, Long::sum);
            }
            chunk.clear();
            forgetOriginals();
            report();
        }

        /** The common code of a source category, or null: a file repeats a few categories, so they are remembered. */
        private String code(String sourceCategory) {
            String code = codes.get(sourceCategory);
            if (code == null) {
                code = categories.getOrDefault(sourceCategory.strip().toLowerCase(Locale.ROOT), UNMAPPED);
                if (codes.size() < CATEGORIES_REMEMBERED) {
                    codes.put(sourceCategory, code);
                }
            }
            return code == UNMAPPED ? null : code;
        }

        /**
         * Rows as sent are needed only until their chunk is decided: a rejected row's note goes when it is sealed, an
         * accepted row's when its chunk is written. Memory stays bounded by the chunk, whatever the file's size.
         */
        private void forgetOriginals() {
            if (feed.terms().originals() != null) {
                feed.terms().originals().clear();
            }
        }

        /** The field to name when a record cannot be placed: where its coordinates came from, if it had any. */
        private static String locationField(IncidentRecord r) {
            String field = r.location().hasCoordinates() ? r.location().coordinateField() : null;
            return field == null ? "location" : field;
        }

        private void report() {
            if (progress != null) {
                progress.update(bytes, (long) accepted + rejected + chunk.size());
            }
        }

        String summary(int linked) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("geocode_methods", methods);
            s.put("area_match", matches);
            s.put("reasons", reasons);
            s.put("linked", linked);
            s.put("outside_area_lines", outsideLines);
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
