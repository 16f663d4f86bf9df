package org.safemap.runs;

import java.time.YearMonth;
import java.util.Arrays;
import java.util.Optional;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.hotspot.Forecast;
import org.safemap.hotspot.Grid;
import org.safemap.time.Period;

/**
 * "Where next month": the {@link Forecast} of the month after a training selection, on a grid of square cells over
 * every loaded LSOA, fitted from the training months alone exactly as {@code evaluate --method forecast} fits it on
 * its grid level (the same places, surfaces and rolling-origin validation), so the map shows what the evaluation
 * scored. Costs a fit: seconds for a city, tens of seconds for a force; callers cache it.
 *
 * @param grid     the cells
 * @param score    each cell's forecast score (0..1, higher is hotter); NaN for cells outside every LSOA
 * @param topShare each cell's rank as a percentage of the study area: the share of the area scoring at least as high
 *                 (the hottest cell about 0.01 on a 100 m grid over a city); NaN outside the areas and where the score
 *                 is 0 (no incident near, nothing predicted)
 * @param fit      the settings chosen and their validation
 * @param month    the month forecast: the one after the training period's last
 * @param records  training records read
 */
public record ForecastMap(
        Grid grid, double[] score, double[] topShare, Forecast.Fit fit, YearMonth month, int records) {

    /** A forecast map's cell side when the layer names none: the 100 m grid the evaluation reports on. */
    public static final double DEFAULT_CELL_METRES = 100;

    /** The cell holding a location, or -1 outside the grid. */
    public int cellOf(double x, double y) {
        return grid.cellOf(x, y);
    }

    /** Mean hit rate at {@link Forecast#COVERAGE}% of the area over the validation months (PAI × coverage). */
    public double validationHitRate() {
        return fit.validationPai() * Forecast.COVERAGE / 100;
    }

    /**
     * Fits and forecasts.
     *
     * @param train      the training records (their period, categories and feeds); the month after is forecast
     * @param cellMetres the cell side
     */
    public static ForecastMap compute(DataSource dataSource, Selection train, double cellMetres) {
        StudyAreas areas = StudyAreas.load(dataSource, "lsoa", Optional.empty());
        if (areas.size() == 0) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "no LSOA boundaries are loaded to forecast over");
        }
        PointSelector.Selected selected = new PointSelector(dataSource).select(train, "lsoa", areas.index());
        double[] e = areas.envelope();
        Grid g = Grid.covering(e[0], e[1], e[2], e[3], cellMetres);
        if ((long) g.columns() * g.rows() > HotspotRunner.MAX_RUN_CELLS) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "the forecast's " + cellMetres + " m cells are too fine for the areas loaded");
        }
        int[] cellArea = HotspotRunner.rasterise(areas, g);
        int places = 0;
        int[] placeOfCell = new int[g.cellCount()];
        for (int c = 0; c < placeOfCell.length; c++) {
            placeOfCell[c] = cellArea[c] >= 0 ? places++ : -1;
        }
        double[] areaKm2 = new double[places];
        Arrays.fill(areaKm2, g.cellAreaKm2());
        int[] place = new int[selected.size()];
        for (int p = 0; p < place.length; p++) {
            int c = g.cellOf(selected.points().x()[p], selected.points().y()[p]);
            place[p] = c >= 0 ? placeOfCell[c] : -1;
        }
        int[] cellOfPlace = new int[places];
        for (int c = 0; c < placeOfCell.length; c++) {
            if (placeOfCell[c] >= 0) {
                cellOfPlace[placeOfCell[c]] = c;
            }
        }
        Forecast.Training training = EvaluateRunner.training(train.period(), selected, place, areaKm2, g, surface -> {
            double[] out = new double[cellOfPlace.length];
            for (int k = 0; k < out.length; k++) {
                out[k] = surface[cellOfPlace[k]];
            }
            return out;
        });
        Forecast.Fit fit = Forecast.fit(training);
        double[] byPlace = Forecast.score(training, fit.params());
        double[] share = topShares(byPlace);
        double[] score = new double[g.cellCount()];
        double[] top = new double[g.cellCount()];
        Arrays.fill(score, Double.NaN);
        Arrays.fill(top, Double.NaN);
        for (int k = 0; k < places; k++) {
            score[cellOfPlace[k]] = byPlace[k];
            top[cellOfPlace[k]] = share[k];
        }
        YearMonth last = YearMonth.from(train.period().to().minusSeconds(1).atZone(Period.LONDON));
        return new ForecastMap(g, score, top, fit, last.plusMonths(1), selected.size());
    }

    /**
     * For equal places, the percentage of them scoring at least as high as each (ties share the top of their group,
     * so a tied group is never split between two classes); NaN for a score of 0.
     */
    static double[] topShares(double[] score) {
        int n = score.length;
        double[] sorted = score.clone();
        Arrays.sort(sorted);
        // the first index of each value's group in ascending order: n minus it places score at least as high
        int[] groupStart = new int[n];
        for (int i = 0; i < n; i++) {
            groupStart[i] = i > 0 && sorted[i - 1] == sorted[i] ? groupStart[i - 1] : i;
        }
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            out[k] = score[k] > 0 ? 100.0 * (n - groupStart[Arrays.binarySearch(sorted, score[k])]) / n : Double.NaN;
        }
        return out;
    }
}
