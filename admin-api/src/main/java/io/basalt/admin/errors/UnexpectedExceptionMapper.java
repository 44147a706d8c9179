package io.basalt.admin.errors;

import jakarta.annotation.Priority;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Anything else is a bug: 500 with an id that finds the stack trace in the log. */
@Provider
@Priority(1)
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

    @Override
    public Response toResponse(Throwable e) {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        LOG.error("unexpected error {}", id, e);
        return Errors.response(500, "internal_error", "internal error " + id + "; see the server log");
    }
}
