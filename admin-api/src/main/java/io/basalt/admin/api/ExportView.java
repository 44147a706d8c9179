package io.basalt.admin.api;

import java.util.List;

/**
 * An export: how an initiator reaches the volume.
 *
 * @param volume     the volume
 * @param targetIqn  the target name to log in to
 * @param portals    "host:port" addresses of the portal(s) serving it (empty while its node is down)
 * @param lun        the LUN the volume appears at
 * @param initiators initiators allowed
 * @param nodeId     the node serving it
 * @param createdAt  ISO-8601
 */
public record ExportView(String volume, String targetIqn, List<String> portals, int lun, List<String> initiators,
                         String nodeId, String createdAt) {
}
