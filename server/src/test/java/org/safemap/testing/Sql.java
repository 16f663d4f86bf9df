package org.safemap.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.safemap.db.Database;

/** One-line SQL for test assertions. */
public final class Sql {
    private Sql() {}

    public static long count(Database db, String sql, Object... params) {
        Object v = value(db, sql, params);
        return v == null ? 0 : ((Number) v).longValue();
    }

    public static Object value(Database db, String sql, Object... params) {
        List<List<Object>> rows = rows(db, sql, params);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    public static List<List<Object>> rows(Database db, String sql, Object... params) {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void execute(Database db, String sql) {
        try (Connection c = db.dataSource().getConnection();
                var s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
