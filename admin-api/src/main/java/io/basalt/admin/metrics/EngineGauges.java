package io.basalt.admin.metrics;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.basalt.engine.BlockEngine;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * Gauges of the engine's store-wide figures: segment usage, free space, syncs, cleaner
 * progress. One {@link BlockEngine#stats()} call per second serves them all.
 */
public final class EngineGauges {
    private EngineGauges() {
    }

    public static void register(MetricRegistry registry, BlockEngine engine, IntSupplier activeOperations) {
        CachedGauge<BlockEngine.Stats> stats = new CachedGauge<>(1, TimeUnit.SECONDS) {
            @Override
            protected BlockEngine.Stats loadValue() {
                return engine.stats();
            }
        };
        gauge(registry, "segments", stats, BlockEngine.Stats::segments);
        gauge(registry, "segments.bytes", stats, s -> s.segments() * s.segmentBytes());
        gauge(registry, "segments.live_bytes", stats, BlockEngine.Stats::liveBytes);
        registry.gauge("basalt.engine.segments.usage_ratio", () -> () -> {
            BlockEngine.Stats s = stats.getValue();
            long total = s.segments() * s.segmentBytes();
            return total == 0 ? 0.0 : (double) s.liveBytes() / total;
        });
        gauge(registry, "free_bytes", stats, BlockEngine.Stats::freeBytes);
        gauge(registry, "syncs", stats, BlockEngine.Stats::syncs);
        gauge(registry, "synced_writes", stats, BlockEngine.Stats::syncedWrites);
        gauge(registry, "checkpoints", stats, BlockEngine.Stats::checkpoints);
        gauge(registry, "cleaner.segments_cleaned", stats, BlockEngine.Stats::segmentsCleaned);
        gauge(registry, "cleaner.bytes_cleaned", stats, BlockEngine.Stats::bytesCleaned);
        registry.gauge("basalt.operations.active", () -> activeOperations::getAsInt);
    }

    private static void gauge(MetricRegistry registry, String name, Gauge<BlockEngine.Stats> stats, ToLongFunction<BlockEngine.Stats> f) {
        registry.gauge("basalt.engine." + name, () -> () -> f.applyAsLong(stats.getValue()));
    }
}
