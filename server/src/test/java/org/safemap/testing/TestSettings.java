package org.safemap.testing;

import java.util.HashMap;
import java.util.Map;
import org.safemap.config.Settings;

/** Settings for an in-process server on a free port, with overrides. */
public final class TestSettings {
    private TestSettings() {
    }

    public static Settings withOverrides(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("SAFEMAP_") && !k.equals("SAFEMAP_HOME"));
        env.put("SAFEMAP_HTTP_PORT", String.valueOf(Http.freePort()));
        env.putAll(overrides);
        return Settings.from(env);
    }

    public static Settings defaults() {
        return withOverrides(Map.of());
    }
}
