package org.safemap.hotspot;

/**
 * A regular grid of square cells in EPSG:27700 metres, the frame every surface is computed on.
 *
 * <p>Cell (i, j) covers {@code [minX + i·cell, minX + (i+1)·cell) × [minY + j·cell, minY + (j+1)·cell)}; its value is
 * taken at the centre {@code (minX + (i + 0.5)·cell, minY + (j + 0.5)·cell)}. Cells are stored row-major from the
 * south-west corner: {@code index = j·columns + i}, so row 0 is the southernmost (image formats flip it on output).
 *
 * @param minX        west edge, metres
 * @param minY        south edge, metres
 * @param cellMetres  side of one cell, metres
 * @param columns     cells west to east
 * @param rows        cells south to north
 */
public record Grid(double minX, double minY, double cellMetres, int columns, int rows) {
    /** More cells than this (200 MB of doubles per surface) are refused rather than risking an out-of-memory. */
    public static final long MAX_CELLS = 25_000_000L;

    public Grid {
        if (!Double.isFinite(minX) || !Double.isFinite(minY)) {
            throw new IllegalArgumentException("grid origin must be finite, got " + minX + ", " + minY);
        }
        if (!(cellMetres > 0) || !Double.isFinite(cellMetres)) {
            throw new IllegalArgumentException("cell size must be a positive number of metres, got " + cellMetres);
        }
        if (columns < 1 || rows < 1) {
            throw new IllegalArgumentException(
                    "grid needs at least one column and one row, got " + columns + " x " + rows);
        }
        if ((long) columns * rows > MAX_CELLS) {
            throw new IllegalArgumentException("grid of " + columns + " x " + rows + " cells is more than the "
                    + MAX_CELLS + " allowed; use a larger cell size or a smaller extent");
        }
    }

    /**
     * The grid of {@code cellMetres} cells whose south-west corner is (minX, minY) and which covers the extent; when
     * a side is not a whole number of cells the last column or row reaches past maxX or maxY.
     */
    public static Grid covering(double minX, double minY, double maxX, double maxY, double cellMetres) {
        if (!(maxX > minX) || !(maxY > minY)) {
            throw new IllegalArgumentException(
                    "extent must have minx < maxx and miny < maxy, got " + minX + "," + minY + "," + maxX + "," + maxY);
        }
        if (!(cellMetres > 0) || !Double.isFinite(cellMetres)) {
            throw new IllegalArgumentException("cell size must be a positive number of metres, got " + cellMetres);
        }
        double columns = Math.ceil((maxX - minX) / cellMetres - 1e-9);
        double rows = Math.ceil((maxY - minY) / cellMetres - 1e-9);
        if (columns * rows > MAX_CELLS) {
            throw new IllegalArgumentException(String.format(
                    java.util.Locale.ROOT,
                    "grid of %.0f x %.0f cells is more than the %d allowed; use a larger cell size or a smaller extent",
                    columns,
                    rows,
                    MAX_CELLS));
        }
        return new Grid(minX, minY, cellMetres, (int) Math.max(1, columns), (int) Math.max(1, rows));
    }

    /** Cells along the shorter side of the extent when the analyst gives no cell size. */
    public static final int DEFAULT_CELLS_ON_SHORT_SIDE = 150;

    /**
     * The default cell size for an extent: its shorter side divided by {@value #DEFAULT_CELLS_ON_SHORT_SIDE}, rounded
     * down to whole metres when at least a metre, so a 15 km by 20 km district gets 100 m cells.
     */
    public static double defaultCellMetres(double minX, double minY, double maxX, double maxY) {
        double cell = Math.min(maxX - minX, maxY - minY) / DEFAULT_CELLS_ON_SHORT_SIDE;
        if (!(cell > 0)) {
            throw new IllegalArgumentException("extent has no area: " + minX + "," + minY + "," + maxX + "," + maxY);
        }
        return cell >= 1 ? Math.floor(cell) : cell;
    }

    public double maxX() {
        return minX + columns * cellMetres;
    }

    public double maxY() {
        return minY + rows * cellMetres;
    }

    public int cellCount() {
        return columns * rows;
    }

    /** Area of one cell in km². */
    public double cellAreaKm2() {
        return cellMetres * cellMetres / 1e6;
    }

    public double centreX(int column) {
        return minX + (column + 0.5) * cellMetres;
    }

    public double centreY(int row) {
        return minY + (row + 0.5) * cellMetres;
    }

    /** The column containing x, or -1 / columns when x lies west / east of the grid. */
    public int column(double x) {
        double c = Math.floor((x - minX) / cellMetres);
        return c < 0 ? -1 : c >= columns ? columns : (int) c;
    }

    /** The row containing y, or -1 / rows when y lies south / north of the grid. */
    public int row(double y) {
        double r = Math.floor((y - minY) / cellMetres);
        return r < 0 ? -1 : r >= rows ? rows : (int) r;
    }

    /** Index of the cell containing (x, y), or -1 when the point is outside the grid. */
    public int cellOf(double x, double y) {
        int i = column(x);
        int j = row(y);
        return i < 0 || i >= columns || j < 0 || j >= rows ? -1 : j * columns + i;
    }

    public int index(int column, int row) {
        return row * columns + column;
    }
}
