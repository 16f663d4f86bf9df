package org.safemap.map;

import java.awt.Graphics2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.safemap.geo.Crs;
import org.safemap.hotspot.Forecast;
import org.safemap.runs.ForecastMap;
import org.safemap.sharing.DisclosureLevel;

/**
 * "Where next month": the {@link Forecast} of the month after the period asked for (TIME is the training window),
 * on 100 m cells, drawn as the share of the area scoring at least as high as each cell, so a colour class is "the
 * hottest 5% of the area". The fit reads the training window alone and is cached per data version; its rolling-origin
 * validation (hit rate and PAI at 5% of the area) heads the legend ({@link #legendLines}).
 *
 * <p>Shown to whoever may see the matching density layer (the same feed level, aggregates, and the same view), but
 * drawn only from the feeds the requester sees as points: a forecast ranks single 100 m cells by their own count, so
 * it shows where records are as a point map would, and a surface guarded by a minimum count (as density is) would
 * still rank the guarded cells. A requester who sees no feed of the layer as points gets an empty map.
 */
public record ForecastKind() implements SurfaceKind {
    /** How long a request waits for another forecast's fit to finish before it is told to come back. */
    static final int FIT_WAIT_SECONDS = 5;

    /**
     * Months of the default TIME, the training window when a request names none: the latest year with records (or
     * all of them if fewer), so the default forecast is validated on earlier months and its legend says how it did.
     */
    static final int DEFAULT_TRAINING_MONTHS = 12;

    @Override
    public String code() {
        return "forecast";
    }

    @Override
    public TimeDimension defaultTime(MapState state) {
        java.time.YearMonth first = state.lastMonth().minusMonths(DEFAULT_TRAINING_MONTHS - 1);
        return TimeDimension.months(first.isBefore(state.firstMonth()) ? state.firstMonth() : first, state.lastMonth());
    }

    /**
     * The lines a validated legend for {@code time} carries, with placeholder figures: its size is the one
     * capabilities announce for the legend link, which states the real figures once the forecast is fitted (a
     * GetCapabilities must not fit one).
     */
    static List<String> typicalLegendLines(TimeDimension time) {
        int validated = Math.min(Forecast.ORIGINS, time.months() - 1);
        if (validated < 1) {
            return List.of(
                    "Forecast for " + monthName(time.lastMonth().plusMonths(1)),
                    "Not validated: a forecast trained on one month has no earlier month to be checked on;",
                    "choose two months or more");
        }
        return List.of(
                "Forecast for " + monthName(time.lastMonth().plusMonths(1)),
                String.format(
                        Locale.ROOT,
                        "Validated on %d earlier month%s: hit rate 50.0%%, PAI 10.00",
                        validated,
                        validated == 1 ? "" : "s"),
                String.format(Locale.ROOT, "at %.0f%% of the area", Forecast.COVERAGE));
    }

    private static String monthName(java.time.YearMonth month) {
        return month.getMonth().getDisplayName(java.time.format.TextStyle.FULL, Locale.UK) + " " + month.getYear();
    }

    @Override
    public void draw(
            LayerData data, LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g) {
        SldStyle.Raster raster = style.raster();
        ForecastMap f = forecast(data, layer, dims);
        if (raster == null || f == null) {
            return;
        }
        new ColorRamp(raster).draw(values(f, view), view, g);
    }

    /** Each pixel's cell's share of the area as hot or hotter (percent), NaN where nothing is forecast. */
    static float[] values(ForecastMap f, MapView view) {
        Crs.Transform t = view.crs().crs() == Crs.BNG ? null : view.crs().crs().to(Crs.BNG);
        float[] out = new float[view.width() * view.height()];
        double[] p = new double[2];
        for (int j = 0; j < view.height(); j++) {
            for (int i = 0; i < view.width(); i++) {
                p[0] = view.centreX(i);
                p[1] = view.centreY(j);
                if (t != null) {
                    t.apply(p[0], p[1], p);
                }
                int c = f.cellOf(p[0], p[1]);
                out[j * view.width() + i] = c >= 0 ? (float) f.topShare()[c] : Float.NaN;
            }
        }
        return out;
    }

    @Override
    public List<Map<String, Object>> info(
            LayerData data, LayerCatalogue.Layer layer, LayerDims dims, MapView view, double[] bng, int count) {
        ForecastMap f = forecast(data, layer, dims);
        if (f == null) {
            return List.of();
        }
        int c = f.cellOf(bng[0], bng[1]);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("month", f.month().toString());
        p.put("trained_on", dims.time().text());
        p.put("hours", dims.hoursText());
        p.put("weekdays", dims.weekdaysText());
        double top = c >= 0 ? f.topShare()[c] : Double.NaN;
        p.put("top_share_percent", Double.isNaN(top) ? null : LayerData.round(top));
        p.put("score", c >= 0 && !Double.isNaN(f.score()[c]) ? LayerData.round(f.score()[c]) : null);
        p.put("cell_metres", f.grid().cellMetres());
        Forecast.Params params = f.fit().params();
        p.put("recency_months", Double.isInfinite(params.recencyMonths()) ? "none" : params.recencyMonths());
        p.put("sigma_metres", params.sigmaMetres());
        p.put("blend", params.shrinkShape() > 0 ? "shrinkage" : params.blend());
        p.put("shrink_shape", params.shrinkShape());
        p.put("second_sigma_metres", params.secondScale().sigmaMetres());
        p.put("second_share", params.secondScale().share());
        p.put("near_repeat_share", params.nearRepeat().share());
        p.put("near_repeat_months", params.nearRepeat().months());
        p.put("near_repeat_metres", params.nearRepeat().metres());
        p.put("validation_months", f.fit().validationMonths().size());
        p.put("validation_hit_rate_5", finite(f.validationHitRate()));
        p.put("validation_pai_5", finite(f.fit().validationPai()));
        p.put("training_records", f.records());
        p.put("validation", String.join(" ", legendLines(f)));
        p.put("x", LayerData.round(bng[0]));
        p.put("y", LayerData.round(bng[1]));
        return List.of(p);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? LayerData.round(v) : null;
    }

    /**
     * The legend's statement of the forecast: the month it is for and what its rolling-origin validation scored (the
     * mean over the validation months of the hit rate and PAI at 5% of the area), or that nothing could be validated.
     */
    static List<String> legendLines(ForecastMap f) {
        List<String> lines = new ArrayList<>();
        lines.add("Forecast for " + monthName(f.month()));
        int months = f.fit().validationMonths().size();
        if (months == 0 || !Double.isFinite(f.fit().validationPai())) {
            lines.add("Not validated: a forecast trained on one month has no earlier month to be checked on;");
            lines.add("choose two months or more");
        } else {
            lines.add(String.format(
                    Locale.ROOT,
                    "Validated on %d earlier month%s: hit rate %.1f%%, PAI %.2f",
                    months,
                    months == 1 ? "" : "s",
                    100 * f.validationHitRate(),
                    f.fit().validationPai()));
            lines.add(String.format(Locale.ROOT, "at %.0f%% of the area", Forecast.COVERAGE));
        }
        return lines;
    }

    /**
     * The forecast this requester sees (their points-level feeds of the layer), fitted once per data version and
     * selection; null when there is no period or no such feed.
     */
    static ForecastMap forecast(LayerData data, LayerCatalogue.Layer layer, LayerDims dims) {
        if (dims.time() == null) {
            return null;
        }
        List<String> feeds = LayerData.feeds(dims, DisclosureLevel.POINTS);
        if (feeds.isEmpty()) {
            return null; // an empty feed list would select every feed
        }
        String key = data.version() + "|" + layer.name() + "|" + dims.time().text() + "|"
                + String.join(",", dims.categories()) + "|" + String.join(",", feeds) + "|" + dims.hoursText() + "|"
                + dims.weekdaysText();
        ForecastMap fitted = data.forecasts.getIfPresent(key);
        if (fitted != null) {
            return fitted;
        }
        // One fit at a time, whoever asks: a fit costs seconds to tens of seconds of a core, and anyone (the public
        // too) can name a new period or category, so unbounded fits would take every core from the other maps.
        try {
            if (!data.fitting.tryAcquire(FIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new OgcException(
                        "ServerBusy", null, "the server is fitting another forecast; try again in a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OgcException("ServerBusy", null, "interrupted while waiting to fit a forecast");
        }
        try {
            return data.forecasts.get(
                    key,
                    k -> data.store()
                            .forecast(
                                    data.filter(layer, dims, DisclosureLevel.POINTS), ForecastMap.DEFAULT_CELL_METRES));
        } finally {
            data.fitting.release();
        }
    }
}
