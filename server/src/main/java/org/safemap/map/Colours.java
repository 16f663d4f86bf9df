package org.safemap.map;

/** Colour arithmetic on packed ARGB ints. */
final class Colours {
    private Colours() {}

    /** #RRGGBB and an opacity 0 to 1 as ARGB. */
    static int argb(String hex, double opacity) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        int a = (int) Math.round(Math.max(0, Math.min(1, opacity)) * 255);
        return a << 24 | rgb;
    }

    static java.awt.Color color(String hex, double opacity) {
        return new java.awt.Color(argb(hex, opacity), true);
    }

    /** Linear interpolation between two ARGB colours, channel by channel. */
    static int mix(int c0, int c1, double t) {
        int out = 0;
        for (int shift = 0; shift < 32; shift += 8) {
            int a = c0 >>> shift & 0xFF;
            int b = c1 >>> shift & 0xFF;
            out |= (int) Math.round(a + (b - a) * t) << shift;
        }
        return out;
    }

    /** Multiplies the alpha of an ARGB colour. */
    static int fade(int argb, double opacity) {
        int a = (int) Math.round((argb >>> 24) * opacity);
        return a << 24 | argb & 0xFFFFFF;
    }
}
