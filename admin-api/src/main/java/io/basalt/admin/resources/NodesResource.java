package io.basalt.admin.resources;

import io.basalt.admin.api.NodeView;
import io.basalt.admin.core.Times;
import io.basalt.coordination.NodeRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** GET /nodes: the cluster's live nodes (registered in ZooKeeper). Health of this node: GET /health. */
@Path("/nodes")
@Produces(MediaType.APPLICATION_JSON)
public final class NodesResource {
    private final NodeRegistry nodes;

    public NodesResource(NodeRegistry nodes) {
        this.nodes = nodes;
    }

    @GET
    public List<NodeView> list() {
        String self = nodes.self().nodeId();
        return nodes.nodes().stream()
                .map(n -> new NodeView(n.nodeId(), n.zone(), n.adminUrls(), n.iscsiPortals(), Times.iso(n.startedMillis()),
                        n.nodeId().equals(self), "up"))
                .toList();
    }
}
