package org.safemap.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs an R script with Debian's Rscript (the reference implementations: spatstat, spdep) and returns its output. */
public final class RScript {
    private RScript() {}

    /** Runs the script; fails (never skips) when Rscript is missing or the script fails, quoting R's own message. */
    public static String run(String script) throws IOException {
        Path file = Files.createTempFile("safemap-", ".R");
        Path output = Files.createTempFile("safemap-", ".out");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            Process process = new ProcessBuilder("Rscript", "--vanilla", file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("Rscript did not finish in 300 s");
            }
            String out = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new AssertionError("Rscript failed (exit " + process.exitValue() + "):\n" + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for Rscript", e);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(output);
        }
    }
}
