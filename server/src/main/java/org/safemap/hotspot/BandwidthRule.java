package org.safemap.hotspot;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Documented rules for choosing a bandwidth from the points when the analyst does not set one. Each returns the
 * bandwidth for the requested kernel: rules stated as a Gaussian sigma are carried to other kernels by matching the
 * standard deviation ({@link Kernel#bandwidthForSigma}); the ArcGIS rule is stated as a quartic radius and is carried
 * the same way.
 */
public enum BandwidthRule {
    /**
     * ArcGIS Kernel Density's default (10.2.1 and later), a spatial Silverman rule for the quartic radius:
     * {@code 0.9 · min(SD, √(1/ln 2) · Dm) · n^−0.2}, SD the standard distance about the weighted mean centre, Dm the
     * weighted median distance to it, n the total weight.
     */
    ARCGIS,
    /**
     * spatstat {@code bw.scott(isotropic = TRUE)}: sigma = geometric mean over x and y of {@code sd · n^(−1/6)}, sd
     * with the n − 1 denominator.
     */
    SCOTT,
    /**
     * Likelihood cross-validation exactly as spatstat {@code bw.ppl} with its defaults: always with the Gaussian
     * kernel, whatever kernel the surface then uses, of 16 sigmas spaced geometrically from the smallest positive
     * nearest-neighbour distance to half the diagonal of the window, the first maximising
     * {@code Σᵢ log λ̂₋ᵢ(xᵢ) − ∫_W λ̂}. λ̂₋ᵢ(xᵢ) = Σ_{j≠i} wⱼ φσ(xᵢ − xⱼ) / e(xᵢ) is the leave-one-out density with
     * spatstat's default edge correction (divided by the kernel mass inside the window at the point, e, exact on the
     * rectangle), and ∫ λ̂ integrates the edge-corrected density {@code Σⱼ wⱼ φσ(u − xⱼ) / e(u)}. The sigma is then
     * carried to the chosen kernel by equal standard deviation ({@link Kernel#bandwidthForSigma}: quartic radius
     * σ·√8, Epanechnikov σ·√6, uniform 2σ). A compact kernel cannot be cross-validated this way: a point with no
     * neighbour within the radius scores log 0, which drives the choice to kilometres. Above {@value #PPL_SAMPLE}
     * points it runs on a fixed-seed random sample of that size and scales the sigma by {@code (sample / n)^(1/6)},
     * the rate at which optimal bandwidths shrink with n in two dimensions; the search range is always that of every
     * point.
     *
     * <p>At a larger extent than a district's (a window whose longer side exceeds twice {@value #LOCAL_TILE_METRES}
     * m: a region, a country) one likelihood over the whole window measures the wrong scale: a few thousand points
     * sampled from millions over England and Wales are kilometres apart, the cross-validation then sees the spacing
     * of towns, not of streets, and its search range (up to half the window's diagonal, some 400 km) lets it answer
     * with a radius of over 100 km, a surface of one smear that a run refuses. So the rule is applied locally: the
     * window is cut into squares of {@value #LOCAL_TILE_METRES} m (a district's size, where the rule is checked
     * against spatstat), each square with at least {@value #LOCAL_MIN_POINTS} points gets its own sigma as above
     * (its own window, search range and a sample of at most {@value #LOCAL_SAMPLE}), and the sigma used is the median
     * of the squares' sigmas weighted by their points: the bandwidth a district analysis of the typical record would
     * choose. With no such square, the whole window is used as before, its sigma capped at half a square's diagonal.
     */
    PPL;

    /** The side of the squares {@link #PPL} is chosen in at a larger extent than a district's. */
    public static final double LOCAL_TILE_METRES = 40_000;
    /** Points a square needs to take part in the local {@link #PPL} choice. */
    public static final int LOCAL_MIN_POINTS = 50;
    /** The largest sample {@link #PPL} takes from one square: over 200 squares, a second or two in all. */
    public static final int LOCAL_SAMPLE = 1_000;

    public static final int PPL_SAMPLE = 3_000;
    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);
    private static final int PPL_CANDIDATES = 16;
    private static final long PPL_SEED = 20_240_101L;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BandwidthRule fromCode(String code) {
        for (BandwidthRule r : values()) {
            if (r.code().equalsIgnoreCase(code.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown bandwidth rule '" + code + "'; expected arcgis, scott or ppl");
    }

    /**
     * The bandwidth in metres for the kernel. The window (minX, minY, maxX, maxY) bounds the likelihood integral of
     * {@link #PPL}; the other rules ignore it.
     *
     * @throws IllegalArgumentException with fewer than two distinct locations, where no rule is defined
     */
    public double bandwidth(WeightedPoints points, Kernel kernel, double[] window) {
        if (points.size() < 2 || distinctLocations(points) < 2) {
            throw new IllegalArgumentException("a bandwidth rule needs at least two distinct locations, got "
                    + points.size() + " point(s); set the bandwidth explicitly");
        }
        return switch (this) {
            case ARCGIS -> kernel.bandwidthForSigma(Kernel.QUARTIC.sigma(arcgisRadius(points)));
            case SCOTT -> kernel.bandwidthForSigma(scottSigma(points));
            case PPL ->
                kernel.bandwidthForSigma(
                        Math.max(window[2] - window[0], window[3] - window[1]) > 2 * LOCAL_TILE_METRES
                                ? localSigma(points, window)
                                : pplSigma(points, window, PPL_SAMPLE));
        };
    }

    /**
     * {@link #PPL}'s sigma at a larger extent than a district's: the point-weighted median of the sigmas chosen in
     * each {@value #LOCAL_TILE_METRES} m square holding at least {@value #LOCAL_MIN_POINTS} points at two places.
     */
    static double localSigma(WeightedPoints p, double[] window) {
        int columns = Math.max(1, (int) Math.ceil((window[2] - window[0]) / LOCAL_TILE_METRES));
        int rows = Math.max(1, (int) Math.ceil((window[3] - window[1]) / LOCAL_TILE_METRES));
        int[] count = new int[columns * rows];
        int[] tileOf = new int[p.size()];
        for (int i = 0; i < p.size(); i++) {
            int c = Math.min(columns - 1, Math.max(0, (int) ((p.x()[i] - window[0]) / LOCAL_TILE_METRES)));
            int r = Math.min(rows - 1, Math.max(0, (int) ((p.y()[i] - window[1]) / LOCAL_TILE_METRES)));
            tileOf[i] = r * columns + c;
            count[tileOf[i]]++;
        }
        int[] start = new int[count.length + 1];
        for (int t = 0; t < count.length; t++) {
            start[t + 1] = start[t] + count[t];
        }
        int[] order = new int[p.size()];
        int[] fill = start.clone();
        for (int i = 0; i < p.size(); i++) {
            order[fill[tileOf[i]]++] = i;
        }
        // each square's sigma and weight; squares are independent, so on every core
        double[][] chosen = java.util.stream.IntStream.range(0, count.length)
                .parallel()
                .filter(t -> count[t] >= LOCAL_MIN_POINTS)
                .mapToObj(t -> {
                    int n = count[t];
                    double[] x = new double[n];
                    double[] y = new double[n];
                    double[] w = new double[n];
                    double total = 0;
                    for (int k = 0; k < n; k++) {
                        int i = order[start[t] + k];
                        x[k] = p.x()[i];
                        y[k] = p.y()[i];
                        w[k] = p.weight()[i];
                        total += w[k];
                    }
                    WeightedPoints tile = new WeightedPoints(x, y, w);
                    if (distinctLocations(tile) < 2) {
                        return null;
                    }
                    double x0 = window[0] + (t % columns) * LOCAL_TILE_METRES;
                    double y0 = window[1] + (t / columns) * LOCAL_TILE_METRES;
                    double[] square = {
                        x0, y0, Math.min(window[2], x0 + LOCAL_TILE_METRES), Math.min(window[3], y0 + LOCAL_TILE_METRES)
                    };
                    return new double[] {pplSigma(tile, square, LOCAL_SAMPLE), total};
                })
                .filter(java.util.Objects::nonNull)
                .toArray(double[][]::new);
        if (chosen.length == 0) {
            // too sparse for any square: the whole window, but no wider than a square's own search range allows
            return Math.min(pplSigma(p, window, PPL_SAMPLE), LOCAL_TILE_METRES * Math.sqrt(2) / 2);
        }
        double[] sigma = new double[chosen.length];
        double[] weight = new double[chosen.length];
        double total = 0;
        for (int k = 0; k < chosen.length; k++) {
            sigma[k] = chosen[k][0];
            weight[k] = chosen[k][1];
            total += weight[k];
        }
        return weightedMedian(sigma, weight, total);
    }

    static double arcgisRadius(WeightedPoints p) {
        double total = p.totalWeight();
        double mx = 0;
        double my = 0;
        for (int i = 0; i < p.size(); i++) {
            mx += p.weight()[i] * p.x()[i];
            my += p.weight()[i] * p.y()[i];
        }
        mx /= total;
        my /= total;
        double ss = 0;
        double[] distance = new double[p.size()];
        for (int i = 0; i < p.size(); i++) {
            double dx = p.x()[i] - mx;
            double dy = p.y()[i] - my;
            ss += p.weight()[i] * (dx * dx + dy * dy);
            distance[i] = Math.sqrt(dx * dx + dy * dy);
        }
        double standardDistance = Math.sqrt(ss / total);
        double medianDistance = weightedMedian(distance, p.weight(), total);
        double spread = Math.min(standardDistance, Math.sqrt(1 / Math.log(2)) * medianDistance);
        return 0.9 * spread * Math.pow(total, -0.2);
    }

    static double scottSigma(WeightedPoints p) {
        int n = p.size();
        double factor = Math.pow(n, -1.0 / 6.0);
        return Math.sqrt(sd(p.x()) * factor * sd(p.y()) * factor);
    }

    /** spatstat bw.ppl's sigma over the window, on a sample of at most sampleSize points (see {@link #PPL}). */
    static double pplSigma(WeightedPoints all, double[] window, int sampleSize) {
        WeightedPoints p = all.size() > sampleSize ? sample(all, sampleSize) : all;
        int n = p.size();
        double[] x = p.x();
        double[] y = p.y();
        double[] w = p.weight();
        double lo = smallestPositiveDistance(all);
        double hi = Math.max(Math.hypot(window[2] - window[0], window[3] - window[1]) / 2, lo * 2);
        double[] sigmas = new double[PPL_CANDIDATES];
        for (int k = 0; k < PPL_CANDIDATES; k++) {
            // spatstat's geomseq: exp of an even sequence of logs
            sigmas[k] = Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * k / (PPL_CANDIDATES - 1));
        }
        double[] looDensity = looDensities(x, y, w, sigmas);
        // the candidates are independent: score them on every core, then take the first maximum in candidate order
        double[] cv = java.util.stream.IntStream.range(0, PPL_CANDIDATES)
                .parallel()
                .mapToDouble(k -> {
                    double s = sigmas[k];
                    double interior = interiorMarginal(s);
                    double logLik = 0;
                    double integral = 0;
                    for (int i = 0; i < n; i++) {
                        double ex = inside(x[i], window[0], window[2], s);
                        double ey = inside(y[i], window[1], window[3], s);
                        // spatstat sums the logs unweighted (weights enter only the densities)
                        logLik += Math.log(looDensity[k * n + i] / (ex * ey));
                        integral += w[i]
                                * correctedMarginal(x[i], window[0], window[2], s, interior)
                                * correctedMarginal(y[i], window[1], window[3], s, interior);
                    }
                    return logLik - integral;
                })
                .toArray();
        double best = Double.NEGATIVE_INFINITY;
        double bestSigma = sigmas[PPL_CANDIDATES - 1];
        for (int k = 0; k < PPL_CANDIDATES; k++) {
            // first maximum wins, as R's which.max
            if (cv[k] > best) {
                best = cv[k];
                bestSigma = sigmas[k];
            }
        }
        return all.size() > n ? bestSigma * Math.pow((double) n / all.size(), 1.0 / 6.0) : bestSigma;
    }

    /** The Gaussian mass of sd s about v that falls in [min, max]: spatstat's exact edge weight on a rectangle. */
    private static double inside(double v, double min, double max, double s) {
        return normalCdf((max - v) / s) - normalCdf((min - v) / s);
    }

    private static final int CDF_STEPS_PER_UNIT = 1024;
    private static final double CDF_RANGE = 10;
    /**
     * The standard normal distribution function on [−10, 10] every 1/1024: the edge weights are called hundreds of
     * times per point and candidate, and a table read with linear interpolation (error under 3e-8, against values of
     * at least 0.5 per axis for a point inside the window) costs a few nanoseconds where erfc costs about a hundred.
     */
    private static final double[] CDF = java.util.stream.IntStream.rangeClosed(
                    0, (int) (2 * CDF_RANGE * CDF_STEPS_PER_UNIT))
            .mapToDouble(i -> STANDARD_NORMAL.cumulativeProbability(-CDF_RANGE + (double) i / CDF_STEPS_PER_UNIT))
            .toArray();

    static double normalCdf(double z) {
        if (!(z > -CDF_RANGE)) {
            return 0;
        }
        if (z >= CDF_RANGE) {
            return 1;
        }
        double t = (z + CDF_RANGE) * CDF_STEPS_PER_UNIT;
        int i = Math.min((int) t, CDF.length - 2);
        double f = t - i;
        return CDF[i] + f * (CDF[i + 1] - CDF[i]);
    }

    /**
     * Each point's leave-one-out density sum {@code Σ_{j≠i} wⱼ φσ(xᵢ − xⱼ)} for every candidate sigma, candidate-major.
     * Each pair's distance once, then every candidate; beyond 40 sigma exp() is below 1e-347 and underflows anyway.
     * The rows are split into one block per core, each with its own sums, added at the end.
     */
    private static double[] looDensities(double[] x, double[] y, double[] w, double[] sigmas) {
        int n = x.length;
        int blocks = Math.max(1, Math.min(n, 4 * Runtime.getRuntime().availableProcessors()));
        // equal numbers of pairs per block: row i has n − i − 1 pairs
        int[] start = new int[blocks + 1];
        double pairs = (double) n * (n - 1) / 2;
        for (int b = 1; b < blocks; b++) {
            double target = pairs * b / blocks;
            // rows before r hold r·n − r(r+1)/2 pairs; solve for r
            double r = n - 0.5 - Math.sqrt(Math.max(0, (n - 0.5) * (n - 0.5) - 2 * target));
            start[b] = Math.max(start[b - 1], Math.min(n, (int) Math.round(r)));
        }
        start[blocks] = n;
        double[] twoS2 = new double[sigmas.length];
        double[] norm = new double[sigmas.length];
        double[] cutoff = new double[sigmas.length];
        for (int k = 0; k < sigmas.length; k++) {
            double s2 = sigmas[k] * sigmas[k];
            twoS2[k] = 2 * s2;
            norm[k] = 1 / (2 * Math.PI * s2);
            cutoff[k] = 1600 * s2;
        }
        int candidates = sigmas.length;
        return java.util.stream.IntStream.range(0, blocks)
                .parallel()
                .mapToObj(b -> {
                    double[] sum = new double[candidates * n];
                    for (int i = start[b]; i < start[b + 1]; i++) {
                        for (int j = i + 1; j < n; j++) {
                            double d2 = sq(x[i] - x[j]) + sq(y[i] - y[j]);
                            for (int k = 0; k < candidates; k++) {
                                if (d2 < cutoff[k]) {
                                    double kv = Math.exp(-d2 / twoS2[k]) * norm[k];
                                    sum[k * n + i] += w[j] * kv;
                                    sum[k * n + j] += w[i] * kv;
                                }
                            }
                        }
                    }
                    return sum;
                })
                .reduce((a, b) -> {
                    for (int i = 0; i < a.length; i++) {
                        a[i] += b[i];
                    }
                    return a;
                })
                .orElseThrow();
    }

    /**
     * {@code ∫ φ_s(u − v) / e(u) du} over [min, max], e(u) the edge weight at u: one point's share of the integral of
     * the edge-corrected density along one axis (the Gaussian and the rectangle's edge weight both factor by axis).
     * Midpoint rule on 256 nodes over the part of ±8 s inside the window. A point more than 16.5 s from both edges has
     * every node at least 8.5 s inside, where e(u) is 1 to double precision (the Gaussian tail beyond 8.5 s is 1e-17),
     * so it takes {@code interior}, the same sum computed once per sigma.
     */
    private static double correctedMarginal(double v, double min, double max, double s, double interior) {
        if (v - min >= 16.5 * s && max - v >= 16.5 * s) {
            return interior;
        }
        double a = Math.max(min, v - 8 * s);
        double b = Math.min(max, v + 8 * s);
        if (b <= a) {
            return 0;
        }
        int nodes = 256;
        double step = (b - a) / nodes;
        double sum = 0;
        for (int k = 0; k < nodes; k++) {
            double u = a + (k + 0.5) * step;
            double z = (u - v) / s;
            sum += Math.exp(-0.5 * z * z) / inside(u, min, max, s);
        }
        return sum * step / (s * Math.sqrt(2 * Math.PI));
    }

    /** {@link #correctedMarginal} far from the edges: the midpoint rule over ±8 s with e(u) = 1. */
    private static double interiorMarginal(double s) {
        int nodes = 256;
        double step = 16 * s / nodes;
        double sum = 0;
        for (int k = 0; k < nodes; k++) {
            double z = (-8 * s + (k + 0.5) * step) / s;
            sum += Math.exp(-0.5 * z * z);
        }
        return sum * step / (s * Math.sqrt(2 * Math.PI));
    }

    /**
     * The smallest distance between two points at different locations, over every point (not the sample): sort by x
     * and compare each point only with those less than the best distance so far to its right.
     */
    static double smallestPositiveDistance(WeightedPoints p) {
        int n = p.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p.x()[a], p.x()[b]));
        double best2 = Double.POSITIVE_INFINITY;
        for (int a = 0; a < n; a++) {
            int i = order[a];
            for (int b = a + 1; b < n; b++) {
                int j = order[b];
                double dx = p.x()[j] - p.x()[i];
                if (dx * dx >= best2) {
                    break;
                }
                double d2 = dx * dx + sq(p.y()[j] - p.y()[i]);
                if (d2 > 0 && d2 < best2) {
                    best2 = d2;
                }
            }
        }
        return Math.sqrt(best2);
    }

    private static WeightedPoints sample(WeightedPoints p, int size) {
        SplittableRandom random = new SplittableRandom(PPL_SEED);
        int[] index = new int[p.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(index.length - i);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        double[] x = new double[size];
        double[] y = new double[size];
        double[] w = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = p.x()[index[i]];
            y[i] = p.y()[index[i]];
            w[i] = p.weight()[index[i]];
        }
        return new WeightedPoints(x, y, w);
    }

    private static int distinctLocations(WeightedPoints p) {
        for (int i = 1; i < p.size(); i++) {
            if (p.x()[i] != p.x()[0] || p.y()[i] != p.y()[0]) {
                return 2;
            }
        }
        return 1;
    }

    private static double weightedMedian(double[] values, double[] weights, double total) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double cumulative = 0;
        for (Integer i : order) {
            cumulative += weights[i];
            if (cumulative >= total / 2) {
                return values[i];
            }
        }
        return values[order[order.length - 1]];
    }

    private static double sd(double[] v) {
        double mean = 0;
        for (double d : v) {
            mean += d;
        }
        mean /= v.length;
        double ss = 0;
        for (double d : v) {
            ss += (d - mean) * (d - mean);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    private static double sq(double v) {
        return v * v;
    }
}
