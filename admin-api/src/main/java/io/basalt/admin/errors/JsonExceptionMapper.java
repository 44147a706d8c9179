package io.basalt.admin.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.basalt.admin.api.ErrorBody;
import jakarta.annotation.Priority;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.stream.Collectors;

/**
 * Request bodies that are not JSON, or not the JSON expected: 400. The message names the
 * position or the field, never the offending value, because bodies carry CHAP secrets and
 * Jackson's own messages quote input.
 */
@Provider
@Priority(1)
public final class JsonExceptionMapper implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
        if (e instanceof DatabindException d && e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = fieldPath(m);
            if (d instanceof UnrecognizedPropertyException) {
                return Errors.response(new ErrorBody(400, "unknown_field", "unknown field '" + field + "'", field));
            }
            return Errors.response(new ErrorBody(400, "invalid_json", "field '" + field + "' has the wrong type or format", field));
        }
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        String what = e instanceof StreamReadException ? "malformed JSON" : "unusable JSON";
        return Errors.response(400, "malformed_json", what + where);
    }

    private static String fieldPath(JsonMappingException m) {
        return m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
