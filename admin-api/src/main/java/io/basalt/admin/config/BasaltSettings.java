package io.basalt.admin.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.nio.file.Path;

/**
 * The {@code basalt:} section of a node's configuration: who this node is, where its data
 * lives, how the admin API authenticates, where ZooKeeper is, and the engine's tunables.
 *
 * <pre>
 * basalt:
 *   nodeId: node-1
 *   zone: rack-a
 *   dataDir: /var/lib/basalt
 *   adminToken: ${BASALT_ADMIN_TOKEN}
 *   targetIqnPrefix: iqn.2026-11.io.basalt
 *   zookeeper: {mode: embedded, embeddedPort: 2181}
 *   engine: {segmentSize: 64MiB, reserve: 256MiB, minFreeSpace: 1GiB}
 * </pre>
 */
public class BasaltSettings {
    @NotEmpty
    @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be 1..64 characters of [A-Za-z0-9._-]")
    private String nodeId;

    @NotEmpty
    @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be 1..64 characters of [A-Za-z0-9._-]")
    private String zone = "default";

    @NotEmpty
    private String dataDir;

    /** Bearer token every admin request must present. At least 24 characters: generate it. */
    @NotNull
    @Size(min = 24, max = 512)
    private String adminToken;

    /** Targets are named {@code <prefix>:<volume>} (RFC 7143 §4.2.7.2 iqn. format). */
    @NotEmpty
    @Pattern(regexp = "iqn\\.[0-9]{4}-[0-9]{2}\\.[a-z0-9][a-z0-9.-]*", message = "must look like iqn.YYYY-MM.reversed.domain")
    private String targetIqnPrefix = "iqn.2026-11.io.basalt";

    @Valid
    @NotNull
    private ZooKeeperSettings zookeeper = new ZooKeeperSettings();

    @Valid
    @NotNull
    private EngineSettings engine = new EngineSettings();

    public Path dataPath() {
        return Path.of(dataDir);
    }

    @JsonProperty
    public String getNodeId() {
        return nodeId;
    }

    @JsonProperty
    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    @JsonProperty
    public String getZone() {
        return zone;
    }

    @JsonProperty
    public void setZone(String zone) {
        this.zone = zone;
    }

    @JsonProperty
    public String getDataDir() {
        return dataDir;
    }

    @JsonProperty
    public void setDataDir(String dataDir) {
        this.dataDir = dataDir;
    }

    @JsonProperty
    public String getAdminToken() {
        return adminToken;
    }

    @JsonProperty
    public void setAdminToken(String adminToken) {
        this.adminToken = adminToken;
    }

    @JsonProperty
    public String getTargetIqnPrefix() {
        return targetIqnPrefix;
    }

    @JsonProperty
    public void setTargetIqnPrefix(String targetIqnPrefix) {
        this.targetIqnPrefix = targetIqnPrefix;
    }

    @JsonProperty
    public ZooKeeperSettings getZookeeper() {
        return zookeeper;
    }

    @JsonProperty
    public void setZookeeper(ZooKeeperSettings zookeeper) {
        this.zookeeper = zookeeper;
    }

    @JsonProperty
    public EngineSettings getEngine() {
        return engine;
    }

    @JsonProperty
    public void setEngine(EngineSettings engine) {
        this.engine = engine;
    }

    /** Never prints the admin token. */
    @Override
    public String toString() {
        return "BasaltSettings{nodeId=" + nodeId + ", zone=" + zone + ", dataDir=" + dataDir + ", adminToken=***}";
    }
}
