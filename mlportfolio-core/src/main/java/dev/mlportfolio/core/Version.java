package dev.mlportfolio.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of mlportfolio, as the build stamped it. */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    /** {@return the project version, for example {@code 0.1.0}} */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/META-INF/mlportfolio/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
