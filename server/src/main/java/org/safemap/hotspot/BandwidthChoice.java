package org.safemap.hotspot;

import java.util.Optional;

/**
 * How a density surface's bandwidth is chosen: given in metres, or by a documented rule from the points. The one
 * reading of the {@code bandwidth} every verb and request takes ({@code 300}, {@code ppl}, {@code scott},
 * {@code arcgis}).
 *
 * @param metres the bandwidth given, in metres (0 to {@link KdeParams#MAX_BANDWIDTH_METRES}); absent: {@code rule}
 *     chooses it
 * @param rule the rule that chooses it when none is given
 */
public record BandwidthChoice(Optional<Double> metres, BandwidthRule rule) {
    /** No bandwidth given: likelihood cross-validation chooses it. */
    public static final BandwidthChoice DEFAULT = new BandwidthChoice(Optional.empty(), BandwidthRule.PPL);

    /**
     * Reads a bandwidth as given: a number of metres, or a rule's code; null or blank is {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException for a number that is not above 0 and at most
     *     {@link KdeParams#MAX_BANDWIDTH_METRES}, or a word that names no rule
     */
    public static BandwidthChoice parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        double h;
        try {
            h = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return new BandwidthChoice(Optional.empty(), BandwidthRule.fromCode(text));
        }
        if (!(h > 0) || h > KdeParams.MAX_BANDWIDTH_METRES) {
            throw new IllegalArgumentException("bandwidth must be a positive number of metres up to "
                    + (long) KdeParams.MAX_BANDWIDTH_METRES + ", or a rule (ppl, scott, arcgis); got " + text.trim());
        }
        return new BandwidthChoice(Optional.of(h), BandwidthRule.PPL);
    }

    /** The bandwidth in metres: the one given, else the rule's for these points (see {@link BandwidthRule}). */
    public double metres(WeightedPoints points, Kernel kernel, double[] window) {
        return metres.orElseGet(() -> rule.bandwidth(points, kernel, window));
    }

    /** Where the bandwidth came from, as runs record it: {@code given} or {@code rule ppl}. */
    public String source() {
        return metres.isPresent() ? "given" : "rule " + rule.code();
    }
}
