package org.safemap.map;

import org.safemap.sharing.DisclosureLevel;

/**
 * Layers drawn as a surface over the period asked for (density, its change, the forecast): timed, shown to whoever
 * sees the layer's feeds as aggregates or better, styled by a RasterSymbolizer, and shaped by the layer's own feeds
 * ({@link LayerKind#view}). Each reads the records themselves, so each draws only the hours and days asked for, each
 * record weighed as the hotspot engine weighs it ({@link org.safemap.runs.PointSelector.Weights}).
 */
public sealed interface SurfaceKind extends LayerKind permits DensityKind, DensityChangeKind, ForecastKind {
    @Override
    default boolean timed() {
        return true;
    }

    @Override
    default boolean timeOfWeek() {
        return true;
    }

    @Override
    default DisclosureLevel feedLevel() {
        return DisclosureLevel.AGGREGATES;
    }

    @Override
    default boolean raster() {
        return true;
    }
}
