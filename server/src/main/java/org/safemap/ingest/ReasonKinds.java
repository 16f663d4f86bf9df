package org.safemap.ingest;

import java.util.regex.Pattern;

/**
 * Groups quarantine reasons for the feeds report: quoted values become '…' and the candidates of an ambiguous place
 * are dropped, so "location 'Home' matches no street" and "location 'Bold Stret' matches no street" are one reason.
 */
final class ReasonKinds {
    /** A quoted value ends at a quote followed by a space, punctuation or the end ("'friend's house' matches"). */
    private static final Pattern QUOTED = Pattern.compile("'.*?'(?=[\\s;:,.)]|$)");

    private static final Pattern CANDIDATES = Pattern.compile("could be [^;]*");
    private static final int MAX_LENGTH = 160;

    private ReasonKinds() {}

    static String of(String reason) {
        String kind = QUOTED.matcher(reason).replaceAll("'…'");
        kind = CANDIDATES.matcher(kind).replaceAll("could be one of several places");
        return kind.length() > MAX_LENGTH ? kind.substring(0, MAX_LENGTH) : kind;
    }
}
