package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.safemap.config.DatabaseTarget;
import org.safemap.testing.TestDatabase;

/**
 * Opening the database connects once: the pool starts with the connection that was checked, since each connection is
 * a SCRAM exchange and a new server process in every short command.
 */
class DatabaseOpenIT {
    @Test
    void openingAndUsingTheDatabaseEstablishesOneSession() throws Exception {
        Database made = TestDatabase.empty("open");
        DatabaseTarget target = TestDatabase.target(made);
        made.close();
        DatabaseTarget admin = TestDatabase.adminTarget();
        long before = sessionsOnceIdle(admin, target.database());
        try (Database db = Database.open(target, 4, "");
                Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
        assertThat(sessionsOnceIdle(admin, target.database()) - before).isEqualTo(1);
    }

    /** Every session, pooled or not, starts with PostgreSQL's JIT off (Database.SESSION_OPTIONS). */
    @Test
    void sessionsStartWithJitOff() throws Exception {
        try (Database db = TestDatabase.empty("jit");
                Connection pooled = db.dataSource().getConnection();
                Connection plain = Database.connect(TestDatabase.target(db))) {
            for (Connection c : new Connection[] {pooled, plain}) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SHOW jit")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("off");
                }
            }
        }
        try (Connection c = Database.connect(TestDatabase.adminTarget());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT boot_val FROM pg_settings WHERE name = 'jit'")) {
            rs.next();
            assertThat(rs.getString(1))
                    .as("the server's own default, which the sessions override")
                    .isEqualTo("on");
        }
    }

    /**
     * The sessions a database has had, read once none is open: a server process adds its session to the statistics
     * when it exits, just after it stops counting as connected, so the count is read a moment after that.
     */
    private static long sessionsOnceIdle(DatabaseTarget admin, String database) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        try (Connection c = Database.connect(admin);
                PreparedStatement ps =
                        c.prepareStatement("SELECT numbackends, sessions FROM pg_stat_database WHERE datname = ?")) {
            ps.setString(1, database);
            while (true) {
                if (read(c, ps)[0] == 0) {
                    Thread.sleep(500);
                    long[] idle = read(c, ps);
                    if (idle[0] == 0) {
                        return idle[1];
                    }
                }
                assertThat(System.nanoTime())
                        .as("sessions of " + database + " ended")
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private static long[] read(Connection c, PreparedStatement ps) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
        }
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }
}
