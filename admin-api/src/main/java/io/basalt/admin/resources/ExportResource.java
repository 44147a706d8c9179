package io.basalt.admin.resources;

import io.basalt.admin.api.ExportView;
import io.basalt.admin.core.ExportService;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** /exports/{volume}: read, or stop exporting (idempotent). */
@Path("/exports/{volume}")
@Produces(MediaType.APPLICATION_JSON)
public final class ExportResource {
    private final ExportService exports;

    public ExportResource(ExportService exports) {
        this.exports = exports;
    }

    @GET
    public ExportView get(@PathParam("volume") String volume) {
        return exports.view(exports.get(volume));
    }

    @DELETE
    public void delete(@PathParam("volume") String volume) {
        exports.delete(volume);
    }
}
