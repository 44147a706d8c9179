package io.basalt.admin.resources;

import io.basalt.admin.api.ResizeVolumeRequest;
import io.basalt.admin.api.VolumeView;
import io.basalt.admin.core.VolumeService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** /volumes/{name}: read with usage, resize online, delete (idempotent). */
@Path("/volumes/{name}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class VolumeResource {
    private final VolumeService volumes;

    public VolumeResource(VolumeService volumes) {
        this.volumes = volumes;
    }

    @GET
    public VolumeView get(@PathParam("name") String name) {
        return volumes.get(name);
    }

    @PATCH
    public VolumeView resize(@PathParam("name") String name, @NotNull @Valid ResizeVolumeRequest request) {
        return volumes.resize(name, request.sizeBytes(), request.shrinkAllowed());
    }

    @DELETE
    public void delete(@PathParam("name") String name) {
        volumes.delete(name);
    }
}
