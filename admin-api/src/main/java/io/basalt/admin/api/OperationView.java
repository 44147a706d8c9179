package io.basalt.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A long-running operation (scrub, clean, reclaim) and how far it got.
 *
 * @param id         its id, for GET /operations/{id}
 * @param type       "scrub", "clean" or "reclaim"
 * @param target     the volume it works on, or absent for node-wide operations
 * @param state      "queued", "running", "succeeded" or "failed"
 * @param progress   0.0 to 1.0
 * @param createdAt  ISO-8601
 * @param startedAt  ISO-8601, once running
 * @param finishedAt ISO-8601, once done
 * @param result     what it found or did, once succeeded
 * @param error      why it failed, once failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationView(String id, String type, String target, String state, double progress, String createdAt,
                            String startedAt, String finishedAt, Map<String, Object> result, ErrorBody error) {
}
