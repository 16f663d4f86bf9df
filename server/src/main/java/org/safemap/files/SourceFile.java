package org.safemap.files;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * A file to load: from disk or from the classpath (the bundled demo data), gzip-compressed or plain.
 * The SHA-256 is taken over the uncompressed content, so {@code x.csv} and {@code x.csv.gz} count as the
 * same data when deciding whether a file was already loaded.
 */
public final class SourceFile {
    /** Opens the raw (possibly compressed) bytes. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    private final String name;
    private final long rawSize;
    private final Opener opener;
    private String sha256;

    public SourceFile(String name, long rawSize, Opener opener) {
        this.name = name;
        this.rawSize = rawSize;
        this.opener = opener;
    }

    public static SourceFile of(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new SafemapException(ErrorCode.FILE_NOT_FOUND, path + " is not a readable file");
        }
        try {
            return new SourceFile(path.getFileName().toString(), Files.size(path), () -> Files.newInputStream(path));
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.FILE_NOT_FOUND, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** A file bundled in the jar, e.g. {@code demo/2022-01-liverpool-street.csv.gz}. */
    public static SourceFile resource(String path) {
        ClassLoader loader = SourceFile.class.getClassLoader();
        var url = loader.getResource(path);
        if (url == null) {
            throw new SafemapException(ErrorCode.FILE_NOT_FOUND, "bundled file " + path + " is missing from the build");
        }
        long size;
        try {
            size = url.openConnection().getContentLengthLong();
        } catch (IOException e) {
            size = -1;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return new SourceFile(name, size, url::openStream);
    }

    /** File name without folders (folders may name people; never stored). */
    public String name() {
        return name;
    }

    /** Size in bytes as stored (compressed, for .gz), or -1 if unknown; for progress bars. */
    public long rawSize() {
        return rawSize;
    }

    /** The uncompressed content; {@code rawBytesRead} hears how many stored bytes have been consumed. */
    public InputStream open(LongConsumer rawBytesRead) throws IOException {
        InputStream raw = new CountingInputStream(new BufferedInputStream(opener.open(), 1 << 16), rawBytesRead);
        raw.mark(2);
        int b1 = raw.read();
        int b2 = raw.read();
        raw.reset();
        boolean gzip = b1 == 0x1f && b2 == 0x8b;
        return gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    /** UTF-8 text of the content with any byte-order mark removed (ONS and IoD files carry one). */
    public Reader openReader(LongConsumer rawBytesRead) throws IOException {
        PushbackReader reader =
                new PushbackReader(new InputStreamReader(open(rawBytesRead), StandardCharsets.UTF_8), 1);
        int first = reader.read();
        if (first != -1 && first != '\uFEFF') {
            reader.unread(first);
        }
        return reader;
    }

    /** Hex SHA-256 of the uncompressed content, computed once. */
    public synchronized String sha256() {
        if (sha256 == null) {
            try (InputStream in = new DigestInputStream(open(n -> {}), MessageDigest.getInstance("SHA-256"))) {
                byte[] buffer = new byte[1 << 16];
                while (in.read(buffer) != -1) {
                    // digesting
                }
                sha256 = HexFormat.of()
                        .formatHex(((DigestInputStream) in).getMessageDigest().digest());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return sha256;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Reports stored bytes consumed, for progress bars. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private final LongConsumer listener;
        private long count;
        private long mark;

        CountingInputStream(InputStream in, LongConsumer listener) {
            super(in);
            this.listener = listener;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                listener.accept(++count);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                listener.accept(count);
            }
            return n;
        }

        @Override
        public synchronized void mark(int limit) {
            super.mark(limit);
            mark = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            super.reset();
            count = mark;
        }
    }
}
