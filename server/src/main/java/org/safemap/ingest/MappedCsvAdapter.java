package org.safemap.ingest;

import java.io.IOException;
import java.util.function.LongConsumer;
import org.safemap.files.SourceFile;

/** Any partner's CSV, read through the feed's declarative mapping (see {@link MappedFeed}). */
public final class MappedCsvAdapter implements FeedAdapter {
    @Override
    public String format() {
        return "mapped-csv";
    }

    @Override
    public void read(SourceFile file, FeedDefinition feed, RowSink sink, LongConsumer rawBytesRead) throws IOException {
        MappedFeed mapping = MappedFeed.of(feed);
        CsvFeedReader.read(
                file,
                feed,
                mapping.fields,
                java.util.Set.of(),
                mapping.delimiter,
                sink,
                rawBytesRead,
                row -> mapping.record(row.line(), row.raw(), row::get, null));
    }
}
