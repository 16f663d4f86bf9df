package org.safemap.pack;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.safemap.map.ImageEncoder;

/**
 * One of the pack's drawn pictures (a map or the legend): its pixels, opaque, as drawn; its 256-colour indexed copy
 * (the pixels every format shows); and, for the formats that embed image files (HTML, DOCX), that copy as an 8-bit
 * PNG. The PDF takes the indexed pixels themselves ({@link PackPdf}), so a PDF pack never encodes or decodes a PNG.
 *
 * <p>Thread safe: the indexed copy and the PNG are each made once, by whichever thread asks first.
 */
final class MapPicture {
    private final String name;
    private final BufferedImage image;
    private BufferedImage indexed;
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

    /**
     * The picture in at most 256 colours ({@link BufferedImage#TYPE_BYTE_INDEXED}, {@link ImageEncoder#palette}):
     * the palette keeps a pack of a dozen maps small enough to e-mail, in every format.
     */
    synchronized BufferedImage indexed() {
        if (indexed == null) {
            indexed = ImageEncoder.palette(image);
        }
        return indexed;
    }

    /** {@link #indexed} as an 8-bit palette PNG, as the HTML and DOCX embed it. */
    synchronized byte[] png() {
        if (png == null) {
            png = ImageEncoder.png(indexed());
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
