package io.basalt.admin.auth;

import io.basalt.admin.errors.Errors;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * Every API request needs {@code Authorization: Bearer <admin token>}, except GET /ping.
 * It runs before routing, so unknown paths answer 401 too and reveal nothing to a caller
 * without the token.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class BearerAuthFilter implements ContainerRequestFilter {
    /** The challenge sent with every 401 (RFC 6750 §3). */
    public static final String CHALLENGE = "Bearer realm=\"basalt\"";

    private final BearerToken token;

    public BearerAuthFilter(BearerToken token) {
        this.token = token;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (BearerToken.PUBLIC_PATH.equals(path) || ("/" + BearerToken.PUBLIC_PATH).equals(path)) {
            return;
        }
        if (!token.accepts(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            request.abortWith(unauthorized());
        }
    }

    static Response unauthorized() {
        return Response.fromResponse(Errors.response(401, "unauthorized", "a valid admin token is required: Authorization: Bearer <token>"))
                .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE).build();
    }
}
