package org.safemap.pack;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * One of the pack's drawn pictures (a map or the legend): its pixels, opaque, as drawn; and, for the formats that embed
 * image files (HTML, DOCX), its 8-bit PNG, encoded on first use. The PDF takes the pixels themselves ({@link PackPdf}),
 * so a PDF pack never makes the palette or the PNG.
 *
 * <p>Thread safe: the PNG is encoded once, by whichever thread asks first.
 */
final class MapPicture {
    private final String name;
    private final BufferedImage image;
    private byte[] png;

    /**
     * @param name unique in its pack, made of letters, digits and hyphens: how the PDF's markup refers to it
     * @param drawn the finished picture; every pixel opaque (the maps are drawn over the WMS's picture flattened on
     *     white, the legend on white), so dropping its alpha loses nothing
     */
    MapPicture(String name, BufferedImage drawn) {
        this.name = name;
        this.image = rgb(drawn);
    }

    String name() {
        return name;
    }

    /** The pixels, {@link BufferedImage#TYPE_INT_RGB}; not to be drawn on. */
    BufferedImage image() {
        return image;
    }

    int width() {
        return image.getWidth();
    }

    int height() {
        return image.getHeight();
    }

    /** The picture as an 8-bit palette PNG (which keeps an HTML or DOCX pack of a dozen maps small to e-mail). */
    synchronized byte[] png() {
        if (png == null) {
            png = PackMaps.png(image);
        }
        return png;
    }

    /** The same pixels without an alpha channel, so the PDF embeds no soft mask for an opaque picture. */
    private static BufferedImage rgb(BufferedImage drawn) {
        if (drawn.getType() == BufferedImage.TYPE_INT_RGB) {
            return drawn;
        }
        BufferedImage rgb = new BufferedImage(drawn.getWidth(), drawn.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(drawn, 0, 0, null);
        g.dispose();
        return rgb;
    }
}
