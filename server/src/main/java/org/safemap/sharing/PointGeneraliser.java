package org.safemap.sharing;

/**
 * Reduced spatial precision: a point moved to the centre of its square on a grid of {@code precisionM} metres
 * anchored at the British National Grid origin (EPSG:27700). Every record in a square lands on the same spot, so a
 * map shows how many records a square holds but not where in it they are. Stable: the same point always gives the
 * same centre, whatever the request; a point on a square's lower or left edge belongs to that square.
 */
public final class PointGeneraliser {
    private final double precisionM;

    public PointGeneraliser(double precisionM) {
        if (!(precisionM > 0)) {
            throw new IllegalArgumentException("precision must be positive metres");
        }
        this.precisionM = precisionM;
    }

    public double precisionM() {
        return precisionM;
    }

    /** The centre of the square holding coordinate {@code v} (an easting or a northing), metres. */
    public double snap(double v) {
        return (Math.floor(v / precisionM) + 0.5) * precisionM;
    }

    /** Snaps {@code n} points in place, eastings and northings. */
    public void snap(double[] x, double[] y, int n) {
        for (int k = 0; k < n; k++) {
            x[k] = snap(x[k]);
            y[k] = snap(y[k]);
        }
    }
}
