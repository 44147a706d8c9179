package io.basalt.admin.core;

import java.util.List;

/**
 * A volume exported as an iSCSI target, stored at {@code /basalt/exports/<volume>}.
 *
 * @param volume        the volume (one target per volume)
 * @param targetIqn     the target's iSCSI name
 * @param lun           the LUN the volume appears at
 * @param initiators    initiator names allowed to log in (each a registered host), sorted
 * @param nodeId        the node whose engine holds the volume and serves the target
 * @param createdMillis creation time
 */
public record ExportRecord(String volume, String targetIqn, int lun, List<String> initiators, String nodeId, long createdMillis) {
    public ExportRecord {
        initiators = List.copyOf(initiators);
    }
}
