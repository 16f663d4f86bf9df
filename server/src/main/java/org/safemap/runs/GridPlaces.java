package org.safemap.runs;

import java.util.ArrayList;
import java.util.List;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.SpatialWeights;

/** Grid cells used as places (evaluation and emerging hot spots on a grid): the cells inside the study areas. */
final class GridPlaces {
    private GridPlaces() {}

    /** For each cell, its place number, or -1 when its centre lies outside every study area. */
    static int[] places(int[] cellArea) {
        int[] place = new int[cellArea.length];
        int n = 0;
        for (int c = 0; c < cellArea.length; c++) {
            place[c] = cellArea[c] >= 0 ? n++ : -1;
        }
        return place;
    }

    /** A cell's stable name: its south-west corner in metres, "E334000N389250". */
    static String code(Grid g, int cell) {
        int i = cell % g.columns();
        int j = cell / g.columns();
        return "E" + Math.round(g.minX() + i * g.cellMetres()) + "N" + Math.round(g.minY() + j * g.cellMetres());
    }

    /** {minX, minY, maxX, maxY} of a cell. */
    static double[] bounds(Grid g, int cell) {
        int i = cell % g.columns();
        int j = cell / g.columns();
        double x = g.minX() + i * g.cellMetres();
        double y = g.minY() + j * g.cellMetres();
        return new double[] {x, y, x + g.cellMetres(), y + g.cellMetres()};
    }

    /** Queen neighbours among the grid cells that are places. */
    static SpatialWeights queen(Grid g, int[] placeOfCell, int places) {
        SpatialWeights all = SpatialWeights.gridQueen(g.columns(), g.rows());
        List<int[]> pairs = new ArrayList<>();
        for (int c = 0; c < placeOfCell.length; c++) {
            if (placeOfCell[c] < 0) {
                continue;
            }
            for (int q = all.offsets()[c]; q < all.offsets()[c + 1]; q++) {
                int d = all.neighbours()[q];
                if (placeOfCell[d] >= 0 && d > c) {
                    pairs.add(new int[] {placeOfCell[c], placeOfCell[d]});
                }
            }
        }
        return SpatialWeights.fromPairs(
                        places,
                        pairs.stream().mapToInt(p -> p[0]).toArray(),
                        pairs.stream().mapToInt(p -> p[1]).toArray())
                .withSelf();
    }
}
