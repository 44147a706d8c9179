package io.basalt.admin.resources;

import io.basalt.admin.api.CreateSnapshotRequest;
import io.basalt.admin.api.SnapshotView;
import io.basalt.admin.core.Created;
import io.basalt.admin.core.VolumeService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/** /volumes/{volume}/snapshots: the snapshot tree, and taking a snapshot. */
@Path("/volumes/{volume}/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class SnapshotsResource {
    private final VolumeService volumes;

    public SnapshotsResource(VolumeService volumes) {
        this.volumes = volumes;
    }

    @GET
    public List<SnapshotView> tree(@PathParam("volume") String volume) {
        return volumes.snapshotTree(volume);
    }

    @POST
    public Response create(@PathParam("volume") String volume, @NotNull @Valid CreateSnapshotRequest request, @Context UriInfo uri) {
        Created<SnapshotView> c = volumes.createSnapshot(volume, request.name());
        return Responses.created(uri, c, c.value(), c.value().name());
    }
}
