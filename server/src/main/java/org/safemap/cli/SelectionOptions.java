package org.safemap.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The record filters every hotspot command takes (a picocli mixin): categories, feeds and area of interest. */
final class SelectionOptions {
    @Option(
            names = "--category",
            split = ",",
            paramLabel = "CODE",
            description = "Taxonomy codes or groups (violence, acquisitive, asb ...). Default: all.")
    List<String> categories;

    @Option(names = "--feed", split = ",", paramLabel = "FEED", description = "Feeds. Default: all.")
    List<String> feeds;

    @Option(
            names = "--area",
            paramLabel = "LEVEL:CODE[,CODE]",
            description = "Area of interest, e.g. lad:E08000012 or ward:E05000886. Default: every area loaded.")
    String area;

    /** Adds the filters given to a request's parameters, under the names the API uses. */
    void putInto(Map<String, Object> p) {
        if (categories != null) {
            p.put("categories", categories);
        }
        if (feeds != null) {
            p.put("feeds", feeds);
        }
        if (area != null) {
            p.put("area", area);
        }
    }
}
