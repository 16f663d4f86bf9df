package org.safemap.sharing;

import java.time.LocalDate;
import java.time.Period;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A feed's data-sharing protocol, machine-readable: who shares what, with whom, why, under which law, for how long,
 * and at which level each audience may see it. One versioned JSON file per feed (docs/data-sharing.md); every load
 * batch records the version it arrived under.
 *
 * @param feed             the feed it governs
 * @param version          increases with every agreed change
 * @param title            the agreement's name
 * @param partner          owning partner's id (users are tied to partner ids)
 * @param partnerName      the partner, for people
 * @param controller       the data controller
 * @param custodian        who receives usage and retention reports (name and address)
 * @param purposes         purpose codes data may be used for; a principal must declare one to see more than public
 * @param lawfulBasis      UK GDPR / DPA 2018 basis, in words
 * @param powers           statutory powers cited (e.g. Crime and Disorder Act 1998 s115)
 * @param fields           source columns that may be supplied; a file with any other column is refused
 * @param linkageFields    of those, identifiers stored only as keyed hashes (pseudonymised on load)
 * @param retention        how long records are kept
 * @param retentionFrom    what retention counts from: the event's date ("event") or its load ("received")
 * @param reviewDate       when the protocol must next be reviewed
 * @param audiences        disclosure level per audience
 * @param suppression      small-number rule for aggregates below points level
 * @param precisionM       grid for reduced-precision points, metres (100 or coarser)
 * @param densityMinPoints a density cell drawn from this feed is shown only with at least this many records in reach
 * @param reduced          what a reduced-precision record keeps of its time and category
 * @param sha256           hash of the file's bytes, to tell versions apart
 * @param text             the file as written (JSON), kept with the version in the database
 * @param origin           where it was read from, for messages
 */
public record Protocol(
        String feed,
        int version,
        String title,
        String partner,
        String partnerName,
        String controller,
        String custodian,
        List<String> purposes,
        String lawfulBasis,
        List<String> powers,
        List<String> fields,
        List<String> linkageFields,
        Period retention,
        String retentionFrom,
        LocalDate reviewDate,
        Audiences audiences,
        SuppressionRule suppression,
        int precisionM,
        int densityMinPoints,
        ReducedDetail reduced,
        String sha256,
        @com.fasterxml.jackson.annotation.JsonIgnore String text,
        String origin) {

    public Protocol {
        purposes = List.copyOf(purposes);
        powers = List.copyOf(powers);
        fields = List.copyOf(fields);
        linkageFields = List.copyOf(linkageFields);
    }

    /**
     * The level this protocol grants {@code who}. Above the public level, a purpose the protocol lists must have been
     * declared: purpose limitation is part of the agreement, not a courtesy.
     */
    public DisclosureLevel levelFor(Principal who) {
        DisclosureLevel level = audiences.levelFor(who.role(), who.partner(), partner);
        if (level.compareTo(audiences.pub()) > 0 && (who.purpose() == null || !purposes.contains(who.purpose()))) {
            return audiences.pub();
        }
        return level;
    }

    /** Source columns compared as the adapters compare headers: case and outer spaces ignored. */
    public Set<String> fieldKeys() {
        Set<String> out = new TreeSet<>();
        for (String f : fields) {
            out.add(key(f));
        }
        return out;
    }

    public boolean isLinkageField(String column) {
        for (String f : linkageFields) {
            if (key(f).equals(key(column))) {
                return true;
            }
        }
        return false;
    }

    /** Whether any audience below the owner sees less than points: the feed is restricted. */
    public boolean restricted() {
        return audiences.pub() != DisclosureLevel.POINTS;
    }

    public static String key(String column) {
        return column.strip().toLowerCase(Locale.ROOT);
    }
}
