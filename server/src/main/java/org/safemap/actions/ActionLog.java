package org.safemap.actions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.sharing.AuditEvent;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.time.Period;

/**
 * The tasking meeting's action log: actions agreed against a hot spot or an area, who owns them and how they stand.
 * Who may read and write it is {@link Policy}'s decision; every creation, change and export is in the audit log (with
 * the action's id, area and status, never the people it names). Thread-safe; each call is one transaction.
 */
public final class ActionLog {
    /** Most actions one list returns: a partnership agrees tens a month, so this is years of meetings. */
    public static final int MAX_LIST = 5000;

    /** The CSV's columns, in order: also the API's field names where they differ only in case. */
    public static final List<String> CSV_COLUMNS = List.of(
            "id",
            "area_code",
            "area_name",
            "hotspot_run_id",
            "problem",
            "action",
            "agency",
            "owner",
            "agreed_on",
            "due_on",
            "status",
            "notes",
            "created_at",
            "created_by",
            "updated_at",
            "updated_by",
            "version");

    private static final String COLUMNS = """
            a.id, a.area_code,
            coalesce((SELECT name FROM area WHERE code = a.area_code ORDER BY vintage DESC LIMIT 1),
                     (SELECT max(parent_name) FROM area_parent WHERE parent_code = a.area_code),
                     a.area_code) AS area_name,
            a.hotspot_run_id, a.problem, a.action, a.agency, a.owner, a.agreed_on, a.due_on, a.status, a.notes,
            a.created_at, a.created_by, a.updated_at, a.updated_by, a.version""";
    /** The area itself, or an area the lookup nests in it (an LSOA or MSOA of a district). */
    private static final String LIST = "SELECT " + COLUMNS + """

            FROM tasking_action a
            WHERE (?::text IS NULL OR a.area_code = ?
                   OR EXISTS (SELECT 1 FROM area_parent p WHERE p.code = a.area_code AND p.parent_code = ?))
              AND (?::text IS NULL OR a.status = ?)
              AND (?::date IS NULL OR a.agreed_on < ?)
            ORDER BY a.agreed_on DESC, a.id DESC
            LIMIT ?""";

    private static final String ONE = "SELECT " + COLUMNS + " FROM tasking_action a WHERE a.id = ?";
    private static final String AREA_KNOWN = """
            SELECT EXISTS (SELECT 1 FROM area WHERE code = ?) OR EXISTS (SELECT 1 FROM area_parent WHERE parent_code = ?)""";
    private static final String INSERT = """
            INSERT INTO tasking_action (area_code, hotspot_run_id, problem, action, agency, owner, agreed_on, due_on,
                                        status, notes, created_by, updated_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""";
    private static final String UPDATE = """
            UPDATE tasking_action SET hotspot_run_id = ?, problem = ?, action = ?, agency = ?, owner = ?, agreed_on = ?,
                   due_on = ?, status = ?, notes = ?, updated_at = now(), updated_by = ?, version = version + 1
            WHERE id = ? AND version = ?""";

    private final DataSource dataSource;
    private final Policy policy;
    private final AuditLog audit;
    private final Clock clock;

    public ActionLog(DataSource dataSource, Policy policy, AuditLog audit, Clock clock) {
        this.dataSource = dataSource;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
    }

    /** Which actions a list shows. Null fields: all. */
    public record Filter(String areaCode, ActionStatus status, LocalDate agreedBefore) {
        public static final Filter ALL = new Filter(null, null, null);
    }

    /**
     * Records a new action (status open, agreed today, unless the draft says otherwise).
     *
     * @throws SafemapException unauthorised or forbidden (see {@link Policy#requireActionRecorder}), bad_request for a
     *     missing or over-long field, not_found for an area SafeMap does not know
     */
    public TaskingAction create(Principal who, ActionDraft d) {
        policy.requireActionRecorder(who, "recording a tasking action");
        d.requireComplete();
        d.checkLengths();
        LocalDate agreed = d.agreedOn() == null ? LocalDate.now(clock.withZone(Period.LONDON)) : d.agreedOn();
        if (d.dueOn() != null && d.dueOn().isBefore(agreed)) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "the due date " + d.dueOn() + " is before the day agreed " + agreed);
        }
        long id;
        try (Connection c = dataSource.getConnection()) {
            String area = d.areaCode().strip();
            requireArea(c, area);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, area);
                setLong(ps, 2, d.hotspotRunId());
                ps.setString(3, d.problem().strip());
                ps.setString(4, d.action().strip());
                ps.setString(5, d.agency().strip());
                ps.setString(6, d.owner().strip());
                ps.setDate(7, Date.valueOf(agreed));
                ps.setDate(8, d.dueOn() == null ? null : Date.valueOf(d.dueOn()));
                ps.setString(9, (d.status() == null ? ActionStatus.OPEN : d.status()).key());
                ps.setString(10, notes(d.notes()));
                ps.setString(11, actor(who));
                ps.setString(12, actor(who));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw failure(e, "record the action");
        }
        TaskingAction saved = require(id);
        audit.record(AuditEvent.of(who, "actions.create", "/api/actions/" + id)
                .resultSize(1)
                .detail("area", saved.areaCode())
                .detail("status", saved.status().key()));
        return saved;
    }

    /**
     * Changes an action: the draft's non-null fields replace the stored ones (the area stays; a new area is a new
     * action).
     *
     * @throws SafemapException conflict (409) when the draft's version is not the stored one, not_found for no such
     *     action, and as {@link #create}
     */
    public TaskingAction update(Principal who, long id, ActionDraft d) {
        policy.requireActionRecorder(who, "changing a tasking action");
        d.checkLengths();
        if (d.areaCode() != null) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "an action's area cannot change; record a new action for another area");
        }
        TaskingAction old = require(id);
        int version = d.version() == null ? old.version() : d.version();
        if (version != old.version()) {
            throw conflict(id, version, old.version());
        }
        LocalDate agreed = d.agreedOn() == null ? old.agreedOn() : d.agreedOn();
        LocalDate due = d.clearDue() ? null : d.dueOn() == null ? old.dueOn() : d.dueOn();
        if (due != null && due.isBefore(agreed)) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "the due date " + due + " is before the day agreed " + agreed);
        }
        List<String> changed = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(UPDATE)) {
            Long run = d.hotspotRunId() == null ? old.hotspotRunId() : d.hotspotRunId();
            setLong(ps, 1, run);
            ps.setString(2, pick(d.problem(), old.problem(), "problem", changed));
            ps.setString(3, pick(d.action(), old.action(), "action", changed));
            ps.setString(4, pick(d.agency(), old.agency(), "agency", changed));
            ps.setString(5, pick(d.owner(), old.owner(), "owner", changed));
            ps.setDate(6, Date.valueOf(agreed));
            ps.setDate(7, due == null ? null : Date.valueOf(due));
            ActionStatus status = d.status() == null ? old.status() : d.status();
            ps.setString(8, status.key());
            String notes = d.notes() == null ? old.notes() : notes(d.notes());
            ps.setString(9, notes);
            ps.setString(10, actor(who));
            ps.setLong(11, id);
            ps.setInt(12, version);
            if (ps.executeUpdate() == 0) {
                throw conflict(id, version, require(id).version());
            }
            if (!Objects.equals(run, old.hotspotRunId())) {
                changed.add("hotspot_run_id");
            }
            if (!agreed.equals(old.agreedOn())) {
                changed.add("agreed_on");
            }
            if (!Objects.equals(due, old.dueOn())) {
                changed.add("due_on");
            }
            if (status != old.status()) {
                changed.add("status");
            }
            if (!Objects.equals(notes, old.notes())) {
                changed.add("notes");
            }
        } catch (SQLException e) {
            throw failure(e, "change action " + id);
        }
        TaskingAction saved = require(id);
        audit.record(AuditEvent.of(who, "actions.update", "/api/actions/" + id)
                .resultSize(1)
                .detail("area", saved.areaCode())
                .detail("status", saved.status().key())
                .detail("changed", changed)
                .detail("version", saved.version()));
        return saved;
    }

    /** One action, for a reader of the log. */
    public TaskingAction get(Principal who, long id) {
        policy.requireActionReader(who, "the action log");
        return require(id);
    }

    /** The actions {@code filter} selects, newest agreed first, for a reader of the log. */
    public List<TaskingAction> list(Principal who, Filter filter) {
        policy.requireActionReader(who, "the action log");
        return select(filter);
    }

    private List<TaskingAction> select(Filter filter) {
        return select(dataSource, filter);
    }

    /**
     * The actions {@code filter} selects, for a product whose reader may see them (a pack, which already requires a
     * signed-in partner's member), newest agreed first.
     */
    public static List<TaskingAction> select(DataSource dataSource, Filter filter) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(LIST)) {
            ps.setString(1, filter.areaCode());
            ps.setString(2, filter.areaCode());
            ps.setString(3, filter.areaCode());
            String status = filter.status() == null ? null : filter.status().key();
            ps.setString(4, status);
            ps.setString(5, status);
            Date before = filter.agreedBefore() == null ? null : Date.valueOf(filter.agreedBefore());
            ps.setDate(6, before);
            ps.setDate(7, before);
            ps.setInt(8, MAX_LIST);
            List<TaskingAction> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e, "read the action log");
        }
    }

    /**
     * Writes the actions {@code filter} selects as CSV (RFC 4180, a header row of {@link #CSV_COLUMNS}), audited as an
     * export. Cells a spreadsheet would run as a formula are written with a leading apostrophe.
     *
     * @return the number of actions written
     */
    public int csv(Principal who, Filter filter, Appendable out, String resource) {
        List<TaskingAction> actions = list(who, filter);
        try (CSVPrinter csv = new CSVPrinter(
                out,
                CSVFormat.RFC4180
                        .builder()
                        .setHeader(CSV_COLUMNS.toArray(String[]::new))
                        .get())) {
            for (TaskingAction a : actions) {
                csv.printRecord(
                        a.id(),
                        cell(a.areaCode()),
                        cell(a.areaName()),
                        a.hotspotRunId(),
                        cell(a.problem()),
                        cell(a.action()),
                        cell(a.agency()),
                        cell(a.owner()),
                        a.agreedOn(),
                        a.dueOn(),
                        a.status().key(),
                        cell(a.notes()),
                        a.createdAt(),
                        cell(a.createdBy()),
                        a.updatedAt(),
                        cell(a.updatedBy()),
                        a.version());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        audit.record(AuditEvent.of(who, "actions.export", resource).resultSize(actions.size()));
        return actions.size();
    }

    /** A text cell as a spreadsheet will not evaluate it (OWASP's CSV injection advice). */
    static String cell(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        char first = s.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + s
                : s;
    }

    private TaskingAction require(long id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(ONE)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SafemapException(
                            ErrorCode.NOT_FOUND, "no action " + id + " (GET /api/actions lists them)");
                }
                return row(rs);
            }
        } catch (SQLException e) {
            throw failure(e, "read action " + id);
        }
    }

    /** Whether SafeMap knows the area (a boundary or a parent in the lookup). */
    private static void requireArea(Connection c, String code) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AREA_KNOWN)) {
            ps.setString(1, code);
            ps.setString(2, code);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new SafemapException(
                            ErrorCode.NOT_FOUND,
                            "no area with code '" + code + "': give the ONS code of a loaded LSOA, MSOA, ward or "
                                    + "district (GET /api/areas lists them)");
                }
            }
        }
    }

    private static TaskingAction row(ResultSet rs) throws SQLException {
        long run = rs.getLong("hotspot_run_id");
        Long runId = rs.wasNull() ? null : run;
        Date due = rs.getDate("due_on");
        return new TaskingAction(
                rs.getLong("id"),
                rs.getString("area_code"),
                rs.getString("area_name"),
                runId,
                rs.getString("problem"),
                rs.getString("action"),
                rs.getString("agency"),
                rs.getString("owner"),
                rs.getDate("agreed_on").toLocalDate(),
                due == null ? null : due.toLocalDate(),
                ActionStatus.parse(rs.getString("status")),
                rs.getString("notes"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"),
                rs.getTimestamp("updated_at").toInstant(),
                rs.getString("updated_by"),
                rs.getInt("version"));
    }

    private static String pick(String given, String old, String field, List<String> changed) {
        if (given == null) {
            return old;
        }
        String v = given.strip();
        if (!v.equals(old)) {
            changed.add(field);
        }
        return v;
    }

    private static String notes(String notes) {
        return notes == null || notes.isBlank() ? null : notes.strip();
    }

    private static String actor(Principal who) {
        return who.user();
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static SafemapException conflict(long id, int sent, int stored) {
        return new SafemapException(
                ErrorCode.CONFLICT,
                "action " + id + " has changed since version " + sent + " (it is at version " + stored
                        + "); read it again and reapply your change");
    }

    private static SafemapException failure(SQLException e, String what) {
        if ("23503".equals(e.getSQLState())) {
            return new SafemapException(
                    ErrorCode.BAD_REQUEST, "no stored hot spot run with that id (GET /api/hotspots/{id})");
        }
        if ("23514".equals(e.getSQLState())) {
            return new SafemapException(
                    ErrorCode.BAD_REQUEST, "a field of the action is out of range: " + e.getMessage());
        }
        return new SafemapException(ErrorCode.INTERNAL_ERROR, "could not " + what + ": " + e.getMessage(), e);
    }
}
