package org.safemap.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.config.Settings;
import org.safemap.time.Period;

/**
 * The custodian's retention reports: one plain-English text and one JSON file per feed and purge, in
 * {@code var/reports/retention/<feed>-<date>.txt|.json} (a second purge the same day adds {@code -2}), saying what was
 * deleted, under which protocol version and clause, what remains and when it will go. Also lists and reads them back
 * for the API, which shows each partner only its own feeds' reports.
 */
public final class RetentionReports {
    /** A report file's name: feed, London date, optional same-day counter, extension. */
    private static final Pattern NAME =
            Pattern.compile("([a-z0-9][a-z0-9_-]*)-(\\d{4}-\\d{2}-\\d{2})(?:-(\\d+))?\\.(txt|json)");

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK).withZone(Period.LONDON);
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("d MMMM yyyy HH:mm", Locale.UK).withZone(Period.LONDON);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public RetentionReports(Path dir) {
        this.dir = dir;
    }

    /** The server's report folder, {@code var/reports/retention}. */
    public static RetentionReports of(Settings settings) {
        return new RetentionReports(settings.varDir().resolve("reports").resolve("retention"));
    }

    public Path dir() {
        return dir;
    }

    /** A report file listed for the API. */
    public record Listed(
            String name, String feed, String partner, LocalDate date, long recordsDeleted, String format) {}

    /** Writes the text and JSON reports of one feed's purge; returns both paths. */
    List<Path> write(RetentionPurge.FeedPurge purge, Instant at) {
        String feed = purge.protocol().feed();
        String date = at.atZone(Period.LONDON).toLocalDate().toString();
        try {
            Files.createDirectories(dir);
            String base = feed + "-" + date;
            for (int n = 2;
                    Files.exists(dir.resolve(base + ".json")) || Files.exists(dir.resolve(base + ".txt"));
                    n++) {
                base = feed + "-" + date + "-" + n;
            }
            Path text = dir.resolve(base + ".txt");
            Path json = dir.resolve(base + ".json");
            Files.writeString(text, text(purge, at), StandardCharsets.UTF_8);
            Files.writeString(json, JSON.writeValueAsString(json(purge, at)) + "\n", StandardCharsets.UTF_8);
            return List.of(text, json);
        } catch (IOException e) {
            throw new SafemapException(
                    ErrorCode.WRITE_FAILED,
                    "the purge of feed " + feed + " is done (audit entry " + purge.auditSeq()
                            + ") but its report cannot be written to " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    /** The report in plain English, for the custodian. */
    static String text(RetentionPurge.FeedPurge purge, Instant at) {
        Protocol p = purge.protocol();
        StringBuilder out = new StringBuilder();
        out.append("Retention report: ")
                .append(p.partnerName())
                .append(", feed ")
                .append(p.feed())
                .append("\n\n");
        out.append("SafeMap's retention purge ran on ").append(WHEN.format(at)).append(" (UK time).\n");
        out.append("For: ")
                .append(p.custodian().isEmpty() ? p.partnerName() : p.custodian())
                .append("\n\n");
        out.append("Under which rule\n");
        out.append("  Protocol: ")
                .append(p.title())
                .append(", version ")
                .append(p.version())
                .append(".\n");
        out.append("  Retention clause: records are kept for ")
                .append(period(p.retention()))
                .append(" counted from ")
                .append(
                        p.retentionFrom().equals("event")
                                ? "the end of the event they record"
                                : "the day SafeMap received them")
                .append(" (\"retention\": \"")
                .append(p.retention())
                .append("\", \"retention_from\": \"")
                .append(p.retentionFrom())
                .append("\").\n");
        out.append("  So every record ")
                .append(p.retentionFrom().equals("event") ? "whose event ended" : "received")
                .append(" before ")
                .append(WHEN.format(purge.cutoff()))
                .append(" had to go.\n\n");
        out.append("What was deleted\n");
        out.append(String.format(
                Locale.UK,
                "  %,d records from %,d load batches",
                purge.records(),
                purge.batches().size()));
        out.append(
                        purge.wholeBatches() > 0
                                ? String.format(
                                        Locale.UK,
                                        "; %,d batches were removed whole, with %,d "
                                                + "rows that had been held back in quarantine",
                                        purge.wholeBatches(),
                                        purge.quarantined())
                                : "")
                .append(".\n");
        for (RetentionPurge.BatchPurge b : purge.batches()) {
            out.append(String.format(
                    Locale.UK,
                    "  - batch %d, file %s, received %s, protocol version %s: %,d records%s%n",
                    b.batchId(),
                    b.sourceName(),
                    DAY.format(b.loadedAt()),
                    b.protocolVersion() == null ? "not recorded" : String.valueOf(b.protocolVersion()),
                    b.records(),
                    b.whole()
                            ? " (the whole batch; " + b.quarantined() + " quarantined rows deleted with it)"
                            : " (the batch's newer records remain)"));
        }
        out.append("\nWhat remains\n");
        RetentionPurge.Remaining r = purge.remaining();
        if (r.records() == 0) {
            out.append("  Nothing: no records of this feed remain in SafeMap.\n");
        } else {
            out.append(String.format(
                    Locale.UK,
                    "  %,d records in %,d batches, with events from %s to %s.%n",
                    r.records(),
                    r.batches(),
                    DAY.format(r.oldestEvent()),
                    DAY.format(r.newestEvent())));
            out.append("  The next of them reaches the end of its retention on ")
                    .append(DAY.format(r.nextExpiry()))
                    .append(" and will be deleted by the first purge after that.\n");
        }
        out.append("\nNot deleted\n");
        out.append("  Stored hotspot runs are aggregates (counts and densities per area and grid cell), not records; "
                + "they are kept and still name the batches they were computed from. The audit log keeps its entries "
                + "about this data (who used it, when, how much); it holds no records.\n");
        out.append("\nThis purge is audit entry ")
                .append(purge.auditSeq())
                .append(" (check the log with: safemap audit verify).\n");
        return out.toString();
    }

    static Map<String, Object> json(RetentionPurge.FeedPurge purge, Instant at) {
        Protocol p = purge.protocol();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("feed", p.feed());
        out.put("partner", p.partner());
        out.put("custodian", p.custodian());
        out.put("ranAt", at.toString());
        out.put(
                "protocol",
                Map.of(
                        "title",
                        p.title(),
                        "version",
                        p.version(),
                        "retention",
                        p.retention().toString(),
                        "retentionFrom",
                        p.retentionFrom()));
        out.put("cutoff", purge.cutoff().toString());
        out.put("recordsDeleted", purge.records());
        out.put("batchesDropped", purge.wholeBatches());
        out.put("quarantinedDeleted", purge.quarantined());
        List<Map<String, Object>> batches = new ArrayList<>();
        for (RetentionPurge.BatchPurge b : purge.batches()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batch", b.batchId());
            m.put("file", b.sourceName());
            m.put("loadedAt", b.loadedAt().toString());
            m.put("protocolVersion", b.protocolVersion());
            m.put("records", b.records());
            m.put("whole", b.whole());
            m.put("quarantined", b.quarantined());
            batches.add(m);
        }
        out.put("batches", batches);
        RetentionPurge.Remaining r = purge.remaining();
        Map<String, Object> rem = new LinkedHashMap<>();
        rem.put("records", r.records());
        rem.put("batches", r.batches());
        rem.put("oldestEvent", r.oldestEvent() == null ? null : r.oldestEvent().toString());
        rem.put("newestEvent", r.newestEvent() == null ? null : r.newestEvent().toString());
        rem.put("nextExpiry", r.nextExpiry() == null ? null : r.nextExpiry().toString());
        out.put("remaining", rem);
        out.put("auditSeq", purge.auditSeq());
        return out;
    }

    /** Reports in the folder, newest first, whose feed's protocol names a partner {@code mayRead} accepts. */
    public List<Listed> list(ProtocolCatalog protocols, java.util.function.Predicate<String> mayReadPartner) {
        List<Listed> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (!m.matches() || !m.group(4).equals("json")) {
                    continue;
                }
                JsonNode j = JSON.readTree(f.toFile());
                String partner = j.path("partner").asText();
                if (!mayReadPartner.test(partner)) {
                    continue;
                }
                String base = f.getFileName().toString().replaceAll("\\.json$", "");
                out.add(new Listed(
                        base,
                        j.path("feed").asText(),
                        partner,
                        LocalDate.parse(m.group(2)),
                        j.path("recordsDeleted").asLong(),
                        "txt,json"));
            }
        } catch (IOException e) {
            throw new SafemapException(
                    ErrorCode.WRITE_FAILED, "cannot read the retention reports in " + dir + ": " + e.getMessage(), e);
        }
        out.sort((a, b) -> b.date().compareTo(a.date()) != 0
                ? b.date().compareTo(a.date())
                : a.name().compareTo(b.name()));
        return out;
    }

    /**
     * One report file by name ({@code <feed>-<date>[-n].txt|json}) and the partner it belongs to, or empty when no
     * such file exists. Names outside that pattern are refused, so no path can leave the folder.
     */
    public Optional<Report> read(String name) {
        Matcher m = NAME.matcher(name == null ? "" : name);
        if (!m.matches()) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "a retention report is named <feed>-<YYYY-MM-DD>.txt or .json "
                            + "(GET /api/retention/reports lists them); got '" + name + "'");
        }
        Path file = dir.resolve(name);
        Path json = dir.resolve(name.replaceAll("\\.txt$", ".json"));
        if (!Files.isRegularFile(file) || !Files.isRegularFile(json)) {
            return Optional.empty();
        }
        try {
            String partner = JSON.readTree(json.toFile()).path("partner").asText();
            return Optional.of(new Report(
                    name,
                    partner,
                    m.group(4).equals("json") ? "application/json" : "text/plain; charset=utf-8",
                    Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.WRITE_FAILED, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A report file's bytes, its media type and the partner whose custodian it is for. */
    public record Report(String name, String partner, String contentType, byte[] body) {}

    private static String period(java.time.Period p) {
        List<String> parts = new ArrayList<>();
        if (p.getYears() != 0) {
            parts.add(p.getYears() + (p.getYears() == 1 ? " year" : " years"));
        }
        if (p.getMonths() != 0) {
            parts.add(p.getMonths() + (p.getMonths() == 1 ? " month" : " months"));
        }
        if (p.getDays() != 0) {
            parts.add(p.getDays() + (p.getDays() == 1 ? " day" : " days"));
        }
        return String.join(" and ", parts);
    }
}
