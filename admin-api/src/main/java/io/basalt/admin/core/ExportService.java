package io.basalt.admin.core;

import io.basalt.admin.api.CreateExportRequest;
import io.basalt.admin.api.ExportView;
import io.basalt.admin.errors.ApiException;
import io.basalt.coordination.ClusterStore;
import io.basalt.coordination.NodeInfo;
import io.basalt.coordination.NodeRegistry;
import io.basalt.coordination.StoreException;
import io.basalt.coordination.Versioned;
import io.basalt.engine.BlockEngine;
import io.basalt.engine.EngineException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * iSCSI exports: which volume is served as which target, at which LUN, to which initiators.
 * The state lives in ZooKeeper; each node's {@link ExportWatcher} hands its own exports to the
 * iSCSI layer. One target per volume, named {@code <targetIqnPrefix>:<volume in lower case>}.
 *
 * <p>Creating an export and deleting a host race on the initiator list; both sides use
 * ZooKeeper transactions (see {@link ClusterPaths#EXPORTS}) so that an export never names a
 * host that is gone.
 */
public final class ExportService {
    private static final Logger LOG = LoggerFactory.getLogger(ExportService.class);
    private static final int ATTEMPTS = 16;
    private final ClusterStore store;
    private final BlockEngine engine;
    private final NodeRegistry nodes;
    private final String targetIqnPrefix;

    public ExportService(ClusterStore store, BlockEngine engine, NodeRegistry nodes, String targetIqnPrefix) {
        this.store = store;
        this.engine = engine;
        this.nodes = nodes;
        this.targetIqnPrefix = targetIqnPrefix;
    }

    /** The target name a volume is exported as. iSCSI names are lower case (RFC 3722). */
    public String targetIqn(String volume) {
        return targetIqnPrefix + ":" + volume.toLowerCase(Locale.ROOT);
    }

    public Created<ExportRecord> create(CreateExportRequest req) {
        String volume = req.volume();
        requireLocalVolume(volume);
        List<String> initiators = List.copyOf(new TreeSet<>(req.initiators()));
        ExportRecord wanted = new ExportRecord(volume, targetIqn(volume), req.lunOrDefault(), initiators,
                nodes.self().nodeId(), System.currentTimeMillis());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<ExportRecord> existing = find(volume);
            if (existing.isPresent()) {
                ExportRecord e = existing.get();
                if (e.lun() == wanted.lun() && e.initiators().equals(wanted.initiators())) {
                    return new Created<>(e, false);
                }
                throw ApiException.conflict("export_exists", "volume " + volume + " is already exported at LUN " + e.lun()
                        + " to " + e.initiators() + "; delete that export to change it");
            }
            checkTargetNameFree(wanted);
            List<String> unknown = initiators.stream().filter(i -> store.version(ClusterPaths.host(i)).isEmpty()).toList();
            if (!unknown.isEmpty()) {
                throw new ApiException(422, "unknown_host", "initiators " + unknown + " are not registered hosts; POST /hosts first",
                        "initiators");
            }
            ClusterStore.Transaction txn = store.transaction();
            initiators.forEach(i -> txn.check(ClusterPaths.host(i), -1));
            try {
                txn.create(ClusterPaths.export(volume), wanted).touch(ClusterPaths.EXPORTS).commit();
                LOG.info("exported volume {} as {} LUN {} to {}", volume, wanted.targetIqn(), wanted.lun(), initiators);
                return new Created<>(wanted, true);
            } catch (StoreException e) {
                // NOT_FOUND: a host vanished meanwhile; ALREADY_EXISTS: a concurrent create. Look again.
                if (e.kind() != StoreException.Kind.NOT_FOUND && e.kind() != StoreException.Kind.ALREADY_EXISTS) {
                    throw e;
                }
            }
        }
        throw ApiException.conflict("concurrent_update", "exports are changing concurrently; retry");
    }

    public List<ExportRecord> list() {
        return store.readChildren(ClusterPaths.EXPORTS, ExportRecord.class).values().stream().map(Versioned::value).toList();
    }

    public Optional<ExportRecord> find(String volume) {
        if (!Names.isObject(volume)) {
            return Optional.empty();
        }
        return store.read(ClusterPaths.export(volume), ExportRecord.class).map(Versioned::value);
    }

    public ExportRecord get(String volume) {
        return find(volume).orElseThrow(() -> ApiException.notFound("export_not_found", "volume " + volume + " is not exported"));
    }

    /** Idempotent: a missing export is already deleted. */
    public void delete(String volume) {
        if (!Names.isObject(volume)) {
            return;
        }
        try {
            store.transaction().delete(ClusterPaths.export(volume), -1).touch(ClusterPaths.EXPORTS).commit();
            LOG.info("stopped exporting volume {}", volume);
        } catch (StoreException e) {
            if (e.kind() != StoreException.Kind.NOT_FOUND) {
                throw e;
            }
        }
    }

    public boolean isExported(String volume) {
        return Names.isObject(volume) && store.version(ClusterPaths.export(volume)).isPresent();
    }

    /** The exported volume names, or null when ZooKeeper cannot say right now. */
    public Set<String> exportedVolumesOrNull() {
        try {
            return Set.copyOf(store.children(ClusterPaths.EXPORTS));
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.UNAVAILABLE) {
                return null;
            }
            throw e;
        }
    }

    public ExportView view(ExportRecord e) {
        List<String> portals = nodes.self().nodeId().equals(e.nodeId()) ? nodes.self().iscsiPortals()
                : nodes.node(e.nodeId()).map(NodeInfo::iscsiPortals).orElse(List.of());
        return new ExportView(e.volume(), e.targetIqn(), portals, e.lun(), e.initiators(), e.nodeId(), Times.iso(e.createdMillis()));
    }

    private void requireLocalVolume(String volume) {
        try {
            engine.info(volume);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.NOT_FOUND) {
                throw new ApiException(422, "unknown_volume", "no volume " + volume + " on this node", "volume");
            }
            throw e;
        }
    }

    private void checkTargetNameFree(ExportRecord wanted) {
        String clash = list().stream().filter(e -> e.targetIqn().equals(wanted.targetIqn()) && !e.volume().equals(wanted.volume()))
                .map(ExportRecord::volume).collect(Collectors.joining(", "));
        if (!clash.isEmpty()) {
            throw ApiException.conflict("target_name_taken", "target " + wanted.targetIqn() + " already serves volume " + clash
                    + " (iSCSI names ignore case)");
        }
    }
}
