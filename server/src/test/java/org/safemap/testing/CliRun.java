package org.safemap.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.safemap.cli.Cli;
import org.safemap.config.DatabaseTarget;

/**
 * Runs the safemap CLI in-process with a chosen environment, capturing its output. Its state folder is the test run's
 * own ({@link TestSettings#varDir}) unless the environment names one.
 */
public final class CliRun {
    /** Exit code, standard output, standard error. */
    public record Result(int code, String out, String err) {}

    private CliRun() {}

    public static Result run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("SAFEMAP_HOME", System.getenv("SAFEMAP_HOME"));
        env.put("SAFEMAP_VAR_DIR", TestSettings.varDir().toString());
        env.putAll(extraEnv);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The database as a SAFEMAP_DB_URL value. */
    public static String url(DatabaseTarget t) {
        return "postgresql://" + t.user() + ":" + t.password() + "@" + t.description();
    }
}
