package org.safemap.geo;

import java.util.Locale;

/**
 * Ordnance Survey National Grid references ("SJ 34235 90483"): the two letters of the 100 km square and the easting
 * and northing within it to the metre, as OS's "A guide to coordinate systems in Great Britain" (section 6.3) lays the
 * letters out (a 5 x 5 grid of 500 km squares, each of 5 x 5 100 km squares, the letter I left out). For places a
 * reader looks up on a map when nothing better names them.
 */
public final class GridReference {
    private GridReference() {}

    /**
     * @param easting  British National Grid easting, metres, 0 to 700,000
     * @param northing northing, metres, 0 to 1,300,000
     */
    public static String of(double easting, double northing) {
        if (!(easting >= 0 && easting < 700_000 && northing >= 0 && northing < 1_300_000)) {
            throw new IllegalArgumentException("outside the National Grid: " + easting + ", " + northing);
        }
        long e = (long) Math.floor(easting);
        long n = (long) Math.floor(northing);
        int e100 = (int) (e / 100_000);
        int n100 = (int) (n / 100_000);
        int first = (19 - n100) - (19 - n100) % 5 + (e100 + 10) / 5;
        int second = (19 - n100) * 5 % 25 + e100 % 5;
        return String.format(Locale.ROOT, "%c%c %05d %05d", letter(first), letter(second), e % 100_000, n % 100_000);
    }

    /** The alphabet without I. */
    private static char letter(int index) {
        return (char) ('A' + (index > 7 ? index + 1 : index));
    }
}
