package io.basalt.admin.resources;

import io.basalt.admin.api.OperationView;
import io.basalt.admin.core.OperationService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** GET /operations: this node's recent long operations, newest first. */
@Path("/operations")
@Produces(MediaType.APPLICATION_JSON)
public final class OperationsResource {
    private final OperationService operations;

    public OperationsResource(OperationService operations) {
        this.operations = operations;
    }

    @GET
    public List<OperationView> list() {
        return operations.list();
    }
}
