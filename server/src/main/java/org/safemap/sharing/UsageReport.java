package org.safemap.sharing;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.safemap.time.Period;

/**
 * "How has our data been used?": for one partner's feeds and a period, who accessed them (by user and role), for
 * which declared purposes, through which actions, how much came back, what was refused, month by month, and the
 * first and last access. Built by {@link UsageReports} from the audit log.
 *
 * @param partner     the partner whose feeds are reported
 * @param feeds       those feeds (their protocols name the partner)
 * @param from        first day reported (null: from the start of the log)
 * @param to          last day reported, inclusive (null: up to now)
 * @param generatedAt when the report was made
 * @param totals      all accesses in the period
 * @param byUser      per user, role and the user's partner; most accesses first
 * @param byPurpose   per declared purpose ("(none)" when none was declared)
 * @param byAction    per action (api.incidents, wms.getmap, export.points ...)
 * @param byMonth     per calendar month (Europe/London), oldest first
 * @param byFeed      per feed of the partner's (an access touching two of them counts under both)
 */
public record UsageReport(
        String partner,
        List<String> feeds,
        LocalDate from,
        LocalDate to,
        Instant generatedAt,
        Row totals,
        List<UserRow> byUser,
        List<Row> byPurpose,
        List<Row> byAction,
        List<Row> byMonth,
        List<Row> byFeed) {
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.UK).withZone(Period.LONDON);

    /**
     * Counts for one group.
     *
     * @param key      the group (purpose, action, month or feed; "all" for totals)
     * @param accesses entries
     * @param refused  of those, refused
     * @param records  records or cells returned by the accesses answered
     * @param largest  the largest single result
     * @param first    first access in the period, or null
     * @param last     last access in the period, or null
     */
    public record Row(
            String key, long accesses, long refused, long records, long largest, Instant first, Instant last) {}

    /** Counts for one user ("anonymous" for requests without a login), with the role and partner they acted as. */
    public record UserRow(
            String user,
            String role,
            String partner,
            long accesses,
            long refused,
            long records,
            long largest,
            Instant first,
            Instant last) {}

    /** Plain text for people. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append("How partner ").append(partner).append("'s data has been used\n");
        out.append("Feeds: ")
                .append(feeds.isEmpty() ? "(no protocol names this partner)" : String.join(", ", feeds))
                .append('\n');
        out.append("Period: ")
                .append(from == null ? "start of the audit log" : from.toString())
                .append(" to ")
                .append(to == null ? "now" : to.toString())
                .append(" (days in Europe/London)\n");
        out.append("Generated: ").append(WHEN.format(generatedAt)).append("\n\n");
        if (totals.accesses() == 0) {
            out.append("No recorded access touched these feeds in this period.\n");
            return out.toString();
        }
        out.append(String.format(
                Locale.UK,
                "%,d accesses (%,d refused), %,d records or cells returned, largest single "
                        + "result %,d; first %s, last %s%n",
                totals.accesses(),
                totals.refused(),
                totals.records(),
                totals.largest(),
                when(totals.first()),
                when(totals.last())));
        out.append("\nBy user\n");
        out.append(String.format(
                Locale.UK,
                "  %-24s %-8s %-12s %9s %8s %12s  %-16s  %-16s%n",
                "user",
                "role",
                "partner",
                "accesses",
                "refused",
                "records",
                "first",
                "last"));
        for (UserRow u : byUser) {
            out.append(String.format(
                    Locale.UK,
                    "  %-24s %-8s %-12s %,9d %,8d %,12d  %-16s  %-16s%n",
                    u.user(),
                    u.role(),
                    u.partner() == null ? "-" : u.partner(),
                    u.accesses(),
                    u.refused(),
                    u.records(),
                    when(u.first()),
                    when(u.last())));
        }
        table(out, "By purpose declared", "purpose", byPurpose);
        table(out, "By action", "action", byAction);
        table(out, "By month", "month", byMonth);
        table(out, "By feed", "feed", byFeed);
        return out.toString();
    }

    /** One CSV table: section, group, role, partner and the counts, for spreadsheets. */
    public String toCsv() {
        StringBuilder out =
                new StringBuilder("section,group,role,partner,accesses,refused,records,largest,first,last\n");
        csv(
                out,
                "total",
                totals.key(),
                null,
                null,
                totals.accesses(),
                totals.refused(),
                totals.records(),
                totals.largest(),
                totals.first(),
                totals.last());
        for (UserRow u : byUser) {
            csv(
                    out,
                    "user",
                    u.user(),
                    u.role(),
                    u.partner(),
                    u.accesses(),
                    u.refused(),
                    u.records(),
                    u.largest(),
                    u.first(),
                    u.last());
        }
        for (Row r : byPurpose) {
            csv(
                    out,
                    "purpose",
                    r.key(),
                    null,
                    null,
                    r.accesses(),
                    r.refused(),
                    r.records(),
                    r.largest(),
                    r.first(),
                    r.last());
        }
        for (Row r : byAction) {
            csv(
                    out,
                    "action",
                    r.key(),
                    null,
                    null,
                    r.accesses(),
                    r.refused(),
                    r.records(),
                    r.largest(),
                    r.first(),
                    r.last());
        }
        for (Row r : byMonth) {
            csv(
                    out,
                    "month",
                    r.key(),
                    null,
                    null,
                    r.accesses(),
                    r.refused(),
                    r.records(),
                    r.largest(),
                    r.first(),
                    r.last());
        }
        for (Row r : byFeed) {
            csv(
                    out,
                    "feed",
                    r.key(),
                    null,
                    null,
                    r.accesses(),
                    r.refused(),
                    r.records(),
                    r.largest(),
                    r.first(),
                    r.last());
        }
        return out.toString();
    }

    private static void table(StringBuilder out, String title, String keyName, List<Row> rows) {
        out.append('\n').append(title).append('\n');
        out.append(String.format(
                Locale.UK,
                "  %-32s %9s %8s %12s  %-16s  %-16s%n",
                keyName,
                "accesses",
                "refused",
                "records",
                "first",
                "last"));
        for (Row r : rows) {
            out.append(String.format(
                    Locale.UK,
                    "  %-32s %,9d %,8d %,12d  %-16s  %-16s%n",
                    r.key(),
                    r.accesses(),
                    r.refused(),
                    r.records(),
                    when(r.first()),
                    when(r.last())));
        }
    }

    private static void csv(
            StringBuilder out,
            String section,
            String group,
            String role,
            String partner,
            long accesses,
            long refused,
            long records,
            long largest,
            Instant first,
            Instant last) {
        out.append(section)
                .append(',')
                .append(cell(group))
                .append(',')
                .append(cell(role))
                .append(',')
                .append(cell(partner))
                .append(',')
                .append(accesses)
                .append(',')
                .append(refused)
                .append(',')
                .append(records)
                .append(',')
                .append(largest)
                .append(',')
                .append(first == null ? "" : first.toString())
                .append(',')
                .append(last == null ? "" : last.toString())
                .append('\n');
    }

    /** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
    private static String cell(String v) {
        if (v == null) {
            return "";
        }
        String s = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
        return s.matches(".*[\",\\r\\n].*") || s.contains(",") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String when(Instant at) {
        return at == null ? "-" : WHEN.format(at);
    }
}
