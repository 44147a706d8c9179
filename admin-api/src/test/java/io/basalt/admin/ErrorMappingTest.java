package io.basalt.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.basalt.admin.api.ErrorBody;
import io.basalt.admin.errors.EngineExceptionMapper;
import io.basalt.admin.errors.StoreExceptionMapper;
import io.basalt.coordination.StoreException;
import io.basalt.engine.EngineException;
import io.basalt.engine.MediumErrorException;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Engine and store failure kinds become the statuses and codes the API documents. */
class ErrorMappingTest {
    @Test
    void engineKindsMapToStatuses() {
        Map<EngineException.Kind, Integer> expected = Map.of(
                EngineException.Kind.NOT_FOUND, 404,
                EngineException.Kind.ALREADY_EXISTS, 409,
                EngineException.Kind.INVALID_ARGUMENT, 422,
                EngineException.Kind.CONFLICT, 409,
                EngineException.Kind.NO_SPACE, 507,
                EngineException.Kind.CLOSED, 503,
                EngineException.Kind.MEDIUM_ERROR, 500,
                EngineException.Kind.IO_ERROR, 500);
        assertEquals(EngineException.Kind.values().length, expected.size(), "every kind is covered");
        EngineExceptionMapper mapper = new EngineExceptionMapper();
        expected.forEach((kind, status) -> {
            Response r = mapper.toResponse(new EngineException(kind, "m"));
            assertEquals(status, r.getStatus(), kind.name());
            ErrorBody body = (ErrorBody) r.getEntity();
            assertEquals(status, body.code());
            assertEquals("m", body.message());
        });
        ErrorBody medium = (ErrorBody) mapper.toResponse(new MediumErrorException("v", 4096, "crc")).getEntity();
        assertEquals("medium_error", medium.error());
        assertEquals("no_space", ((ErrorBody) mapper.toResponse(new EngineException(EngineException.Kind.NO_SPACE, "full")).getEntity()).error());
    }

    @Test
    void storeKindsMapToStatuses() {
        StoreExceptionMapper mapper = new StoreExceptionMapper();
        Map<StoreException.Kind, Integer> expected = Map.of(
                StoreException.Kind.UNAVAILABLE, 503,
                StoreException.Kind.VERSION_CONFLICT, 409,
                StoreException.Kind.NOT_FOUND, 404,
                StoreException.Kind.ALREADY_EXISTS, 409,
                StoreException.Kind.CORRUPT, 500,
                StoreException.Kind.FAILED, 500);
        assertEquals(StoreException.Kind.values().length, expected.size());
        expected.forEach((kind, status) ->
                assertEquals(status, mapper.toResponse(new StoreException(kind, "/x", "m", null)).getStatus(), kind.name()));
    }
}
