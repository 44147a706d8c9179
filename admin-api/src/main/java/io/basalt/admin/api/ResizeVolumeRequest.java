package io.basalt.admin.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/**
 * PATCH /volumes/{name}: online resize.
 *
 * @param sizeBytes   the new size, a positive multiple of 4096
 * @param allowShrink must be true to shrink: the data past the new end is discarded
 */
public record ResizeVolumeRequest(@NotNull @Positive Long sizeBytes, Boolean allowShrink) {
    public boolean shrinkAllowed() {
        return allowShrink != null && allowShrink;
    }
}
