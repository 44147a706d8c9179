package io.basalt.admin.errors;

import io.basalt.engine.EngineException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place engine failure kinds become HTTP statuses. Services translate the cases where
 * they know which object was missing (volume_not_found, snapshot_not_found); what reaches this
 * mapper gets a code named after the kind.
 */
@Provider
@Priority(1)
public final class EngineExceptionMapper implements ExceptionMapper<EngineException> {
    private static final Logger LOG = LoggerFactory.getLogger(EngineExceptionMapper.class);

    @Override
    public Response toResponse(EngineException e) {
        int status = status(e.kind());
        if (status == 500) {
            LOG.error("engine failure ({})", e.kind(), e);
        } else if (status > 500) {
            LOG.warn("engine refused a request ({}): {}", e.kind(), e.getMessage());
        }
        return Errors.response(status, code(e.kind()), e.getMessage());
    }

    /** The HTTP status of an engine failure kind. */
    public static int status(EngineException.Kind kind) {
        return switch (kind) {
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, CONFLICT -> 409;
            case INVALID_ARGUMENT -> 422;
            case NO_SPACE -> 507;
            case CLOSED -> 503;
            case MEDIUM_ERROR, IO_ERROR -> 500;
        };
    }

    /** The API's machine code of an engine failure kind. */
    public static String code(EngineException.Kind kind) {
        return switch (kind) {
            case NOT_FOUND -> "not_found";
            case ALREADY_EXISTS -> "already_exists";
            case CONFLICT -> "conflict";
            case INVALID_ARGUMENT -> "invalid_argument";
            case NO_SPACE -> "no_space";
            case CLOSED -> "engine_closed";
            case MEDIUM_ERROR -> "medium_error";
            case IO_ERROR -> "io_error";
        };
    }
}
