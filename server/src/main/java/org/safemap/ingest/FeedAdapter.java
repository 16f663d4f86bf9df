package org.safemap.ingest;

import java.io.IOException;
import java.util.function.LongConsumer;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;

/**
 * Reads one source format into incident records. One small class per format; everything after parsing
 * (geocoding, category mapping, area assignment, storage, quarantine, batches) is shared by {@link IncidentLoader}.
 */
public interface FeedAdapter {
    /** Format name used in feed definitions, e.g. {@code police-uk}. */
    String format();

    /**
     * Reads the whole file. A problem with one row is a {@link Rejection}; a problem with the file as a whole
     * (undeclared or missing columns, no header) is an {@link InputFormatException}, and nothing is loaded.
     *
     * @param rawBytesRead progress listener, stored bytes consumed
     */
    void read(SourceFile file, FeedDefinition feed, RowSink sink, LongConsumer rawBytesRead) throws IOException;
}
