package io.basalt.admin.resources;

import io.basalt.admin.api.SnapshotView;
import io.basalt.admin.core.VolumeService;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** /volumes/{volume}/snapshots/{snapshot}: read (with the space only it holds), delete (idempotent). */
@Path("/volumes/{volume}/snapshots/{snapshot}")
@Produces(MediaType.APPLICATION_JSON)
public final class SnapshotResource {
    private final VolumeService volumes;

    public SnapshotResource(VolumeService volumes) {
        this.volumes = volumes;
    }

    @GET
    public SnapshotView get(@PathParam("volume") String volume, @PathParam("snapshot") String snapshot) {
        return volumes.getSnapshot(volume, snapshot);
    }

    @DELETE
    public void delete(@PathParam("volume") String volume, @PathParam("snapshot") String snapshot) {
        volumes.deleteSnapshot(volume, snapshot);
    }
}
