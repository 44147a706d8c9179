package io.basalt.admin.resources;

import io.basalt.admin.api.StatsView;
import io.basalt.engine.BlockEngine;
import io.basalt.engine.VolumeInfo;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.List;

/** GET /stats: this node's capacity, provisioning and engine counters. */
@Path("/stats")
@Produces(MediaType.APPLICATION_JSON)
public final class StatsResource {
    private final BlockEngine engine;
    private final java.nio.file.Path dataDir;

    public StatsResource(BlockEngine engine, java.nio.file.Path dataDir) {
        this.engine = engine;
        this.dataDir = dataDir;
    }

    @GET
    public StatsView stats() {
        BlockEngine.Stats s = engine.stats();
        List<VolumeInfo> volumes = engine.listVolumes();
        long total;
        try {
            FileStore fs = Files.getFileStore(dataDir);
            total = fs.getTotalSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + dataDir, e);
        }
        return new StatsView(
                new StatsView.Capacity(total, s.freeBytes()),
                volumes.stream().mapToLong(VolumeInfo::sizeBytes).sum(),
                volumes.stream().mapToLong(VolumeInfo::storedBytes).sum(),
                volumes.size(),
                engine.listAllSnapshots().size(),
                new StatsView.Engine(s.segments(), s.segmentBytes(), s.liveBytes(), s.syncs(), s.syncedWrites(), s.checkpoints(),
                        s.segmentsCleaned(), s.bytesCleaned()));
    }
}
