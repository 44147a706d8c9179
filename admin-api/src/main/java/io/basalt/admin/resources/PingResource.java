package io.basalt.admin.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** GET /ping: liveness without authentication; says nothing about the node. */
@Path("/ping")
@Produces(MediaType.APPLICATION_JSON)
public final class PingResource {
    @GET
    public Map<String, String> ping() {
        return Map.of("status", "ok");
    }
}
