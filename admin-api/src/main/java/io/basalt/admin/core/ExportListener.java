package io.basalt.admin.core;

import java.util.Optional;

/**
 * What the iSCSI layer implements to follow the exports, ACLs and CHAP settings that the admin
 * API keeps in ZooKeeper. target-daemon maps these calls onto its TargetRegistry.
 *
 * <p>Delivery: calls come from one thread ({@code basalt-export-watcher}), in order, never
 * concurrently. After start-up the first calls describe the complete current state (every
 * target of this node, every discovery credential); later calls describe only changes. A
 * delivery is a desired state, so applying the same call twice must be harmless. Calls must
 * return promptly (they hold up later changes) and must not log the secrets.
 *
 * <p>Only targets whose volume lives on this node are delivered.
 */
public interface ExportListener {
    /** A target to serve, new or changed (ACL, CHAP, LUN): replace whatever was there. */
    void targetUpdated(TargetExport target);

    /** A target no longer exported: stop serving it (and end its sessions). */
    void targetRemoved(String targetIqn);

    /**
     * Discovery sessions (SendTargets) from this initiator must now authenticate with these
     * credentials, or, when empty, need no CHAP.
     */
    void discoveryChapChanged(String initiatorIqn, Optional<ChapSecrets> credentials);

    /** A listener that ignores everything (for tools and tests without an iSCSI portal). */
    ExportListener NONE = new ExportListener() {
        @Override
        public void targetUpdated(TargetExport target) {
        }

        @Override
        public void targetRemoved(String targetIqn) {
        }

        @Override
        public void discoveryChapChanged(String initiatorIqn, Optional<ChapSecrets> credentials) {
        }
    };
}
