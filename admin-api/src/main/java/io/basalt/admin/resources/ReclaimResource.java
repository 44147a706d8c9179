package io.basalt.admin.resources;

import io.basalt.admin.api.OperationView;
import io.basalt.admin.core.OperationService;
import io.basalt.engine.BlockEngine;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;

/**
 * POST /maintenance/reclaim: reclaim now the space of deleted snapshots and volumes and of
 * reverted states (large snapshot trees take a while), in the background (202).
 */
@Path("/maintenance/reclaim")
@Produces(MediaType.APPLICATION_JSON)
public final class ReclaimResource {
    private final BlockEngine engine;
    private final OperationService operations;

    public ReclaimResource(BlockEngine engine, OperationService operations) {
        this.engine = engine;
        this.operations = operations;
    }

    @POST
    public Response reclaim(@Context UriInfo uri) {
        OperationView op = operations.submit("reclaim", null, () -> {
            long before = engine.stats().liveBytes();
            engine.reclaim();
            return Map.of("liveBytesBefore", before, "liveBytesAfter", engine.stats().liveBytes());
        });
        return Responses.accepted(uri, op);
    }
}
