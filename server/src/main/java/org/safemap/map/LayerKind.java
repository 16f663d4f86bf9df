package org.safemap.map;

import java.awt.Graphics2D;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.FeedView;
import org.safemap.sharing.Principal;

/**
 * What a catalogue layer is, and so how it is drawn: one class per kind, each owning its dimensions, the feeds it
 * draws and whom it is shown to, its picture and its GetFeatureInfo answer. The catalogue's {@code kind} string is
 * read once ({@link #parse}); everything after asks the kind, never compares strings. Legends are drawn from the
 * layer's SLD style alone ({@link LegendGraphic}), the same for every kind.
 */
public sealed interface LayerKind permits AreaKind, PointsKind, SurfaceKind {
    AreasKind AREAS = new AreasKind();
    PointsKind POINTS = new PointsKind();
    DensityKind DENSITY = new DensityKind();
    AreaCountsKind AREA_COUNTS = new AreaCountsKind();
    RunAreasKind RUN_AREAS = new RunAreasKind();
    DeprivationKind DEPRIVATION = new DeprivationKind();
    DensityChangeKind DENSITY_CHANGE = new DensityChangeKind();
    AreaChangeKind AREA_CHANGE = new AreaChangeKind();
    ForecastKind FORECAST = new ForecastKind();

    /** Every kind, in the catalogue's spelling order. */
    List<LayerKind> ALL =
            List.of(AREAS, POINTS, DENSITY, AREA_COUNTS, RUN_AREAS, DEPRIVATION, DENSITY_CHANGE, AREA_CHANGE, FORECAST);

    /** The catalogue's (and the viewer's) name of the kind. */
    @com.fasterxml.jackson.annotation.JsonValue
    String code();

    /** The kind of that catalogue name, or null. */
    static LayerKind parse(String code) {
        for (LayerKind k : ALL) {
            if (k.code().equals(code)) {
                return k;
            }
        }
        return null;
    }

    /** Whether the layer takes TIME, DIM_CATEGORY and DIM_FEED. */
    default boolean timed() {
        return false;
    }

    /**
     * TIME when a request names none, as capabilities advertise it: the latest month with records. Only called when
     * some month has records.
     */
    default TimeDimension defaultTime(MapState state) {
        return TimeDimension.months(state.lastMonth(), state.lastMonth());
    }

    /**
     * Whether the layer draws any run of days TIME asks for (surfaces and points, which select records by their
     * time), rather than whole months only (the published monthly count tables, and the forecast, a model of months).
     */
    default boolean drawsDays() {
        return false;
    }

    /**
     * Whether the layer draws only the records of the hours and days asked for (DIM_HOURS, DIM_WEEKDAYS): surfaces read
     * from the records themselves. Count tables are published by month and have no hours; a request's hours are not
     * applied to them, and their feature info says so.
     */
    default boolean timeOfWeek() {
        return false;
    }

    /** Whether the layer compares TIME with an earlier period, DIM_BASELINE (change layers; always timed too). */
    default boolean compares() {
        return false;
    }

    /**
     * Whether DIM_CATEGORY takes the place of the layer's own groups (count tables, which add up whatever categories
     * are asked) rather than narrowing them (surfaces and points).
     */
    default boolean categoriesReplaceGroups() {
        return false;
    }

    /**
     * The level at which a requester must see a feed for the layer to draw it (points: reduced or better; counts
     * and surfaces: aggregates or better), or null for layers that hold no partner data.
     */
    DisclosureLevel feedLevel();

    /**
     * How far beyond the incidents the layer's picture can reach, metres, whatever the period and filters: a map of
     * a place farther than that from every record is empty, so a client need not ask for it
     * ({@link MapState#lonLatBounds}). Empty when the picture is not bounded that way (areas, forecast cells).
     */
    default OptionalDouble reachMetres(LayerCatalogue.Layer layer) {
        return OptionalDouble.empty();
    }

    /** Whether styles of the layer are RasterSymbolizers (a surface) rather than feature symbolizers. */
    default boolean raster() {
        return false;
    }

    /**
     * The dimensions of one request for the layer.
     *
     * @param params request parameters, keys upper-case
     * @param runs   completed runs of the layer, newest first (run layers only; read lazily)
     */
    default LayerDims dims(
            LayerCatalogue.Layer layer,
            Map<String, String> params,
            MapState state,
            java.util.function.Supplier<List<Long>> runs) {
        LayerDims d = compares()
                ? LayerDims.compared(layer, params, state)
                : timed() ? LayerDims.timed(layer, params, state) : LayerDims.NONE;
        // Hours and days are checked on every timed layer (a misspelt value is an error wherever it is sent), and
        // kept only where they narrow what is drawn, so the other layers' pictures and caches do not vary with them.
        return timeOfWeek() ? d : d.everyHour();
    }

    /**
     * The requester's level for each feed that shapes the layer's picture, so equal views share cached pictures: by
     * default the layer's feeds (narrowed by DIM_FEED, every known feed when it names none).
     */
    default FeedView view(MapAudience audience, Principal who, LayerDims dims, MapState state) {
        return audience.policy().view(who, dims.feeds().isEmpty() ? audience.knownFeeds(state) : dims.feeds());
    }

    /**
     * The feeds {@code who}'s picture leaves out with these dimensions because the selection is finer than those feeds
     * are published at ({@link LayerData#feeds}): only surfaces drawn from the records, which take days and hours.
     */
    default Withheld withheld(LayerDims dims) {
        return Withheld.NONE;
    }

    /** Draws the layer into a map view. */
    void draw(LayerData data, LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g);

    /** GetFeatureInfo at one point ({@code bng}, British National Grid): at most {@code count} features. */
    List<Map<String, Object>> info(
            LayerData data, LayerCatalogue.Layer layer, LayerDims dims, MapView view, double[] bng, int count);
}
