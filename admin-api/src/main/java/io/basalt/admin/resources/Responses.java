package io.basalt.admin.resources;

import io.basalt.admin.core.Created;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;

/** How idempotent creates answer: 201 with Location when created, 200 when it already was. */
final class Responses {
    private Responses() {
    }

    static <T> Response created(UriInfo uri, Created<?> c, T body, String name) {
        if (!c.created()) {
            return Response.ok(body).build();
        }
        UriBuilder location = uri.getAbsolutePathBuilder().path(name);
        return Response.created(location.build()).entity(body).build();
    }

    /** 202 Accepted pointing at the operation to poll. */
    static Response accepted(UriInfo uri, io.basalt.admin.api.OperationView op) {
        return Response.accepted(op).location(uri.getBaseUriBuilder().path("operations").path(op.id()).build()).build();
    }
}
