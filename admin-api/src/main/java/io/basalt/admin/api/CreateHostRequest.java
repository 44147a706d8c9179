package io.basalt.admin.api;

import io.basalt.admin.core.Names;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * POST /hosts: register an initiator, optionally with the CHAP credentials it must use.
 *
 * @param iqn  the initiator's iSCSI name
 * @param chap CHAP credentials, or null for none
 */
public record CreateHostRequest(
        @NotNull @Pattern(regexp = Names.ISCSI, message = Names.ISCSI_MESSAGE) String iqn,
        @Valid ChapRequest chap) {
}
