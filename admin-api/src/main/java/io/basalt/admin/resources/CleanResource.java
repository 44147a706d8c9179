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
import java.util.LinkedHashMap;
import java.util.Map;

/** POST /maintenance/clean: one segment-cleaning pass now, in the background (202). */
@Path("/maintenance/clean")
@Produces(MediaType.APPLICATION_JSON)
public final class CleanResource {
    private final BlockEngine engine;
    private final OperationService operations;

    public CleanResource(BlockEngine engine, OperationService operations) {
        this.engine = engine;
        this.operations = operations;
    }

    @POST
    public Response clean(@Context UriInfo uri) {
        OperationView op = operations.submit("clean", null, () -> {
            BlockEngine.Stats before = engine.stats();
            int cleaned = engine.clean();
            BlockEngine.Stats after = engine.stats();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("segmentsCleaned", cleaned);
            result.put("bytesCopied", after.bytesCleaned() - before.bytesCleaned());
            result.put("segmentsBefore", before.segments());
            result.put("segmentsAfter", after.segments());
            return result;
        });
        return Responses.accepted(uri, op);
    }
}
