package io.basalt.admin.core;

import io.basalt.coordination.ClusterStore;

/** Where the admin API keeps its state under /basalt. */
public final class ClusterPaths {
    /** One child per registered initiator: {@link HostRecord}. */
    public static final String HOSTS = "/hosts";
    /**
     * One child per exported volume: {@link ExportRecord}. The parent's own version is bumped
     * by every export change, so a host deletion can check that no export appeared meanwhile.
     */
    public static final String EXPORTS = "/exports";
    /** Cluster-wide settings. */
    public static final String CONFIG = "/config";
    /** The discovery CHAP credentials ({@link ChapSecrets}), absent when discovery is open. */
    public static final String DISCOVERY_CHAP = CONFIG + "/discovery-chap";

    private ClusterPaths() {
    }

    public static String host(String iqn) {
        return ClusterStore.path("hosts", iqn);
    }

    public static String export(String volume) {
        return ClusterStore.path("exports", volume);
    }

    /** Creates the parents that transactions need (they do not create parents). */
    public static void ensure(ClusterStore store) {
        store.ensurePath(HOSTS);
        store.ensurePath(EXPORTS);
        store.ensurePath(CONFIG);
    }
}
