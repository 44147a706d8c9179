package io.basalt.coordination;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;

/**
 * Cluster membership: this node keeps an ephemeral {@code /basalt/nodes/<nodeId>} holding its
 * {@link NodeInfo}; the nodes listed are the live ones.
 *
 * <p>Curator's {@link PersistentNode} recreates the znode after a session loss (and takes over
 * one left by this node's previous session), so the registration heals by itself once
 * ZooKeeper is back. Its watches run on Curator's threads; nothing here blocks them.
 */
public final class NodeRegistry implements Closeable {
    /** Parent of the membership znodes. */
    public static final String NODES = "/nodes";

    private final ClusterStore store;
    private volatile NodeInfo self;
    private PersistentNode node;

    public NodeRegistry(ClusterStore store, NodeInfo self) {
        this.store = store;
        this.self = self;
        ClusterStore.path("nodes", self.nodeId());
    }

    /** Starts announcing this node (in the background: see {@link #awaitRegistered}). */
    public synchronized void start() {
        if (node != null) {
            return;
        }
        node = new PersistentNode(store.curator(), CreateMode.EPHEMERAL, false, selfPath(), store.encode(self));
        node.start();
    }

    /** Waits until the znode exists for the first time; false on timeout. */
    public boolean awaitRegistered(Duration timeout) throws InterruptedException {
        PersistentNode n;
        synchronized (this) {
            n = node;
        }
        if (n == null) {
            throw new IllegalStateException("not started");
        }
        return n.waitForInitialCreate(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This node's announcement. */
    public NodeInfo self() {
        return self;
    }

    /** Changes what this node announces (e.g. once the iSCSI portal is bound). */
    public synchronized void update(NodeInfo info) {
        if (!info.nodeId().equals(self.nodeId())) {
            throw new IllegalArgumentException("node id cannot change: " + self.nodeId() + " -> " + info.nodeId());
        }
        self = info;
        if (node != null && node.getActualPath() != null) {
            try {
                node.setData(store.encode(info));
            } catch (Exception e) {
                throw new StoreException(StoreException.Kind.FAILED, selfPath(), "cannot update node announcement", e);
            }
        }
    }

    /** Live nodes, sorted by id. */
    public List<NodeInfo> nodes() {
        return new ArrayList<>(store.readChildren(NODES, NodeInfo.class).values().stream().map(Versioned::value).toList());
    }

    public Optional<NodeInfo> node(String nodeId) {
        return store.read(ClusterStore.path("nodes", nodeId), NodeInfo.class).map(Versioned::value);
    }

    private String selfPath() {
        return ClusterStore.path("nodes", self.nodeId());
    }

    /** Withdraws the announcement (deletes the znode if connected). */
    @Override
    public synchronized void close() throws IOException {
        if (node != null) {
            node.close();
            node = null;
        }
    }
}
