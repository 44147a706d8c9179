package io.basalt.admin.api;

import io.basalt.admin.core.Names;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * POST /exports: serve a volume as an iSCSI target to these initiators.
 *
 * @param volume     the volume
 * @param initiators initiator names allowed to log in; each must be a registered host
 * @param lun        the LUN (default 0)
 */
public record CreateExportRequest(
        @NotNull @Pattern(regexp = Names.OBJECT, message = Names.OBJECT_MESSAGE) String volume,
        @NotEmpty @Size(max = 256) List<@NotNull @Pattern(regexp = Names.ISCSI, message = Names.ISCSI_MESSAGE) String> initiators,
        @Min(0) @Max(255) Integer lun) {

    public int lunOrDefault() {
        return lun == null ? 0 : lun;
    }
}
