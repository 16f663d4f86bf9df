package org.safemap.api;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.SafemapException;
import org.safemap.sharing.AuditEntry;
import org.safemap.sharing.AuditEvent;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.sharing.RetentionReports;
import org.safemap.sharing.UsageReport;
import org.safemap.sharing.UsageReports;

/**
 * The custodian's views: {@code /api/audit/usage} (how a partner's data was used), {@code /api/audit} (the log
 * itself, admins only) and {@code /api/retention/reports}. Every read, and every refusal, is itself audited.
 */
final class AuditHandlers {
    private static final int DEFAULT_LIMIT = 1000;
    private static final int MAX_LIMIT = 10_000;

    private final Policy policy;
    private final AuditLog audit;
    private final UsageReports usage;
    private final RetentionReports retention;

    AuditHandlers(Policy policy, AuditLog audit, UsageReports usage, RetentionReports retention) {
        this.policy = policy;
        this.audit = audit;
        this.usage = usage;
        this.retention = retention;
    }

    /** GET /api/audit/usage?partner=P&from=YYYY-MM-DD&to=YYYY-MM-DD: admins, or P's analysts. */
    void usage(Context ctx) {
        Principal who = Principals.of(ctx);
        String partner = ctx.queryParam("partner");
        if (partner == null || partner.isBlank()) {
            throw ApiException.badRequest(
                    "partner is required: the partner id whose feeds' use to report (e.g. nhs-ed)");
        }
        AuditEvent event = AuditEvent.of(who, "audit.report", resource(ctx)).detail("partner", partner);
        // A refused attempt on a partner's report counts against that partner's feeds, in the report itself.
        guarded(event, policy.feedsOwnedBy(partner), () -> policy.requireCustodian(who, partner, "the usage report"));
        if (policy.feedsOwnedBy(partner).isEmpty()) {
            throw ApiException.notFound("no protocol names partner '" + partner + "' as the owner of a feed");
        }
        UsageReport report = usage.build(partner, day(ctx, "from"), day(ctx, "to"));
        audit.record(event.resultSize(report.totals().accesses()));
        ctx.json(report);
    }

    /** GET /api/audit?from=&to=&actor=&action=&after=&limit=: the entries themselves, admins only. */
    void list(Context ctx) {
        Principal who = Principals.of(ctx);
        AuditEvent event = AuditEvent.of(who, "audit.read", resource(ctx));
        guarded(event, List.of(), () -> policy.requireAdmin(who, "reading the audit log"));
        Instant from = QueryParams.instant(ctx, "from", false).orElse(null);
        Instant to = QueryParams.instant(ctx, "to", true).orElse(null);
        long after = QueryParams.longValue(ctx, "after", 0, Long.MAX_VALUE).orElse(0L);
        int limit = QueryParams.integer(ctx, "limit", 1, MAX_LIMIT).orElse(DEFAULT_LIMIT);
        List<AuditEntry> entries = audit.search(
                from, to, blankToNull(ctx.queryParam("actor")), blankToNull(ctx.queryParam("action")), after, limit);
        audit.record(event.resultSize(entries.size()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entries", entries);
        out.put(
                "next",
                entries.size() == limit ? entries.get(entries.size() - 1).seq() : null);
        ctx.json(out);
    }

    /** GET /api/retention/reports: the reports for feeds the asker is custodian of (all of them for admins). */
    void retentionReports(Context ctx) {
        Principal who = Principals.of(ctx);
        AuditEvent event = AuditEvent.of(who, "retention.reports", resource(ctx));
        guarded(event, List.of(), () -> policy.requireSignedIn(who, "retention reports"));
        List<RetentionReports.Listed> listed =
                retention.list(policy.protocols(), partner -> policy.mayReadCustodianReports(who, partner));
        audit.record(event.resultSize(listed.size()));
        ctx.json(Map.of("reports", listed));
    }

    /** GET /api/retention/reports/{file}: one report, text or JSON. */
    void retentionReport(Context ctx) {
        Principal who = Principals.of(ctx);
        String name = ctx.pathParam("file");
        AuditEvent event = AuditEvent.of(who, "retention.reports", resource(ctx));
        RetentionReports.Report report = retention
                .read(name)
                .orElseThrow(() -> ApiException.notFound(
                        "no retention report named " + name + "; GET /api/retention/reports lists them"));
        guarded(
                event,
                policy.feedsOwnedBy(report.partner()),
                () -> policy.requireCustodian(who, report.partner(), "retention reports"));
        audit.record(event.resultSize(1));
        ctx.contentType(report.contentType()).result(report.body());
    }

    /**
     * Runs a policy check; a refusal is audited before it reaches the client, against {@code feeds} (the partner's
     * whose report was asked for), so it counts in that partner's usage report.
     */
    private void guarded(AuditEvent event, List<String> feeds, Runnable check) {
        try {
            check.run();
        } catch (SafemapException e) {
            audit.record(event.feeds(feeds).refused(e.getMessage()));
            throw e;
        }
    }

    private static String resource(Context ctx) {
        return AuditEvent.resource(ctx.path(), ctx.queryParamMap());
    }

    private static LocalDate day(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(raw.strip());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be a date as YYYY-MM-DD; got '" + raw + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
