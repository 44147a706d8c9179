package io.basalt.admin;

import io.basalt.admin.core.ExportListener;
import io.basalt.coordination.ClusterStore;
import io.basalt.coordination.NodeRegistry;
import io.basalt.engine.BlockEngine;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link AdminApi#register} needs from its host. The caller owns (opens, starts, closes)
 * the engine, the store and the node registry; {@link AdminBundle} does that from configuration.
 *
 * @param engine          this node's open volume engine
 * @param store           a started, connected cluster store
 * @param nodes           this node's membership (its {@code self()} names the node)
 * @param listener        the iSCSI layer's view of exports, hosts and CHAP
 * @param adminToken      the bearer token every request must carry
 * @param targetIqnPrefix targets are named {@code <prefix>:<volume>}
 * @param dataDir         the data directory (for capacity figures)
 * @param minFreeBytes    the free-space health check's floor
 */
public record AdminContext(BlockEngine engine, ClusterStore store, NodeRegistry nodes, ExportListener listener,
                           String adminToken, String targetIqnPrefix, Path dataDir, long minFreeBytes) {
    public AdminContext {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(targetIqnPrefix, "targetIqnPrefix");
        Objects.requireNonNull(dataDir, "dataDir");
    }

    @Override
    public String toString() {
        return "AdminContext{node=" + nodes.self().nodeId() + ", dataDir=" + dataDir + ", adminToken=***}";
    }
}
