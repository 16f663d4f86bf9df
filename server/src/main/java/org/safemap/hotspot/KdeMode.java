package org.safemap.hotspot;

import java.util.Locale;

/** How a density surface is summed. */
public enum KdeMode {
    /** Every cell centre summed over every point within the kernel's support: the reference result. */
    EXACT,
    /**
     * Points linearly binned onto the cell centres, then the binned counts spread with the kernel sampled at whole-cell
     * offsets: cost grows with occupied cells rather than points; the error bound is in docs/hotspots.md.
     */
    FAST;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KdeMode fromCode(String code) {
        for (KdeMode m : values()) {
            if (m.code().equalsIgnoreCase(code.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + code + "'; expected exact or fast");
    }
}
