package org.safemap.hotspot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs an R script with Rscript, the independent reference for these tests; fails (never skips) without it. */
final class RReference {
    private RReference() {
    }

    /** Runs {@code script} with {@code --vanilla}; returns its standard output, failing with R's message on error. */
    static String run(String script) throws IOException {
        Path file = Files.createTempFile("safemap-", ".R");
        Path output = Files.createTempFile("safemap-", ".out");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            Process process;
            try {
                process = new ProcessBuilder("Rscript", "--vanilla", file.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
            } catch (IOException e) {
                throw new AssertionError("Rscript is required for this test and could not be started: " + e.getMessage(), e);
            }
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
