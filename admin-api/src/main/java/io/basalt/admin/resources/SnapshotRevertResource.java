package io.basalt.admin.resources;

import io.basalt.admin.api.VolumeView;
import io.basalt.admin.core.VolumeService;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * POST /volumes/{volume}/snapshots/{snapshot}/revert: the volume takes the snapshot's content.
 * Synchronous: the engine reverts in O(1) and reclaims the discarded state in the background.
 */
@Path("/volumes/{volume}/snapshots/{snapshot}/revert")
@Produces(MediaType.APPLICATION_JSON)
public final class SnapshotRevertResource {
    private final VolumeService volumes;

    public SnapshotRevertResource(VolumeService volumes) {
        this.volumes = volumes;
    }

    @POST
    public VolumeView revert(@PathParam("volume") String volume, @PathParam("snapshot") String snapshot) {
        return volumes.revert(volume, snapshot);
    }
}
