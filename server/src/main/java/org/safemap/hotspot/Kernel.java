package org.safemap.hotspot;

import java.util.Locale;

/**
 * The kernels a density surface can be built with, each normalised so that it integrates to 1 over the plane.
 *
 * <p>For distance d and bandwidth h (metres) the density contribution of one point, per m², is:
 * <ul>
 * <li>quartic {@code 3/(πh²)·(1−d²/h²)²}, d &lt; h (Silverman 1986 eq. 4.5; ArcGIS, QGIS and CrimeStat's default)</li>
 * <li>Epanechnikov {@code 2/(πh²)·(1−d²/h²)}, d &lt; h</li>
 * <li>triangular {@code 3/(πh²)·(1−d/h)}, d &lt; h</li>
 * <li>uniform {@code 1/(πh²)}, d &lt; h</li>
 * <li>Gaussian {@code 1/(2πh²)·exp(−d²/(2h²))}, h the standard deviation of each coordinate (spatstat's sigma),
 *     evaluated to {@link #GAUSSIAN_SUPPORT_SIGMAS}·h, where less than 3·10⁻¹¹ of its mass lies beyond</li>
 * </ul>
 * Multiply by 10⁶ for incidents per km².
 */
public enum Kernel {
    QUARTIC,
    GAUSSIAN,
    EPANECHNIKOV,
    TRIANGULAR,
    UNIFORM;

    /** Gaussian kernels are summed out to this many standard deviations (the issue asks for at least 7). */
    public static final double GAUSSIAN_SUPPORT_SIGMAS = 7.0;

    /** The lower-case name used on the command line, in the API and in stored runs. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Kernel fromCode(String code) {
        for (Kernel k : values()) {
            if (k.code().equalsIgnoreCase(code.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kernel '" + code + "'; expected one of quartic, gaussian, "
                + "epanechnikov, triangular, uniform");
    }

    /** The distance beyond which a point contributes nothing, in metres. */
    public double supportRadius(double bandwidthMetres) {
        return this == GAUSSIAN ? GAUSSIAN_SUPPORT_SIGMAS * bandwidthMetres : bandwidthMetres;
    }

    /** The constant in front of the kernel's shape, per m², for bandwidth h: 3/(πh²) for quartic and so on. */
    public double normalisation(double h) {
        double h2 = h * h;
        return switch (this) {
            case QUARTIC, TRIANGULAR -> 3.0 / (Math.PI * h2);
            case EPANECHNIKOV -> 2.0 / (Math.PI * h2);
            case UNIFORM -> 1.0 / (Math.PI * h2);
            case GAUSSIAN -> 1.0 / (2.0 * Math.PI * h2);
        };
    }

    /** The kernel's value per m² at squared distance d2 for bandwidth h; zero at and beyond the support. */
    public double density(double d2, double h) {
        double h2 = h * h;
        double c = normalisation(h);
        return switch (this) {
            case QUARTIC -> d2 < h2 ? c * square(1 - d2 / h2) : 0;
            case EPANECHNIKOV -> d2 < h2 ? c * (1 - d2 / h2) : 0;
            case TRIANGULAR -> d2 < h2 ? c * (1 - Math.sqrt(d2) / h) : 0;
            case UNIFORM -> d2 < h2 ? c : 0;
            case GAUSSIAN -> {
                double r = GAUSSIAN_SUPPORT_SIGMAS * h;
                yield d2 < r * r ? c * Math.exp(-d2 / (2 * h2)) : 0;
            }
        };
    }

    /**
     * The standard deviation of one coordinate under this kernel with bandwidth h, used to put bandwidth rules stated
     * for one kernel (spatstat's sigma) onto another: quartic h/√8, Epanechnikov h/√6, triangular h·√0.15, uniform
     * h/2, Gaussian h.
     */
    public double sigma(double h) {
        return switch (this) {
            case QUARTIC -> h / Math.sqrt(8);
            case EPANECHNIKOV -> h / Math.sqrt(6);
            case TRIANGULAR -> h * Math.sqrt(0.15);
            case UNIFORM -> h / 2;
            case GAUSSIAN -> h;
        };
    }

    /** The bandwidth giving this kernel the standard deviation sigma; the inverse of {@link #sigma}. */
    public double bandwidthForSigma(double sigma) {
        return sigma * sigma / sigma(sigma);
    }

    private static double square(double v) {
        return v * v;
    }
}
