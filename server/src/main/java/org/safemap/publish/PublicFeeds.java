package org.safemap.publish;

import java.util.List;

/**
 * The feeds whose records are public: police.uk street-level crime and anti-social behaviour, and British Transport
 * Police in the same format, which police.uk publishes record by record. The geoserver.incident_counts view counts
 * these and no other (the list is written in V9__geoserver_views.sql too; a test keeps the two equal).
 *
 * <p>TODO(trust): which feeds are public belongs to each feed's data-sharing protocol (org.safemap.sharing); this
 * list is the interim rule until the protocols say it.
 */
public final class PublicFeeds {
    public static final List<String> NAMES = List.of("police-uk", "btp");

    private PublicFeeds() {
    }
}
