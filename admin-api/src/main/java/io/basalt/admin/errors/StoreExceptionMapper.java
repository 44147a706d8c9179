package io.basalt.admin.errors;

import io.basalt.coordination.StoreException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** ZooKeeper failures that services did not turn into something more specific. */
@Provider
@Priority(1)
public final class StoreExceptionMapper implements ExceptionMapper<StoreException> {
    private static final Logger LOG = LoggerFactory.getLogger(StoreExceptionMapper.class);

    @Override
    public Response toResponse(StoreException e) {
        return switch (e.kind()) {
            case UNAVAILABLE -> Errors.response(503, "coordination_unavailable", e.getMessage());
            case VERSION_CONFLICT -> Errors.response(409, "concurrent_update", "changed concurrently by another request; retry");
            case NOT_FOUND -> Errors.response(404, "not_found", e.getMessage());
            case ALREADY_EXISTS -> Errors.response(409, "already_exists", e.getMessage());
            case CORRUPT, FAILED -> {
                LOG.error("cluster store failure ({}) at {}", e.kind(), e.path(), e);
                yield Errors.response(500, "coordination_error", e.getMessage());
            }
        };
    }
}
