package org.safemap.sharing;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * The purpose codes a user may declare for a session, a token or one request: exactly those some protocol lists.
 * Declaring one grants nothing by itself; a protocol only discloses above its public level to a principal whose
 * declared purpose it names ({@link Protocol#levelFor}).
 */
public record Purposes(List<String> codes) {
    public Purposes {
        codes = List.copyOf(new TreeSet<>(codes));
    }

    public static Purposes of(ProtocolCatalog protocols) {
        TreeSet<String> all = new TreeSet<>();
        protocols.all().forEach(p -> all.addAll(p.purposes()));
        return new Purposes(List.copyOf(all));
    }

    /**
     * The code as declared, normalised; null for none. An unknown code is a bad request naming the known ones, not
     * silently ignored: a typo would otherwise quietly show the user less than they expect.
     */
    public String check(String declared, String where) {
        if (declared == null || declared.isBlank()) {
            return null;
        }
        String code = declared.strip().toLowerCase(Locale.ROOT);
        if (!codes.contains(code)) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    where + ": unknown purpose '" + abbreviate(declared) + "'; the protocols in force list "
                            + String.join(", ", codes));
        }
        return code;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
