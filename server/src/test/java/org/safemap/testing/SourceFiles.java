package org.safemap.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.safemap.files.SourceFile;

/** Source files made in memory for tests. */
public final class SourceFiles {
    public static final String POLICE_UK_HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
            + "LSOA code,LSOA name,Crime type,Last outcome category,Context\n";

    private SourceFiles() {}

    public static SourceFile text(String name, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new SourceFile(name, bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    public static SourceFile bytes(String name, byte[] bytes) {
        return new SourceFile(name, bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    public static SourceFile gzip(String name, String content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        return new SourceFile(name, bytes.length, () -> new ByteArrayInputStream(bytes));
    }
}
