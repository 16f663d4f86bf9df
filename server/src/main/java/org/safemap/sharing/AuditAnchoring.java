package org.safemap.sharing;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.safemap.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the audit chain against its anchors outside the database and, when it is intact, anchors the new head: what
 * {@code serve} does by itself every SAFEMAP_AUDIT_ANCHOR_HOURS (first a minute after start), and what
 * {@code safemap audit anchor} does at once. The check is itself an audit entry, and that entry is the one anchored,
 * so every anchor names an entry SafeMap has just written after a clean walk of the whole chain. A chain that does
 * not check out is never anchored (that would bless the tampering): the failure is logged as an error, recorded in
 * the chain and, when the check was to anchor, noted in the anchors file and handed to the anchor command.
 */
public final class AuditAnchoring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditAnchoring.class);
    /** The principal the server's own checks run as. */
    public static final Principal SCHEDULE = new Principal("system:audit-anchor", Role.ADMIN, null, null, "schedule");
    /** A starting server waits this long before its first check, so the check never delays it. */
    static final Duration FIRST_CHECK_AFTER = Duration.ofMinutes(1);

    /**
     * What a check found.
     *
     * @param verification the walk, with the first problem if any
     * @param anchorsChecked anchors the chain was checked against (from the file, and any given)
     * @param anchored     the anchor line written, or null (not asked for, or not intact)
     */
    public record Outcome(AuditVerifier.Verification verification, int anchorsChecked, String anchored) {}

    private final ScheduledExecutorService executor;

    private AuditAnchoring(Runnable check, Duration firstAfter, Duration every) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "safemap-audit-anchor");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(
                check, Math.max(0, firstAfter.toMillis()), Math.max(1, every.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** The server's schedule (null when SAFEMAP_AUDIT_ANCHOR_HOURS is 0: anchors are then the operator's job). */
    public static AuditAnchoring schedule(Settings settings, AuditLog log, AuditAnchors anchors) {
        int hours = settings.trust().auditAnchorHours();
        if (hours <= 0) {
            LOG.info("audit anchors not scheduled (SAFEMAP_AUDIT_ANCHOR_HOURS=0): run safemap audit anchor yourself");
            return null;
        }
        LOG.info("audit chain checked against its anchors and anchored every {} h, in {}", hours, anchors.file());
        return every(log, anchors, FIRST_CHECK_AFTER, Duration.ofHours(hours));
    }

    /** Checks and anchors after {@code firstAfter}, then every {@code every}. */
    public static AuditAnchoring every(AuditLog log, AuditAnchors anchors, Duration firstAfter, Duration every) {
        return new AuditAnchoring(
                () -> {
                    try {
                        check(log, anchors, List.of(), SCHEDULE, true, n -> {});
                    } catch (RuntimeException e) {
                        LOG.error("the scheduled audit check could not run: {}", e.getMessage(), e);
                    }
                },
                firstAfter,
                every);
    }

    /**
     * Walks the chain, checks it against every anchor in the file and {@code extra}, records the check as
     * {@code who}, and when the chain is intact and {@code anchor} is set, appends the check's own entry as the new
     * anchor.
     */
    public static Outcome check(
            AuditLog log,
            AuditAnchors anchors,
            List<AuditVerifier.Anchor> extra,
            Principal who,
            boolean anchor,
            LongConsumer progress) {
        List<AuditVerifier.Anchor> all = new ArrayList<>(anchors.read());
        all.addAll(extra);
        AuditVerifier.Verification v = new AuditVerifier(log).verify(all, progress);
        AuditEntry entry;
        try {
            entry = log.record(AuditEvent.of(who, "audit.verify", "audit log")
                    .resultSize(v.entries())
                    .detail("intact", v.intact())
                    .detail("anchors", all.size())
                    .detail("problem", v.intact() ? null : v.problem().kind().key())
                    .detail("first_bad_entry", v.intact() ? null : v.problem().seq()));
        } catch (RuntimeException e) {
            if (v.intact()) {
                throw e;
            }
            // A forged row can stand where the next entry goes: the tampering found matters more than its record.
            LOG.error("could not record the audit check in the tampered log: {}", e.getMessage());
            entry = null;
        }
        Clock clock = Clock.systemUTC();
        if (!v.intact()) {
            LOG.error(
                    "AUDIT LOG TAMPERED, checked against {} anchors in {}: {}",
                    all.size(),
                    anchors.file(),
                    v.problem().message());
            if (anchor) {
                anchors.note(clock.instant(), "check failed, not anchored: " + v.summary());
            }
            return new Outcome(v, all.size(), null);
        }
        String line = anchor ? anchors.append(entry.at(), entry.seq(), entry.hash()) : null;
        LOG.info(
                "audit chain intact ({} entries, {} anchors checked){}",
                v.entries(),
                all.size(),
                line == null ? "" : "; anchored " + line);
        return new Outcome(v, all.size(), line);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
