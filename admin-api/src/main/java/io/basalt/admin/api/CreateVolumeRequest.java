package io.basalt.admin.api;

import io.basalt.admin.core.Names;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

/**
 * POST /volumes.
 *
 * @param name        unique volume name
 * @param sizeBytes   logical size, a positive multiple of 4096
 * @param compression LZ4 on (default false)
 * @param replicas    1, or 2 (refused with 422 replication_unavailable until replication exists)
 */
public record CreateVolumeRequest(
        @NotNull @Pattern(regexp = Names.OBJECT, message = Names.OBJECT_MESSAGE) String name,
        @NotNull @Positive Long sizeBytes,
        Boolean compression,
        @Min(1) @Max(2) Integer replicas) {

    public boolean compressionOrDefault() {
        return compression != null && compression;
    }

    public int replicasOrDefault() {
        return replicas == null ? 1 : replicas;
    }
}
