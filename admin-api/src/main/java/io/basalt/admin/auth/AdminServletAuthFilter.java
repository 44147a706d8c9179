package io.basalt.admin.auth;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The same token rule for Dropwizard's admin connector (its /healthcheck, /metrics, /threads,
 * /tasks servlets), which Jersey filters do not see. Its /ping stays open.
 */
public final class AdminServletAuthFilter implements Filter {
    private static final byte[] BODY = ("{\"code\":401,\"error\":\"unauthorized\","
            + "\"message\":\"a valid admin token is required: Authorization: Bearer <token>\"}").getBytes(StandardCharsets.UTF_8);
    private final BearerToken token;

    public AdminServletAuthFilter(BearerToken token) {
        this.token = token;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) req;
        String path = http.getRequestURI().substring(http.getContextPath().length());
        if (path.equals("/" + BearerToken.PUBLIC_PATH) || token.accepts(http.getHeader("Authorization"))) {
            chain.doFilter(req, resp);
            return;
        }
        HttpServletResponse out = (HttpServletResponse) resp;
        out.setStatus(401);
        out.setHeader("WWW-Authenticate", BearerAuthFilter.CHALLENGE);
        out.setContentType("application/json");
        out.setContentLength(BODY.length);
        out.getOutputStream().write(BODY);
    }
}
