package io.basalt.target.daemon;

import io.basalt.admin.core.ChapSecrets;
import io.basalt.admin.core.ExportListener;
import io.basalt.admin.core.TargetExport;
import io.basalt.engine.BlockEngine;
import io.basalt.engine.Volume;
import io.basalt.target.iscsi.IscsiTarget;
import io.basalt.target.iscsi.TargetRegistry;
import io.basalt.target.login.ChapCredentials;
import io.basalt.target.scsi.EngineBlockDevice;
import io.basalt.target.scsi.Lun;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the cluster's export state (from ZooKeeper, through the admin API) to the portal's
 * {@link TargetRegistry}. Called from one thread, in order; every call is quick.
 */
final class RegistryExportListener implements ExportListener {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryExportListener.class);
    private final TargetRegistry registry;
    private final BlockEngine engine;
    private final Map<String, IscsiTarget> targets = new HashMap<>();

    RegistryExportListener(TargetRegistry registry, BlockEngine engine) {
        this.registry = registry;
        this.engine = engine;
    }

    @Override
    public synchronized void targetUpdated(TargetExport t) {
        Volume volume = engine.volume(t.volume());
        IscsiTarget target = targets.computeIfAbsent(t.targetIqn(), IscsiTarget::new);
        Lun current = target.lun(t.lun());
        if (current == null || current.device().id() != volume.id()) {
            if (current != null) {
                target.removeLun(t.lun());
            }
            target.addLun(t.lun(), new EngineBlockDevice(volume, 512));
        }
        Map<String, ChapCredentials> chap = new HashMap<>();
        t.chap().forEach((initiator, s) -> chap.put(initiator, credentials(s)));
        registry.put(new TargetRegistry.Target(t.targetIqn(), target, false, t.initiators(), chap));
        LOG.info("exporting {}", t);
    }

    @Override
    public synchronized void targetRemoved(String targetIqn) {
        targets.remove(targetIqn);
        registry.remove(targetIqn);
        LOG.info("target {} removed", targetIqn);
    }

    @Override
    public void discoveryChapChanged(String initiatorIqn, Optional<ChapSecrets> credentials) {
        registry.setDiscoveryChap(initiatorIqn, credentials.map(RegistryExportListener::credentials).orElse(null));
    }

    private static ChapCredentials credentials(ChapSecrets s) {
        return s.hasMutual() ? ChapCredentials.mutual(s.user(), s.secret(), s.mutualUser(), s.mutualSecret())
                : ChapCredentials.oneWay(s.user(), s.secret());
    }
}
