package org.safemap.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * One export, checked and ready to write: its format, provenance and file name are known before a byte is written,
 * so an HTTP response can carry them in its headers and a bad request fails before the body starts. Close it when
 * done (a point export holds a database snapshot until then).
 */
public abstract class Export implements AutoCloseable {
    private final ExportFormat format;
    private final Provenance provenance;
    private final String baseName;

    protected Export(ExportFormat format, Provenance provenance, String baseName) {
        this.format = format;
        this.provenance = provenance;
        this.baseName = baseName;
    }

    public ExportFormat format() {
        return format;
    }

    public Provenance provenance() {
        return provenance;
    }

    /** A file name that says what the file is, e.g. {@code safemap-run-12-lsoa-areas.gpkg}. */
    public String fileName() {
        return baseName + "." + format.extension();
    }

    /** Rows, features or cells the file will hold, for progress bars. */
    public long expectedRows() {
        return provenance.features();
    }

    /**
     * Writes the file to a stream, which is left open.
     *
     * @param progress hears rows written so far
     * @return rows written
     */
    public abstract long writeTo(OutputStream out, LongConsumer progress) throws IOException;

    /** Writes the file at {@code file}, replacing it. */
    public long writeTo(Path file, LongConsumer progress) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            return writeTo(out, progress);
        }
    }

    @Override
    public void close() {}
}
