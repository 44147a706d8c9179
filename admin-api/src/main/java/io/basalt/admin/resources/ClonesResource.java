package io.basalt.admin.resources;

import io.basalt.admin.api.CreateCloneRequest;
import io.basalt.admin.api.VolumeView;
import io.basalt.admin.core.Created;
import io.basalt.admin.core.VolumeService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** POST /volumes/{volume}/snapshots/{snapshot}/clones: a new writable volume from a snapshot. */
@Path("/volumes/{volume}/snapshots/{snapshot}/clones")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ClonesResource {
    private final VolumeService volumes;

    public ClonesResource(VolumeService volumes) {
        this.volumes = volumes;
    }

    @POST
    public Response create(@PathParam("volume") String volume, @PathParam("snapshot") String snapshot,
                           @NotNull @Valid CreateCloneRequest request, @Context UriInfo uri) {
        Created<VolumeView> c = volumes.cloneSnapshot(volume, snapshot, request.name());
        if (!c.created()) {
            return Response.ok(c.value()).build();
        }
        return Response.created(uri.getBaseUriBuilder().path("volumes").path(c.value().name()).build()).entity(c.value()).build();
    }
}
