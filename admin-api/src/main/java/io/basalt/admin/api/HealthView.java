package io.basalt.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * GET /health: every health check of this node.
 *
 * @param healthy true when all checks pass
 * @param checks  per dependency ("zookeeper", "engine", "free-space", ...)
 */
public record HealthView(boolean healthy, Map<String, Check> checks) {
    /**
     * @param healthy whether this check passes
     * @param message what it found
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Check(boolean healthy, String message) {
    }
}
