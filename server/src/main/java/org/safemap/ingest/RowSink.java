package org.safemap.ingest;

import java.io.IOException;

/** Receives what an adapter reads: accepted records and rejected rows, in file order. */
public interface RowSink {
    void accept(IncidentRecord record) throws IOException;

    void reject(Rejection rejection) throws IOException;
}
