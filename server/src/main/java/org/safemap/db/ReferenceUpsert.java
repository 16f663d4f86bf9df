package org.safemap.db;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.files.SourceFile;

/**
 * Loads a reference table (lookup, population, deprivation, postcodes, UPRNs, gazetteer) in one transaction: rows
 * are streamed into a staging table with COPY, then upserted, so loading a second region adds to the first, loading
 * the same file twice changes nothing (and records no batch), and a bad file changes nothing at all.
 */
public final class ReferenceUpsert {
    /** Writes the staging rows; returns how many. */
    @FunctionalInterface
    public interface Rows {
        int write(CopyWriter out) throws IOException;
    }

    /**
     * What a load did.
     *
     * @param batchId batch recording the file, or 0 when nothing changed and so nothing was recorded
     * @param rows    rows read from the file (after de-duplication where the loader does it)
     * @param changed rows inserted or changed; 0 when the file repeats what is stored
     */
    public record Result(long batchId, int rows, int changed) {}

    private ReferenceUpsert() {}

    /**
     * Loads one file.
     *
     * @param createStage DDL of a temp table dropped on commit
     * @param copy        {@code COPY <stage> FROM STDIN (FORMAT csv)}
     * @param upsert      INSERT ... SELECT FROM stage ON CONFLICT ... DO UPDATE ... WHERE changed; its first
     *                    parameter is the batch id, then {@code params}
     */
    public static Result run(
            DataSource dataSource,
            SourceFile file,
            String kind,
            String key,
            String createStage,
            String copy,
            Rows rows,
            String upsert,
            Object... params) {
        return run(dataSource, file.name(), file::sha256, kind, key, createStage, copy, rows, upsert, params);
    }

    /**
     * The same for rows that come from no single file (a gazetteer built from stored records).
     *
     * @param sourceName what the batch names as its source
     * @param sha256     the source's SHA-256, asked for after the rows are written
     */
    public static Result run(
            DataSource dataSource,
            String sourceName,
            java.util.function.Supplier<String> sha256,
            String kind,
            String key,
            String createStage,
            String copy,
            Rows rows,
            String upsert,
            Object... params) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute(createStage);
                }
                int count;
                try (CopyWriter out = CopyWriter.open(c, copy)) {
                    count = rows.write(out);
                }
                long batchId = LoadBatches.start(c, kind, key, sourceName, sha256.get(), count, count);
                int changed;
                try (PreparedStatement ps = c.prepareStatement(upsert)) {
                    ps.setLong(1, batchId);
                    for (int i = 0; i < params.length; i++) {
                        ps.setObject(i + 2, params[i]);
                    }
                    changed = ps.executeUpdate();
                }
                if (changed == 0) {
                    // The file repeats what is stored: keep no batch that no row refers to.
                    c.rollback();
                    return new Result(0, count, 0);
                }
                c.commit();
                return new Result(batchId, count, changed);
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "loading " + sourceName + " failed", e);
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot read " + sourceName, e);
        }
    }
}
