package org.safemap.hotspot;

/**
 * The seventeen Emerging Hot Spot Analysis patterns (ArcGIS Pro, "How Emerging Hot Spot Analysis works"): eight hot,
 * their eight cold mirrors, and no pattern. The exact rules and their precedence are in {@link EmergingHotspots}.
 *
 * <p>{@link #code()} is the stable machine name used in APIs, files and styles; {@link #label()} is the published
 * English name, so that maps read the same as ArcGIS output.
 */
public enum EmergingClass {
    NEW_HOT("new_hot", "New Hot Spot"),
    CONSECUTIVE_HOT("consecutive_hot", "Consecutive Hot Spot"),
    INTENSIFYING_HOT("intensifying_hot", "Intensifying Hot Spot"),
    PERSISTENT_HOT("persistent_hot", "Persistent Hot Spot"),
    DIMINISHING_HOT("diminishing_hot", "Diminishing Hot Spot"),
    SPORADIC_HOT("sporadic_hot", "Sporadic Hot Spot"),
    OSCILLATING_HOT("oscillating_hot", "Oscillating Hot Spot"),
    HISTORICAL_HOT("historical_hot", "Historical Hot Spot"),
    NEW_COLD("new_cold", "New Cold Spot"),
    CONSECUTIVE_COLD("consecutive_cold", "Consecutive Cold Spot"),
    INTENSIFYING_COLD("intensifying_cold", "Intensifying Cold Spot"),
    PERSISTENT_COLD("persistent_cold", "Persistent Cold Spot"),
    DIMINISHING_COLD("diminishing_cold", "Diminishing Cold Spot"),
    SPORADIC_COLD("sporadic_cold", "Sporadic Cold Spot"),
    OSCILLATING_COLD("oscillating_cold", "Oscillating Cold Spot"),
    HISTORICAL_COLD("historical_cold", "Historical Cold Spot"),
    NO_PATTERN("no_pattern", "No Pattern Detected");

    private static final EmergingClass[] VALUES = values();
    /** The hot classes come first, in the same order as their cold mirrors. */
    private static final int HOT_COUNT = 8;

    private final String code;
    private final String label;

    EmergingClass(String code, String label) {
        this.code = code;
        this.label = label;
    }

    /** Stable snake_case name, e.g. {@code new_hot}; never changes once published. */
    public String code() {
        return code;
    }

    /** The published English label, e.g. "New Hot Spot". */
    public String label() {
        return label;
    }

    public boolean isHot() {
        return ordinal() < HOT_COUNT;
    }

    public boolean isCold() {
        return this != NO_PATTERN && !isHot();
    }

    /** The same pattern with hot and cold swapped (what the class becomes when every z-score changes sign). */
    public EmergingClass mirror() {
        if (this == NO_PATTERN) {
            return NO_PATTERN;
        }
        int i = ordinal();
        return VALUES[i < HOT_COUNT ? i + HOT_COUNT : i - HOT_COUNT];
    }

    /** The class whose {@link #code()} is {@code code}. */
    public static EmergingClass ofCode(String code) {
        for (EmergingClass c : VALUES) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown emerging hot spot class '" + code + "'");
    }
}
