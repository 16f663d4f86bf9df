package org.safemap.map;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes rendered maps: 32-bit PNG, 8-bit (palette) PNG with transparency, and JPEG (no transparency, so it is
 * painted over the background colour). The palette for 8-bit PNG is exact when an image has at most 256 colours
 * (choropleths, boundaries) and a median cut otherwise (density ramps).
 */
public final class ImageEncoder {
    /** Output formats by the MIME types clients ask for. */
    public enum Format {
        PNG("image/png"),
        PNG8("image/png"),
        JPEG("image/jpeg");

        private final String mime;

        Format(String mime) {
            this.mime = mime;
        }

        public String mime() {
            return mime;
        }
    }

    /** What capabilities advertise for GetMap. */
    public static final List<String> ADVERTISED =
            List.of("image/png", "image/png8", "image/png; mode=8bit", "image/jpeg");

    private ImageEncoder() {}

    public static Format format(String mime) {
        if (mime == null || mime.isBlank()) {
            throw OgcException.missing("FORMAT");
        }
        String m = mime.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        return switch (m) {
            case "image/png", "png", "image/png;mode=32bit" -> Format.PNG;
            case "image/png8", "png8", "image/png;mode=8bit" -> Format.PNG8;
            case "image/jpeg", "jpeg", "image/jpg", "jpg" -> Format.JPEG;
            default ->
                throw new OgcException(
                        "InvalidFormat",
                        "FORMAT",
                        "FORMAT " + mime + " is not served; use one of " + String.join(", ", ADVERTISED));
        };
    }

    public static byte[] encode(BufferedImage argb, Format format, boolean transparent, Color background) {
        if (blank(argb)) {
            // An empty map (nothing in the view) is common (tiles at sea, beyond the data): its bytes are the same
            // for every request of its size and format, so they are encoded once.
            return BLANKS.computeIfAbsent(
                    new Blank(argb.getWidth(), argb.getHeight(), format, transparent, background),
                    b -> encodeDrawn(argb, format, transparent, background));
        }
        return encodeDrawn(argb, format, transparent, background);
    }

    /** Encoded blank images by size and format; bounded, as sizes are the client's choice. */
    private static final Map<Blank, byte[]> BLANKS =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Blank, byte[]> eldest) {
                    return size() > 64;
                }
            });

    private record Blank(int width, int height, Format format, boolean transparent, Color background) {}

    /** Whether every pixel of an ARGB image is fully transparent black (nothing was drawn). */
    static boolean blank(BufferedImage argb) {
        if (argb.getType() != BufferedImage.TYPE_INT_ARGB
                || !(argb.getRaster().getDataBuffer() instanceof java.awt.image.DataBufferInt buffer)) {
            return false;
        }
        for (int p : buffer.getData()) {
            if (p != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] encodeDrawn(BufferedImage argb, Format format, boolean transparent, Color background) {
        return switch (format) {
            case PNG -> truecolourPng(transparent ? argb : flatten(argb, background, BufferedImage.TYPE_INT_RGB));
            case PNG8 ->
                write(palette(transparent ? argb : flatten(argb, background, BufferedImage.TYPE_INT_ARGB)), "png");
            case JPEG -> write(flatten(argb, background, BufferedImage.TYPE_INT_RGB), "jpeg");
        };
    }

    private static BufferedImage flatten(BufferedImage argb, Color background, int type) {
        BufferedImage out = new BufferedImage(argb.getWidth(), argb.getHeight(), type);
        Graphics2D g = out.createGraphics();
        g.setColor(background);
        g.fillRect(0, 0, argb.getWidth(), argb.getHeight());
        g.drawImage(argb, 0, 0, null);
        g.dispose();
        return out;
    }

    /**
     * An image as PNG, losslessly: an indexed image ({@link #palette}) as an 8-bit palette PNG, byte for byte what
     * {@link #encode} gives for {@link Format#PNG8} of the opaque image the palette was made from.
     */
    public static byte[] png(BufferedImage image) {
        return write(image, "png");
    }

    /**
     * Deflate level of 32-bit PNG: the fastest. A density tile at level 1 is about 15% larger than at level 4 and
     * took half the time to encode (measured on map.sh's 256 × 256 tiles: about 62 against 54 KB), and encoding was
     * the largest part of drawing one.
     */
    private static final int PNG_LEVEL = 1;

    /** Images with at least this many pixels are filtered and deflated in two halves side by side. */
    private static final int SPLIT_PIXELS = 256 * 128;

    /**
     * An ARGB image as 8-bit RGBA PNG, or an RGB image as 8-bit RGB PNG, written here rather than by ImageIO: its
     * writer reads the pixels sample by sample and tries all five filters on every row, which cost more than
     * drawing a map of a few dozen areas. Each row takes the cheaper of no filter, Sub and Up by the sum of absolute
     * values (libpng's heuristic); the pixels decoded are the image's, exactly.
     *
     * <p>A map of a tile's size or more is encoded as two halves of its rows on two threads: each half is deflated
     * on its own (the second without the first as its dictionary, a few hundred bytes more) and the first ends on a
     * sync flush, so the two raw deflate streams joined are one valid zlib stream (as pigz joins its blocks). On a
     * quiet two-core server that halves the encoding time of a request; under load it costs nothing more.
     */
    static byte[] truecolourPng(BufferedImage image) {
        boolean alpha = image.getType() == BufferedImage.TYPE_INT_ARGB;
        if (!alpha && image.getType() != BufferedImage.TYPE_INT_RGB) {
            return write(image, "png");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int[] pixels = argbPixels(image);
        int bpp = alpha ? 4 : 3;
        byte[] filtered = new byte[h * (w * bpp + 1)];
        byte[] idat;
        if ((long) w * h >= SPLIT_PIXELS && h >= 2) {
            int half = h / 2;
            // The second half is offered to the common pool; if no worker has taken it by the time the first half
            // is done (a busy server), this thread does it, so a request never waits on a queue.
            java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.CompletableFuture<byte[]> second =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> taken.compareAndSet(false, true)
                            ? filterAndDeflate(pixels, w, bpp, half, h, filtered, true)
                            : null);
            byte[] first = filterAndDeflate(pixels, w, bpp, 0, half, filtered, false);
            byte[] rest = taken.compareAndSet(false, true)
                    ? filterAndDeflate(pixels, w, bpp, half, h, filtered, true)
                    : second.join();
            idat = new byte[2 + first.length + rest.length + 4];
            System.arraycopy(first, 0, idat, 2, first.length);
            System.arraycopy(rest, 0, idat, 2 + first.length, rest.length);
        } else {
            byte[] all = filterAndDeflate(pixels, w, bpp, 0, h, filtered, true);
            idat = new byte[2 + all.length + 4];
            System.arraycopy(all, 0, idat, 2, all.length);
        }
        // The zlib wrapper around the raw deflate data: header (32 K window, fastest), and the Adler-32 of it all.
        idat[0] = 0x78;
        idat[1] = 0x01;
        java.util.zip.Adler32 adler = new java.util.zip.Adler32();
        adler.update(filtered);
        int sum = (int) adler.getValue();
        int end = idat.length - 4;
        idat[end] = (byte) (sum >>> 24);
        idat[end + 1] = (byte) (sum >>> 16);
        idat[end + 2] = (byte) (sum >>> 8);
        idat[end + 3] = (byte) sum;
        ByteArrayOutputStream out = new ByteArrayOutputStream(idat.length + 64);
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13);
        ihdr.putInt(w)
                .putInt(h)
                .put((byte) 8)
                .put((byte) (alpha ? 6 : 2))
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * Filters rows {@code [from, to)} into their place in {@code filtered} (each row's filter byte, then its bytes)
     * and deflates them as raw deflate data, ending on the final block when {@code last}, else on a sync flush.
     */
    private static byte[] filterAndDeflate(
            int[] pixels, int w, int bpp, int from, int to, byte[] filtered, boolean last) {
        int stride = w * bpp;
        byte[] prev = new byte[stride];
        byte[] cur = new byte[stride];
        byte[] sub = new byte[stride];
        byte[] up = new byte[stride];
        if (from > 0) {
            bytes(pixels, w, bpp, from - 1, prev);
        }
        for (int y = from; y < to; y++) {
            bytes(pixels, w, bpp, y, cur);
            long costNone = 0;
            long costSub = 0;
            long costUp = 0;
            for (int i = 0; i < stride; i++) {
                byte s = (byte) (cur[i] - (i >= bpp ? cur[i - bpp] : 0));
                byte u = (byte) (cur[i] - prev[i]);
                sub[i] = s;
                up[i] = u;
                costNone += Math.abs(cur[i]);
                costSub += Math.abs(s);
                costUp += Math.abs(u);
            }
            byte filter;
            byte[] row;
            if (costNone <= costSub && costNone <= costUp) {
                filter = 0;
                row = cur;
            } else if (costSub <= costUp) {
                filter = 1;
                row = sub;
            } else {
                filter = 2;
                row = up;
            }
            int at = y * (stride + 1);
            filtered[at] = filter;
            System.arraycopy(row, 0, filtered, at + 1, stride);
            byte[] t = prev;
            prev = cur;
            cur = t;
        }
        int off = from * (stride + 1);
        int len = (to - from) * (stride + 1);
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(PNG_LEVEL, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream(len / 4 + 64);
        byte[] buffer = new byte[64 * 1024];
        try {
            deflater.setInput(filtered, off, len);
            if (last) {
                deflater.finish();
                while (!deflater.finished()) {
                    out.write(buffer, 0, deflater.deflate(buffer));
                }
            } else {
                // A sync flush ends on a byte boundary with no final block: the next stream may follow it.
                int n;
                do {
                    n = deflater.deflate(buffer, 0, buffer.length, java.util.zip.Deflater.SYNC_FLUSH);
                    out.write(buffer, 0, n);
                } while (n == buffer.length);
            }
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    /** Row y's samples as PNG orders them: R, G, B and, when bpp is 4, A. */
    private static void bytes(int[] pixels, int w, int bpp, int y, byte[] row) {
        for (int x = 0; x < w; x++) {
            int p = pixels[y * w + x];
            int o = x * bpp;
            row[o] = (byte) (p >> 16);
            row[o + 1] = (byte) (p >> 8);
            row[o + 2] = (byte) p;
            if (bpp == 4) {
                row[o + 3] = (byte) (p >>> 24);
            }
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] kind = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(kind);
        crc.update(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(kind);
        out.writeBytes(data);
        out.writeBytes(
                java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] write(BufferedImage image, String type) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(type).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (param.canWriteCompressed()) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                // PNG: deflate level about 4, a fraction of the time of level 9 for a few per cent more bytes.
                param.setCompressionQuality(type.equals("png") ? 0.55f : 0.85f);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * An indexed copy ({@link BufferedImage#TYPE_BYTE_INDEXED}) of an ARGB or RGB image with at most 256 colours,
     * alpha kept per palette entry: the image's own colours when it has at most 256, else a median cut's.
     */
    public static BufferedImage palette(BufferedImage argb) {
        int w = argb.getWidth();
        int h = argb.getHeight();
        int[] pixels = argbPixels(argb);
        for (int k = 0; k < pixels.length; k++) {
            if (pixels[k] >>> 24 == 0) {
                pixels[k] = 0; // one fully transparent entry, whatever colour it had
            }
        }
        int[] distinct = distinct(pixels, 257);
        int[] palette = distinct.length <= 256 ? distinct : MedianCut.palette(pixels, 256);
        ColourIndex index = new ColourIndex(1024);
        byte[] r = new byte[palette.length];
        byte[] g = new byte[palette.length];
        byte[] b = new byte[palette.length];
        byte[] a = new byte[palette.length];
        for (int k = 0; k < palette.length; k++) {
            r[k] = (byte) (palette[k] >> 16);
            g[k] = (byte) (palette[k] >> 8);
            b[k] = (byte) palette[k];
            a[k] = (byte) (palette[k] >>> 24);
            index.put(palette[k], k);
        }
        IndexColorModel model = new IndexColorModel(8, palette.length, r, g, b, a);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, model);
        byte[] data = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int k = 0; k < pixels.length; k++) {
            int p = pixels[k];
            int i = index.get(p);
            if (i < 0) {
                i = MedianCut.nearest(palette, p);
                index.put(p, i);
            }
            data[k] = (byte) i;
        }
        return out;
    }

    /**
     * The image's pixels as non-premultiplied ARGB, row by row: what {@link BufferedImage#getRGB(int, int, int, int,
     * int[], int, int)} gives, read straight from the raster for the two types maps are drawn in (getRGB converts
     * pixel by pixel through the colour model, which cost more than the rest of the palette step).
     */
    private static int[] argbPixels(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        java.awt.image.WritableRaster raster = img.getRaster();
        int type = img.getType();
        if ((type == BufferedImage.TYPE_INT_ARGB || type == BufferedImage.TYPE_INT_RGB)
                && raster.getParent() == null
                && raster.getDataBuffer() instanceof java.awt.image.DataBufferInt buffer
                && buffer.getNumBanks() == 1
                && buffer.getOffset() == 0
                && raster.getSampleModel() instanceof java.awt.image.SinglePixelPackedSampleModel model
                && model.getScanlineStride() == w
                && buffer.getData().length == w * h) {
            int[] pixels = buffer.getData().clone();
            if (type == BufferedImage.TYPE_INT_RGB) {
                for (int k = 0; k < pixels.length; k++) {
                    pixels[k] |= 0xFF000000;
                }
            }
            return pixels;
        }
        return img.getRGB(0, 0, w, h, null, 0, w);
    }

    /** The first {@code limit} distinct values, in the order they first occur. */
    static int[] distinct(int[] values, int limit) {
        ColourIndex seen = new ColourIndex(limit);
        int[] out = new int[limit];
        int n = 0;
        for (int k = 0; k < values.length && n < limit; k++) {
            if (seen.get(values[k]) < 0) {
                seen.put(values[k], n);
                out[n++] = values[k];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Colours (any int) to non-negative indexes, by open addressing with linear probing: the palette step looks up
     * every pixel, and a map of boxed integers cost an allocation and a hash lookup per pixel.
     */
    private static final class ColourIndex {
        private int[] keys;
        private int[] values;
        private boolean[] used;
        private int size;

        ColourIndex(int expected) {
            int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
            keys = new int[capacity];
            values = new int[capacity];
            used = new boolean[capacity];
        }

        /** The index of {@code colour}, or -1. */
        int get(int colour) {
            int mask = keys.length - 1;
            for (int k = slot(colour, mask); used[k]; k = (k + 1) & mask) {
                if (keys[k] == colour) {
                    return values[k];
                }
            }
            return -1;
        }

        void put(int colour, int value) {
            int mask = keys.length - 1;
            int k = slot(colour, mask);
            for (; used[k]; k = (k + 1) & mask) {
                if (keys[k] == colour) {
                    values[k] = value;
                    return;
                }
            }
            used[k] = true;
            keys[k] = colour;
            values[k] = value;
            if (++size * 2 > keys.length) {
                grow();
            }
        }

        private static int slot(int colour, int mask) {
            int h = colour * 0x9E3779B9; // Fibonacci hashing: nearby colours land far apart
            return (h ^ h >>> 16) & mask;
        }

        private void grow() {
            int[] oldKeys = keys;
            int[] oldValues = values;
            boolean[] oldUsed = used;
            keys = new int[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            used = new boolean[oldKeys.length * 2];
            size = 0;
            for (int k = 0; k < oldKeys.length; k++) {
                if (oldUsed[k]) {
                    put(oldKeys[k], oldValues[k]);
                }
            }
        }
    }

    /** Median-cut colour quantisation over the four ARGB channels. */
    static final class MedianCut {
        private MedianCut() {}

        static int[] palette(int[] pixels, int size) {
            // A regular sample of at most 65,536 pixels is plenty to place 256 colours, and bounds the work.
            int stride = Math.max(1, pixels.length / 65_536);
            int[] colours = new int[(pixels.length + stride - 1) / stride];
            for (int k = 0; k < colours.length; k++) {
                colours[k] = pixels[k * stride];
            }
            // A box is {from, to, range, channel}: its widest channel is measured once, when it is made, not again
            // on every split (that made a 256-colour palette cost 256 passes over the sample).
            List<int[]> boxes = new java.util.ArrayList<>();
            boxes.add(box(colours, 0, colours.length));
            int[] sorted = new int[colours.length];
            while (boxes.size() < size) {
                int best = -1;
                int bestRange = 0;
                for (int k = 0; k < boxes.size(); k++) {
                    if (boxes.get(k)[2] > bestRange) {
                        bestRange = boxes.get(k)[2];
                        best = k;
                    }
                }
                if (best < 0) {
                    break;
                }
                int[] box = boxes.remove(best);
                sortByChannel(colours, box[0], box[1], box[3], sorted);
                int mid = box[0] + (box[1] - box[0]) / 2;
                boxes.add(box(colours, box[0], mid));
                boxes.add(box(colours, mid, box[1]));
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

        /** A box over {@code colours[from, to)}: its bounds, the range of its widest channel and that channel. */
        private static int[] box(int[] colours, int from, int to) {
            int bestRange = 0;
            int bestChannel = 0;
            for (int shift = 0; shift < 32; shift += 8) {
                int range = range(colours, from, to, shift);
                if (range > bestRange) {
                    bestRange = range;
                    bestChannel = shift;
                }
            }
            return new int[] {from, to, bestRange, bestChannel};
        }

        /** A stable counting sort of {@code colours[from, to)} by one channel's byte. */
        private static void sortByChannel(int[] colours, int from, int to, int shift, int[] scratch) {
            int[] start = new int[257];
            for (int k = from; k < to; k++) {
                start[(colours[k] >>> shift & 0xFF) + 1]++;
            }
            for (int v = 0; v < 256; v++) {
                start[v + 1] += start[v];
            }
            for (int k = from; k < to; k++) {
                scratch[from + start[colours[k] >>> shift & 0xFF]++] = colours[k];
            }
            System.arraycopy(scratch, from, colours, from, to - from);
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

        static int nearest(int[] palette, int p) {
            int best = 0;
            long bestD = Long.MAX_VALUE;
            for (int k = 0; k < palette.length; k++) {
                long d = 0;
                for (int shift = 0; shift < 32; shift += 8) {
                    int diff = (p >>> shift & 0xFF) - (palette[k] >>> shift & 0xFF);
                    d += (long) diff * diff;
                }
                if (d < bestD) {
                    bestD = d;
                    best = k;
                }
            }
            return best;
        }
    }
}
