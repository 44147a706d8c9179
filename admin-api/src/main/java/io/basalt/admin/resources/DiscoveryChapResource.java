package io.basalt.admin.resources;

import io.basalt.admin.api.ChapRequest;
import io.basalt.admin.api.DiscoveryChapView;
import io.basalt.admin.core.ChapSecrets;
import io.basalt.admin.core.Chaps;
import io.basalt.admin.core.HostService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;

/**
 * /discovery-chap: credentials every registered host must use for discovery (SendTargets)
 * sessions. Secrets are write-only.
 */
@Path("/discovery-chap")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class DiscoveryChapResource {
    private final HostService hosts;

    public DiscoveryChapResource(HostService hosts) {
        this.hosts = hosts;
    }

    @GET
    public DiscoveryChapView get() {
        Optional<ChapSecrets> c = hosts.discoveryChap();
        return new DiscoveryChapView(c.isPresent(), c.map(Chaps::view).orElse(null));
    }

    @PUT
    public DiscoveryChapView set(@NotNull @Valid ChapRequest request) {
        ChapSecrets c = hosts.setDiscoveryChap(Chaps.from(request, ""));
        return new DiscoveryChapView(true, Chaps.view(c));
    }

    @DELETE
    public void clear() {
        hosts.clearDiscoveryChap();
    }
}
