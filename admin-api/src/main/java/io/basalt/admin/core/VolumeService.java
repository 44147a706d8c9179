package io.basalt.admin.core;

import io.basalt.admin.api.CreateVolumeRequest;
import io.basalt.admin.api.SnapshotView;
import io.basalt.admin.api.VolumeView;
import io.basalt.admin.errors.ApiException;
import io.basalt.admin.metrics.VolumeMetrics;
import io.basalt.engine.BlockEngine;
import io.basalt.engine.Blocks;
import io.basalt.engine.EngineException;
import io.basalt.engine.SnapshotInfo;
import io.basalt.engine.VolumeInfo;
import io.basalt.engine.VolumeSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volumes, snapshots and clones of this node's engine, in the API's terms: idempotent
 * creates, specific error codes where the engine only says NOT_FOUND, and the safety rules
 * that concern exports (an exported volume is neither deleted nor reverted under its users).
 *
 * <p>Thread-safe: the engine is, and this class keeps no state of its own.
 */
public final class VolumeService {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeService.class);
    private final BlockEngine engine;
    private final ExportService exports;
    private final VolumeMetrics metrics;

    public VolumeService(BlockEngine engine, ExportService exports, VolumeMetrics metrics) {
        this.engine = engine;
        this.exports = exports;
        this.metrics = metrics;
    }

    // ------------------------------------------------------------------ volumes

    public Created<VolumeView> create(CreateVolumeRequest req) {
        if (req.replicasOrDefault() != 1) {
            throw ApiException.unprocessable("replication_unavailable",
                    "replicas=" + req.replicasOrDefault() + " needs replication, which this release does not have yet; use replicas=1");
        }
        if (req.sizeBytes() % Blocks.BLOCK_SIZE != 0) {
            throw ApiException.invalidField("sizeBytes", "must be a multiple of " + Blocks.BLOCK_SIZE);
        }
        VolumeSpec spec = new VolumeSpec(req.name(), req.sizeBytes(), req.compressionOrDefault());
        VolumeInfo existing = find(req.name());
        if (existing != null) {
            if (existing.sizeBytes() == spec.sizeBytes() && existing.compression() == spec.compression()) {
                return new Created<>(view(existing), false);
            }
            throw ApiException.conflict("volume_exists", "volume " + req.name() + " exists with size " + existing.sizeBytes()
                    + " and compression " + existing.compression());
        }
        try {
            engine.createVolume(spec);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.ALREADY_EXISTS) {
                throw ApiException.conflict("volume_exists", e.getMessage());
            }
            throw e;
        }
        LOG.info("created volume {} ({} bytes, compression {})", spec.name(), spec.sizeBytes(), spec.compression());
        return new Created<>(view(engine.info(req.name())), true);
    }

    public List<VolumeView> list() {
        Map<Long, SnapshotInfo> snaps = snapshotsById();
        Map<String, Integer> counts = snapshotCounts(snaps);
        Set<String> exported = exports.exportedVolumesOrNull();
        return engine.listVolumes().stream().map(v -> view(v, snaps, counts, exported)).toList();
    }

    public VolumeView get(String name) {
        return view(require(name));
    }

    public VolumeView resize(String name, long newSize, boolean allowShrink) {
        VolumeInfo v = require(name);
        if (newSize % Blocks.BLOCK_SIZE != 0) {
            throw ApiException.invalidField("sizeBytes", "must be a multiple of " + Blocks.BLOCK_SIZE);
        }
        if (newSize < v.sizeBytes() && !allowShrink) {
            throw ApiException.unprocessable("shrink_refused", "shrinking " + name + " from " + v.sizeBytes() + " to " + newSize
                    + " bytes discards the data past the new end; send allowShrink=true to do it");
        }
        if (newSize != v.sizeBytes()) {
            engine.resize(name, newSize);
            LOG.info("resized volume {} from {} to {} bytes", name, v.sizeBytes(), newSize);
        }
        return get(name);
    }

    /** Idempotent: a missing volume is already deleted. Refused while exported. */
    public void delete(String name) {
        if (find(name) == null) {
            return;
        }
        if (exports.isExported(name)) {
            throw ApiException.conflict("volume_exported", "volume " + name + " is exported; delete its export first");
        }
        engine.deleteVolume(name);
        metrics.remove(name);
        LOG.info("deleted volume {}", name);
    }

    // ------------------------------------------------------------------ snapshots

    public Created<SnapshotView> createSnapshot(String volume, String name) {
        require(volume);
        SnapshotInfo existing = findSnapshot(volume, name);
        if (existing != null) {
            return new Created<>(snapshotView(existing, null, List.of()), false);
        }
        SnapshotInfo s = engine.createSnapshot(volume, name);
        LOG.info("took snapshot {}@{}", volume, name);
        return new Created<>(snapshotView(s, parentName(s), List.of()), true);
    }

    /** The volume's snapshots as a forest: roots first, each with its descendants nested, oldest first. */
    public List<SnapshotView> snapshotTree(String volume) {
        require(volume);
        List<SnapshotInfo> all = engine.listSnapshots(volume);
        Map<Long, SnapshotInfo> byId = new LinkedHashMap<>();
        all.forEach(s -> byId.put(s.id(), s));
        Map<Long, List<SnapshotInfo>> children = new LinkedHashMap<>();
        List<SnapshotInfo> roots = new ArrayList<>();
        for (SnapshotInfo s : all) {
            if (byId.containsKey(s.parentId())) {
                children.computeIfAbsent(s.parentId(), k -> new ArrayList<>()).add(s);
            } else {
                roots.add(s);
            }
        }
        return roots.stream().map(r -> subtree(r, byId, children)).toList();
    }

    private SnapshotView subtree(SnapshotInfo s, Map<Long, SnapshotInfo> byId, Map<Long, List<SnapshotInfo>> children) {
        List<SnapshotView> kids = children.getOrDefault(s.id(), List.of()).stream()
                .sorted(Comparator.comparingLong(SnapshotInfo::version))
                .map(c -> subtree(c, byId, children)).toList();
        SnapshotInfo parent = byId.get(s.parentId());
        return snapshotView(s, parent == null ? null : parent.name(), kids);
    }

    public SnapshotView getSnapshot(String volume, String name) {
        SnapshotInfo s = requireSnapshot(volume, name);
        long exclusive = engine.snapshotExclusiveBytes(volume, name);
        return new SnapshotView(s.name(), s.id(), s.volume(), s.sizeBytes(), s.version(), Times.iso(s.createdMillis()),
                parentName(s), exclusive, null);
    }

    /** Idempotent: a missing snapshot (or volume) is already deleted. */
    public void deleteSnapshot(String volume, String name) {
        engine.deleteSnapshot(volume, name);
    }

    /** Reverts in O(1). Refused while exported: initiators would see their disk change under them. */
    public VolumeView revert(String volume, String snapshot) {
        requireSnapshot(volume, snapshot);
        if (exports.isExported(volume)) {
            throw ApiException.conflict("volume_exported", "volume " + volume + " is exported; delete its export before reverting it");
        }
        engine.revert(volume, snapshot);
        LOG.info("reverted volume {} to snapshot {}", volume, snapshot);
        return get(volume);
    }

    public Created<VolumeView> cloneSnapshot(String volume, String snapshot, String cloneName) {
        requireSnapshot(volume, snapshot);
        boolean existed = find(cloneName) != null;
        try {
            engine.cloneSnapshot(volume, snapshot, cloneName);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.ALREADY_EXISTS) {
                throw ApiException.conflict("volume_exists", "volume " + cloneName + " exists and is not a clone of " + volume + "@" + snapshot);
            }
            throw e;
        }
        if (!existed) {
            LOG.info("cloned {}@{} as volume {}", volume, snapshot, cloneName);
        }
        return new Created<>(get(cloneName), !existed);
    }

    // ------------------------------------------------------------------ lookups

    public VolumeInfo require(String name) {
        VolumeInfo v = find(name);
        if (v == null) {
            throw ApiException.notFound("volume_not_found", "no volume " + name);
        }
        return v;
    }

    private VolumeInfo find(String name) {
        try {
            return engine.info(name);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private SnapshotInfo requireSnapshot(String volume, String name) {
        require(volume);
        SnapshotInfo s = findSnapshot(volume, name);
        if (s == null) {
            throw ApiException.notFound("snapshot_not_found", "volume " + volume + " has no snapshot " + name);
        }
        return s;
    }

    private SnapshotInfo findSnapshot(String volume, String name) {
        try {
            return engine.snapshot(volume, name);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private String parentName(SnapshotInfo s) {
        if (s.parentId() == 0) {
            return null;
        }
        SnapshotInfo p = snapshotsById().get(s.parentId());
        return p == null ? null : p.name();
    }

    private Map<Long, SnapshotInfo> snapshotsById() {
        Map<Long, SnapshotInfo> m = new LinkedHashMap<>();
        engine.listAllSnapshots().forEach(s -> m.put(s.id(), s));
        return m;
    }

    private static Map<String, Integer> snapshotCounts(Map<Long, SnapshotInfo> snaps) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        snaps.values().forEach(s -> counts.merge(s.volume(), 1, Integer::sum));
        return counts;
    }

    private VolumeView view(VolumeInfo v) {
        Map<Long, SnapshotInfo> snaps = snapshotsById();
        return view(v, snaps, snapshotCounts(snaps), exports.exportedVolumesOrNull());
    }

    private VolumeView view(VolumeInfo v, Map<Long, SnapshotInfo> snaps, Map<String, Integer> counts, Set<String> exported) {
        SnapshotInfo origin = snaps.get(v.parentSnapshot());
        VolumeView.SnapshotRef ref = origin == null ? null
                : new VolumeView.SnapshotRef(origin.volume() == null || origin.volume().isEmpty() ? null : origin.volume(), origin.name());
        return new VolumeView(v.name(), v.id(), v.sizeBytes(), v.compression(), 1, "online",
                new VolumeView.Usage(v.storedBytes(), v.sizeBytes()), v.version(), ref,
                counts.getOrDefault(v.name(), 0), exported == null ? null : exported.contains(v.name()), Times.iso(v.createdMillis()));
    }

    private static SnapshotView snapshotView(SnapshotInfo s, String parent, List<SnapshotView> children) {
        return new SnapshotView(s.name(), s.id(), s.volume(), s.sizeBytes(), s.version(), Times.iso(s.createdMillis()),
                parent, null, children);
    }
}
