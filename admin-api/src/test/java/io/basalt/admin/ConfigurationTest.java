package io.basalt.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.basalt.admin.config.BasaltConfiguration;
import io.basalt.admin.config.ZooKeeperSettings;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jetty.HttpsConnectorFactory;
import jakarta.validation.Validation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The basalt: section validates, and TLS is Dropwizard's own https connector. */
class ConfigurationTest {
    private final YamlConfigurationFactory<BasaltConfiguration> factory = new YamlConfigurationFactory<>(
            BasaltConfiguration.class, Validation.buildDefaultValidatorFactory().getValidator(), Jackson.newObjectMapper(), "dw");

    private BasaltConfiguration parse(String yaml) throws Exception {
        return factory.build(path -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yml");
    }

    private static final String VALID = """
            basalt:
              nodeId: node-1
              dataDir: /tmp/basalt
              adminToken: abcdefghijklmnopqrstuvwxyz
            """;

    @Test
    void aMinimalSectionTakesDefaults() throws Exception {
        BasaltConfiguration c = parse(VALID);
        assertEquals("node-1", c.getBasalt().getNodeId());
        assertEquals("default", c.getBasalt().getZone());
        assertEquals(ZooKeeperSettings.Mode.EMBEDDED, c.getBasalt().getZookeeper().getMode());
        assertEquals(2181, c.getBasalt().getZookeeper().getEmbeddedPort());
        assertEquals(64L << 20, c.getBasalt().getEngine().getSegmentSize().toBytes());
        assertFalse(c.getBasalt().toString().contains("abcdefghij"), "the token is not printed");
    }

    @Test
    void aShortTokenIsRefused() {
        ConfigurationValidationException e = assertThrows(ConfigurationValidationException.class,
                () -> parse(VALID.replace("abcdefghijklmnopqrstuvwxyz", "short")));
        assertTrue(e.getMessage().contains("basalt.adminToken"), e.getMessage());
        assertFalse(e.getMessage().contains("short"), "nor echoed: " + e.getMessage());
    }

    @Test
    void externalZooKeeperNeedsAConnectString() {
        ConfigurationValidationException e = assertThrows(ConfigurationValidationException.class,
                () -> parse(VALID + "  zookeeper: {mode: external}\n"));
        assertTrue(e.getMessage().contains("connectString"), e.getMessage());
    }

    @Test
    void missingNodeIdAndDataDirAreNamed() {
        ConfigurationValidationException e = assertThrows(ConfigurationValidationException.class,
                () -> parse("basalt:\n  adminToken: abcdefghijklmnopqrstuvwxyz\n"));
        assertTrue(e.getMessage().contains("basalt.nodeId"), e.getMessage());
        assertTrue(e.getMessage().contains("basalt.dataDir"), e.getMessage());
    }

    @Test
    void theTlsExampleConfiguresAnHttpsConnector() throws Exception {
        YamlConfigurationFactory<BasaltConfiguration> f = factory;
        BasaltConfiguration c = f.build(new SubstitutingSourceProvider(new ResourceConfigurationSourceProvider(),
                new EnvironmentVariableSubstitutor(false)), "basalt-tls-example.yml");
        DefaultServerFactory server = assertInstanceOf(DefaultServerFactory.class, c.getServerFactory());
        HttpsConnectorFactory https = assertInstanceOf(HttpsConnectorFactory.class, server.getApplicationConnectors().get(0));
        assertEquals(8443, https.getPort());
        assertEquals("/etc/basalt/admin-tls.p12", https.getKeyStorePath());
        assertEquals(ZooKeeperSettings.Mode.EXTERNAL, c.getBasalt().getZookeeper().getMode());
    }
}
