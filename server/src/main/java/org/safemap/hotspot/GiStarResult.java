package org.safemap.hotspot;

/**
 * Getis-Ord Gi* for every location.
 *
 * @param z               the standardised statistic (spdep {@code localG} with self included)
 * @param p               two-sided p-value, 2Φ(−|z|)
 * @param neighbourCounts neighbours in each location's neighbourhood, itself included
 */
public record GiStarResult(double[] z, double[] p, int[] neighbourCounts) {}
