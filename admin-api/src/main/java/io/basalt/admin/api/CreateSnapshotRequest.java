package io.basalt.admin.api;

import io.basalt.admin.core.Names;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** POST /volumes/{volume}/snapshots. */
public record CreateSnapshotRequest(@NotNull @Pattern(regexp = Names.OBJECT, message = Names.OBJECT_MESSAGE) String name) {
}
