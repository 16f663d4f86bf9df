package org.safemap.map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The median cut's palette is the textbook algorithm's, colour for colour: compared with a direct transcription
 * (every box's widest channel measured again before each split, a stable comparison sort), which it replaced for
 * speed. Tasking packs and PNG8 maps must not change by a pixel.
 */
class MedianCutTest {
    @Test
    void samePaletteAsTheDirectAlgorithm() {
        Random random = new Random(19);
        for (int trial = 0; trial < 6; trial++) {
            int[] pixels = trial % 2 == 0 ? drawn(300 + 97 * trial, 200 + 31 * trial, random) : noise(70_000, random);
            assertArrayEquals(reference(pixels.clone(), 256), ImageEncoder.MedianCut.palette(pixels.clone(), 256));
        }
    }

    /**
     * The indexed image is, byte for byte, what the direct way makes (every pixel through getRGB, distinct colours by
     * a stream, each pixel's index through a map of boxed integers), for an ARGB map with a few clear pixels, its
     * opaque RGB copy, and a picture of few colours (an exact palette).
     */
    @Test
    void indexedImageAsTheDirectWayMakesIt() {
        Random random = new Random(23);
        int w = 420;
        int h = 310;
        int[] pixels = drawn(w, h, random);
        for (int k = 0; k < pixels.length; k += 997) {
            pixels[k] = 0x00FF00FF; // clear: one palette entry, whatever its colour
        }
        BufferedImage argb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, w, h, pixels, 0, w);
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.drawImage(argb, 0, 0, null);
        g.dispose();
        BufferedImage few = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int k = 0; k < w * h; k++) {
            few.setRGB(k % w, k / w, k % 7 == 0 ? 0x102030 : k % 5 == 0 ? 0xA0B0C0 : 0xFFFFFF);
        }
        for (BufferedImage image : List.of(argb, rgb, few)) {
            BufferedImage want = directIndexed(image);
            BufferedImage got = ImageEncoder.palette(image);
            java.awt.image.IndexColorModel a = (java.awt.image.IndexColorModel) want.getColorModel();
            java.awt.image.IndexColorModel b = (java.awt.image.IndexColorModel) got.getColorModel();
            assertEquals(a.getMapSize(), b.getMapSize());
            int[] pa = new int[a.getMapSize()];
            int[] pb = new int[b.getMapSize()];
            a.getRGBs(pa);
            b.getRGBs(pb);
            assertArrayEquals(pa, pb);
            assertArrayEquals(
                    ((java.awt.image.DataBufferByte) want.getRaster().getDataBuffer()).getData(),
                    ((java.awt.image.DataBufferByte) got.getRaster().getDataBuffer()).getData());
        }
    }

    /** The palette step as it was first written, for the comparison above. */
    private static BufferedImage directIndexed(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] pixels = image.getRGB(0, 0, w, h, null, 0, w);
        for (int k = 0; k < pixels.length; k++) {
            if (pixels[k] >>> 24 == 0) {
                pixels[k] = 0;
            }
        }
        int[] distinct = Arrays.stream(pixels).distinct().limit(257).toArray();
        int[] palette = distinct.length <= 256 ? distinct : reference(pixels.clone(), 256);
        java.util.Map<Integer, Integer> index = new java.util.HashMap<>();
        byte[] r = new byte[palette.length];
        byte[] gr = new byte[palette.length];
        byte[] b = new byte[palette.length];
        byte[] a = new byte[palette.length];
        for (int k = 0; k < palette.length; k++) {
            r[k] = (byte) (palette[k] >> 16);
            gr[k] = (byte) (palette[k] >> 8);
            b[k] = (byte) palette[k];
            a[k] = (byte) (palette[k] >>> 24);
            index.put(palette[k], k);
        }
        BufferedImage out = new BufferedImage(
                w,
                h,
                BufferedImage.TYPE_BYTE_INDEXED,
                new java.awt.image.IndexColorModel(8, palette.length, r, gr, b, a));
        byte[] data = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int k = 0; k < pixels.length; k++) {
            data[k] = (byte) (int) index.computeIfAbsent(pixels[k], p -> ImageEncoder.MedianCut.nearest(palette, p));
        }
        return out;
    }

    @Test
    void fewColoursMakeFewBoxes() {
        int[] pixels = new int[5000];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = k % 3 == 0 ? 0xFF102030 : 0xFFA0B0C0;
        }
        int[] palette = ImageEncoder.MedianCut.palette(pixels, 256);
        assertEquals(2, palette.length);
        assertArrayEquals(reference(pixels.clone(), 256), palette);
    }

    private static int[] drawn(int w, int h, Random random) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(255, 255, 200), w, h, new Color(120, 0, 40)));
        g.fillRect(0, 0, w, h);
        for (int k = 0; k < 40; k++) {
            g.setColor(
                    new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), 60 + random.nextInt(196)));
            g.fillOval(random.nextInt(w), random.nextInt(h), 5 + random.nextInt(80), 5 + random.nextInt(80));
        }
        g.dispose();
        return img.getRGB(0, 0, w, h, null, 0, w);
    }

    private static int[] noise(int n, Random random) {
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            out[k] = random.nextInt();
        }
        return out;
    }

    /** The algorithm as first written in ImageEncoder: the independent reference. */
    private static int[] reference(int[] pixels, int size) {
        int stride = Math.max(1, pixels.length / 65_536);
        int[] colours = new int[(pixels.length + stride - 1) / stride];
        for (int k = 0; k < colours.length; k++) {
            colours[k] = pixels[k * stride];
        }
        List<int[]> boxes = new ArrayList<>();
        boxes.add(new int[] {0, colours.length});
        while (boxes.size() < size) {
            int best = -1;
            int bestRange = 0;
            int bestChannel = 0;
            for (int k = 0; k < boxes.size(); k++) {
                int[] box = boxes.get(k);
                for (int shift = 0; shift < 32; shift += 8) {
                    int range = range(colours, box[0], box[1], shift);
                    if (range > bestRange) {
                        bestRange = range;
                        best = k;
                        bestChannel = shift;
                    }
                }
            }
            if (best < 0) {
                break;
            }
            int[] box = boxes.remove(best);
            int shift = bestChannel;
            Integer[] slice = new Integer[box[1] - box[0]];
            for (int k = 0; k < slice.length; k++) {
                slice[k] = colours[box[0] + k];
            }
            Arrays.sort(slice, (p, q) -> Integer.compare(p >>> shift & 0xFF, q >>> shift & 0xFF));
            for (int k = 0; k < slice.length; k++) {
                colours[box[0] + k] = slice[k];
            }
            int mid = box[0] + slice.length / 2;
            boxes.add(new int[] {box[0], mid});
            boxes.add(new int[] {mid, box[1]});
        }
        int[] palette = new int[boxes.size()];
        for (int k = 0; k < boxes.size(); k++) {
            int[] box = boxes.get(k);
            long[] sum = new long[4];
            for (int i = box[0]; i < box[1]; i++) {
                for (int c = 0; c < 4; c++) {
                    sum[c] += colours[i] >>> (8 * c) & 0xFF;
                }
            }
            int n = Math.max(1, box[1] - box[0]);
            int p = 0;
            for (int c = 0; c < 4; c++) {
                p |= (int) ((sum[c] + n / 2) / n) << (8 * c);
            }
            palette[k] = p >>> 24 == 0 ? 0 : p;
        }
        return Arrays.stream(palette).distinct().toArray();
    }

    private static int range(int[] colours, int from, int to, int shift) {
        if (to - from < 2) {
            return 0;
        }
        int min = 255;
        int max = 0;
        for (int k = from; k < to; k++) {
            int v = colours[k] >>> shift & 0xFF;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return max - min;
    }
}
