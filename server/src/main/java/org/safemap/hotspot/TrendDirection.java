package org.safemap.hotspot;

/** The direction of a monotonic trend found in a time series (Mann-Kendall). */
public enum TrendDirection {
    /** Later values tend to be larger than earlier ones (S &gt; 0). */
    INCREASING,
    /** Later values tend to be smaller than earlier ones (S &lt; 0). */
    DECREASING,
    /** No direction: S = 0, or the trend was not significant where significance was asked for. */
    NONE
}
