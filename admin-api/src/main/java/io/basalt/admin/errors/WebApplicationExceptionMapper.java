package io.basalt.admin.errors;

import jakarta.annotation.Priority;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * What Jersey itself raises: unknown routes (404), wrong method (405, keeping the Allow
 * header), unsupported or unacceptable media types (415, 406) — in the one error shape.
 */
@Provider
@Priority(1)
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        String message = switch (status) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed here" + allowed(original);
            case 406 -> "cannot produce the requested media type; this API speaks application/json";
            case 415 -> "unsupported media type; send application/json";
            default -> e.getMessage();
        };
        Response.ResponseBuilder b = Response.fromResponse(Errors.response(status, Errors.codeFor(status), message));
        String allow = original.getHeaderString(HttpHeaders.ALLOW);
        if (allow != null) {
            b.header(HttpHeaders.ALLOW, allow);
        }
        String challenge = original.getHeaderString(HttpHeaders.WWW_AUTHENTICATE);
        if (challenge != null) {
            b.header(HttpHeaders.WWW_AUTHENTICATE, challenge);
        }
        return b.build();
    }

    private static String allowed(Response r) {
        String allow = r.getHeaderString(HttpHeaders.ALLOW);
        return allow == null ? "" : " (allowed: " + allow + ")";
    }
}
