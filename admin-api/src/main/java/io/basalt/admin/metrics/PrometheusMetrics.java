package io.basalt.admin.metrics;

import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus view of this node's metrics: everything in Dropwizard's registry (JVM, Jetty,
 * engine gauges, sessions) through Prometheus' Dropwizard bridge, except the per-volume
 * instruments, which are exported here with a {@code volume} label — volume names may contain
 * dots, which the bridge's name mapping cannot tell from separators.
 */
public final class PrometheusMetrics {
    /** Content type of the text exposition format. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public PrometheusMetrics(MetricRegistry dropwizard, VolumeMetrics volumes) {
        MetricFilter notPerVolume = (name, metric) -> !name.startsWith(VolumeMetrics.PREFIX);
        DropwizardExports.builder().dropwizardRegistry(dropwizard).metricFilter(notPerVolume).register(registry);
        registry.register(new VolumeCollector(volumes));
    }

    /** Writes the current values in the Prometheus text format. */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    private static final class VolumeCollector implements MultiCollector {
        private static final double NANOS_PER_SECOND = 1e9;
        private final VolumeMetrics volumes;

        VolumeCollector(VolumeMetrics volumes) {
            this.volumes = volumes;
        }

        @Override
        public MetricSnapshots collect() {
            List<CounterSnapshot.CounterDataPointSnapshot> ops = new ArrayList<>();
            List<CounterSnapshot.CounterDataPointSnapshot> bytes = new ArrayList<>();
            List<SummarySnapshot.SummaryDataPointSnapshot> latency = new ArrayList<>();
            for (Map.Entry<String, VolumeMetrics.VolumeIo> e : volumes.volumes().entrySet()) {
                add(e.getKey(), "read", e.getValue().read(), ops, bytes, latency);
                add(e.getKey(), "write", e.getValue().write(), ops, bytes, latency);
            }
            return MetricSnapshots.of(
                    new CounterSnapshot(new MetricMetadata("basalt_volume_operations", "I/O commands completed per volume and direction"), ops),
                    new CounterSnapshot(new MetricMetadata("basalt_volume_bytes", "bytes transferred per volume and direction"), bytes),
                    new SummarySnapshot(new MetricMetadata("basalt_volume_latency_seconds",
                            "I/O latency per volume and direction (quantiles over about the last 5 minutes)"), latency));
        }

        private static void add(String volume, String op, VolumeMetrics.Io io, List<CounterSnapshot.CounterDataPointSnapshot> ops,
                                List<CounterSnapshot.CounterDataPointSnapshot> bytes, List<SummarySnapshot.SummaryDataPointSnapshot> latency) {
            Labels labels = Labels.of("volume", volume, "op", op);
            long count = io.latency.getCount();
            ops.add(new CounterSnapshot.CounterDataPointSnapshot(count, labels, null, 0));
            bytes.add(new CounterSnapshot.CounterDataPointSnapshot(io.bytes.getCount(), labels, null, 0));
            Snapshot s = io.latency.getSnapshot();
            Quantiles q = Quantiles.of(
                    new Quantile(0.5, s.getMedian() / NANOS_PER_SECOND),
                    new Quantile(0.99, s.get99thPercentile() / NANOS_PER_SECOND),
                    new Quantile(0.999, s.get999thPercentile() / NANOS_PER_SECOND));
            latency.add(new SummarySnapshot.SummaryDataPointSnapshot(count, io.nanos.sum() / NANOS_PER_SECOND, q, labels, Exemplars.EMPTY, 0));
        }
    }
}
