package io.basalt.admin.resources;

import io.basalt.admin.api.OperationView;
import io.basalt.admin.core.OperationService;
import io.basalt.admin.errors.ApiException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** GET /operations/{id}: state and progress of one operation. */
@Path("/operations/{id}")
@Produces(MediaType.APPLICATION_JSON)
public final class OperationResource {
    private final OperationService operations;

    public OperationResource(OperationService operations) {
        this.operations = operations;
    }

    @GET
    public OperationView get(@PathParam("id") String id) {
        return operations.get(id).orElseThrow(() -> ApiException.notFound("operation_not_found", "no operation " + id
                + " on this node (finished operations are forgotten after a while and on restart)"));
    }
}
