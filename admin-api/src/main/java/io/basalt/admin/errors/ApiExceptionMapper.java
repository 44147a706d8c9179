package io.basalt.admin.errors;

import io.basalt.admin.api.ErrorBody;
import jakarta.annotation.Priority;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

@Provider
@Priority(1)
public final class ApiExceptionMapper implements ExceptionMapper<ApiException> {
    @Override
    public Response toResponse(ApiException e) {
        return Errors.response(new ErrorBody(e.status(), e.code(), e.getMessage(), e.field()));
    }
}
