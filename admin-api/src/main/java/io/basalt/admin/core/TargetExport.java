package io.basalt.admin.core;

import java.util.Map;
import java.util.Set;

/**
 * One target as the iSCSI layer should serve it: what {@link ExportListener#targetUpdated}
 * delivers, fully resolved (host CHAP settings already looked up).
 *
 * @param targetIqn  the target's iSCSI name
 * @param volume     the engine volume behind its LUN
 * @param lun        the LUN number
 * @param initiators initiator names allowed to log in
 * @param chap       for each allowed initiator that must use CHAP, its credentials; an
 *                   initiator absent here logs in without CHAP
 */
public record TargetExport(String targetIqn, String volume, int lun, Set<String> initiators, Map<String, ChapSecrets> chap) {
    public TargetExport {
        initiators = Set.copyOf(initiators);
        chap = Map.copyOf(chap);
    }

    @Override
    public String toString() {
        return "TargetExport{" + targetIqn + ", volume=" + volume + ", lun=" + lun + ", initiators=" + initiators
                + ", chapRequiredFor=" + chap.keySet() + "}";
    }
}
