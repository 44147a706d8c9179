package io.basalt.admin.resources;

import io.basalt.admin.api.CreateExportRequest;
import io.basalt.admin.api.ExportView;
import io.basalt.admin.core.Created;
import io.basalt.admin.core.ExportRecord;
import io.basalt.admin.core.ExportService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/** /exports: list, and export a volume to initiators (returns target IQN, portals, LUN). */
@Path("/exports")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ExportsResource {
    private final ExportService exports;

    public ExportsResource(ExportService exports) {
        this.exports = exports;
    }

    @GET
    public List<ExportView> list() {
        return exports.list().stream().map(exports::view).toList();
    }

    @POST
    public Response create(@NotNull @Valid CreateExportRequest request, @Context UriInfo uri) {
        Created<ExportRecord> c = exports.create(request);
        return Responses.created(uri, c, exports.view(c.value()), c.value().volume());
    }
}
