package io.basalt.packaging;

import java.nio.file.Path;

/** Where the build put what the tests check; failsafe passes the paths as system properties. */
final class Artifacts {
    private Artifacts() {
    }

    static Path jar() {
        return path("basalt.jar", "target/basalt.jar");
    }

    static Path deb() {
        return path("basalt.deb", "target/basalt_" + version() + "_all.deb");
    }

    static Path basaltctl() {
        return path("basalt.ctl", "basaltctl");
    }

    static Path unit() {
        return path("basalt.unit", "../systemd/basalt.service");
    }

    static String version() {
        return System.getProperty("basalt.version", "0.1.0-SNAPSHOT");
    }

    private static Path path(String property, String fallback) {
        return Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
    }
}
