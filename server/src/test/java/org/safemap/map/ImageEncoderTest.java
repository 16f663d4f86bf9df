package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageEncoderTest {
    /** A map-like picture: flat translucent fills, anti-aliased edges, noise in one corner, transparency elsewhere. */
    private static BufferedImage picture(int type, long seed) {
        BufferedImage image = new BufferedImage(256, 200, type);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Random rnd = new Random(seed);
        for (int k = 0; k < 40; k++) {
            g.setColor(new Color(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)));
            g.fill(new Ellipse2D.Double(rnd.nextInt(256), rnd.nextInt(200), 5 + rnd.nextInt(80), 5 + rnd.nextInt(80)));
        }
        g.dispose();
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 30; x++) {
                image.setRGB(x, y, rnd.nextInt());
            }
        }
        return image;
    }

    @Test
    void truecolourPngDecodesToTheImagesPixelsExactly() throws Exception {
        for (int type : new int[] {BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_INT_RGB}) {
            BufferedImage image = picture(type, 42 + type);
            byte[] png = ImageEncoder.truecolourPng(image);
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(back.getWidth()).isEqualTo(256);
            assertThat(back.getHeight()).isEqualTo(200);
            assertThat(back.getColorModel().hasAlpha()).isEqualTo(type == BufferedImage.TYPE_INT_ARGB);
            int[] want = image.getRGB(0, 0, 256, 200, null, 0, 256);
            int[] got = back.getRGB(0, 0, 256, 200, null, 0, 256);
            assertThat(got).isEqualTo(want);
        }
    }

    /** Large images are deflated in two halves joined into one stream; small ones in one: both decode exactly. */
    @Test
    void truecolourPngOfAnySizeDecodesExactly() throws Exception {
        for (int[] size : new int[][] {{40, 30}, {256, 256}, {301, 257}, {1024, 33}}) {
            int w = size[0];
            int h = size[1];
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = image.createGraphics();
            g.drawImage(picture(BufferedImage.TYPE_INT_ARGB, w * 31L + h), 0, 0, w, h, null);
            g.dispose();
            byte[] png = ImageEncoder.truecolourPng(image);
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(back.getRGB(0, 0, w, h, null, 0, w)).isEqualTo(image.getRGB(0, 0, w, h, null, 0, w));
            // The one IDAT chunk (it follows the 8-byte signature and the 25-byte IHDR) inflates to its end, with
            // the stream's Adler-32 checked: the rows and their filter bytes, nothing more.
            int length = java.nio.ByteBuffer.wrap(png, 33, 4).getInt();
            java.util.zip.Inflater inflater = new java.util.zip.Inflater();
            inflater.setInput(png, 41, length);
            byte[] raw = new byte[h * (4 * w + 1) + 1];
            int n = inflater.inflate(raw);
            assertThat(inflater.finished()).isTrue();
            assertThat(n).isEqualTo(h * (4 * w + 1));
            inflater.end();
        }
    }

    @Test
    void aMapAsPngIsTheTruecolourPng() {
        BufferedImage image = picture(BufferedImage.TYPE_INT_ARGB, 7);
        assertThat(ImageEncoder.encode(image, ImageEncoder.Format.PNG, true, Color.WHITE))
                .isEqualTo(ImageEncoder.truecolourPng(image));
    }
}
