package org.safemap.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV (RFC 4180) record by record from bytes, built so that one bad record never costs the rest of the
 * file: a record that is not valid UTF-8, that is longer than {@link #MAX_RECORD_BYTES}, or whose quotes do not
 * close by the end of its line (when a quoted field may not span lines) comes back as a {@link Bad} with the text
 * that was there, and reading goes on at the next line. Handles a UTF-8 byte-order mark, CRLF and LF line ends,
 * quoted fields with doubled quotes, and quoted line breaks. Completely empty lines carry nothing and are skipped.
 */
public final class CsvRecords implements AutoCloseable {
    /** A record over this size is refused as a whole; police.uk rows are about 250 bytes. */
    public static final int MAX_RECORD_BYTES = 1 << 20;
    /** A quoted field may hold line breaks, but not more than this many: past it the quote is taken as broken. */
    static final int MAX_LINES_PER_RECORD = 50;

    private static final String UNCLOSED_QUOTE = "a quoted field does not close (an unpaired \" character)";
    private static final String NOT_UTF8 =
            "the row is not valid UTF-8 text (was the file saved as Windows-1252 or Latin-1?)";
    private static final String STRAY_QUOTE =
            "a quote appears in the middle of an unquoted field or after a closing quote";

    /** One record: good fields, or the reason it could not be read. */
    public sealed interface Record permits Good, Bad {
        /** First line of the record in the file (header = 1). */
        int line();

        /** The record's text as it was, decoded leniently, for quarantine. */
        String raw();
    }

    public record Good(int line, List<String> fields, String raw) implements Record {}

    public record Bad(int line, String reason, String raw) implements Record {}

    private final InputStream in;
    private final char delimiter;
    private final CharsetDecoder strict = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    /** Bytes of the record being read. */
    private byte[] buffer = new byte[8192];
    /** Bytes read from the stream and not yet consumed: chunk[pos .. limit). */
    private final byte[] chunk = new byte[1 << 16];

    private int pos;
    private int limit;
    private int line = 1;
    /** Bytes given back after a broken multi-line record, read again before the stream. */
    private byte[] replay = new byte[0];

    private int replayPos;
    private int replayLimit;
    private int expectedFields;

    public CsvRecords(InputStream in, char delimiter) throws IOException {
        this.in = in;
        this.delimiter = delimiter;
        fill();
        if (limit - pos >= 3 && (chunk[0] & 0xff) == 0xEF && (chunk[1] & 0xff) == 0xBB && (chunk[2] & 0xff) == 0xBF) {
            pos = 3; // the UTF-8 byte-order mark is not data
        }
    }

    /**
     * Tells the reader how many fields a record has (the header's count), so that a record running over several
     * lines with another count is known for a broken quote and costs only its first line.
     */
    public void expectFields(int count) {
        expectedFields = count;
    }

    /** The next record, or null at the end of the file. */
    public Record next() throws IOException {
        while (true) {
            int start = line;
            int length = 0;
            boolean quoted = false;
            boolean tooLong = false;
            int linesInRecord = 1;
            int b;
            boolean sawAny = false;
            while ((b = read()) != -1) {
                sawAny = true;
                if (b == '"') {
                    quoted = !quoted;
                }
                if (b == '\n') {
                    line++;
                    if (!quoted) {
                        break;
                    }
                    linesInRecord++;
                    if (linesInRecord > MAX_LINES_PER_RECORD && !tooLong) {
                        return firstLineOnly(start, UNCLOSED_QUOTE, length, true);
                    }
                }
                if (length < MAX_RECORD_BYTES) {
                    if (length == buffer.length) {
                        buffer = java.util.Arrays.copyOf(buffer, Math.min(MAX_RECORD_BYTES, buffer.length * 2));
                    }
                    buffer[length++] = (byte) b;
                } else {
                    tooLong = true;
                }
            }
            if (!sawAny) {
                return null;
            }
            if (length > 0 && buffer[length - 1] == '\r' && b == '\n') {
                length--;
            }
            if (length == 0 && !quoted) {
                if (b == -1) {
                    return null;
                }
                continue; // an empty line
            }
            if (tooLong) {
                return bad(start, "the row is longer than " + (MAX_RECORD_BYTES >> 20) + " MB", length, true);
            }
            if (quoted) {
                return linesInRecord > 1
                        ? firstLineOnly(start, UNCLOSED_QUOTE, length, false)
                        : bad(start, UNCLOSED_QUOTE, length, false);
            }
            String text;
            try {
                text = strict.decode(ByteBuffer.wrap(buffer, 0, length)).toString();
            } catch (CharacterCodingException e) {
                if (linesInRecord > 1) {
                    // The bad bytes may belong to lines a broken quote ran into: judge the first line alone.
                    return firstLineOnly(
                            start, validUtf8(0, firstBreak(length)) ? UNCLOSED_QUOTE : NOT_UTF8, length, b == '\n');
                }
                return bad(start, NOT_UTF8, length, false);
            }
            List<String> fields = split(text);
            if (fields != null && linesInRecord > 1 && expectedFields > 0 && fields.size() != expectedFields) {
                // Line breaks inside quotes are real only in a record of the right shape; otherwise a stray
                // quote swallowed the lines after it.
                return firstLineOnly(start, UNCLOSED_QUOTE, length, b == '\n');
            }
            if (fields == null) {
                return linesInRecord > 1
                        ? firstLineOnly(start, STRAY_QUOTE, length, b == '\n')
                        : new Bad(start, STRAY_QUOTE, text);
            }
            return new Good(start, fields, text);
        }
    }

    /**
     * A record that ran over several lines because of a broken quote: only its first line is taken as bad, and
     * the lines after it are read again as records of their own, so one stray quote costs one row, not fifty.
     */
    private Bad firstLineOnly(int start, String reason, int length, boolean newlineConsumed) {
        int firstBreak = firstBreak(length);
        int lineEnd = firstBreak > 0 && buffer[firstBreak - 1] == '\r' ? firstBreak - 1 : firstBreak;
        int tail = length - firstBreak - 1;
        byte[] again = new byte[tail + (newlineConsumed ? 1 : 0) + (replayLimit - replayPos)];
        System.arraycopy(buffer, firstBreak + 1, again, 0, tail);
        if (newlineConsumed) {
            again[tail] = '\n';
        }
        System.arraycopy(replay, replayPos, again, again.length - (replayLimit - replayPos), replayLimit - replayPos);
        replay = again;
        replayPos = 0;
        replayLimit = again.length;
        line = start + 1;
        return bad(start, reason, lineEnd, false);
    }

    private int firstBreak(int length) {
        int i = 0;
        while (i < length && buffer[i] != '\n') {
            i++;
        }
        return i;
    }

    private boolean validUtf8(int from, int to) {
        try {
            strict.decode(ByteBuffer.wrap(buffer, from, to - from));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private Bad bad(int start, String reason, int length, boolean truncated) {
        String raw = new String(buffer, 0, Math.min(length, 4096), StandardCharsets.UTF_8);
        return new Bad(start, reason, truncated || length > 4096 ? raw + " [... " + length + " bytes in all]" : raw);
    }

    /** Splits one record's text into fields; null when the quoting is malformed. */
    private List<String> split(String text) {
        // sized for the header's count: growing the list on every row was a measurable share of a load
        List<String> fields = new ArrayList<>(Math.max(expectedFields, 10));
        StringBuilder field = null; // only quoted fields are copied character by character
        int i = 0;
        int n = text.length();
        while (true) {
            if (i < n && text.charAt(i) == '"') {
                if (field == null) {
                    field = new StringBuilder(n);
                }
                i++;
                while (true) {
                    if (i >= n) {
                        return null;
                    }
                    char ch = text.charAt(i++);
                    if (ch == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(ch);
                    }
                }
                if (i < n && text.charAt(i) != delimiter) {
                    return null;
                }
                fields.add(field.toString());
                field.setLength(0);
            } else {
                int start = i;
                while (i < n && text.charAt(i) != delimiter) {
                    if (text.charAt(i++) == '"') {
                        return null;
                    }
                }
                fields.add(text.substring(start, i));
            }
            if (i >= n) {
                return fields;
            }
            i++; // the delimiter
            if (i == n) {
                fields.add("");
                return fields;
            }
        }
    }

    private int read() throws IOException {
        if (replayPos < replayLimit) {
            return replay[replayPos++] & 0xff;
        }
        if (pos == limit && !fill()) {
            return -1;
        }
        return chunk[pos++] & 0xff;
    }

    private boolean fill() throws IOException {
        int n = in.read(chunk, 0, chunk.length);
        pos = 0;
        limit = Math.max(n, 0);
        return n > 0;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
