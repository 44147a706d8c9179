package io.basalt.admin.resources;

import io.basalt.admin.api.CreateVolumeRequest;
import io.basalt.admin.api.VolumeView;
import io.basalt.admin.core.Created;
import io.basalt.admin.core.VolumeService;
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

/** /volumes: list and create. */
@Path("/volumes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class VolumesResource {
    private final VolumeService volumes;

    public VolumesResource(VolumeService volumes) {
        this.volumes = volumes;
    }

    @GET
    public List<VolumeView> list() {
        return volumes.list();
    }

    @POST
    public Response create(@NotNull @Valid CreateVolumeRequest request, @Context UriInfo uri) {
        Created<VolumeView> c = volumes.create(request);
        return Responses.created(uri, c, c.value(), c.value().name());
    }
}
