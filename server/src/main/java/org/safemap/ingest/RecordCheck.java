package org.safemap.ingest;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.safemap.files.PgText;
import org.safemap.time.Period;

/**
 * The last check of a record before it is located and written: every value it would store must be one PostgreSQL
 * takes, and its time must be plausible, or the record becomes a quarantined row naming its field. Without this,
 * one such value fails the COPY and so costs the whole file.
 *
 * <p>Plausible: not before the partnership's data begins (SAFEMAP_DATA_FROM), and not more than a day after the
 * load; a window may end later only as far as a whole month that has begun (police.uk's current month). Because
 * SAFEMAP_DATA_FROM is no earlier than 1900, every date that passes is also one PostgreSQL can store (years 1 to
 * 9999 as {@link Instant#toString} writes them; a month of {@code 0000-01} or {@code 9999-12} does not pass).
 */
final class RecordCheck {
    /** Later than this after the load is the future: clocks and time zones differ by less. */
    static final Duration FUTURE_GRACE = Duration.ofDays(1);
    /** The longest whole month with a clock change, and a little: how far past the load a window may end. */
    static final Duration LONGEST_MONTH = Duration.ofDays(32);

    private final LocalDate dataFrom;
    private final Instant dataFromInstant;
    private final Instant loadedAt;
    private final Instant latest;

    /**
     * @param dataFrom the first day of the partnership's data (UK time)
     * @param loadedAt when this load started
     */
    RecordCheck(LocalDate dataFrom, Instant loadedAt) {
        this.dataFrom = dataFrom;
        this.dataFromInstant = DateTimes.day(dataFrom)[0];
        this.loadedAt = loadedAt;
        this.latest = loadedAt.plus(FUTURE_GRACE);
    }

    /** Why the record cannot be stored, as a quarantine entry, or null when it can. */
    Rejection problem(IncidentRecord r) {
        if (r.eventFrom().isBefore(dataFromInstant)) {
            return reject(
                    r,
                    r.fromField(),
                    "'" + day(r.eventFrom()) + "' is before the partnership's data begins (" + dataFrom
                            + ", SAFEMAP_DATA_FROM)");
        }
        if (r.eventFrom().isAfter(latest)) {
            return reject(
                    r,
                    r.fromField(),
                    "'" + day(r.eventFrom()) + "' is in the future: more than a day after " + "this load ("
                            + day(loadedAt) + ")");
        }
        if (r.eventTo().isBefore(r.eventFrom())) {
            return reject(r, r.toField(), "the time ends '" + day(r.eventTo()) + "', before it starts");
        }
        if (r.eventTo().isAfter(latest) && r.eventTo().isAfter(r.eventFrom().plus(LONGEST_MONTH))) {
            return reject(
                    r,
                    r.toField(),
                    "the time ends '" + day(r.eventTo()) + "', in the future: more than a day " + "after this load ("
                            + day(loadedAt) + ")");
        }
        String[][] texts = {
            {"source_ref", r.sourceRef()},
            {"source_category", r.sourceCategory()},
            {"location_text", r.locationText()},
            {"stated_lsoa_code", r.statedLsoaCode()}
        };
        for (String[] text : texts) {
            String problem = PgText.problem(text[1]);
            if (problem != null) {
                return reject(r, text[0], "the value " + problem);
            }
        }
        for (Map.Entry<String, String> a : r.attributes().entrySet()) {
            String problem =
                    PgText.problem(a.getKey()) != null ? PgText.problem(a.getKey()) : PgText.problem(a.getValue());
            if (problem != null) {
                return reject(r, a.getKey(), "the value " + problem);
            }
        }
        return null;
    }

    private static Rejection reject(IncidentRecord r, String field, String reason) {
        return new Rejection(r.lineNo(), field, reason, r.raw());
    }

    private static LocalDate day(Instant instant) {
        return LocalDate.ofInstant(instant, Period.LONDON);
    }
}
