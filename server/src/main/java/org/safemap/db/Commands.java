package org.safemap.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/** Runs operating-system commands (PostgreSQL tools, apt-get) and reports their output on failure. */
final class Commands {
    private Commands() {}

    /** Exit code and combined stdout/stderr of a finished command. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs the command, capturing its output. */
    static Result run(List<String> command, Path workingDir, Map<String, String> extraEnv) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        builder.environment().putAll(extraEnv);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Result(process.waitFor(), output);
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "interrupted while running " + command.get(0), e);
        }
    }

    /** Runs the command with its output going straight to this process's terminal (apt-get progress). */
    static int runVisible(List<String> command, Map<String, String> extraEnv) {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(extraEnv);
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "interrupted while running " + command.get(0), e);
        }
    }

    /** Whether an executable of that name is on the PATH. */
    static boolean onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /** The last lines of a command's output, for an error message. */
    static String tail(String output, int lines) {
        List<String> all = new ArrayList<>(output.strip().lines().toList());
        List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
        return String.join(" | ", last);
    }

    /** Whether this process runs as root (uid 0), read from /proc; false where /proc is absent. */
    static boolean runningAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: fall back to the user name
        }
        return "root".equals(System.getProperty("user.name"));
    }
}
