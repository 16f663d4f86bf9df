package org.safemap.testing;

import java.util.HashMap;
import java.util.Map;
import org.safemap.config.Settings;

/**
 * Settings for an in-process server on a free port, with overrides. Audit anchors go to a folder of the test run's
 * own, and servers do not check and anchor the chain by themselves (a test that wants them to says so), so a server
 * left running a minute never adds entries a test did not expect.
 */
public final class TestSettings {
    private static java.nio.file.Path anchors;
    private static java.nio.file.Path var;

    private TestSettings() {}

    /** The test run's audit anchor folder. */
    public static synchronized java.nio.file.Path anchorDir() {
        if (anchors == null) {
            try {
                anchors = java.nio.file.Files.createTempDirectory("safemap-test-anchors");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return anchors;
    }

    /**
     * The test run's own state folder (SAFEMAP_VAR_DIR for in-process servers and commands): keys, tiles, temporary
     * files, reports and demo logins go here, never into the checkout's {@code var/}, which holds the user's own.
     */
    public static synchronized java.nio.file.Path varDir() {
        if (var == null) {
            try {
                var = java.nio.file.Files.createTempDirectory("safemap-test-var");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return var;
    }

    public static Settings withOverrides(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("SAFEMAP_") && !k.equals("SAFEMAP_HOME"));
        env.put("SAFEMAP_HTTP_PORT", String.valueOf(Http.freePort()));
        env.put("SAFEMAP_AUDIT_ANCHOR_DIR", anchorDir().toString());
        env.put("SAFEMAP_AUDIT_ANCHOR_HOURS", "0");
        env.put("SAFEMAP_VAR_DIR", varDir().toString());
        env.putAll(overrides);
        return Settings.from(env);
    }

    public static Settings defaults() {
        return withOverrides(Map.of());
    }
}
