package io.basalt.admin.resources;

import io.basalt.admin.api.ChapRequest;
import io.basalt.admin.api.HostView;
import io.basalt.admin.core.Chaps;
import io.basalt.admin.core.ExportService;
import io.basalt.admin.core.HostService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** /hosts/{iqn}/chap: set or rotate a host's CHAP credentials, or drop CHAP for it. */
@Path("/hosts/{iqn}/chap")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class HostChapResource {
    private final HostService hosts;
    private final ExportService exports;

    public HostChapResource(HostService hosts, ExportService exports) {
        this.hosts = hosts;
        this.exports = exports;
    }

    @PUT
    public HostView set(@PathParam("iqn") String iqn, @NotNull @Valid ChapRequest request) {
        return HostViews.view(hosts.setChap(iqn, Chaps.from(request, "")), exports.list());
    }

    @DELETE
    public void clear(@PathParam("iqn") String iqn) {
        if (hosts.find(iqn).isPresent()) {
            hosts.setChap(iqn, null);
        }
    }
}
