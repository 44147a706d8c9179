package io.basalt.admin.health;

import com.codahale.metrics.health.HealthCheck;
import io.basalt.engine.BlockEngine;

/**
 * Unhealthy when the data directory's free space falls below the configured floor: writes
 * start failing with NO_SPACE at the engine's (lower) reserve, so this warns before that.
 */
public final class FreeSpaceHealthCheck extends HealthCheck {
    private final BlockEngine engine;
    private final long minFreeBytes;

    public FreeSpaceHealthCheck(BlockEngine engine, long minFreeBytes) {
        this.engine = engine;
        this.minFreeBytes = minFreeBytes;
    }

    @Override
    protected Result check() {
        long free = engine.stats().freeBytes();
        if (free < minFreeBytes) {
            return Result.unhealthy("%d bytes free, below the floor of %d", free, minFreeBytes);
        }
        return Result.healthy("%d bytes free (floor %d)", free, minFreeBytes);
    }
}
