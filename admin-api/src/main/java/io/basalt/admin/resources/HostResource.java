package io.basalt.admin.resources;

import io.basalt.admin.api.HostView;
import io.basalt.admin.core.ExportService;
import io.basalt.admin.core.HostService;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** /hosts/{iqn}: read, unregister (idempotent; refused while an export lists it). */
@Path("/hosts/{iqn}")
@Produces(MediaType.APPLICATION_JSON)
public final class HostResource {
    private final HostService hosts;
    private final ExportService exports;

    public HostResource(HostService hosts, ExportService exports) {
        this.hosts = hosts;
        this.exports = exports;
    }

    @GET
    public HostView get(@PathParam("iqn") String iqn) {
        return HostViews.view(hosts.get(iqn), exports.list());
    }

    @DELETE
    public void delete(@PathParam("iqn") String iqn) {
        hosts.delete(iqn, exports);
    }
}
