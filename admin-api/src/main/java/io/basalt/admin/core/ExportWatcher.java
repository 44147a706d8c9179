package io.basalt.admin.core;

import io.basalt.coordination.ClusterStore;
import io.basalt.coordination.StoreException;
import io.dropwizard.lifecycle.Managed;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows exports, hosts and discovery CHAP in ZooKeeper and tells this node's iSCSI layer
 * what to serve, through {@link ExportListener}.
 *
 * <p>Curator caches keep a local copy of the three subtrees (surviving disconnections: the
 * last known state stays served). Their events only schedule a recomputation on this class's
 * own thread — Curator's threads never wait on the iSCSI layer. Each recomputation resolves
 * the desired targets of this node from the cached data and delivers the difference to what
 * was delivered before. Nothing is delivered until all three caches have loaded, so a
 * half-loaded view never removes a target.
 */
public final class ExportWatcher implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(ExportWatcher.class);

    private final ClusterStore store;
    private final String nodeId;
    private final ExportListener listener;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "basalt-export-watcher");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicInteger uninitialised = new AtomicInteger(3);
    private final CountDownLatch firstDelivery = new CountDownLatch(1);
    private final AtomicInteger deliveries = new AtomicInteger();
    private CuratorCache exports;
    private CuratorCache hosts;
    private CuratorCache config;
    // Only touched on the watcher thread.
    private final Map<String, TargetExport> delivered = new HashMap<>();
    private final Map<String, ChapSecrets> deliveredDiscovery = new HashMap<>();

    public ExportWatcher(ClusterStore store, String nodeId, ExportListener listener) {
        this.store = store;
        this.nodeId = nodeId;
        this.listener = listener;
    }

    @Override
    public synchronized void start() {
        exports = cache(ClusterPaths.EXPORTS);
        hosts = cache(ClusterPaths.HOSTS);
        config = cache(ClusterPaths.CONFIG);
    }

    private CuratorCache cache(String path) {
        CuratorCache c = CuratorCache.build(store.curator(), path);
        c.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> schedule())
                .forInitialized(() -> {
                    uninitialised.decrementAndGet();
                    schedule();
                })
                .build());
        c.start();
        return c;
    }

    /** Runs on Curator's threads: never blocks. */
    private void schedule() {
        if (uninitialised.get() > 0 || !scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(() -> {
                scheduled.set(false);
                reconcile();
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            scheduled.set(false);
        }
    }

    /** Waits until the complete initial state has been delivered; false on timeout. */
    public boolean awaitFirstDelivery(long timeout, TimeUnit unit) throws InterruptedException {
        return firstDelivery.await(timeout, unit);
    }

    /** How many reconciliations have run (for tests and metrics). */
    public int reconciliations() {
        return deliveries.get();
    }

    private void reconcile() {
        try {
            Map<String, HostRecord> hostsByIqn = new HashMap<>();
            records(hosts, ClusterPaths.HOSTS, HostRecord.class).forEach(h -> hostsByIqn.put(h.iqn(), h));
            Map<String, TargetExport> desired = new HashMap<>();
            for (ExportRecord e : records(exports, ClusterPaths.EXPORTS, ExportRecord.class)) {
                if (nodeId.equals(e.nodeId())) {
                    desired.put(e.targetIqn(), resolve(e, hostsByIqn));
                }
            }
            Optional<ChapSecrets> discovery = records(config, ClusterPaths.CONFIG, ChapSecrets.class, "discovery-chap").stream().findFirst();
            Map<String, ChapSecrets> desiredDiscovery = new HashMap<>();
            discovery.ifPresent(d -> hostsByIqn.keySet().forEach(iqn -> desiredDiscovery.put(iqn, d)));
            deliver(desired, desiredDiscovery);
        } catch (RuntimeException e) {
            LOG.error("applying exports failed; will retry on the next change", e);
        } finally {
            deliveries.incrementAndGet();
            firstDelivery.countDown();
        }
    }

    private static TargetExport resolve(ExportRecord e, Map<String, HostRecord> hosts) {
        Map<String, ChapSecrets> chap = new HashMap<>();
        for (String i : e.initiators()) {
            HostRecord h = hosts.get(i);
            if (h != null && h.chap() != null) {
                chap.put(i, h.chap());
            }
        }
        return new TargetExport(e.targetIqn(), e.volume(), e.lun(), new HashSet<>(e.initiators()), chap);
    }

    private void deliver(Map<String, TargetExport> desired, Map<String, ChapSecrets> desiredDiscovery) {
        for (String gone : Set.copyOf(delivered.keySet())) {
            if (!desired.containsKey(gone)) {
                LOG.debug("no longer serving {}", gone);
                call(() -> listener.targetRemoved(gone), "removing target " + gone);
                delivered.remove(gone);
            }
        }
        desired.forEach((iqn, t) -> {
            if (!t.equals(delivered.get(iqn))) {
                LOG.debug("serving {}", t);
                call(() -> listener.targetUpdated(t), "serving target " + iqn);
                delivered.put(iqn, t);
            }
        });
        for (String gone : Set.copyOf(deliveredDiscovery.keySet())) {
            if (!desiredDiscovery.containsKey(gone)) {
                call(() -> listener.discoveryChapChanged(gone, Optional.empty()), "clearing discovery CHAP of " + gone);
                deliveredDiscovery.remove(gone);
            }
        }
        desiredDiscovery.forEach((iqn, c) -> {
            ChapSecrets before = deliveredDiscovery.get(iqn);
            if (before == null || !before.sameAs(c)) {
                LOG.debug("discovery CHAP of {}: {}", iqn, c);
                call(() -> listener.discoveryChapChanged(iqn, Optional.of(c)), "setting discovery CHAP of " + iqn);
                deliveredDiscovery.put(iqn, c);
            }
        });
    }

    private static void call(Runnable r, String what) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("export listener failed {}", what, e);
        }
    }

    private <T> List<T> records(CuratorCache cache, String parent, Class<T> type, String... only) {
        Set<String> wanted = Set.of(only);
        return cache.stream()
                .filter(d -> isChildOf(d.getPath(), parent))
                .filter(d -> wanted.isEmpty() || wanted.contains(ClusterStore.name(d.getPath())))
                .filter(d -> d.getData() != null && d.getData().length > 0)
                .map(d -> decode(d, type))
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    private <T> T decode(ChildData d, Class<T> type) {
        try {
            return store.decode(d.getPath(), d.getData(), type);
        } catch (StoreException e) {
            LOG.error("skipping {}: {}", d.getPath(), e.getMessage());
            return null;
        }
    }

    /** Cache paths may or may not carry the namespace; only the last two levels matter. */
    private static boolean isChildOf(String path, String parent) {
        int cut = path.lastIndexOf('/');
        return cut > 0 && path.substring(0, cut).endsWith(parent);
    }

    @Override
    public synchronized void stop() throws InterruptedException {
        for (CuratorCache c : new CuratorCache[] {exports, hosts, config}) {
            if (c != null) {
                c.close();
            }
        }
        thread.shutdown();
        thread.awaitTermination(10, TimeUnit.SECONDS);
    }
}
