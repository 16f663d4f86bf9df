package org.safemap.hotspot;

/**
 * One location's emerging hot spot result: its class and the numbers behind it, for output layers and explanations.
 *
 * @param emergingClass the pattern
 * @param trend         Mann-Kendall test of the location's Gi* z-score series (the "trend z-score and p-value" of
 *                      ArcGIS's output), whether or not the class needed it
 * @param hotSteps      steps that were significant hot spots (p &lt; alpha, z &gt; 0)
 * @param coldSteps     steps that were significant cold spots (p &lt; alpha, z &lt; 0)
 * @param steps         number of time steps
 */
public record EmergingAssessment(
        EmergingClass emergingClass, MannKendallResult trend, int hotSteps, int coldSteps, int steps) {}
