package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * Legend images state their units: the style's title is drawn on its own row under the layer's title. Checked by
 * drawing the expected words with the same font at the same place and comparing the heading's pixels, which a
 * legend without the units row, or with other words in it, does not match.
 */
class LegendGraphicTest {
    private static final LayerCatalogue CATALOGUE = LayerCatalogue.load();

    @Test
    void densityRateAndChangeLegendsCarryTheirUnits() {
        assertUnits("density-all", "density", "Density (incidents per km² per month)");
        assertUnits("incident-counts", "rates", "Incidents per 1,000 residents per month");
        assertUnits("density-change", "density-change", "Change in incidents per km² per month");
    }

    @Test
    void theComparisonTellsOtherWordsApart() {
        LayerCatalogue.Layer layer = CATALOGUE.layer("incident-counts");
        BufferedImage legend =
                LegendGraphic.draw(layer.title(), layer.style("rates").style());
        assertThat(headingMatches(legend, layer.title(), "Incidents per month")).isFalse();
        assertThat(headingMatches(legend, layer.title(), null)).isFalse();
        assertThat(headingMatches(legend, layer.title(), "Incidents per 1,000 residents per month"))
                .isTrue();
    }

    private static void assertUnits(String layerName, String styleName, String units) {
        LayerCatalogue.Layer layer = CATALOGUE.layer(layerName);
        SldStyle style = layer.style(styleName).style();
        assertThat(LegendGraphic.units(style)).isEqualTo(units);
        BufferedImage legend = LegendGraphic.draw(layer.title(), style);
        assertThat(headingMatches(legend, layer.title(), units)).as(layerName).isTrue();
    }

    /** Whether the legend's two heading rows are exactly the title and {@code units} drawn as the legend draws. */
    private static boolean headingMatches(BufferedImage legend, String title, String units) {
        BufferedImage expected = new BufferedImage(legend.getWidth(), legend.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = expected.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, expected.getWidth(), expected.getHeight());
        g.setColor(LegendGraphic.INK);
        g.setFont(LegendGraphic.titleFont());
        g.drawString(title, LegendGraphic.TITLE_X, LegendGraphic.TITLE_BASELINE);
        if (units != null) {
            g.setFont(LegendGraphic.unitsFont());
            g.drawString(units, LegendGraphic.TITLE_X, LegendGraphic.TITLE_BASELINE + LegendGraphic.ROW);
        }
        g.dispose();
        // The heading: from the top to just above the first swatch row.
        int bottom = LegendGraphic.TITLE_BASELINE + LegendGraphic.ROW + 4;
        int ink = 0;
        for (int y = 0; y < bottom; y++) {
            for (int x = 0; x < legend.getWidth(); x++) {
                if (legend.getRGB(x, y) != expected.getRGB(x, y)) {
                    return false;
                }
                ink += expected.getRGB(x, y) != Color.WHITE.getRGB() ? 1 : 0;
            }
        }
        return ink > 0;
    }
}
