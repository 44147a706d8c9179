package io.basalt.admin.errors;

import io.basalt.admin.api.ErrorBody;
import io.dropwizard.jersey.validation.JerseyViolationException;
import jakarta.annotation.Priority;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Bean Validation failures of request bodies and parameters: 422 naming the field. The invalid
 * value itself is never echoed (it may be a secret).
 */
@Provider
@Priority(1)
public final class ValidationExceptionMapper implements ExceptionMapper<JerseyViolationException> {
    @Override
    public Response toResponse(JerseyViolationException e) {
        List<String> messages = new ArrayList<>();
        String firstField = null;
        List<ConstraintViolation<?>> sorted = e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> field(v)))
                .toList();
        for (ConstraintViolation<?> v : sorted) {
            String field = field(v);
            if (firstField == null) {
                firstField = field;
            }
            messages.add(field.equals("body") && v.getMessage().startsWith("must not be null")
                    ? "a JSON request body is required" : field + " " + v.getMessage());
        }
        return Errors.response(new ErrorBody(422, "validation_failed", String.join("; ", messages), firstField));
    }

    /** "create.request.sizeBytes" becomes "sizeBytes"; a violation on the whole body is "body". */
    static String field(ConstraintViolation<?> v) {
        StringBuilder b = new StringBuilder();
        String param = null;
        for (Path.Node n : v.getPropertyPath()) {
            if (n.getKind() == ElementKind.METHOD || n.getKind() == ElementKind.CONSTRUCTOR
                    || n.getKind() == ElementKind.RETURN_VALUE || n.getKind() == ElementKind.CROSS_PARAMETER) {
                continue;
            }
            if (n.getKind() == ElementKind.PARAMETER) {
                param = n.getName();
                continue;
            }
            if (n.getName() == null) {
                continue;
            }
            if (!b.isEmpty()) {
                b.append('.');
            }
            b.append(n.getName());
            if (n.getIndex() != null) {
                b.append('[').append(n.getIndex()).append(']');
            }
        }
        if (!b.isEmpty()) {
            return b.toString();
        }
        return param == null || param.startsWith("arg") || param.equals("request") ? "body" : param;
    }
}
