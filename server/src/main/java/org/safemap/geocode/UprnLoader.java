package org.safemap.geocode;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.safemap.SafemapException;
import org.safemap.db.CopyWriter;
import org.safemap.db.LoadBatches;
import org.safemap.ingest.CsvRecords;
import org.safemap.ingest.InputFormatException;
import org.safemap.ingest.SourceFile;

/** Loads OS Open UPRN (UPRN, X_COORDINATE, Y_COORDINATE, LATITUDE, LONGITUDE): every address point in Great Britain. */
public final class UprnLoader {
    private static final String STAGE = "CREATE TEMP TABLE uprn_stage (uprn bigint, x float8, y float8) ON COMMIT DROP";
    private static final String COPY = "COPY uprn_stage FROM STDIN (FORMAT csv)";
    private static final String UPSERT = """
            INSERT INTO uprn (uprn, x, y, batch_id) SELECT DISTINCT ON (uprn) uprn, x, y, ?::bigint FROM uprn_stage
            ORDER BY uprn
            ON CONFLICT (uprn) DO UPDATE SET x = EXCLUDED.x, y = EXCLUDED.y, batch_id = EXCLUDED.batch_id
                WHERE (uprn.x, uprn.y) IS DISTINCT FROM (EXCLUDED.x, EXCLUDED.y)""";

    /** @param rows address points read; @param stored added or changed */
    public record Result(int rows, int stored) {
    }

    private final DataSource dataSource;

    public UprnLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result load(SourceFile file, LongConsumer progress) {
        try (Connection c = dataSource.getConnection(); InputStream in = file.open(progress);
             CsvRecords records = new CsvRecords(in, ',')) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(STAGE);
            }
            int rows = 0;
            try (CopyWriter out = CopyWriter.open(c, COPY)) {
                CsvRecords.Record first = records.next();
                if (!(first instanceof CsvRecords.Good header)) {
                    throw new InputFormatException(file.name(), 1, null, "expected a header row");
                }
                List<String> h = header.fields().stream().map(s -> s.strip().toUpperCase(Locale.ROOT)).toList();
                int id = h.indexOf("UPRN");
                int x = h.indexOf("X_COORDINATE");
                int y = h.indexOf("Y_COORDINATE");
                if (id < 0 || x < 0 || y < 0) {
                    throw new InputFormatException(file.name(), 1, null, "an OS Open UPRN file has UPRN, X_COORDINATE "
                            + "and Y_COORDINATE columns; found " + String.join(", ", header.fields()));
                }
                for (CsvRecords.Record r = records.next(); r != null; r = records.next()) {
                    if (!(r instanceof CsvRecords.Good row)) {
                        throw new InputFormatException(file.name(), r.line(), null, ((CsvRecords.Bad) r).reason());
                    }
                    List<String> f = row.fields();
                    try {
                        out.value(Long.parseLong(f.get(id).strip())).value(Double.parseDouble(f.get(x).strip()))
                                .value(Double.parseDouble(f.get(y).strip()));
                    } catch (NumberFormatException | IndexOutOfBoundsException e) {
                        throw new InputFormatException(file.name(), r.line(), null, "not a UPRN row: " + row.raw());
                    }
                    out.endRow();
                    rows++;
                }
            }
            long batch = LoadBatches.start(c, "uprn", "uprn", file.name(), file.sha256(), rows, rows);
            int stored;
            try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                ps.setLong(1, batch);
                stored = ps.executeUpdate();
            }
            if (stored > 0) {
                c.commit();
            } else {
                c.rollback(); // nothing changed: no batch either, so a repeat load leaves no trace
            }
            return new Result(rows, stored);
        } catch (SQLException e) {
            throw new SafemapException("load_failed", "loading UPRNs from " + file.name() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SafemapException("load_failed", "cannot read " + file.name() + ": " + e.getMessage(), e);
        }
    }
}
