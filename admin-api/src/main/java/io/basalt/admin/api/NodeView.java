package io.basalt.admin.api;

import java.util.List;

/**
 * A cluster node that is up (registered in ZooKeeper).
 *
 * @param nodeId       its id
 * @param zone         its failure domain
 * @param adminUrls    where its admin API answers
 * @param iscsiPortals its iSCSI portals
 * @param startedAt    ISO-8601
 * @param self         true for the node answering this request
 * @param status       "up"
 */
public record NodeView(String nodeId, String zone, List<String> adminUrls, List<String> iscsiPortals, String startedAt,
                       boolean self, String status) {
}
