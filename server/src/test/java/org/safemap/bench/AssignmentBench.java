package org.safemap.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.safemap.areas.AreaAssigner;
import org.safemap.config.Settings;
import org.safemap.db.CopyWriter;
import org.safemap.db.Database;

/**
 * Benchmark: assigning 1,000,000 points to LSOAs, in Java (areas.AreaAssigner) and in PostGIS, end to end from a
 * table of points to a table of codes, plus the pure in-memory rate. Needs a database (SAFEMAP_DB_URL) with one
 * LSOA vintage loaded, e.g. the synthetic national file. Prints medians; results go to docs/performance.md.
 *
 * <p>Usage: {@code SAFEMAP_DB_URL=... java -cp server/target/test-classes:server/target/safemap.jar
 * org.safemap.bench.AssignmentBench [points] [runs]}
 */
public final class AssignmentBench {
    private AssignmentBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Settings settings = Settings.fromEnvironment();
        try (Database db = Database.open(settings.externalDatabase().orElseThrow(), 4, "")) {
            points(db, n);
            long t0 = System.nanoTime();
            AreaAssigner assigner = AreaAssigner.load(db.dataSource());
            report("load LSOA index from PostGIS", seconds(t0), 0);

            double[] xs = new double[n];
            double[] ys = new double[n];
            readPoints(db, xs, ys);
            List<Double> memory = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                long t = System.nanoTime();
                int inside = 0;
                for (int i = 0; i < n; i++) {
                    if (assigner.assign(xs[i], ys[i]).inside()) {
                        inside++;
                    }
                }
                memory.add(seconds(t));
                if (r == 0) {
                    System.out.printf(Locale.ROOT, "  (%d of %d points inside an LSOA)%n", inside, n);
                }
            }
            report("Java, in memory, one thread, input order", median(memory), n);

            List<Double> batch = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                long t = System.nanoTime();
                assigner.assignAll(xs, ys, n);
                batch.add(seconds(t));
            }
            report("Java, in memory, one thread, assignAll (Morton order)", median(batch), n);

            List<Double> javaEnd = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                javaEnd.add(javaEndToEnd(db, assigner));
            }
            report("Java, end to end (read points, assign, COPY codes)", median(javaEnd), n);

            if (System.getenv("BENCH_SKIP_SQL") != null) {
                return;
            }
            List<Double> sql = new ArrayList<>();
            for (int r = 0; r < Math.min(runs, 3); r++) {
                sql.add(sqlEndToEnd(db));
            }
            report("PostGIS, end to end (one INSERT ... SELECT with a lateral join)", median(sql), n);
        }
    }

    /** n points, uniform over the loaded LSOAs' extent, fixed seed, in table bench_points. */
    private static void points(Database db, int n) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_points");
            s.execute("CREATE TABLE bench_points (id integer PRIMARY KEY, x double precision, y double precision, "
                    + "geom geometry(Point, 27700))");
            double[] box = new double[4];
            try (ResultSet rs = s.executeQuery("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                    + "(SELECT ST_Extent(geom) e FROM area WHERE level = 'lsoa') x")) {
                rs.next();
                for (int i = 0; i < 4; i++) {
                    box[i] = rs.getDouble(i + 1);
                }
            }
            Random random = new Random(42);
            c.setAutoCommit(false);
            try (CopyWriter out = CopyWriter.open(c, "COPY bench_points (id, x, y) FROM STDIN (FORMAT csv)")) {
                for (int i = 0; i < n; i++) {
                    out.value(i)
                            .value(box[0] + random.nextDouble() * (box[2] - box[0]))
                            .value(box[1] + random.nextDouble() * (box[3] - box[1]));
                    out.endRow();
                }
            }
            s.execute("UPDATE bench_points SET geom = ST_SetSRID(ST_MakePoint(x, y), 27700)");
            s.execute("CREATE INDEX ON bench_points USING gist (geom)");
            c.commit();
            c.setAutoCommit(true);
            s.execute("VACUUM ANALYZE bench_points");
        }
    }

    private static void readPoints(Database db, double[] xs, double[] ys) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, x, y FROM bench_points")) {
            while (rs.next()) {
                xs[rs.getInt(1)] = rs.getDouble(2);
                ys[rs.getInt(1)] = rs.getDouble(3);
            }
        }
    }

    private static double javaEndToEnd(Database db, AreaAssigner assigner) throws Exception {
        try (Connection read = db.dataSource().getConnection();
                Connection write = db.dataSource().getConnection()) {
            try (Statement s = write.createStatement()) {
                s.execute("DROP TABLE IF EXISTS bench_java");
                s.execute("CREATE UNLOGGED TABLE bench_java (id integer, lsoa_code text)");
            }
            long t = System.nanoTime();
            read.setAutoCommit(false);
            int chunk = 200_000;
            int[] ids = new int[chunk];
            double[] xs = new double[chunk];
            double[] ys = new double[chunk];
            try (PreparedStatement ps = read.prepareStatement("SELECT id, ST_X(geom), ST_Y(geom) FROM bench_points");
                    CopyWriter out = CopyWriter.open(write, "COPY bench_java FROM STDIN (FORMAT csv)")) {
                ps.setFetchSize(20_000);
                try (ResultSet rs = ps.executeQuery()) {
                    boolean more = true;
                    while (more) {
                        int k = 0;
                        while (k < chunk && (more = rs.next())) {
                            ids[k] = rs.getInt(1);
                            xs[k] = rs.getDouble(2);
                            ys[k] = rs.getDouble(3);
                            k++;
                        }
                        AreaAssigner.Assignment[] a = assigner.assignAll(xs, ys, k);
                        for (int i = 0; i < k; i++) {
                            out.value(ids[i]).value(a[i].lsoa());
                            out.endRow();
                        }
                    }
                }
            }
            read.commit();
            return seconds(t);
        }
    }

    private static double sqlEndToEnd(Database db) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_sql");
            s.execute("CREATE UNLOGGED TABLE bench_sql (id integer, lsoa_code text)");
            long t = System.nanoTime();
            s.execute("""
                    INSERT INTO bench_sql
                    SELECT p.id, (SELECT a.code FROM area a WHERE a.level = 'lsoa' AND ST_Intersects(a.geom, p.geom)
                                  ORDER BY ST_Contains(a.geom, p.geom) DESC, a.code LIMIT 1)
                    FROM bench_points p""");
            return seconds(t);
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void report(String what, double seconds, int n) {
        if (n == 0) {
            System.out.printf(Locale.ROOT, "%-70s %8.2f s%n", what, seconds);
        } else {
            System.out.printf(Locale.ROOT, "%-70s %8.2f s  %,12.0f points/s%n", what, seconds, n / seconds);
        }
    }
}
