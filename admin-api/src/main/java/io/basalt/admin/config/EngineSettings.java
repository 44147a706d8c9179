package io.basalt.admin.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.basalt.engine.EngineConfig;
import io.dropwizard.util.DataSize;
import io.dropwizard.validation.MinDataSize;
import jakarta.validation.constraints.NotNull;

/** Tunables of the local volume engine, and the free-space floor the health check watches. */
public class EngineSettings {
    @NotNull
    @MinDataSize(1088 * 1024)
    private DataSize segmentSize = DataSize.mebibytes(64);

    /** Writes fail with NO_SPACE below this much free disk. */
    @NotNull
    private DataSize reserve = DataSize.mebibytes(256);

    /** The free-space health check turns unhealthy below this (keep it above {@code reserve}). */
    @NotNull
    private DataSize minFreeSpace = DataSize.gibibytes(1);

    @NotNull
    private DataSize readCache = DataSize.mebibytes(64);

    private boolean backgroundCleaner = true;

    private boolean preallocateSegments = true;

    /** The engine configuration these settings describe. */
    public EngineConfig toEngineConfig() {
        return EngineConfig.defaults()
                .segmentBytes(segmentSize.toBytes())
                .reserveBytes(reserve.toBytes())
                .readCacheBytes(readCache.toBytes())
                .backgroundCleaner(backgroundCleaner)
                .preallocateSegments(preallocateSegments);
    }

    @JsonProperty
    public DataSize getSegmentSize() {
        return segmentSize;
    }

    @JsonProperty
    public void setSegmentSize(DataSize segmentSize) {
        this.segmentSize = segmentSize;
    }

    @JsonProperty
    public DataSize getReserve() {
        return reserve;
    }

    @JsonProperty
    public void setReserve(DataSize reserve) {
        this.reserve = reserve;
    }

    @JsonProperty
    public DataSize getMinFreeSpace() {
        return minFreeSpace;
    }

    @JsonProperty
    public void setMinFreeSpace(DataSize minFreeSpace) {
        this.minFreeSpace = minFreeSpace;
    }

    @JsonProperty
    public DataSize getReadCache() {
        return readCache;
    }

    @JsonProperty
    public void setReadCache(DataSize readCache) {
        this.readCache = readCache;
    }

    @JsonProperty
    public boolean isBackgroundCleaner() {
        return backgroundCleaner;
    }

    @JsonProperty
    public void setBackgroundCleaner(boolean backgroundCleaner) {
        this.backgroundCleaner = backgroundCleaner;
    }

    @JsonProperty
    public boolean isPreallocateSegments() {
        return preallocateSegments;
    }

    @JsonProperty
    public void setPreallocateSegments(boolean preallocateSegments) {
        this.preallocateSegments = preallocateSegments;
    }
}
