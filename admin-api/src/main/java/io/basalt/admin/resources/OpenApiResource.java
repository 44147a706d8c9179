package io.basalt.admin.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** GET /openapi.yaml: the API's description (hand-written; a copy of docs/openapi.yaml). */
@Path("/openapi.yaml")
public final class OpenApiResource {
    /** Where the document is on the class path. */
    public static final String RESOURCE = "/openapi.yaml";
    private final byte[] document;

    public OpenApiResource() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    @Produces("application/yaml")
    public byte[] get() {
        return document.clone();
    }
}
