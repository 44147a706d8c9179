package io.basalt.admin;

import io.basalt.admin.core.ChapSecrets;
import io.basalt.admin.core.ExportListener;
import io.basalt.admin.core.TargetExport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Applies deliveries to maps, as target-daemon applies them to its TargetRegistry. */
final class RecordingListener implements ExportListener {
    final Map<String, TargetExport> targets = new ConcurrentHashMap<>();
    final Map<String, ChapSecrets> discovery = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void targetUpdated(TargetExport target) {
        calls.add("update " + target.targetIqn());
        targets.put(target.targetIqn(), target);
    }

    @Override
    public void targetRemoved(String targetIqn) {
        calls.add("remove " + targetIqn);
        targets.remove(targetIqn);
    }

    @Override
    public void discoveryChapChanged(String initiatorIqn, Optional<ChapSecrets> credentials) {
        calls.add("discovery " + initiatorIqn + " " + credentials.isPresent());
        credentials.ifPresentOrElse(c -> discovery.put(initiatorIqn, c), () -> discovery.remove(initiatorIqn));
    }
}
