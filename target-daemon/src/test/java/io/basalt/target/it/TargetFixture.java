package io.basalt.target.it;

import io.basalt.engine.BlockEngine;
import io.basalt.engine.EngineConfig;
import io.basalt.engine.Volume;
import io.basalt.engine.VolumeSpec;
import io.basalt.target.iscsi.IscsiServer;
import io.basalt.target.iscsi.IscsiTarget;
import io.basalt.target.iscsi.TargetRegistry;
import io.basalt.target.login.ChapCredentials;
import io.basalt.target.login.LoginSettings;
import io.basalt.target.scsi.EngineBlockDevice;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** A real engine in a temp dir behind a real iSCSI portal on 127.0.0.1 (a free port). */
final class TargetFixture implements AutoCloseable {
    static final String IQN_PREFIX = "iqn.2026-11.io.basalt:";
    final BlockEngine engine;
    final TargetRegistry registry = new TargetRegistry();
    final IscsiServer server;
    final InetSocketAddress address;

    TargetFixture(Path dir) throws IOException, InterruptedException {
        engine = BlockEngine.open(dir, EngineConfig.defaults().reserveBytes(0).segmentBytes(16 << 20));
        server = new IscsiServer(registry, LoginSettings.defaults(), 2, 4);
        address = server.start(new InetSocketAddress("127.0.0.1", 0));
        registry.setPortals(java.util.List.of("127.0.0.1:" + address.getPort() + ",1"));
    }

    /** Creates a volume and exports it as LUN 0 of target IQN_PREFIX + name, open to all initiators. */
    String export(String name, long bytes) {
        return export(name, bytes, true, Set.of(), Map.of());
    }

    String export(String name, long bytes, boolean allowAll, Set<String> initiators, Map<String, ChapCredentials> chap) {
        Volume v = engine.createVolume(new VolumeSpec(name, bytes, false));
        IscsiTarget t = new IscsiTarget(IQN_PREFIX + name);
        t.addLun(0, new EngineBlockDevice(v, 512));
        registry.put(new TargetRegistry.Target(IQN_PREFIX + name, t, allowAll, initiators, chap));
        return IQN_PREFIX + name;
    }

    String url(String iqn, int lun) {
        return "iscsi://127.0.0.1:" + address.getPort() + "/" + iqn + "/" + lun;
    }

    String url(String user, String secret, String iqn, int lun) {
        return "iscsi://" + user + "%" + secret + "@127.0.0.1:" + address.getPort() + "/" + iqn + "/" + lun;
    }

    @Override
    public void close() {
        server.close();
        engine.close();
    }
}
