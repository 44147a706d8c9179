package io.basalt.admin.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * A node's Dropwizard configuration: the usual {@code server:}/{@code logging:} sections plus
 * {@code basalt:}. target-daemon may extend it with its own sections (e.g. {@code iscsi:}).
 *
 * <p>TLS is Dropwizard's own: give {@code server.applicationConnectors} an {@code https}
 * connector ({@code keyStorePath}, {@code keyStorePassword}, {@code validateCerts}); see
 * admin-api/src/test/resources/basalt-tls-example.yml.
 */
public class BasaltConfiguration extends Configuration {
    @Valid
    @NotNull
    private BasaltSettings basalt;

    @JsonProperty
    public BasaltSettings getBasalt() {
        return basalt;
    }

    @JsonProperty
    public void setBasalt(BasaltSettings basalt) {
        this.basalt = basalt;
    }
}
