package org.safemap.ingest;

import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * Reads one source format into incident records. One small class per format; everything after parsing
 * (storage, quarantine, batches, idempotency) is shared by {@link IncidentLoader}.
 */
public interface FeedAdapter {
    /** Short name used on the command line and in the docs, e.g. {@code police-uk}. */
    String format();

    /**
     * Reads the whole file. A problem with one row is a {@link Rejection}; a problem with the file as a
     * whole (wrong columns, not CSV) is an {@link InputFormatException}, and nothing is loaded.
     *
     * @param feed          the feed declared for this file
     * @param rawBytesRead  progress listener, stored bytes consumed
     */
    void read(SourceFile file, String feed, RowSink sink, LongConsumer rawBytesRead) throws IOException;
}
