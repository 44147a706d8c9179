package io.basalt.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.basalt.admin.auth.AdminServletAuthFilter;
import io.basalt.admin.auth.BearerAuthFilter;
import io.basalt.admin.auth.BearerToken;
import io.basalt.admin.core.ClusterPaths;
import io.basalt.admin.core.ExportService;
import io.basalt.admin.core.ExportWatcher;
import io.basalt.admin.core.HostService;
import io.basalt.admin.core.OperationService;
import io.basalt.admin.core.VolumeService;
import io.basalt.admin.errors.ApiExceptionMapper;
import io.basalt.admin.errors.EngineExceptionMapper;
import io.basalt.admin.errors.JsonExceptionMapper;
import io.basalt.admin.errors.StoreExceptionMapper;
import io.basalt.admin.errors.UnexpectedExceptionMapper;
import io.basalt.admin.errors.ValidationExceptionMapper;
import io.basalt.admin.errors.WebApplicationExceptionMapper;
import io.basalt.admin.health.EngineHealthCheck;
import io.basalt.admin.health.FreeSpaceHealthCheck;
import io.basalt.admin.health.ZooKeeperHealthCheck;
import io.basalt.admin.metrics.EngineGauges;
import io.basalt.admin.metrics.PrometheusMetrics;
import io.basalt.admin.metrics.VolumeMetrics;
import io.basalt.admin.resources.CleanResource;
import io.basalt.admin.resources.ClonesResource;
import io.basalt.admin.resources.DiscoveryChapResource;
import io.basalt.admin.resources.ExportResource;
import io.basalt.admin.resources.ExportsResource;
import io.basalt.admin.resources.HealthResource;
import io.basalt.admin.resources.HostChapResource;
import io.basalt.admin.resources.HostResource;
import io.basalt.admin.resources.HostsResource;
import io.basalt.admin.resources.MetricsResource;
import io.basalt.admin.resources.NodesResource;
import io.basalt.admin.resources.OpenApiResource;
import io.basalt.admin.resources.OperationResource;
import io.basalt.admin.resources.OperationsResource;
import io.basalt.admin.resources.PingResource;
import io.basalt.admin.resources.ReclaimResource;
import io.basalt.admin.resources.SnapshotResource;
import io.basalt.admin.resources.SnapshotRevertResource;
import io.basalt.admin.resources.SnapshotsResource;
import io.basalt.admin.resources.StatsResource;
import io.basalt.admin.resources.VolumeResource;
import io.basalt.admin.resources.VolumeScrubResource;
import io.basalt.admin.resources.VolumesResource;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;

/**
 * The admin API's entry point: registers resources, error mappers, authentication, health
 * checks, metrics and its background parts on a Dropwizard {@link Environment}.
 *
 * <p>Call {@link #register} from {@code Application.run} (or let {@link AdminBundle} do it).
 * It manages what it creates (the export watcher, the operations worker); the caller manages
 * the engine, the store and the node registry, which must outlive it: register their
 * {@code Managed} wrappers first so they stop last.
 *
 * <p>For the one error shape to cover every error, the server factory's
 * {@code registerDefaultExceptionMappers} should be false ({@link AdminBundle} sets it);
 * Basalt's mappers carry a higher priority than Dropwizard's in any case.
 */
public final class AdminApi {
    private final VolumeMetrics volumeMetrics;
    private final VolumeService volumes;
    private final ExportService exports;
    private final HostService hosts;
    private final OperationService operations;
    private final ExportWatcher exportWatcher;

    private AdminApi(VolumeMetrics volumeMetrics, VolumeService volumes, ExportService exports, HostService hosts,
                     OperationService operations, ExportWatcher exportWatcher) {
        this.volumeMetrics = volumeMetrics;
        this.volumes = volumes;
        this.exports = exports;
        this.hosts = hosts;
        this.operations = operations;
        this.exportWatcher = exportWatcher;
    }

    /**
     * Registers everything; the store must be connected (the ZooKeeper parents are created now).
     *
     * <p>It also makes the application's JSON reader refuse unknown fields (Dropwizard ignores
     * them by default): a misspelt {@code "compresion": true} must be a 400, not a volume
     * created without compression.
     */
    public static AdminApi register(Environment env, AdminContext ctx) {
        env.getObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        ClusterPaths.ensure(ctx.store());
        VolumeMetrics metrics = new VolumeMetrics(env.metrics());
        ExportService exports = new ExportService(ctx.store(), ctx.engine(), ctx.nodes(), ctx.targetIqnPrefix());
        HostService hosts = new HostService(ctx.store());
        VolumeService volumes = new VolumeService(ctx.engine(), exports, metrics);
        OperationService operations = new OperationService();
        ExportWatcher watcher = new ExportWatcher(ctx.store(), ctx.nodes().self().nodeId(), ctx.listener());
        env.lifecycle().manage(watcher);
        env.lifecycle().manage(operations);

        EngineGauges.register(env.metrics(), ctx.engine(), operations::active);
        PrometheusMetrics prometheus = new PrometheusMetrics(env.metrics(), metrics);

        BearerToken token = new BearerToken(ctx.adminToken());
        JerseyEnvironment jersey = env.jersey();
        jersey.register(new BearerAuthFilter(token));
        jersey.register(new ApiExceptionMapper());
        jersey.register(new EngineExceptionMapper());
        jersey.register(new StoreExceptionMapper());
        jersey.register(new JsonExceptionMapper());
        jersey.register(new ValidationExceptionMapper());
        jersey.register(new WebApplicationExceptionMapper());
        jersey.register(new UnexpectedExceptionMapper());

        jersey.register(new PingResource());
        jersey.register(new HealthResource(env.healthChecks()));
        jersey.register(new MetricsResource(prometheus));
        jersey.register(new OpenApiResource());
        jersey.register(new VolumesResource(volumes));
        jersey.register(new VolumeResource(volumes));
        jersey.register(new SnapshotsResource(volumes));
        jersey.register(new SnapshotResource(volumes));
        jersey.register(new SnapshotRevertResource(volumes));
        jersey.register(new ClonesResource(volumes));
        jersey.register(new VolumeScrubResource(volumes, ctx.engine(), operations));
        jersey.register(new ExportsResource(exports));
        jersey.register(new ExportResource(exports));
        jersey.register(new HostsResource(hosts, exports));
        jersey.register(new HostResource(hosts, exports));
        jersey.register(new HostChapResource(hosts, exports));
        jersey.register(new DiscoveryChapResource(hosts));
        jersey.register(new NodesResource(ctx.nodes()));
        jersey.register(new StatsResource(ctx.engine(), ctx.dataDir()));
        jersey.register(new OperationsResource(operations));
        jersey.register(new OperationResource(operations));
        jersey.register(new CleanResource(ctx.engine(), operations));
        jersey.register(new ReclaimResource(ctx.engine(), operations));

        env.admin().addFilter("basalt-admin-auth", new AdminServletAuthFilter(token))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");

        env.healthChecks().register("zookeeper", new ZooKeeperHealthCheck(ctx.store()));
        env.healthChecks().register("engine", new EngineHealthCheck(ctx.engine()));
        env.healthChecks().register("free-space", new FreeSpaceHealthCheck(ctx.engine(), ctx.minFreeBytes()));
        return new AdminApi(metrics, volumes, exports, hosts, operations, watcher);
    }

    /** Where the iSCSI layer records per-volume I/O and sessions. */
    public VolumeMetrics volumeMetrics() {
        return volumeMetrics;
    }

    public VolumeService volumes() {
        return volumes;
    }

    public ExportService exports() {
        return exports;
    }

    public HostService hosts() {
        return hosts;
    }

    public OperationService operations() {
        return operations;
    }

    public ExportWatcher exportWatcher() {
        return exportWatcher;
    }
}
