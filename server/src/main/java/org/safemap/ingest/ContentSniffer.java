package org.safemap.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;

/**
 * Refuses, with one short message and before anything is read as rows, a file that is not UTF-8 text: an image, an
 * archive or a spreadsheet renamed {@code .csv}, UTF-16 text (what Excel's "Unicode Text" saves), random bytes, or
 * gzip data that is cut short or corrupt. It looks at the start of the uncompressed content only (the first
 * {@value #SNIFF_BYTES} bytes, and the first line), so a NUL byte in some later row still costs only that row.
 */
final class ContentSniffer {
    static final int SNIFF_BYTES = 8192;

    /** A kind of file recognised by its first bytes, and what to tell the sender. */
    private record Magic(byte[] start, String what) {
        Magic(String what, int... start) {
            this(bytes(start), what);
        }

        boolean matches(byte[] head, int n) {
            if (n < start.length) {
                return false;
            }
            for (int i = 0; i < start.length; i++) {
                if (head[i] != start[i]) {
                    return false;
                }
            }
            return true;
        }

        private static byte[] bytes(int... values) {
            byte[] b = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                b[i] = (byte) values[i];
            }
            return b;
        }
    }

    private static final Magic[] MAGICS = {
        new Magic("a PNG image", 0x89, 'P', 'N', 'G'),
        new Magic("a JPEG image", 0xFF, 0xD8, 0xFF),
        new Magic("a GIF image", 'G', 'I', 'F', '8'),
        new Magic("a PDF document", '%', 'P', 'D', 'F'),
        new Magic("a ZIP archive (an Excel .xlsx workbook is one); export the sheet as 'CSV UTF-8'", 'P', 'K', 3, 4),
        new Magic(
                "an Excel 97-2003 workbook or other Office file; export the sheet as 'CSV UTF-8'",
                0xD0,
                0xCF,
                0x11,
                0xE0),
        new Magic("gzip-compressed twice; decompress it once", 0x1F, 0x8B),
        new Magic("bzip2-compressed, which SafeMap does not read; send it as it is or gzip-compressed", 'B', 'Z', 'h'),
        new Magic(
                "xz-compressed, which SafeMap does not read; send it as it is or gzip-compressed",
                0xFD,
                '7',
                'z',
                'X',
                'Z',
                0),
        new Magic("a 7-Zip archive", '7', 'z', 0xBC, 0xAF, 0x27, 0x1C),
        new Magic(
                "an SQLite database (a GeoPackage is one), not CSV or GeoJSON text",
                'S',
                'Q',
                'L',
                'i',
                't',
                'e',
                ' ',
                'f',
                'o',
                'r',
                'm',
                'a',
                't'),
        new Magic("UTF-16 text; save it as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)')", 0xFF, 0xFE),
        new Magic("UTF-16 text; save it as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)')", 0xFE, 0xFF),
    };

    private ContentSniffer() {}

    /**
     * Throws {@link InputFormatException} naming the file when its content is not text SafeMap can read; an empty
     * file passes (the adapters say it is empty).
     */
    static void requireText(SourceFile file) {
        byte[] head = new byte[SNIFF_BYTES];
        int n;
        try (InputStream in = file.open(bytes -> {})) {
            n = in.readNBytes(head, 0, head.length);
        } catch (EOFException | ZipException e) {
            throw corrupt(file, e);
        } catch (IOException e) {
            throw new InputFormatException(file.name(), 0, null, "cannot be read: " + e.getMessage());
        }
        for (Magic magic : MAGICS) {
            if (magic.matches(head, n)) {
                throw refused(file, "this is " + magic.what());
            }
        }
        int firstLineEnd = 0;
        while (firstLineEnd < n && head[firstLineEnd] != '\n') {
            firstLineEnd++;
        }
        int zeros = 0;
        int oddZeros = 0;
        for (int i = 0; i < firstLineEnd; i++) {
            if (head[i] == 0) {
                zeros++;
                oddZeros += i & 1;
            }
        }
        if (zeros > 4 && (oddZeros == zeros || oddZeros == 0)) {
            // Every other byte zero: ASCII text in UTF-16 without a byte-order mark.
            throw refused(file, "this is UTF-16 text; save it as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)')");
        }
        int controls = 0;
        for (int i = 0; i < n; i++) {
            int b = head[i] & 0xff;
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' || b == 0x7F) {
                controls++;
            }
        }
        // A header never holds a NUL; text rarely holds control characters, random bytes one in eight.
        if (zeros > 0 || controls * 20 > n) {
            throw refused(file, "this is binary data, not CSV or GeoJSON text (is it the right file?)");
        }
    }

    /** The gzip stream is cut short or damaged: the file as sent is incomplete. */
    static InputFormatException corrupt(SourceFile file, IOException e) {
        return refused(
                file,
                "the gzip-compressed data is " + (e instanceof EOFException ? "cut short" : "corrupt") + " ("
                        + e.getMessage() + "); send the whole file again");
    }

    private static InputFormatException refused(SourceFile file, String problem) {
        return new InputFormatException(file.name(), 0, null, problem);
    }
}
