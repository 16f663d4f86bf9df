package org.safemap.api;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.config.TempFiles;
import org.safemap.db.Work;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.FeedDefinition;
import org.safemap.ingest.FeedReports;
import org.safemap.ingest.IncidentLoader;
import org.safemap.ingest.Quarantine;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.FeedCustody;
import org.safemap.sharing.LinkageSeal;
import org.safemap.sharing.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * /api/feeds: the feeds, their batches' reports, quarantined rows, and uploads by custodians, which load exactly
 * as {@code safemap ingest} does. Who may load, read batches and see references as sent is {@link FeedCustody}'s
 * decision.
 */
final class FeedHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(FeedHandlers.class);
    private final FeedCatalog feeds;
    private final FeedReports reports;
    private final Quarantine quarantine;
    private final IncidentLoader loader;
    private final int maxUploadMb;
    private final Access access;
    private final FeedCustody custody;
    private final LinkageSeal seal;

    FeedHandlers(
            FeedCatalog feeds,
            FeedReports reports,
            Quarantine quarantine,
            IncidentLoader loader,
            int maxUploadMb,
            Access access,
            LinkageSeal seal) {
        this.maxUploadMb = maxUploadMb;
        this.access = access;
        this.custody = new FeedCustody(access.policy());
        this.seal = seal;
        this.feeds = feeds;
        this.reports = reports;
        this.quarantine = quarantine;
        this.loader = loader;
    }

    /**
     * {@code GET /api/feeds}: every feed with what it is, who sends it and the asker's level under its protocol, its
     * owning partner and whether the asker may load into it and read its batches; batch and row totals only to those
     * who may see the feed at all, rounded by its rule below points level.
     */
    void list(Context ctx) throws SQLException {
        Principal who = Principals.of(ctx);
        Map<String, long[]> totals = new LinkedHashMap<>();
        for (FeedReports.BatchReport b : reports.batches(null)) {
            long[] t = totals.computeIfAbsent(b.feed(), k -> new long[3]);
            t[0]++;
            t[1] += b.accepted();
            t[2] += b.quarantined();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (FeedDefinition f : feeds.all()) {
            long[] t = totals.getOrDefault(f.name(), new long[3]);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("title", f.title());
            m.put("label", f.label());
            m.put("partner", f.partner());
            m.put("format", f.format());
            m.put("categories", f.categories());
            m.put("description", f.description());
            m.put("attribution", f.attribution());
            DisclosureLevel level = access.policy().level(who, f.name());
            m.put("level", level.key());
            // Whether reading its records is written to the audit log: the viewer fetches ahead (a month beside the
            // one shown) only records whose reading is not, so the log never names a month nobody looked at.
            m.put("audited", access.restricted(List.of(f.name())));
            // What the asker may do with the feed's files, so a viewer offers only what will be allowed.
            m.put("owner", custody.owner(f.name()));
            m.put("may_load", custody.mayLoad(who, f.name()));
            m.put("may_read_batches", custody.mayReadBatches(who, f.name()));
            if (level.atLeast(DisclosureLevel.AGGREGATES)) {
                m.put("batches", t[0]);
            }
            if (level == DisclosureLevel.POINTS) {
                // Record totals only to those who may count the records anyway: a feed's total is no cell of the
                // published tables, and rounding alone would not stop it being differenced against them.
                m.put("records", t[1]);
                m.put("quarantined", t[2]);
            }
            out.add(m);
        }
        ctx.json(out);
    }

    /** {@code GET /api/feeds/{feed}/batches}: the feed's batch reports, oldest first, each naming who loaded it. */
    void batches(Context ctx) throws SQLException {
        FeedDefinition feed = feed(ctx);
        custody.requireBatchReader(Principals.of(ctx), feed.name(), "reading a feed's batches");
        ctx.json(reports.batches(feed.name()).stream()
                .map(FeedReports.BatchReport::toJson)
                .toList());
    }

    /** Quarantined rows in one JSON page at most: the viewer shows 50 at a time, a script may take more. */
    static final int QUARANTINE_PAGE_MAX = 1000;

    private static final int QUARANTINE_PAGE_DEFAULT = 50;

    /**
     * {@code GET /api/feeds/{feed}/batches/{id}/quarantine}: the batch's quarantined rows, as CSV (streamed, every
     * row) or, with {@code format=json}, one page {@code {total, offset, limit, rows: [{line, field, reason, row}]}}
     * chosen by {@code offset} (default 0) and {@code limit} (default 50, at most 1000). The feed's custodians (and
     * admins) get rows of a linkage feed as sent, with their own references; everyone else the keyed hashes.
     * {@code X-SafeMap-References} says which: {@code as-sent}, {@code hashed}, or {@code none} when the feed's
     * protocol hashes nothing (rows are then as sent for everyone who may read them).
     */
    void quarantined(Context ctx) throws SQLException {
        String format = QueryParams.text(ctx, "format").orElse("csv");
        if (!format.equals("csv") && !format.equals("json")) {
            throw ApiException.badRequest("format must be csv or json; got '" + format + "'");
        }
        // Read before anything is recorded or sent: a bad page is a 400 with nothing in the audit log.
        long offset = format.equals("json")
                ? QueryParams.longValue(ctx, "offset", 0, Long.MAX_VALUE).orElse(0L)
                : 0;
        int limit = format.equals("json")
                ? QueryParams.integer(ctx, "limit", 1, QUARANTINE_PAGE_MAX).orElse(QUARANTINE_PAGE_DEFAULT)
                : 0;
        FeedReports.BatchReport batch = batch(ctx);
        boolean references = seal != null && custody.maySeeReferences(Principals.of(ctx), batch.feed());
        boolean hashes = access.policy()
                .protocols()
                .find(batch.feed())
                .map(p -> !p.linkageFields().isEmpty())
                .orElse(false);
        String shown = !hashes ? "none" : references ? "as-sent" : "hashed";
        if (format.equals("json")) {
            Quarantine.Page page = quarantine.page(batch.batch(), offset, limit, references ? seal : null);
            // Every reading is recorded, open feed or not, page by page with the rows it returned.
            access.auditAlways(
                    ctx, "api.quarantine", List.of(batch.feed()), page.rows().size(), references);
            ctx.header("X-SafeMap-References", shown);
            ctx.json(page);
            return;
        }
        // Every reading is recorded, open feed or not: quarantined rows are records as sent, and their custodian
        // should know who read them, and whether with the references.
        access.auditAlways(ctx, "api.quarantine", List.of(batch.feed()), batch.quarantined(), references);
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"quarantine-batch-" + batch.batch() + ".csv\"");
        ctx.header("X-SafeMap-References", shown);
        // Streamed: a batch may hold many thousand rows.
        try (Writer out = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8))) {
            quarantine.writeCsv(
                    batch.batch(),
                    line -> {
                        try {
                            out.write(line);
                            out.write("\r\n");
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    references ? seal : null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET /api/feeds/{feed}/batches/{id}}: one batch's report. */
    void batchReport(Context ctx) throws SQLException {
        ctx.json(batch(ctx).toJson());
    }

    /** The upload route, which has its own limit (SAFEMAP_UPLOAD_MAX_MB) instead of SAFEMAP_MAX_BODY_KB. */
    static final Pattern UPLOADS = Pattern.compile("/api/feeds/[^/]+/uploads");

    /** A refused upload up to this much over the limit is read and discarded so the client can read the 413. */
    private static final long DRAIN_MARGIN_BYTES = 64L << 20;

    /**
     * {@code POST /api/feeds/{feed}/uploads}, multipart with one or more {@code file} parts. Each file is one batch;
     * the answer lists each file's outcome: 201 when something new loaded, 200 when every file was already there,
     * 422 when any file was refused (the others still load).
     */
    void upload(Context ctx) throws SQLException {
        FeedDefinition feed = feed(ctx);
        if (!custody.mayLoad(Principals.of(ctx), feed.name())) {
            RequestBodies.discard(ctx, (long) maxUploadMb << 20);
            custody.requireLoader(Principals.of(ctx), feed.name(), "uploading to feed");
        }
        IncidentLoader.LoadedBy by =
                new IncidentLoader.LoadedBy(Principals.of(ctx).user(), Principals.credential(ctx));
        if (ctx.contentType() == null || !ctx.contentType().toLowerCase().startsWith("multipart/form-data")) {
            throw new ApiException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "send the files as multipart/form-data, each in a " + "part named 'file'");
        }
        long limit = (long) maxUploadMb << 20;
        if (ctx.contentLength() > limit) {
            RequestBodies.discard(ctx, limit + DRAIN_MARGIN_BYTES);
            throw tooLarge();
        }
        List<UploadedFile> files;
        try {
            files = ctx.uploadedFiles("file");
        } catch (Exception e) {
            // Jetty refuses the body while reading it (chunked uploads have no length to check first); Javalin passes
            // Jetty's checked exceptions on undeclared.
            if (e instanceof Work.Stopped stopped) {
                throw stopped;
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                String m = String.valueOf(t.getMessage());
                if (m.contains("max length exceeded") || m.contains("size exceeded") || m.startsWith("413")) {
                    throw tooLarge();
                }
            }
            throw ApiException.badRequest("the upload is not readable multipart/form-data: "
                    + unreadable(e).replaceFirst("^\\d{3}: ", ""));
        }
        if (files.isEmpty()) {
            throw ApiException.badRequest("no file: send each file in a multipart part named 'file'");
        }
        List<Map<String, Object>> outcomes = new ArrayList<>();
        boolean refused = false;
        boolean loaded = false;
        for (UploadedFile upload : files) {
            Map<String, Object> outcome = new LinkedHashMap<>();
            String name = safeName(upload.filename());
            outcome.put("file", name);
            Path spool = null;
            try {
                spool = TempFiles.create("safemap-upload-", ".part");
                try (InputStream in = upload.content()) {
                    Files.copy(in, spool, StandardCopyOption.REPLACE_EXISTING);
                }
                Path stored = spool;
                SourceFile source = new SourceFile(name, Files.size(spool), () -> Files.newInputStream(stored));
                IncidentLoader.Result r = loader.load(source, feed, null, by);
                // Receiving a partner's records is an access to them too: the custodian's report shows loads.
                access.audit(ctx, "ingest.upload", List.of(feed.name()), r.rowsLoaded());
                outcome.put("status", r.alreadyLoaded() ? "already_loaded" : "loaded");
                outcome.put("batch", reports.batch(r.batchId()).toJson());
                loaded |= !r.alreadyLoaded();
            } catch (SafemapException e) {
                refused = true;
                outcome.put("status", e instanceof InputFormatException ? "refused" : "failed");
                outcome.put(
                        "error",
                        e.code().shownToClient()
                                ? new ApiError(e.code(), e.getMessage())
                                : new ApiError(
                                        ErrorCode.INTERNAL_ERROR,
                                        ApiServer.internalMessage(
                                                ApiServer.logDefect("upload of " + name + " to " + feed.name(), e))));
            } catch (IOException e) {
                refused = true;
                outcome.put("status", "failed");
                outcome.put(
                        "error",
                        new ApiError(ErrorCode.UPLOAD_FAILED, "could not receive " + name + ": " + e.getMessage()));
            } catch (Work.Stopped e) {
                throw e;
            } catch (RuntimeException e) {
                if (ApiServer.databaseLost(e)) {
                    throw e;
                }
                // Whatever else reading the file threw (a truncated .gz, bytes no reader expects): the file is refused
                // with what went wrong, and the log keeps the details in case it was ours.
                LOG.warn("upload {} to {} could not be read", name, feed.name(), e);
                refused = true;
                outcome.put("status", "refused");
                outcome.put("error", new ApiError(ErrorCode.BAD_INPUT, name + " could not be read: " + unreadable(e)));
            } finally {
                deleteQuietly(spool);
            }
            outcomes.add(outcome);
        }
        ctx.status(refused ? 422 : loaded ? 201 : 200).json(Map.of("feed", feed.name(), "uploads", outcomes));
    }

    /** The deepest cause's message, in words: what was wrong with the file, not which class noticed. */
    private static String unreadable(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.io.EOFException
                || String.valueOf(root.getMessage()).contains("end of ZLIB")) {
            return "it ends early (is it a truncated or partly downloaded file?)";
        }
        if (root instanceof java.util.zip.ZipException) {
            return "it is not a readable compressed file (" + root.getMessage() + ")";
        }
        return root.getMessage() == null ? "the content is not in the feed's format" : root.getMessage();
    }

    private ApiException tooLarge() {
        return new ApiException(
                ErrorCode.TOO_LARGE,
                "the upload is over the limit of " + maxUploadMb
                        + " MB (SAFEMAP_UPLOAD_MAX_MB); split the file or load it with 'safemap ingest'");
    }

    private FeedDefinition feed(Context ctx) {
        String name = ctx.pathParam("feed");
        return feeds.find(name)
                .orElseThrow(() -> ApiException.notFound("no feed '" + name + "'; the feeds are " + feeds.names()));
    }

    private FeedReports.BatchReport batch(Context ctx) throws SQLException {
        FeedDefinition feed = feed(ctx);
        custody.requireBatchReader(Principals.of(ctx), feed.name(), "reading a feed's batches and quarantine");
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("batch id must be a number; got '" + ctx.pathParam("id") + "'");
        }
        FeedReports.BatchReport batch = reports.batch(id);
        if (batch == null || !batch.feed().equals(feed.name())) {
            throw ApiException.notFound("feed " + feed.name() + " has no batch " + id);
        }
        return batch;
    }

    /** The upload's file name without any folders (browsers may send them; they can name people). */
    private static String safeName(String filename) {
        String name = filename == null ? "" : filename.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).strip();
        return name.isEmpty() ? "upload" : name;
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a temp file left behind is cleaned by the OS; the load's outcome matters more
        }
    }
}
