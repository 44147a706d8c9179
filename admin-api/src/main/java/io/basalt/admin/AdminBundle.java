package io.basalt.admin;

import io.basalt.admin.config.BasaltSettings;
import io.basalt.admin.config.ZooKeeperSettings;
import io.basalt.admin.core.ExportListener;
import io.basalt.coordination.ClusterStore;
import io.basalt.coordination.EmbeddedZooKeeper;
import io.basalt.coordination.NodeInfo;
import io.basalt.coordination.NodeRegistry;
import io.basalt.engine.BlockEngine;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.ConfiguredBundle;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's control plane from configuration: starts the embedded ZooKeeper (in embedded
 * mode), connects the cluster store, opens the engine, announces the node, and registers the
 * admin API. target-daemon adds it in {@code initialize} and finds the engine, the store and
 * the API's {@link io.basalt.admin.metrics.VolumeMetrics} here in {@code run}:
 *
 * <pre>
 * bootstrap.addBundle(admin = new AdminBundle&lt;&gt;(MyConfig::getBasalt,
 *         (config, engine) -&gt; new RegistryExportListener(targetRegistry, engine)));
 * ...
 * run(config, env): admin.engine(), admin.api().volumeMetrics(), admin.nodes().update(...)
 * </pre>
 *
 * <p>Start-up is eager (inside {@code run}) because the API's services need an open engine
 * and a connected store; shut-down is through {@link Managed} objects registered in start-up
 * order, so Dropwizard stops them in reverse: API parts, node registration, engine, store,
 * ZooKeeper.
 */
public final class AdminBundle<T extends Configuration> implements ConfiguredBundle<T> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminBundle.class);

    private final Function<T, BasaltSettings> settings;
    private final BiFunction<T, BlockEngine, ExportListener> listenerFactory;
    private EmbeddedZooKeeper zookeeper;
    private ClusterStore store;
    private BlockEngine engine;
    private NodeRegistry nodes;
    private AdminApi api;

    /**
     * @param settings        picks the {@code basalt:} section out of the configuration
     * @param listenerFactory builds the iSCSI layer's export listener once the engine is open
     */
    public AdminBundle(Function<T, BasaltSettings> settings, BiFunction<T, BlockEngine, ExportListener> listenerFactory) {
        this.settings = settings;
        this.listenerFactory = listenerFactory;
    }

    @Override
    public void run(T configuration, Environment env) throws Exception {
        BasaltSettings s = settings.apply(configuration);
        if (configuration.getServerFactory() instanceof AbstractServerFactory f) {
            f.setRegisterDefaultExceptionMappers(false);
        }
        Path data = s.dataPath();
        Files.createDirectories(data);
        ZooKeeperSettings zk = s.getZookeeper();
        String connect;
        if (zk.getMode() == ZooKeeperSettings.Mode.EMBEDDED) {
            zookeeper = new EmbeddedZooKeeper(data.resolve("zookeeper"), zk.getEmbeddedPort());
            zookeeper.start();
            env.lifecycle().manage(stopOnly(zookeeper::stop));
            connect = zookeeper.connectString();
        } else {
            connect = zk.getConnectString();
        }
        store = ClusterStore.create(connect, new ClusterStore.Settings(
                Duration.ofMillis(zk.getSessionTimeout().toMilliseconds()),
                Duration.ofMillis(zk.getConnectionTimeout().toMilliseconds())), env.getObjectMapper());
        store.start();
        env.lifecycle().manage(stopOnly(store::close));
        if (!store.awaitConnected(Duration.ofMillis(zk.getStartupTimeout().toMilliseconds()))) {
            throw new IllegalStateException("no ZooKeeper connection to " + connect + " within " + zk.getStartupTimeout());
        }
        engine = BlockEngine.open(data.resolve("engine"), s.getEngine().toEngineConfig());
        env.lifecycle().manage(stopOnly(engine::close));
        LOG.info("engine open in {} ({} records replayed)", data.resolve("engine"), engine.replayedRecordsAtOpen());

        nodes = new NodeRegistry(store, new NodeInfo(s.getNodeId(), s.getZone(), List.of(), List.of(), System.currentTimeMillis()));
        env.lifecycle().manage(new Managed() {
            @Override
            public void start() {
                nodes.start();
            }

            @Override
            public void stop() throws Exception {
                nodes.close();
            }
        });
        ExportListener listener = listenerFactory.apply(configuration, engine);
        api = AdminApi.register(env, new AdminContext(engine, store, nodes, listener, s.getAdminToken(), s.getTargetIqnPrefix(),
                data, s.getEngine().getMinFreeSpace().toBytes()));
    }

    private static Managed stopOnly(Stopper stop) {
        return new Managed() {
            @Override
            public void stop() throws Exception {
                stop.stop();
            }
        };
    }

    @FunctionalInterface
    private interface Stopper {
        void stop() throws Exception;
    }

    /** The embedded ZooKeeper, or null in external mode. Valid after {@code run}. */
    public EmbeddedZooKeeper zookeeper() {
        return zookeeper;
    }

    public ClusterStore store() {
        return store;
    }

    public BlockEngine engine() {
        return engine;
    }

    /** This node's membership; update it with the bound iSCSI portal and admin URL. */
    public NodeRegistry nodes() {
        return nodes;
    }

    public AdminApi api() {
        return api;
    }
}
