package io.basalt.admin.health;

import com.codahale.metrics.health.HealthCheck;
import io.basalt.coordination.ClusterStore;

/** Healthy while the ZooKeeper session is connected (SUSPENDED and LOST are not). */
public final class ZooKeeperHealthCheck extends HealthCheck {
    private final ClusterStore store;

    public ZooKeeperHealthCheck(ClusterStore store) {
        this.store = store;
    }

    @Override
    protected Result check() {
        if (store.isConnected()) {
            return Result.healthy("connected, session 0x%s, %d session losses since start",
                    Long.toHexString(store.sessionId()), store.sessionLosses());
        }
        return Result.unhealthy("not connected to ZooKeeper (connection %s)", store.connectionState());
    }
}
