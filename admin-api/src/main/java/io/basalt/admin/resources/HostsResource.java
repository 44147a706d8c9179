package io.basalt.admin.resources;

import io.basalt.admin.api.CreateHostRequest;
import io.basalt.admin.api.HostView;
import io.basalt.admin.core.Chaps;
import io.basalt.admin.core.Created;
import io.basalt.admin.core.ExportRecord;
import io.basalt.admin.core.ExportService;
import io.basalt.admin.core.HostRecord;
import io.basalt.admin.core.HostService;
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

/** /hosts: registered initiators; register one (CHAP secrets are write-only). */
@Path("/hosts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class HostsResource {
    private final HostService hosts;
    private final ExportService exports;

    public HostsResource(HostService hosts, ExportService exports) {
        this.hosts = hosts;
        this.exports = exports;
    }

    @GET
    public List<HostView> list() {
        List<ExportRecord> all = exports.list();
        return hosts.list().stream().map(h -> HostViews.view(h, all)).toList();
    }

    @POST
    public Response create(@NotNull @Valid CreateHostRequest request, @Context UriInfo uri) {
        Created<HostRecord> c = hosts.create(request.iqn(), Chaps.from(request.chap(), "chap"));
        return Responses.created(uri, c, HostViews.view(c.value(), exports.list()), c.value().iqn());
    }
}
