package org.safemap.ingest;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/** The adapters SafeMap has, by format name. */
public final class FeedAdapters {
    private static final Map<String, FeedAdapter> BY_FORMAT = List.<FeedAdapter>of(
                    new PoliceUkCsvAdapter(),
                    new IstvAeCsvAdapter(),
                    new AmbulanceCsvAdapter(),
                    new FireIrsCsvAdapter(),
                    new MappedCsvAdapter(),
                    new MappedGeoJsonAdapter())
            .stream()
            .collect(Collectors.toUnmodifiableMap(FeedAdapter::format, Function.identity()));

    private FeedAdapters() {}

    public static FeedAdapter forFormat(String format) {
        FeedAdapter adapter = BY_FORMAT.get(format);
        if (adapter == null) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "unknown feed format '" + format + "'; known formats: " + String.join(", ", formats()));
        }
        return adapter;
    }

    public static List<String> formats() {
        return BY_FORMAT.keySet().stream().sorted().toList();
    }
}
