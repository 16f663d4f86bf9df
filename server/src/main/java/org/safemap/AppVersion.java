package org.safemap;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** SafeMap's version, written into the build by Maven resource filtering. */
public final class AppVersion {
    private static final String VERSION = read();

    private AppVersion() {}

    public static String current() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = AppVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }
}
