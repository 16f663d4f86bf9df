package org.safemap.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** GDAL's command-line tools (Debian gdal-bin, which ./safemap test installs) as independent readers of files. */
public final class Gdal {
    private static final int LIMIT_SECONDS = 120;

    private Gdal() {}

    /** Runs e.g. {@code ogrinfo -so file.gpkg}; returns standard output, failing the test on a non-zero exit. */
    public static String run(String... command) {
        try {
            Path out = Files.createTempFile("safemap-gdal-", ".out");
            Path err = Files.createTempFile("safemap-gdal-", ".err");
            try {
                ProcessBuilder b =
                        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                // no .aux.xml files beside the files read, and no stale ones read back
                b.environment().put("GDAL_PAM_ENABLED", "NO");
                Process p;
                try {
                    p = b.start();
                } catch (IOException e) {
                    throw new AssertionError(
                            command[0] + " cannot be started (" + e.getMessage() + "); it comes "
                                    + "from Debian's gdal-bin, which ./safemap test installs",
                            e);
                }
                if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish in " + LIMIT_SECONDS + " s");
                }
                String stdout = Files.readString(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n"
                            + Files.readString(err, StandardCharsets.UTF_8) + stdout);
                }
                return stdout;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("running " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
