package org.safemap.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A feed SafeMap accepts: its name (what users type and what records keep as provenance), the format its files
 * come in, and the scheme that maps its categories onto the common taxonomy. Built-in feeds ship in the server
 * (resources feeds/*.json); partners' feeds are JSON files in SAFEMAP_FEEDS_DIR with a column {@code mapping}.
 *
 * @param name        e.g. police-uk, istv-ae, council-asb
 * @param title       what the feed is, for people
 * @param label       a short name for legends and menus
 * @param partner     who supplies it
 * @param format      adapter: police-uk, istv-csv, ambulance-csv, fire-irs-csv, mapped-csv, mapped-geojson
 * @param categories  category mapping scheme (taxonomy/mappings/&lt;scheme&gt;.csv, or the feed's own map)
 * @param description longer explanation
 * @param attribution what every output drawing on the feed must credit (source and licence), plain text
 * @param mapping     column mapping for mapped formats, else null
 * @param origin      where the definition came from, for messages
 * @param terms       what the feed's protocol allows a file to carry; null until the loader applies the protocol
 */
public record FeedDefinition(
        String name,
        String title,
        String label,
        String partner,
        String format,
        String categories,
        String description,
        String attribution,
        JsonNode mapping,
        String origin,
        FeedTerms terms) {
    /** The same feed under a protocol's terms, as the loader reads files. */
    public FeedDefinition withTerms(FeedTerms t) {
        return new FeedDefinition(
                name, title, label, partner, format, categories, description, attribution, mapping, origin, t);
    }
}
