package org.safemap.hotspot;

import java.util.Arrays;

/**
 * Binary spatial weights in compressed-row form: the neighbours of location i are
 * {@code neighbours[offsets[i] .. offsets[i+1])}, sorted, without duplicates. Built symmetric from pairs (areas that
 * touch), from a grid (queen or rook cells) or from a distance band; {@link #directed} keeps one-way links (space-time
 * neighbours look back in time only).
 */
public record SpatialWeights(int size, int[] offsets, int[] neighbours) {
    public SpatialWeights {
        if (offsets.length != size + 1 || offsets[0] != 0 || offsets[size] != neighbours.length) {
            throw new IllegalArgumentException("offsets do not describe " + size + " locations");
        }
    }

    /** Symmetric weights from unordered pairs; duplicates and self-pairs are dropped. */
    public static SpatialWeights fromPairs(int n, int[] from, int[] to) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("pair arrays differ in length");
        }
        int[] a = new int[from.length * 2];
        int[] b = new int[from.length * 2];
        for (int k = 0; k < from.length; k++) {
            a[2 * k] = from[k];
            b[2 * k] = to[k];
            a[2 * k + 1] = to[k];
            b[2 * k + 1] = from[k];
        }
        return build(n, a, b, false);
    }

    /** One-way links from → to, as given (duplicates dropped, self-links kept). */
    public static SpatialWeights directed(int n, int[] from, int[] to) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("pair arrays differ in length");
        }
        return build(n, from, to, true);
    }

    /** Queen contiguity of grid cells (row-major, index j·columns + i): the up to 8 cells around each. */
    public static SpatialWeights gridQueen(int columns, int rows) {
        return grid(columns, rows, true);
    }

    /** Rook contiguity of grid cells: the up to 4 cells sharing an edge. */
    public static SpatialWeights gridRook(int columns, int rows) {
        return grid(columns, rows, false);
    }

    /**
     * Locations within {@code maxDistanceMetres} of each other (inclusive, as spdep's {@code dnearneigh(0, d)}),
     * found through a bucket grid of that size so the cost is locations × neighbours, not locations².
     */
    public static SpatialWeights distanceBand(double[] x, double[] y, double maxDistanceMetres) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y differ in length");
        }
        if (!(maxDistanceMetres > 0) || !Double.isFinite(maxDistanceMetres)) {
            throw new IllegalArgumentException("distance band must be a positive number of metres");
        }
        int n = x.length;
        if (n == 0) {
            return new SpatialWeights(0, new int[1], new int[0]);
        }
        double minX = Arrays.stream(x).min().getAsDouble();
        double minY = Arrays.stream(y).min().getAsDouble();
        double maxX = Arrays.stream(x).max().getAsDouble();
        double maxY = Arrays.stream(y).max().getAsDouble();
        double size = maxDistanceMetres;
        long bx = Math.max(1, (long) Math.floor((maxX - minX) / size) + 1);
        long by = Math.max(1, (long) Math.floor((maxY - minY) / size) + 1);
        if (bx * by > 4L * n + 1024) {
            // sparse points over a large extent: coarser buckets keep the table small
            size = Math.max(size, Math.sqrt((maxX - minX + 1) * (maxY - minY + 1) / (4.0 * n + 1024)));
            bx = Math.max(1, (long) Math.floor((maxX - minX) / size) + 1);
            by = Math.max(1, (long) Math.floor((maxY - minY) / size) + 1);
        }
        int columns = (int) bx;
        int rows = (int) by;
        int[] start = new int[columns * rows + 1];
        int[] bucket = new int[n];
        for (int i = 0; i < n; i++) {
            int c = (int) Math.min(columns - 1, (long) ((x[i] - minX) / size));
            int r = (int) Math.min(rows - 1, (long) ((y[i] - minY) / size));
            bucket[i] = r * columns + c;
            start[bucket[i] + 1]++;
        }
        for (int k = 0; k < columns * rows; k++) {
            start[k + 1] += start[k];
        }
        int[] members = new int[n];
        int[] fill = Arrays.copyOf(start, start.length);
        for (int i = 0; i < n; i++) {
            members[fill[bucket[i]]++] = i;
        }
        double d2 = maxDistanceMetres * maxDistanceMetres;
        int reach = (int) Math.ceil(maxDistanceMetres / size);
        int[] from = new int[Math.max(16, n * 4)];
        int[] to = new int[from.length];
        int count = 0;
        for (int i = 0; i < n; i++) {
            int c = bucket[i] % columns;
            int r = bucket[i] / columns;
            for (int rr = Math.max(0, r - reach); rr <= Math.min(rows - 1, r + reach); rr++) {
                for (int cc = Math.max(0, c - reach); cc <= Math.min(columns - 1, c + reach); cc++) {
                    int b = rr * columns + cc;
                    for (int k = start[b]; k < start[b + 1]; k++) {
                        int j = members[k];
                        if (j == i) {
                            continue;
                        }
                        double dx = x[i] - x[j];
                        double dy = y[i] - y[j];
                        if (dx * dx + dy * dy <= d2) {
                            if (count == from.length) {
                                from = Arrays.copyOf(from, count * 2);
                                to = Arrays.copyOf(to, count * 2);
                            }
                            from[count] = i;
                            to[count] = j;
                            count++;
                        }
                    }
                }
            }
        }
        return build(n, Arrays.copyOf(from, count), Arrays.copyOf(to, count), false);
    }

    /** The same weights with every location also its own neighbour, as Gi* (the starred statistic) requires. */
    public SpatialWeights withSelf() {
        int[] from = new int[neighbours.length + size];
        int[] to = new int[from.length];
        int k = 0;
        for (int i = 0; i < size; i++) {
            from[k] = i;
            to[k++] = i;
            for (int q = offsets[i]; q < offsets[i + 1]; q++) {
                from[k] = i;
                to[k++] = neighbours[q];
            }
        }
        return build(size, from, to, true);
    }

    public int neighbourCount(int i) {
        return offsets[i + 1] - offsets[i];
    }

    /** Locations with no neighbours (other than themselves). */
    public int[] islands() {
        return java.util.stream.IntStream.range(0, size)
                .filter(i -> {
                    for (int q = offsets[i]; q < offsets[i + 1]; q++) {
                        if (neighbours[q] != i) {
                            return false;
                        }
                    }
                    return true;
                })
                .toArray();
    }

    private static SpatialWeights grid(int columns, int rows, boolean queen) {
        if (columns < 1 || rows < 1) {
            throw new IllegalArgumentException("grid needs at least one cell");
        }
        int n = Math.multiplyExact(columns, rows);
        int[] offsets = new int[n + 1];
        int[] out = new int[n * (queen ? 8 : 4)];
        int k = 0;
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < columns; i++) {
                for (int dj = -1; dj <= 1; dj++) {
                    for (int di = -1; di <= 1; di++) {
                        if (di == 0 && dj == 0 || !queen && di != 0 && dj != 0) {
                            continue;
                        }
                        int ii = i + di;
                        int jj = j + dj;
                        if (ii >= 0 && jj >= 0 && ii < columns && jj < rows) {
                            out[k++] = jj * columns + ii;
                        }
                    }
                }
                offsets[j * columns + i + 1] = k;
            }
        }
        return new SpatialWeights(n, offsets, Arrays.copyOf(out, k));
    }

    /** Sorts the links by (from, to), drops duplicates and (unless kept) self-links, and packs them. */
    private static SpatialWeights build(int n, int[] from, int[] to, boolean keepSelf) {
        long[] keys = new long[from.length];
        int m = 0;
        for (int k = 0; k < from.length; k++) {
            int a = from[k];
            int b = to[k];
            if (a < 0 || b < 0 || a >= n || b >= n) {
                throw new IllegalArgumentException("link " + a + " -> " + b + " is outside 0.." + (n - 1));
            }
            if (a == b && !keepSelf) {
                continue;
            }
            keys[m++] = (long) a << 32 | b;
        }
        long[] sorted = Arrays.copyOf(keys, m);
        Arrays.sort(sorted);
        int[] offsets = new int[n + 1];
        int[] out = new int[m];
        int count = 0;
        long previous = -1;
        for (long key : sorted) {
            if (key == previous) {
                continue;
            }
            previous = key;
            int a = (int) (key >>> 32);
            out[count++] = (int) key;
            offsets[a + 1]++;
        }
        for (int i = 0; i < n; i++) {
            offsets[i + 1] += offsets[i];
        }
        return new SpatialWeights(n, offsets, Arrays.copyOf(out, count));
    }
}
