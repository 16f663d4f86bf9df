package org.safemap.hotspot;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A forecast of next period's hot places that learns its settings from the training months alone. The score of a
 * place blends two maps, each scaled to a maximum of 1: the recency-weighted count of incidents per km² at the place
 * itself (exact-location evidence: repeat locations are the strongest single predictor, Johnson and Bowers 2004,
 * Chainey, Tompson and Uhlig 2008), and a Gaussian kernel density of the same recency-weighted incidents (the
 * neighbourhood: Bowers, Johnson and Pease 2004 "prospective mapping"; Mohler et al. 2011 use the same two parts, a
 * smooth background and a decaying response to recent events). An incident {@code a} whole months before the month
 * forecast weighs {@code exp(−(a − 1) / τ)}.
 *
 * <p>τ, the kernel's sigma and the blend are chosen by rolling-origin validation inside the training months: each of
 * the last {@value #ORIGINS} training months (at least one month of history before it) is forecast from the months
 * before it alone, and the settings with the best mean PAI at {@value #COVERAGE}% of the area win (ties: the first
 * in candidate order). The month forecast for real is never read while fitting: the caller passes training
 * incidents only.
 *
 * <p>A second stage may blend in a surface at a second scale ({@link SecondScale}), and a third, separate term then
 * adds near-repeat uplift: cells near the most recent incidents are raised, with a
 * weight decaying exponentially in months and in distance up to {@value #NEAR_REPEAT_REACH_METRES} m (Johnson and
 * Bowers 2004 on the space-time clustering of burglary within about 400 m and one to two months; Bowers, Johnson and
 * Pease 2004 on prospective mapping; the triggering kernel of Mohler et al. 2011). Each stage's settings are chosen
 * by the same rolling origin with the earlier stages' held fixed, and on a tie the stage adds nothing.
 */
public final class Forecast {
    public static final int ORIGINS = 3;
    public static final double COVERAGE = 5;
    /** Recency time constants in months; infinity weighs every month alike. */
    static final double[] RECENCY = {1, 3, 12, Double.POSITIVE_INFINITY};

    static final double[] SIGMA = {100, 200, 400};
    /**
     * 0.9 and 0.97 rank by the count and let the surface order places of equal or nearly equal count (on a 100 m grid
     * most busy cells share a small count, and the tied group straddling the coverage is otherwise taken at random).
     */
    static final double[] BLEND = {0, 0.25, 0.5, 0.75, 0.9, 0.97, 1};

    /**
     * Shapes α of the empirical-Bayes candidates: each place's rate shrunk toward the smoothed surface's rate there,
     * a Poisson count under a Gamma prior of mean the surface and shape α (Clayton and Kaldor 1987; Marshall 1991 on
     * shrinking small-area rates toward their neighbourhood). Unlike a fixed blend, a place whose neighbourhood is
     * busy keeps more of its own count and a lone incident in a quiet place is discounted: α is the prior's weight in
     * incidents, so a place with many more than α incidents is ranked by its own count.
     */
    static final double[] SHRINK = {0.5, 2, 8};

    /**
     * Bandwidths of the multi-scale stage's second surface, metres (the first stage's σ excluded): a place's count
     * with its neighbourhood at two scales, a street and a district.
     */
    static final double[] SECOND_SIGMA = {100, 200, 400, 800};
    /** Shares of the score given to the second surface; 0 (one scale) is the first candidate. */
    static final double[] SECOND_SHARE = {0.1, 0.25};

    /** Near-repeat time constants, months: an incident one month old weighs 1, two months old e^(−1/τ). */
    static final double[] NEAR_REPEAT_MONTHS = {0.5, 1};
    /** Near-repeat distance scales ℓ, metres: a cell d metres from an incident gets e^(−d/ℓ). */
    static final double[] NEAR_REPEAT_METRES = {100, 200};
    /** Shares of the score given to the near-repeat term; 0 (no uplift) is the first candidate. */
    static final double[] NEAR_REPEAT_SHARE = {0.1, 0.25, 0.5};
    /** Beyond this distance from a cell's centre an incident raises nothing. */
    public static final double NEAR_REPEAT_REACH_METRES = 400;

    /**
     * @param recencyMonths τ, the time constant of the recency weight, months (infinite: no decay)
     * @param sigmaMetres   the Gaussian kernel's standard deviation
     * @param blend         the weight of the exact-place count; 1 − blend goes to the smoothed surface (unused when
     *                      {@code shrinkShape} is positive)
     * @param shrinkShape   α of the empirical-Bayes rate ({@link #SHRINK}), or 0 for the linear blend
     * @param secondScale   a second surface blended into that score, {@link SecondScale#NONE} for none
     * @param nearRepeat    the near-repeat uplift added to that score, {@link NearRepeat#NONE} for none
     */
    public record Params(
            double recencyMonths,
            double sigmaMetres,
            double blend,
            double shrinkShape,
            SecondScale secondScale,
            NearRepeat nearRepeat) {
        public Params(double recencyMonths, double sigmaMetres, double blend) {
            this(recencyMonths, sigmaMetres, blend, 0, SecondScale.NONE, NearRepeat.NONE);
        }

        public Params(double recencyMonths, double sigmaMetres, double blend, double shrinkShape) {
            this(recencyMonths, sigmaMetres, blend, shrinkShape, SecondScale.NONE, NearRepeat.NONE);
        }

        Params with(NearRepeat uplift) {
            return new Params(recencyMonths, sigmaMetres, blend, shrinkShape, secondScale, uplift);
        }

        Params with(SecondScale second) {
            return new Params(recencyMonths, sigmaMetres, blend, shrinkShape, second, nearRepeat);
        }
    }

    /**
     * The multi-scale term: score = (1 − share) · first + share · surface at {@code sigmaMetres}, both scaled to a
     * maximum of 1, the surface of the same recency-weighted incidents as the first stage's.
     *
     * @param sigmaMetres the second surface's Gaussian σ
     * @param share       its share of the score, 0 for none
     */
    public record SecondScale(double sigmaMetres, double share) {
        public static final SecondScale NONE = new SecondScale(0, 0);
    }

    /**
     * The near-repeat term: score = (1 − share) · base + share · uplift, both scaled to a maximum of 1, where a
     * place's uplift sums, over training incidents a ≥ 1 whole months before the month forecast and within
     * {@value #NEAR_REPEAT_REACH_METRES} m of its cell centres, weight · e^(−(a − 1)/τ) · e^(−d/ℓ).
     *
     * @param months τ, months
     * @param metres ℓ, metres
     * @param share  the term's share of the score, 0 for none
     */
    public record NearRepeat(double months, double metres, double share) {
        public static final NearRepeat NONE = new NearRepeat(0, 0, 0);
    }

    /**
     * The fitted settings, their mean PAI on the validation months, and those months (indexes into the training
     * months); an empty list means too few months to validate, and the defaults were used.
     */
    public record Fit(Params params, double validationPai, List<Integer> validationMonths, int candidates) {}

    /** When there is only one training month: an even blend, 200 m, no decay. */
    public static final Params DEFAULT = new Params(Double.POSITIVE_INFINITY, 200, 0.5);

    /**
     * The incidents of the training months and where they fall.
     *
     * @param points   training incidents
     * @param month    each incident's training month, 0 the first
     * @param months   training months
     * @param place    each incident's place, -1 for none
     * @param areaKm2  each place's area
     * @param grid     the grid the surfaces are computed on
     * @param toPlaces turns a surface on the grid into one value per place (the cell, or the mean over an area)
     */
    public record Training(
            WeightedPoints points,
            int[] month,
            int months,
            int[] place,
            double[] areaKm2,
            Grid grid,
            Function<double[], double[]> toPlaces) {}

    private Forecast() {}

    public static Fit fit(Training t) {
        List<Integer> origins = new ArrayList<>();
        for (int v = Math.max(1, t.months() - ORIGINS); v < t.months(); v++) {
            origins.add(v);
        }
        if (origins.isEmpty()) {
            return new Fit(DEFAULT, Double.NaN, List.of(), 1);
        }
        Params best = DEFAULT;
        double bestPai = Double.NEGATIVE_INFINITY;
        int candidates = 0;
        int options = BLEND.length + SHRINK.length;
        double[][] paiSum = new double[RECENCY.length * SIGMA.length][options];
        for (int v : origins) {
            double[] target = target(t, v);
            // the (τ, σ) pairs are independent: one surface each, scored for every blend, on every core
            int origin = v;
            java.util.stream.IntStream.range(0, RECENCY.length * SIGMA.length)
                    .parallel()
                    .forEach(rs -> {
                        double[] w = weights(t, origin, RECENCY[rs / SIGMA.length]);
                        double[] totals = placeTotals(t, w);
                        double[] rawSmooth = surface(t, w, SIGMA[rs % SIGMA.length]);
                        double[] count = scaled(NaiveMaps.perKm2(totals, t.areaKm2()));
                        double[] smooth = scaled(rawSmooth);
                        // each task writes only its own row: no two threads share an element
                        for (int b = 0; b < BLEND.length; b++) {
                            paiSum[rs][b] += pai(blend(count, smooth, BLEND[b]), t.areaKm2(), target);
                        }
                        for (int a = 0; a < SHRINK.length; a++) {
                            paiSum[rs][BLEND.length + a] +=
                                    pai(shrunk(totals, rawSmooth, t.areaKm2(), SHRINK[a]), t.areaKm2(), target);
                        }
                    });
        }
        for (int r = 0; r < RECENCY.length; r++) {
            for (int s = 0; s < SIGMA.length; s++) {
                for (int b = 0; b < options; b++) {
                    candidates++;
                    double mean = paiSum[r * SIGMA.length + s][b] / origins.size();
                    if (mean > bestPai) {
                        bestPai = mean;
                        best = b < BLEND.length
                                ? new Params(RECENCY[r], SIGMA[s], BLEND[b])
                                : new Params(RECENCY[r], SIGMA[s], 0, SHRINK[b - BLEND.length]);
                    }
                }
            }
        }
        // stage two: a second surface at another scale, one scale winning a tie
        Params first = best;
        double[][] secondSum = new double[SECOND_SIGMA.length][SECOND_SHARE.length];
        for (int v : origins) {
            double[] target = target(t, v);
            double[] firstScore = scaled(base(t, v, first));
            double[] w = weights(t, v, first.recencyMonths());
            int origin = v;
            java.util.stream.IntStream.range(0, SECOND_SIGMA.length)
                    .filter(k -> SECOND_SIGMA[k] != first.sigmaMetres())
                    .parallel()
                    .forEach(k -> {
                        double[] second = scaled(surface(t, w, SECOND_SIGMA[k]));
                        for (int s = 0; s < SECOND_SHARE.length; s++) {
                            secondSum[k][s] += pai(blend(second, firstScore, SECOND_SHARE[s]), t.areaKm2(), target);
                        }
                    });
        }
        for (int k = 0; k < SECOND_SIGMA.length; k++) {
            if (SECOND_SIGMA[k] == first.sigmaMetres()) {
                continue;
            }
            for (int s = 0; s < SECOND_SHARE.length; s++) {
                candidates++;
                double mean = secondSum[k][s] / origins.size();
                if (mean > bestPai) {
                    bestPai = mean;
                    best = first.with(new SecondScale(SECOND_SIGMA[k], SECOND_SHARE[s]));
                }
            }
        }
        // stage three: near-repeat uplift on top of the settings chosen so far, none winning a tie
        int shapes = NEAR_REPEAT_MONTHS.length * NEAR_REPEAT_METRES.length;
        double[][] upliftSum = new double[shapes][NEAR_REPEAT_SHARE.length];
        Params base = best;
        for (int v : origins) {
            double[] target = target(t, v);
            double[] baseScore = scaled(base(t, v, base));
            int origin = v;
            java.util.stream.IntStream.range(0, shapes).parallel().forEach(k -> {
                double[] uplift = scaled(nearRepeat(
                        t,
                        origin,
                        NEAR_REPEAT_MONTHS[k / NEAR_REPEAT_METRES.length],
                        NEAR_REPEAT_METRES[k % NEAR_REPEAT_METRES.length]));
                for (int s = 0; s < NEAR_REPEAT_SHARE.length; s++) {
                    upliftSum[k][s] += pai(blend(uplift, baseScore, NEAR_REPEAT_SHARE[s]), t.areaKm2(), target);
                }
            });
        }
        for (int k = 0; k < shapes; k++) {
            for (int s = 0; s < NEAR_REPEAT_SHARE.length; s++) {
                candidates++;
                double mean = upliftSum[k][s] / origins.size();
                if (mean > bestPai) {
                    bestPai = mean;
                    best = base.with(new NearRepeat(
                            NEAR_REPEAT_MONTHS[k / NEAR_REPEAT_METRES.length],
                            NEAR_REPEAT_METRES[k % NEAR_REPEAT_METRES.length],
                            NEAR_REPEAT_SHARE[s]));
                }
            }
        }
        return new Fit(best, bestPai, origins, candidates);
    }

    /** The incidents of month {@code v} per place: what a forecast from the months before it is scored against. */
    private static double[] target(Training t, int v) {
        double[] target = new double[t.areaKm2().length];
        for (int p = 0; p < t.place().length; p++) {
            if (t.month()[p] == v && t.place()[p] >= 0) {
                target[t.place()[p]] += t.points().weight()[p];
            }
        }
        return target;
    }

    /** The forecast for the month after the training months, one score per place, higher is hotter. */
    public static double[] score(Training t, Params p) {
        double[] base = base(t, t.months(), p);
        NearRepeat nr = p.nearRepeat();
        if (nr.share() <= 0) {
            return base;
        }
        return blend(scaled(nearRepeat(t, t.months(), nr.months(), nr.metres())), scaled(base), nr.share());
    }

    /**
     * The score seen from month {@code origin} without the near-repeat uplift: the blend or the shrunk rate, with the
     * second scale's surface when there is one.
     */
    private static double[] base(Training t, int origin, Params p) {
        double[] w = weights(t, origin, p.recencyMonths());
        double[] totals = placeTotals(t, w);
        double[] rawSmooth = surface(t, w, p.sigmaMetres());
        double[] first = p.shrinkShape() > 0
                ? shrunk(totals, rawSmooth, t.areaKm2(), p.shrinkShape())
                : blend(scaled(NaiveMaps.perKm2(totals, t.areaKm2())), scaled(rawSmooth), p.blend());
        SecondScale second = p.secondScale();
        if (second.share() <= 0) {
            return first;
        }
        return blend(scaled(surface(t, w, second.sigmaMetres())), scaled(first), second.share());
    }

    /**
     * The near-repeat uplift seen from month {@code origin}, one value per place: on the grid, each incident a ≥ 1
     * months old adds weight · e^(−(a − 1)/τ) · e^(−d/ℓ) to every cell whose centre lies within
     * {@value #NEAR_REPEAT_REACH_METRES} m (d that distance), then {@link Training#toPlaces()}. Incidents from
     * {@code origin} on add nothing. Cost: incidents × (2 · reach / cell + 1)² cells.
     */
    static double[] nearRepeat(Training t, int origin, double tauMonths, double metres) {
        Grid g = t.grid();
        double[] out = new double[g.cellCount()];
        int reach = (int) Math.ceil(NEAR_REPEAT_REACH_METRES / g.cellMetres());
        double reach2 = NEAR_REPEAT_REACH_METRES * NEAR_REPEAT_REACH_METRES;
        double[] x = t.points().x();
        double[] y = t.points().y();
        for (int p = 0; p < x.length; p++) {
            int age = origin - t.month()[p];
            if (age < 1) {
                continue;
            }
            double w = t.points().weight()[p] * Math.exp(-(age - 1) / tauMonths);
            if (w < 1e-6) {
                continue;
            }
            int ci = g.column(x[p]);
            int cj = g.row(y[p]);
            for (int j = Math.max(0, cj - reach); j <= Math.min(g.rows() - 1, cj + reach); j++) {
                double dy = g.centreY(j) - y[p];
                for (int i = Math.max(0, ci - reach); i <= Math.min(g.columns() - 1, ci + reach); i++) {
                    double dx = g.centreX(i) - x[p];
                    double d2 = dx * dx + dy * dy;
                    if (d2 <= reach2) {
                        out[g.index(i, j)] += w * Math.exp(-Math.sqrt(d2) / metres);
                    }
                }
            }
        }
        return t.toPlaces().apply(out);
    }

    /**
     * The posterior mean rate per km² of each place: its (recency-weighted) count {@code n} over area {@code a}, under
     * a Gamma prior of mean {@code r} (the smoothed surface's rate there) and shape α: (n + α) / (a + α / r).
     */
    static double[] shrunk(double[] counts, double[] priorPerKm2, double[] areaKm2, double shape) {
        double[] out = new double[counts.length];
        for (int i = 0; i < out.length; i++) {
            double r = Math.max(priorPerKm2[i], 1e-12);
            out[i] = (counts[i] + shape) / (areaKm2[i] + shape / r);
        }
        return out;
    }

    /** Each incident's weight seen from month {@code origin}: zero from that month on, decaying before it. */
    private static double[] weights(Training t, int origin, double tau) {
        double[] w = new double[t.month().length];
        for (int p = 0; p < w.length; p++) {
            int age = origin - t.month()[p];
            if (age >= 1) {
                w[p] = t.points().weight()[p] * (Double.isInfinite(tau) ? 1 : Math.exp(-(age - 1) / tau));
            }
        }
        return w;
    }

    private static double[] placeTotals(Training t, double[] w) {
        double[] out = new double[t.areaKm2().length];
        for (int p = 0; p < w.length; p++) {
            if (t.place()[p] >= 0) {
                out[t.place()[p]] += w[p];
            }
        }
        return out;
    }

    private static double[] surface(Training t, double[] w, double sigma) {
        WeightedPoints weighted = new WeightedPoints(t.points().x(), t.points().y(), w);
        double[] density = KernelDensity.estimate(
                        weighted, new KdeParams(t.grid(), Kernel.GAUSSIAN, sigma, KdeMode.FAST, false))
                .densityPerKm2();
        return t.toPlaces().apply(density);
    }

    private static double[] scaled(double[] v) {
        double max = 0;
        for (double d : v) {
            max = Math.max(max, d);
        }
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = max > 0 ? v[i] / max : 0;
        }
        return out;
    }

    private static double[] blend(double[] count, double[] smooth, double blend) {
        double[] out = new double[count.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = blend * count[i] + (1 - blend) * smooth[i];
        }
        return out;
    }

    private static double pai(double[] score, double[] areaKm2, double[] target) {
        double pai = PredictionAccuracy.pai(score, areaKm2, target, COVERAGE);
        return Double.isNaN(pai) ? 0 : pai;
    }
}
