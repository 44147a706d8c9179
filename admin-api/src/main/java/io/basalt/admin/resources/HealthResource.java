package io.basalt.admin.resources;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import io.basalt.admin.api.HealthView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** GET /health: every health check; 200 when all pass, 503 otherwise. */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
    private final HealthCheckRegistry checks;

    public HealthResource(HealthCheckRegistry checks) {
        this.checks = checks;
    }

    @GET
    public Response health() {
        Map<String, HealthView.Check> out = new LinkedHashMap<>();
        boolean all = true;
        for (Map.Entry<String, HealthCheck.Result> e : checks.runHealthChecks().entrySet()) {
            HealthCheck.Result r = e.getValue();
            out.put(e.getKey(), new HealthView.Check(r.isHealthy(), r.getMessage()));
            all &= r.isHealthy();
        }
        return Response.status(all ? 200 : 503).entity(new HealthView(all, out)).build();
    }
}
