package io.basalt.target.daemon;

import ch.qos.logback.classic.LoggerContext;
import io.basalt.admin.AdminBundle;
import io.basalt.admin.metrics.VolumeMetrics;
import io.basalt.target.iscsi.IoObserver;
import io.basalt.target.iscsi.IscsiServer;
import io.basalt.target.iscsi.TargetRegistry;
import io.basalt.target.login.LoginSettings;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage node: one process with the engine, the embedded or external ZooKeeper client,
 * the admin API and the iSCSI portal, each a {@link Managed} started in dependency order and
 * stopped in reverse (the portal drains before the engine closes).
 *
 * <pre>java -jar basalt.jar server basalt.yml</pre>
 */
public final class BasaltDaemon extends Application<DaemonConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(BasaltDaemon.class);
    private final TargetRegistry registry = new TargetRegistry();
    private AdminBundle<DaemonConfiguration> admin;

    public static void main(String[] args) throws Exception {
        new BasaltDaemon().run(args);
    }

    @Override
    public String getName() {
        return "basalt";
    }

    /**
     * Dropwizard's own commands, with a {@code check} that stops logging before it returns.
     * Its "Configuration is OK" goes through the asynchronous console appender, and Dropwizard's
     * flush only waits for that appender's queue to empty: the worker may have taken the line
     * and not yet written it when the JVM exits, and then the check printed nothing. Stopping
     * logback joins the worker, which writes what it holds first. {@code server} keeps its
     * logging, so it is left as Dropwizard makes it.
     */
    @Override
    protected void addDefaultCommands(Bootstrap<DaemonConfiguration> bootstrap) {
        bootstrap.addCommand(new ServerCommand<>(this));
        bootstrap.addCommand(new CheckCommand<>(this) {
            @Override
            protected void cleanup() {
                super.cleanup();
                if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
                    logback.stop();
                }
            }
        });
    }

    @Override
    public void initialize(Bootstrap<DaemonConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
        admin = new AdminBundle<>(DaemonConfiguration::getBasalt, (config, engine) -> new RegistryExportListener(registry, engine));
        bootstrap.addBundle(admin);
    }

    @Override
    public void run(DaemonConfiguration config, Environment env) {
        IscsiSettings iscsi = config.getIscsi();
        IscsiServer server = new IscsiServer(registry, LoginSettings.defaults(), iscsi.getIoThreads(), iscsi.getWorkerThreads(),
                iscsi.getReadPollMicros());
        VolumeMetrics metrics = admin.api().volumeMetrics();
        registry.setObserver(new IoObserver() {
            @Override
            public void read(String volume, long bytes, long nanos) {
                metrics.recordRead(volume, bytes, nanos);
            }

            @Override
            public void written(String volume, long bytes, long nanos) {
                metrics.recordWrite(volume, bytes, nanos);
            }

            @Override
            public void sessionOpened() {
                metrics.sessionOpened();
            }

            @Override
            public void sessionClosed() {
                metrics.sessionClosed();
            }
        });
        env.lifecycle().manage(new Managed() {
            @Override
            public void start() throws Exception {
                InetSocketAddress bound = server.start(new InetSocketAddress(iscsi.host(), iscsi.port()));
                String portal = bound.getHostString() + ":" + bound.getPort();
                registry.setPortals(List.of(portal + ",1"));
                admin.nodes().update(admin.nodes().self().withIscsiPortals(List.of(portal)));
                LOG.info("iSCSI portal listening on {}", portal);
            }

            @Override
            public void stop() {
                server.close();
                LOG.info("iSCSI portal stopped; in-flight commands drained");
            }
        });
    }
}
