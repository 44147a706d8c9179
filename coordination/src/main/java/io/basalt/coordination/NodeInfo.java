package io.basalt.coordination;

import java.util.List;

/**
 * What a running node announces about itself in {@code /basalt/nodes/<nodeId>}.
 *
 * @param nodeId        unique, stable node name
 * @param zone          failure domain (rack, room); replicas go to different zones
 * @param adminUrls     where this node's admin API answers, e.g. "https://10.0.0.5:8443"
 * @param iscsiPortals  iSCSI portals as "host:port"
 * @param startedMillis when this node's process started
 */
public record NodeInfo(String nodeId, String zone, List<String> adminUrls, List<String> iscsiPortals, long startedMillis) {
    public NodeInfo {
        adminUrls = adminUrls == null ? List.of() : List.copyOf(adminUrls);
        iscsiPortals = iscsiPortals == null ? List.of() : List.copyOf(iscsiPortals);
    }

    public NodeInfo withIscsiPortals(List<String> portals) {
        return new NodeInfo(nodeId, zone, adminUrls, portals, startedMillis);
    }

    public NodeInfo withAdminUrls(List<String> urls) {
        return new NodeInfo(nodeId, zone, urls, iscsiPortals, startedMillis);
    }
}
