package io.basalt.admin.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * Where ZooKeeper is. {@code embedded}: this process runs a single-node ZooKeeper on 127.0.0.1
 * with its data under the node's data directory (a one-node appliance). {@code external}: join
 * the ensemble at {@code connectString}.
 */
public class ZooKeeperSettings {
    public enum Mode { EMBEDDED, EXTERNAL }

    @NotNull
    private Mode mode = Mode.EMBEDDED;

    /** "host:port,host:port" of the ensemble; required in external mode. */
    private String connectString;

    /** Client port of the embedded server on 127.0.0.1; 0 picks a free one. */
    @Min(0)
    @Max(65535)
    private int embeddedPort = 2181;

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration sessionTimeout = Duration.seconds(15);

    @NotNull
    @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    private Duration connectionTimeout = Duration.seconds(5);

    /** How long start-up waits for the first connection before giving up. */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration startupTimeout = Duration.seconds(30);

    @ValidationMethod(message = "zookeeper.connectString is required when zookeeper.mode is external")
    public boolean isConnectStringGivenWhenExternal() {
        return mode != Mode.EXTERNAL || (connectString != null && !connectString.isBlank());
    }

    @JsonProperty
    public Mode getMode() {
        return mode;
    }

    @JsonProperty
    public void setMode(Mode mode) {
        this.mode = mode;
    }

    @JsonProperty
    public String getConnectString() {
        return connectString;
    }

    @JsonProperty
    public void setConnectString(String connectString) {
        this.connectString = connectString;
    }

    @JsonProperty
    public int getEmbeddedPort() {
        return embeddedPort;
    }

    @JsonProperty
    public void setEmbeddedPort(int embeddedPort) {
        this.embeddedPort = embeddedPort;
    }

    @JsonProperty
    public Duration getSessionTimeout() {
        return sessionTimeout;
    }

    @JsonProperty
    public void setSessionTimeout(Duration sessionTimeout) {
        this.sessionTimeout = sessionTimeout;
    }

    @JsonProperty
    public Duration getConnectionTimeout() {
        return connectionTimeout;
    }

    @JsonProperty
    public void setConnectionTimeout(Duration connectionTimeout) {
        this.connectionTimeout = connectionTimeout;
    }

    @JsonProperty
    public Duration getStartupTimeout() {
        return startupTimeout;
    }

    @JsonProperty
    public void setStartupTimeout(Duration startupTimeout) {
        this.startupTimeout = startupTimeout;
    }
}
