package org.safemap.map;

import org.safemap.sharing.DisclosureLevel;

/**
 * Layers drawn as a surface over the period asked for (density, its change, the forecast): timed, shown to whoever
 * sees the layer's feeds as aggregates or better, styled by a RasterSymbolizer, and shaped by the layer's own feeds
 * ({@link LayerKind#view}).
 */
public sealed interface SurfaceKind extends LayerKind permits DensityKind, DensityChangeKind, ForecastKind {
    @Override
    default boolean timed() {
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
