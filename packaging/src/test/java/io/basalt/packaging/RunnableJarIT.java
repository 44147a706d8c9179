package io.basalt.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The shaded jar: what its manifest promises and what merging must not lose. */
class RunnableJarIT {
    private static JarFile open() throws Exception {
        Path jar = Artifacts.jar();
        if (!Files.isRegularFile(jar)) {
            fail(jar + " does not exist: the packaging module's package phase builds it (mvn verify)");
        }
        return new JarFile(jar.toFile());
    }

    @Test
    void manifestStartsTheDaemonAndOpensNioForLmdb() throws Exception {
        try (JarFile jar = open()) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("io.basalt.target.daemon.BasaltDaemon", main.getValue("Main-Class"));
            assertEquals("java.base/java.nio java.base/sun.nio.ch", main.getValue("Add-Opens"));
            assertEquals("true", main.getValue("Multi-Release"));
        }
    }

    @Test
    void noSignatureOfAMergedJarIsLeft() throws Exception {
        try (JarFile jar = open()) {
            List<String> signatures = jar.stream().map(e -> e.getName())
                    .filter(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")).toList();
            assertEquals(List.of(), signatures, "a stale signature makes the JVM reject the jar");
        }
    }

    /** Without merging, one jar's file would win and Dropwizard would not know its server, connector or appender types. */
    @Test
    void serviceFilesOfDifferentJarsAreMerged() throws Exception {
        try (JarFile jar = open(); InputStream in = jar.getInputStream(jar.getEntry("META-INF/services/io.dropwizard.jackson.Discoverable"))) {
            String discoverable = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String type : List.of("io.dropwizard.core.server.ServerFactory", "io.dropwizard.jetty.ConnectorFactory",
                    "io.dropwizard.logging.common.AppenderFactory", "io.dropwizard.request.logging.RequestLogFactory")) {
                assertTrue(discoverable.contains(type), "missing " + type + " in\n" + discoverable);
            }
        }
    }

    @Test
    void lmdbAndEpollNativeLibrariesForLinuxAreInside() throws Exception {
        try (JarFile jar = open()) {
            assertTrue(jar.getEntry("org/lmdbjava/native/x86_64-linux-gnu.so") != null);
            assertTrue(jar.getEntry("org/lmdbjava/native/aarch64-linux-gnu.so") != null);
            assertTrue(jar.stream().anyMatch(e -> e.getName().startsWith("META-INF/native/libnetty_transport_native_epoll")));
        }
    }
}
