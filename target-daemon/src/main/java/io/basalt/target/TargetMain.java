package io.basalt.target;

import io.basalt.engine.BlockEngine;
import io.basalt.engine.EngineConfig;
import io.basalt.engine.Volume;
import io.basalt.engine.VolumeSpec;
import io.basalt.target.iscsi.IscsiServer;
import io.basalt.target.iscsi.IscsiTarget;
import io.basalt.target.iscsi.TargetRegistry;
import io.basalt.target.login.LoginSettings;
import io.basalt.target.scsi.EngineBlockDevice;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A bare iSCSI portal over a local engine, without the admin API: for benchmarks and manual
 * tests. Each VOLUME:BYTES argument is created if missing and exported, open to every
 * initiator, as LUN 0 of target iqn.2026-11.io.basalt:VOLUME.
 *
 * <pre>java -cp ... io.basalt.target.TargetMain DATA_DIR HOST:PORT VOLUME:BYTES...</pre>
 */
public final class TargetMain {
    private TargetMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: TargetMain DATA_DIR HOST:PORT VOLUME:BYTES...");
            System.exit(2);
        }
        String[] hp = args[1].split(":");
        BlockEngine engine = BlockEngine.open(Path.of(args[0]), EngineConfig.defaults()
                .zeroFillSegments(!"false".equals(System.getProperty("basalt.zeroFill"))));
        TargetRegistry registry = new TargetRegistry();
        int cores = Runtime.getRuntime().availableProcessors();
        IscsiServer server = new IscsiServer(registry, LoginSettings.defaults(), cores, Math.max(4, 2 * cores));
        for (int i = 2; i < args.length; i++) {
            String[] spec = args[i].split(":");
            Volume v = engine.createVolume(new VolumeSpec(spec[0], Long.parseLong(spec[1]), false));
            String iqn = "iqn.2026-11.io.basalt:" + spec[0];
            IscsiTarget t = new IscsiTarget(iqn);
            t.addLun(0, new EngineBlockDevice(v, 512));
            registry.put(new TargetRegistry.Target(iqn, t, true, Set.of(), Map.of()));
        }
        InetSocketAddress bound = server.start(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
        registry.setPortals(List.of(bound.getHostString() + ":" + bound.getPort() + ",1"));
        System.out.println("basalt portal listening on " + bound);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            engine.close();
            stop.countDown();
        }));
        stop.await();
    }
}
