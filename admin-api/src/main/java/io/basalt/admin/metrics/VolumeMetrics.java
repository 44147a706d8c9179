package io.basalt.admin.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-volume I/O metrics, recorded by the iSCSI layer and exported by the admin API.
 *
 * <p>For each volume and direction ("read", "write") there is a Dropwizard {@link Timer}
 * {@code basalt.volume.<volume>.<dir>} (its meter is the IOPS, its histogram the latency) and a
 * {@link Meter} {@code basalt.volume.<volume>.<dir>.bytes}. Prometheus sees them with a
 * {@code volume} label (see {@link PrometheusMetrics}) rather than the name in the metric.
 *
 * <p>Threading: the record methods are called on I/O threads (Netty event loops) for every
 * command; they take no lock after a volume's first use and allocate nothing.
 */
public final class VolumeMetrics {
    /** Prefix of every per-volume metric name. */
    public static final String PREFIX = "basalt.volume.";

    /** The instruments of one volume in one direction. */
    static final class Io {
        final Timer latency;
        final Meter bytes;
        final LongAdder nanos = new LongAdder();

        Io(Timer latency, Meter bytes) {
            this.latency = latency;
            this.bytes = bytes;
        }

        void record(long byteCount, long durationNanos) {
            latency.update(durationNanos, TimeUnit.NANOSECONDS);
            bytes.mark(byteCount);
            nanos.add(durationNanos);
        }
    }

    /** Both directions of one volume. */
    record VolumeIo(Io read, Io write) {
    }

    private final MetricRegistry registry;
    private final Map<String, VolumeIo> volumes = new ConcurrentHashMap<>();
    private final Counter sessions;

    public VolumeMetrics(MetricRegistry registry) {
        this.registry = registry;
        this.sessions = registry.counter("basalt.iscsi.sessions");
    }

    /** A read of {@code bytes} from {@code volume} that took {@code nanos}. */
    public void recordRead(String volume, long bytes, long nanos) {
        io(volume).read.record(bytes, nanos);
    }

    /** A write of {@code bytes} to {@code volume} that took {@code nanos} (until acknowledged). */
    public void recordWrite(String volume, long bytes, long nanos) {
        io(volume).write.record(bytes, nanos);
    }

    /** An iSCSI session logged in (full-feature phase). */
    public void sessionOpened() {
        sessions.inc();
    }

    /** An iSCSI session ended. */
    public void sessionClosed() {
        sessions.dec();
    }

    public long sessions() {
        return sessions.getCount();
    }

    /** Forgets a deleted volume's metrics. */
    public void remove(String volume) {
        if (volumes.remove(volume) != null) {
            registry.removeMatching((name, m) -> name.equals(name(volume, "read")) || name.equals(name(volume, "write"))
                    || name.equals(name(volume, "read") + ".bytes") || name.equals(name(volume, "write") + ".bytes"));
        }
    }

    /** Registers a gauge (e.g. the cleaner's progress) under {@code basalt.<name>}, replacing an older one. */
    public <T> void gauge(String name, Gauge<T> gauge) {
        registry.remove("basalt." + name);
        registry.register("basalt." + name, gauge);
    }

    Map<String, VolumeIo> volumes() {
        return volumes;
    }

    private VolumeIo io(String volume) {
        VolumeIo io = volumes.get(volume);
        return io != null ? io : volumes.computeIfAbsent(volume, v -> new VolumeIo(
                new Io(registry.timer(name(v, "read")), registry.meter(name(v, "read") + ".bytes")),
                new Io(registry.timer(name(v, "write")), registry.meter(name(v, "write") + ".bytes"))));
    }

    private static String name(String volume, String dir) {
        return PREFIX + volume + "." + dir;
    }
}
