package io.basalt.admin.resources;

import io.basalt.admin.api.OperationView;
import io.basalt.admin.core.OperationService;
import io.basalt.admin.core.VolumeService;
import io.basalt.engine.BlockEngine;
import io.basalt.engine.ScrubReport;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/** POST /volumes/{volume}/scrub: verify every stored block's checksum, in the background (202). */
@Path("/volumes/{volume}/scrub")
@Produces(MediaType.APPLICATION_JSON)
public final class VolumeScrubResource {
    private final VolumeService volumes;
    private final BlockEngine engine;
    private final OperationService operations;

    public VolumeScrubResource(VolumeService volumes, BlockEngine engine, OperationService operations) {
        this.volumes = volumes;
        this.engine = engine;
        this.operations = operations;
    }

    @POST
    public Response scrub(@PathParam("volume") String volume, @Context UriInfo uri) {
        volumes.require(volume);
        OperationView op = operations.submit("scrub", volume, () -> {
            ScrubReport r = engine.scrub(volume);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("blocksChecked", r.blocksChecked());
            result.put("clean", r.clean());
            result.put("damagedOffsets", r.damagedOffsets());
            return result;
        });
        return Responses.accepted(uri, op);
    }
}
