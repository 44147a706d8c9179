package io.basalt.admin.health;

import com.codahale.metrics.health.HealthCheck;
import io.basalt.engine.BlockEngine;
import io.basalt.engine.EngineException;

/**
 * Healthy while the engine (its segment log and LMDB index) is open. The engine has no
 * "is open" query yet, so this asks it for a volume that cannot exist: an open engine answers
 * NOT_FOUND, a closed one CLOSED.
 */
public final class EngineHealthCheck extends HealthCheck {
    /** Not a valid volume name (engine names never contain '/'), so never a real volume. */
    private static final String PROBE = "/health-probe/";
    private final BlockEngine engine;

    public EngineHealthCheck(BlockEngine engine) {
        this.engine = engine;
    }

    @Override
    protected Result check() {
        try {
            engine.volume(PROBE);
            return Result.healthy();
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.NOT_FOUND) {
                return Result.healthy("open, %d volumes", engine.listVolumes().size());
            }
            return Result.unhealthy("engine %s: %s", e.kind(), e.getMessage());
        }
    }
}
