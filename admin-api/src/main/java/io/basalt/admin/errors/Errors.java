package io.basalt.admin.errors;

import io.basalt.admin.api.ErrorBody;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds the one error response shape; every mapper goes through here. */
public final class Errors {
    private Errors() {
    }

    public static Response response(int status, String code, String message) {
        return response(new ErrorBody(status, code, message));
    }

    public static Response response(ErrorBody body) {
        return Response.status(body.code()).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    /** A machine code for a bare HTTP status: 404 becomes "not_found", 405 "method_not_allowed". */
    public static String codeFor(int status) {
        Response.Status s = Response.Status.fromStatusCode(status);
        if (s == null) {
            return status >= 500 ? "internal_error" : "http_" + status;
        }
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }
}
