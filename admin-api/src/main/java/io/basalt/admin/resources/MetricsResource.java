package io.basalt.admin.resources;

import io.basalt.admin.metrics.PrometheusMetrics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/** GET /metrics: Prometheus text exposition format. */
@Path("/metrics")
public final class MetricsResource {
    private final PrometheusMetrics metrics;

    public MetricsResource(PrometheusMetrics metrics) {
        this.metrics = metrics;
    }

    @GET
    public Response scrape() {
        StreamingOutput body = metrics::write;
        return Response.ok(body).type(PrometheusMetrics.CONTENT_TYPE).build();
    }
}
